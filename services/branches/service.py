"""The branch-life service 党支部创先争优 (B1–B6; seed 003), as the kernel runs it."""

from shared.service import ServiceSpec

from .api import routes
from .application import BranchesApp
from .contract import CONTRACT
from .pages import pages
from .projections import BranchLife, EvaluationFacts, GradingFacts

SPEC = ServiceSpec(
    title="党支部创先争优",
    application=BranchesApp,
    contract=CONTRACT,
    projections=lambda: [BranchLife(), GradingFacts(), EvaluationFacts()],
    routes=routes,
    pages=pages,
)
