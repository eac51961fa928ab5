"""The officers' console 工作台 II (issue 14): pages for org departments, committees and auditors under /ws.

Like the people's workspace, every page asks the services' JSON API as the logged-in officer, so the API's
rules decide (a guiding superior sees, the API refuses its decisions: H3) and its refusals are shown as
Chinese sentences. This package's ``router`` is included by workspace/app.py.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import awards, grading, grading_cycle, grading_reports

router = APIRouter()
for _module in (grading, grading_cycle, grading_reports, awards):
    router.include_router(_module.router)
