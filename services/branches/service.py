"""The branch-life service 党支部创先争优 (B1, B2, B5; seed 003), as the kernel runs it."""

from shared.service import ServiceSpec

from .api import routes
from .application import BranchesApp
from .contract import CONTRACT
from .pages import pages
from .projections import BranchLife

SPEC = ServiceSpec(
    title="党支部创先争优",
    application=BranchesApp,
    contract=CONTRACT,
    projections=lambda: [BranchLife()],
    routes=routes,
    pages=pages,
)
