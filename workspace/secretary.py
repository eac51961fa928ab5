"""Workspace pages of the secretary (issue 13) — being written."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
