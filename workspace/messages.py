"""消息与待办 — the workspace's messages and tasks (issue 13) — being written."""

from __future__ import annotations

from fastapi import APIRouter

from .web import Api

router = APIRouter()


async def home_items(api: Api) -> list[dict]:
    """What the home page lists for the logged-in person: ``{"text", "href", "when"}`` items, newest first."""
    return []
