"""The evaluations service 评议, as the kernel runs it."""

from shared.service import ServiceSpec

from .api import routes
from .application import EvaluationsApp
from .ballots import BALLOT_DDL
from .contract import CONTRACT
from .jobs import close_due_rounds, open_pledge_rounds
from .notices import rules as notice_rules
from .pages import pages
from .projections import PledgesToEvaluate, Rounds

SPEC = ServiceSpec(
    title="评议",
    application=EvaluationsApp,
    contract=CONTRACT,
    projections=lambda: [Rounds(), PledgesToEvaluate()],
    routes=routes,
    notices=notice_rules,
    pages=pages,
    jobs=[open_pledge_rounds, close_due_rounds],
    ddl=BALLOT_DDL,
)
