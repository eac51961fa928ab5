"""Workspace pages of the secretary of a base org (issue 13): 待审承诺 (P4, P5), 承诺台账 with its Excel export
(P9), 设岗定责 (P6), 评议 with the windows' QR posters (E1, E5, E6, E7), 自评 (G3) and 推荐表彰 (A3).

Every page asks the services' API as the logged-in secretary (workspace/web.py), so the API's rules decide
what she may do; the pages show names (people book, directory), never ids alone.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    secretary_awards,
    secretary_grading,
    secretary_ledger,
    secretary_posts,
    secretary_review,
    secretary_rounds,
)

router = APIRouter()
for _module in (
    secretary_review,
    secretary_ledger,
    secretary_posts,
    secretary_rounds,
    secretary_grading,
    secretary_awards,
):
    router.include_router(_module.router)
