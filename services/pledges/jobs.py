"""Scheduled work of the pledges service."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from shared.errors import Problem
from shared.logging import log
from shared.service import ServiceRuntime

from .application import PledgesApp
from .queries import overdue_unreminded


def remind_overdue(rt: ServiceRuntime[PledgesApp]) -> int:
    """督促 (P4): remind every overdue open pledge, at most once per reminder interval.
    The aggregate is the judge, so a stale read model or a second scheduler cannot double-remind."""
    app = rt.app
    today = app.today()
    before = (today - dt.timedelta(days=rt.settings.reminder_interval_days)).isoformat()
    reminded = 0
    for pledge_id in overdue_unreminded(rt.db, today.isoformat(), before):
        try:
            app.remind(UUID(pledge_id))
            reminded += 1
        except Problem as refused:
            log("jobs").debug("not reminded", pledge=pledge_id, reason=refused.detail)
    if reminded:
        log("jobs").info("督促 reminders recorded", count=reminded)
    return reminded
