"""Workspace pages of the directory (issue 13) — being written."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
