"""评议完成 (``cn.cxzy.evaluations.completed.v1``) for the grading tests: the 党员群众评议 of an org (E8)."""

from ..bus import PeerBus


class EvaluationsFeed(PeerBus):
    def __init__(self, stack) -> None:
        super().__init__(stack["grading"])

    async def completed(
        self,
        org_id: str,
        year: int,
        score: float,
        *,
        purpose: str = "org_mass",
        subject_type: str = "org",
        subject_id: str | None = None,
    ) -> str:
        return await self.evaluated(
            org_id, subject_type, subject_id or org_id, purpose, year, score, "满意" if score >= 80 else "基本满意"
        )
