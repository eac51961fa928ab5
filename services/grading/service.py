"""The grading service 晋位升级, as the kernel runs it."""

from shared.service import ServiceSpec

from .api import routes
from .application import GradingApp
from .contract import CONTRACT
from .projections import InstitutionFacts, MassResults, Reports

SPEC = ServiceSpec(
    title="晋位升级",
    application=GradingApp,
    contract=CONTRACT,
    projections=lambda: [MassResults(), Reports(), InstitutionFacts()],
    routes=routes,
)
