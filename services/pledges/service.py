"""The pledges service 承诺践诺, as the kernel runs it."""

from shared.service import ServiceSpec

from .api import routes
from .application import PledgesApp
from .contract import CONTRACT
from .jobs import remind_overdue
from .notices import rules as notice_rules
from .pages import pages
from .projections import EvaluationResults, Ledger

SPEC = ServiceSpec(
    title="承诺践诺",
    application=PledgesApp,
    contract=CONTRACT,
    projections=lambda: [Ledger(), EvaluationResults()],
    routes=routes,
    notices=notice_rules,
    pages=pages,
    public_pages=(("/public", "党员承诺公开 Pledges made public"),),
    jobs=[remind_overdue],
)
