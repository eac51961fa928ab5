"""HTTP of the pledges service: the ledger 承诺台账 (P9), of one org or of every org under a scope (H4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from shared.api import Caller, CallerScope, Paging, YearFilter
from shared.auth import require_sees
from shared.service import ServiceRuntime

from ..application import PledgesApp
from ..queries import fulfilment, ledger_rows


def ledger_filters(
    page: Paging,
    state: str | None = None,
    kind: str | None = None,
    member: str | None = None,
    overdue: bool | None = None,
    year: YearFilter = None,
) -> dict:
    """The ledger's filters, the same for one org and for a scope."""
    return {
        "state": state,
        "kind": kind,
        "member": member,
        "overdue": overdue,
        "year": year,
        "limit": page.limit,
        "offset": page.offset,
    }


Filters = Annotated[dict, Depends(ledger_filters)]


def router(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()

    @router.get("/orgs/{org_id}/ledger", summary="承诺台账 of one org (incl. 流动党员 pledging here, P6)")
    def org_ledger(org_id: str, who: Caller, filters: Filters) -> dict:
        require_sees(who, rt.directory.position(org_id))
        rows = ledger_rows(
            rt.db, "(org_id = ? OR host_org_id = ?)", [org_id, org_id], today=app.today().isoformat(), **filters
        )
        return app.ledger_as_seen_by(who, rows)

    @router.get("/ledger", summary="ledgers of every org under a scope (superiors)")
    def scope_ledger(who: Caller, scope: CallerScope, filters: Filters) -> dict:
        where, params = scope.sql_filter()
        return app.ledger_as_seen_by(who, ledger_rows(rt.db, where, params, today=app.today().isoformat(), **filters))

    @router.get("/reports/fulfilment", summary="践诺率 and 督促率 of a scope's ledger (P4; the officers' dashboards)")
    def fulfilment_report(who: Caller, scope: CallerScope, year: YearFilter = None) -> dict:
        where, params = scope.sql_filter()
        today = app.today().isoformat()
        return {"scope": str(scope), "year": year, "today": today} | fulfilment(
            rt.db, where, params, year=year, today=today
        )

    return router
