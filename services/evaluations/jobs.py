"""Scheduled work of the evaluations service (ServiceSpec.jobs: every scheduler interval, idempotent)."""

from __future__ import annotations

from uuid import UUID

from shared.application import causation_id
from shared.errors import Problem
from shared.logging import correlation_id, log
from shared.service import ServiceRuntime

from .application import EvaluationsApp
from .projections import queue_annual


def open_pledge_rounds(rt: ServiceRuntime[EvaluationsApp]) -> int:
    """P7: open the round every queued pledge needs — ad-hoc ones as they finish (一事一评), annual ones once
    their year is over (the yearly batch). Round ids are uuid5 of the pledge id, so a second run, a second
    scheduler or a replayed queue opens nothing twice. Each round carries the causing pledge event's ids."""
    queue_annual(rt.db, "year < ?", [rt.app.today().year])
    opened = 0
    for row in rt.db.query("SELECT * FROM ev_to_open WHERE opened_round IS NULL ORDER BY queued_at, pledge_id"):
        correlation_id.set(row["correlation_id"])
        causation_id.set(row["cause_event_id"])
        try:
            r = rt.app.open_pledge_round(row["pledge_id"])
        except Problem as refused:
            log("jobs").warning("pledge round not opened", pledge=row["pledge_id"], reason=refused.detail)
            continue
        finally:
            causation_id.set(None)
        with rt.db.transaction() as tx:
            tx.execute("UPDATE ev_to_open SET opened_round = ? WHERE pledge_id = ?", [str(r.id), row["pledge_id"]])
        opened += 1
    correlation_id.set(None)
    if opened:
        log("jobs").info("pledge rounds opened (P7)", count=opened)
    return opened


def close_due_rounds(rt: ServiceRuntime[EvaluationsApp]) -> int:
    """E6: the day after its end date a round closes — completed if 参与面 was met, lapsed if not.
    The aggregate judges, so a stale read model cannot close a round twice."""
    today = rt.app.today().isoformat()
    closed = 0
    for row in rt.db.query(
        "SELECT round_id FROM ev_rounds WHERE state = 'open' AND end_on < ? ORDER BY end_on", [today]
    ):
        try:
            rt.app.close_round(None, UUID(row["round_id"]))
            closed += 1
        except Problem as refused:
            log("jobs").debug("round not closed", round=row["round_id"], reason=refused.detail)
    if closed:
        log("jobs").info("rounds closed on schedule", count=closed)
    return closed
