"""The awards service 评比表彰, as the kernel runs it (DOMAIN.md A1–A7)."""

from shared.service import ServiceSpec

from .api import routes
from .application import AwardsApp
from .contract import CONTRACT
from .facts import EvaluationFacts, GradingFacts, PledgeOwners
from .notices import rules as notice_rules
from .pages import pages
from .projections import AwardsRecord

SPEC = ServiceSpec(
    title="评比表彰",
    application=AwardsApp,
    contract=CONTRACT,
    projections=lambda: [AwardsRecord(), GradingFacts(), EvaluationFacts(), PledgeOwners()],
    routes=routes,
    notices=notice_rules,
    pages=pages,
    public_pages=(
        ("/publicity", "拟表彰对象公示 Award candidates in publicity"),
        ("/honours", "光荣榜 Roll of honour"),
    ),
)
