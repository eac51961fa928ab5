"""Workspace pages of the member (issue 13) — being written."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
