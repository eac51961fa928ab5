"""HTTP of the pledges service: ledger."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller, CallerScope, Paging, YearFilter
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import PledgesApp
from ..queries import ledger_rows


def router(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    def filters(
        state: str | None, kind: str | None, member: str | None, overdue: bool | None, year: int | None, page
    ) -> dict:
        return {
            "state": state,
            "kind": kind,
            "member": member,
            "overdue": overdue,
            "year": year,
            "today": app.today().isoformat(),
            "limit": page.limit,
            "offset": page.offset,
        }

    @router.get("/orgs/{org_id}/ledger", summary="承诺台账 of one org (incl. 流动党员 pledging here, P6)")
    def org_ledger(
        org_id: str,
        who: Caller,
        page: Paging,
        state: str | None = None,
        kind: str | None = None,
        member: str | None = None,
        overdue: bool | None = None,
        year: YearFilter = None,
    ) -> dict:
        require_sees(who, rt.directory.position(org_id))
        rows = ledger_rows(
            rt.db,
            "(org_id = ? OR host_org_id = ?)",
            [org_id, org_id],
            **filters(state, kind, member, overdue, year, page),
        )
        return app.ledger_as_seen_by(who, rows)

    @router.get("/ledger", summary="ledgers of every org under a scope (superiors)")
    def scope_ledger(
        who: Caller,
        page: Paging,
        scope: CallerScope,
        state: str | None = None,
        kind: str | None = None,
        member: str | None = None,
        overdue: bool | None = None,
        year: YearFilter = None,
    ) -> dict:
        where, params = scope.sql_filter()
        return app.ledger_as_seen_by(
            who, ledger_rows(rt.db, where, params, **filters(state, kind, member, overdue, year, page))
        )

    return router
