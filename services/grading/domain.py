"""GradingCycle 年度定级周期 and OrgGrading 组织定级 aggregates (DOMAIN.md G1–G8). No I/O.

    GradingCycle: 安排部署 (G1, G2) ── overrides by the issuing authority (G5) ── one tally per 定级确定
    OrgGrading:   自评 ─┐
                 上级评定 ─┼─▶ 定级确定 (G4) ──▶ 整改方案 (G6) ──▶ 整改进展 … ──▶ 考核验收 (G8, next cycle)
                 E8 score ┘

The cycle is saved together with every determination, so two determinations racing for the last
先进 place cannot both pass the ratio check (G5): the second one meets a version conflict.
Every public method checks its rule first and raises (recording nothing) when it is broken.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import Invalid, broken_rule, invalid

from .scheme import (
    canonical_ratio,
    canonical_scheme,
    check_points,
    combine,
    grade_for,
    rank_of,
    ratio_breach,
    refuse_ratio,
    scheme_hash,
    track_for,
    uses_mass,
)

NS = uuid.UUID("5b3c8f3e-2f7a-4f0e-9d55-7c1c3a9e6b21")


def cycle_id_for(scope: str, year: int) -> uuid.UUID:
    """One cycle per issuing scope and year (G1); the next year's cycle finds the previous one by it."""
    return uuid.uuid5(NS, f"cycle:{scope}:{year}")


def grading_id_for(cycle_id: uuid.UUID | str, org_id: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"grading:{cycle_id}:{org_id}")


refuse = broken_rule


class GradingCycle(Aggregate):
    class Deployed(Aggregate.Created, Stamped):
        year: int
        scope: str
        issuer_org_id: str
        schemes: dict  # domain → {"hash": …, "scheme": canonical scheme}
        ratio: dict
        orgs_in_scope: int
        deployed_by: str

    class OverrideRecorded(Stamped):
        org_id: str
        grade: str
        reason: str
        by: str

        def apply(self, cycle: GradingCycle) -> None:
            cycle.overrides[self.org_id] = {"grade": self.grade, "reason": self.reason, "by": self.by}

    class Tallied(Aggregate.Event):  # internal: the cycle's count for G5
        org_id: str
        rank: int
        rungs: int

        def apply(self, cycle: GradingCycle) -> None:
            cycle.determined += 1
            cycle.top += self.rank == 0
            cycle.bottom += self.rank == self.rungs - 1
            if self.org_id in cycle.overrides:
                cycle.overrides[self.org_id]["determined"] = True

    class Retallied(Aggregate.Event):  # internal: a corrected determination moves between rungs in the count
        old_rank: int
        new_rank: int
        rungs: int

        def apply(self, cycle: GradingCycle) -> None:
            last = self.rungs - 1
            cycle.top += (self.new_rank == 0) - (self.old_rank == 0)
            cycle.bottom += (self.new_rank == last) - (self.old_rank == last)

    def __init__(
        self,
        year: int,
        scope: str,
        issuer_org_id: str,
        schemes: dict,
        ratio: dict,
        orgs_in_scope: int,
        deployed_by: str,
        **_: Any,
    ):
        self.year, self.scope, self.issuer_org_id = year, scope, issuer_org_id
        self.schemes, self.ratio, self.orgs_in_scope, self.deployed_by = schemes, ratio, orgs_in_scope, deployed_by
        self.overrides: dict[str, dict] = {}
        # G5 needs only how many are determined and how many sit on the top and bottom rungs: a count,
        # not a list of orgs, so a cycle's state (and its snapshot) stays the same size at its
        # 100 000th org as at its first. Each org is determined once: its OrgGrading refuses a second.
        self.top = self.bottom = self.determined = 0

    @classmethod
    def deploy(
        cls,
        *,
        year: int,
        scope: str,
        issuer_org_id: str,
        schemes: dict,
        ratio: dict | None,
        orgs_in_scope: int,
        by: str,
        org: dict,
        trace: dict,
    ) -> GradingCycle:
        """安排部署 (G2): the year, a scheme per domain, the ratio rules (G5) and N, the orgs it covers."""
        if not isinstance(schemes, dict) or not schemes:
            raise invalid(
                "grading-scheme",
                "请至少为一个领域设定指标体系（schemes）(G2)",
                "Give an indicator scheme for at least one domain (schemes) (G2)",
            )
        canonical = {}
        for domain, raw in schemes.items():
            scheme = canonical_scheme(raw)
            canonical[domain] = {"hash": scheme_hash(scheme), "scheme": scheme}
        if orgs_in_scope < 1:
            raise refuse(
                "grading-no-orgs",
                "该范围内没有本周期所涉领域、且由本系统领导的基层党组织，无需部署；请检查范围和领域",
                "No base org in this scope is led by this hierarchy in the cycle's domains; check scope and domains",
            )
        return cls._create(
            cls.Deployed,
            id=cycle_id_for(scope, year),
            year=year,
            scope=scope,
            issuer_org_id=issuer_org_id,
            schemes=canonical,
            ratio=canonical_ratio(ratio),
            orgs_in_scope=orgs_in_scope,
            deployed_by=by,
            org=org,
            trace=trace,
        )

    def scheme_for(self, domain: str) -> dict:
        found = self.schemes.get(domain)
        if found is None:
            raise refuse(
                "grading-not-covered",
                f"本周期未为「{domain or '无'}」领域设定指标体系，该组织不在本周期定级范围内",
                f"This cycle has no scheme for domain {domain!r}: the org is not graded in it",
                domains=sorted(self.schemes),
            )
        return found

    def scheme_of(self, grading: OrgGrading) -> dict:
        """The scheme an org's grading was opened with (by hash), even if the org changed domain since."""
        return next(s["scheme"] for s in self.schemes.values() if s["hash"] == grading.scheme_hash)

    def counts(self) -> tuple[int, int, int]:
        """(on the top rung, on the bottom rung, determined)."""
        return self.top, self.bottom, self.determined

    def record_override(
        self, org_id: str, grade: str, ladder: list[dict], reason: str, by: str, org: dict, trace: dict
    ) -> None:
        """G5: the issuing authority lets one determination break the ratio rules, with a recorded reason."""
        if self.overrides.get(org_id, {}).get("determined"):
            raise refuse(
                "grading-state",
                f"{org_id} 已定级确定，不能再例外批准；例外批准须在定级确定之前记录",
                f"{org_id} is already determined; an override is recorded before the determination",
            )
        rank_of(ladder, grade)
        if not reason:
            raise invalid("grading-override", "例外批准须写明理由 (G5)", "An override gives its reason (G5)")
        self.trigger_event(
            self.OverrideRecorded, org_id=org_id, grade=grade, reason=reason, by=by, org=org, trace=trace
        )

    def admit(self, org_id: str, grade: str, rank: int, rungs: int) -> dict | None:
        """G5 check for one determination: None if within the rules, the override used if not, else Refused."""
        top, bottom, determined = self.counts()
        breach = ratio_breach(self.ratio, self.orgs_in_scope, top, bottom, determined, rank, rungs)
        if breach is None:
            return None
        override = self.overrides.get(org_id)
        if override is None or override["grade"] != grade:
            raise refuse_ratio(breach)
        return {"reason": override["reason"], "by": override["by"]}

    def tally(self, org_id: str, rank: int, rungs: int) -> None:
        self.trigger_event(self.Tallied, org_id=org_id, rank=rank, rungs=rungs)

    def admit_correction(self, old_rank: int, new_rank: int, rungs: int) -> None:
        """G5 for a correction (G4): the org is counted as if it were determined anew on its new rung."""
        last = rungs - 1
        top, bottom, determined = self.counts()
        breach = ratio_breach(
            self.ratio,
            self.orgs_in_scope,
            top - (old_rank == 0),
            bottom - (old_rank == last),
            determined - 1,
            new_rank,
            rungs,
        )
        if breach is not None:
            raise refuse_ratio(breach)
        self.trigger_event(self.Retallied, old_rank=old_rank, new_rank=new_rank, rungs=rungs)


class OrgGrading(Aggregate):
    class Opened(Aggregate.Created, Stamped):  # internal
        cycle_id: str
        org_id: str
        year: int
        domain: str
        scheme_hash: str

    class SelfAssessed(Stamped):
        cycle_id: str
        org_id: str
        year: int
        scheme_hash: str
        items: dict
        evidence: dict

        def apply(self, g: OrgGrading) -> None:
            g.self_points, g.evidence = self.items, self.evidence

    class SuperiorAssessed(Stamped):
        cycle_id: str
        org_id: str
        year: int
        scheme_hash: str
        items: dict
        comment: str | None
        by: str

        def apply(self, g: OrgGrading) -> None:
            g.superior_points = self.items

    class Determined(Stamped):
        """定级确定. Version 2 of the domain event records ``determined_on`` (the business day of the
        determination); events stored as version 1 are upcast from their timestamp when read."""

        class_version = 2
        cycle_id: str
        org_id: str
        year: int
        grade: str
        rank: int
        ladder: list
        advanced: bool
        score: float
        scheme_hash: str
        override: dict | None
        suggested_grade: str
        adjust_reason: str | None
        parts: dict
        mass: dict | None
        previous: dict | None
        by: str
        determined_on: str

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["determined_on"] = state["timestamp"].date().isoformat()

        def apply(self, g: OrgGrading) -> None:
            g.grade, g.rank, g.rungs, g.score = self.grade, self.rank, len(self.ladder), self.score

    class Corrected(Stamped):
        """定级更正 (G4): a determination made in error, put right by the leading superior with a reason; the
        original 定级确定 stays in the history."""

        cycle_id: str
        org_id: str
        year: int
        grade: str
        rank: int
        ladder: list
        advanced: bool
        previous_grade: str
        previous_rank: int
        reason: str
        by: str
        corrected_on: str

        def apply(self, g: OrgGrading) -> None:
            g.grade, g.rank = self.grade, self.rank

    class RectificationPlanned(Stamped):
        org_id: str
        cycle_id: str
        year: int
        track: str
        problems: list
        measures: list
        due: str

        def apply(self, g: OrgGrading) -> None:
            g.plan = {"track": self.track, "due": self.due}

    class ProgressReported(Stamped):
        org_id: str
        cycle_id: str
        year: int
        text: str
        evidence: list
        done: bool

        def apply(self, g: OrgGrading) -> None:
            g.progress_count += 1
            g.rectified = g.rectified or self.done

    class RectificationAccepted(Stamped):
        org_id: str
        cycle_id: str
        year: int
        passed: bool
        comment: str
        in_cycle_id: str
        by: str

        def apply(self, g: OrgGrading) -> None:
            g.accepted = self.passed

    def __init__(self, cycle_id: str, org_id: str, year: int, domain: str, scheme_hash: str, **_: Any):
        self.cycle_id, self.org_id, self.year, self.domain, self.scheme_hash = (
            cycle_id,
            org_id,
            year,
            domain,
            scheme_hash,
        )
        self.self_points: dict | None = None
        self.evidence: dict = {}
        self.superior_points: dict | None = None
        self.grade: str | None = None
        self.rank: int | None = None
        self.rungs = 0
        self.score: float | None = None
        self.plan: dict | None = None
        self.progress_count = 0
        self.rectified = False
        self.accepted: bool | None = None

    @classmethod
    def open(
        cls, cycle_id: str, org_id: str, year: int, domain: str, scheme_hash_: str, org: dict, trace: dict
    ) -> OrgGrading:
        return cls._create(
            cls.Opened,
            id=grading_id_for(cycle_id, org_id),
            cycle_id=cycle_id,
            org_id=org_id,
            year=year,
            domain=domain,
            scheme_hash=scheme_hash_,
            org=org,
            trace=trace,
        )

    @property
    def state(self) -> str:
        if self.accepted is not None:
            return "accepted"
        if self.plan is not None:
            return "rectifying"
        if self.grade is not None:
            return "determined"
        return "assessing"

    def _ids(self) -> dict:
        return {"cycle_id": self.cycle_id, "org_id": self.org_id, "year": self.year}

    def _not_determined(self, action_zh: str) -> None:
        if self.grade is not None:
            raise refuse(
                "grading-state",
                f"{self.org_id} 已定级确定，不能再{action_zh}",
                f"{self.org_id} is already determined; its assessments cannot change",
                state=self.state,
            )

    # 分类定级 (G3, G4) ------------------------------------------------------------------------------
    def self_assess(self, scheme: dict, points: dict, evidence: dict, org: dict, trace: dict) -> None:
        """自评: points per sub-item with evidence; may be redone until the determination."""
        self._not_determined("自评")
        clean = check_points(scheme, points)
        unknown = set(evidence) - set(clean)
        if unknown:
            raise invalid(
                "grading-points",
                f"佐证材料对应的子项 {'、'.join(sorted(unknown))} 不在指标体系中，请核对子项编号",
                f"Evidence names sub-items not in the scheme: {', '.join(sorted(unknown))}; check the codes",
            )
        self.trigger_event(
            self.SelfAssessed,
            **self._ids(),
            scheme_hash=self.scheme_hash,
            items=clean,
            evidence=evidence,
            org=org,
            trace=trace,
        )

    def superior_assess(self, scheme: dict, points: dict, comment: str | None, by: str, org: dict, trace: dict) -> None:
        """上级评定 by the leading superior (H3; the caller checks who)."""
        self._not_determined("上级评定")
        self.trigger_event(
            self.SuperiorAssessed,
            **self._ids(),
            scheme_hash=self.scheme_hash,
            items=check_points(scheme, points),
            comment=comment,
            by=by,
            org=org,
            trace=trace,
        )

    def proposal(
        self,
        scheme: dict,
        mass: dict | None,
        grade: str | None,
        reason: str | None,
        previous: dict | None,
        institution: bool = False,
    ) -> dict:
        """What a determination would record — checked, nothing recorded (G3, G8)."""
        self._not_determined("定级")
        if self.self_points is None:
            raise refuse(
                "grading-incomplete",
                f"{self.org_id} 尚未自评 (G3)：请其党组织书记先提交自评，再定级确定",
                f"{self.org_id} has not self-assessed (G3): its secretary self-assesses first",
            )
        if self.superior_points is None:
            raise refuse(
                "grading-incomplete",
                f"{self.org_id} 尚无上级评定 (G3)：请先作出上级评定，再定级确定",
                f"{self.org_id} has no superior assessment yet (G3): assess it first",
            )
        if uses_mass(scheme) and mass is None:
            raise refuse(
                "grading-incomplete",
                f"尚未收到 {self.org_id} {self.year} 年度的党员群众评议结果 (E8)：请先完成该评议，再定级确定",
                f"No 党员群众评议 result (E8) for {self.org_id} in {self.year} yet: complete that evaluation first",
            )
        parts = combine(scheme, self.self_points, self.superior_points, mass["score"] if mass else None, institution)
        ladder = scheme["ladder"]
        suggested, _ = grade_for(ladder, parts["score"])
        chosen = grade or suggested
        rank = rank_of(ladder, chosen)
        if chosen != suggested and not reason:
            raise Invalid(
                f"the score {parts['score']} suggests {suggested}; another grade needs a reason",
                slug="grading-adjust",
                title_zh=f"得分 {parts['score']} 对应「{suggested}」，改定其他等次须写明理由（reason）",
                title_en=f"The score {parts['score']} suggests {suggested}; another grade needs a reason",
            )
        if rank == 0 and previous is not None and previous.get("accepted") is False:
            raise refuse(
                "grading-acceptance",
                f"{self.org_id} 上年整改考核验收未通过，本年不能定为「{chosen}」，请定为其他等次 (G8)",
                f"{self.org_id} failed last year's rectification acceptance: not eligible for the top rung (G8)",
            )
        return {
            "grade": chosen,
            "rank": rank,
            "ladder": [r["grade"] for r in ladder],
            "advanced": rank == 0,
            "score": parts["score"],
            "suggested_grade": suggested,
            "adjust_reason": reason if chosen != suggested else None,
            "parts": parts,
            "mass": mass,
            "previous": previous,
        }

    def determine(self, proposal: dict, override: dict | None, by: str, on: dt.date, org: dict, trace: dict) -> None:
        """定级确定 (G4) on the day ``on``: only after :meth:`proposal` and the cycle's G5 check."""
        self._not_determined("定级")
        self.trigger_event(
            self.Determined,
            **self._ids(),
            scheme_hash=self.scheme_hash,
            override=override,
            by=by,
            determined_on=on.isoformat(),
            **proposal,
            org=org,
            trace=trace,
        )

    def correct(
        self, ladder: list[dict], grade: str, reason: str, by: str, on: dt.date, org: dict, trace: dict
    ) -> None:
        """定级更正 (G4): only a determined org, only before its rectification plan (G6) builds on the grade,
        only to another grade on its ladder, always with a reason."""
        if self.grade is None or self.rank is None:
            raise refuse(
                "grading-state",
                f"{self.org_id} 尚未定级确定，无需更正；请直接定级确定",
                f"{self.org_id} is not determined yet: determine it instead of correcting",
                state=self.state,
            )
        if self.plan is not None:
            raise refuse(
                "grading-state",
                f"{self.org_id} 已按「{self.grade}」制定整改方案，不能再更正定级 (G4, G6)；确有错误请在下一年度定级中纠正",
                f"{self.org_id} has planned its rectification on {self.grade!r}: the grade can no longer be corrected",
                state=self.state,
            )
        if not (reason or "").strip():
            raise invalid(
                "grading-correction", "更正定级须写明理由（reason）(G4)", "A correction gives its reason (G4)"
            )
        rank = rank_of(ladder, grade)
        if grade == self.grade:
            raise invalid(
                "grading-correction",
                f"{self.org_id} 已定为「{grade}」，更正须改为其他等次",
                f"{self.org_id} is {grade!r} already: a correction changes the grade",
            )
        self.trigger_event(
            self.Corrected,
            **self._ids(),
            grade=grade,
            rank=rank,
            ladder=[r["grade"] for r in ladder],
            advanced=rank == 0,
            previous_grade=self.grade,
            previous_rank=self.rank,
            reason=reason.strip(),
            by=by,
            corrected_on=on.isoformat(),
            org=org,
            trace=trace,
        )

    # 整改提高 (G6) and 考核验收 (G8) ---------------------------------------------------------------------
    def plan_rectification(self, problems: list[str], measures: list[str], due: str, org: dict, trace: dict) -> None:
        if self.grade is None or self.rank is None:
            raise refuse(
                "grading-state",
                f"{self.org_id} 尚未定级确定，不能制定整改方案；请待定级确定后再制定 (G6)",
                f"{self.org_id} is not determined yet: plan the rectification after the determination (G6)",
                state=self.state,
            )
        if self.plan is not None:
            raise refuse(
                "grading-state",
                "整改方案已经制定，不能重复制定；请报告整改进展",
                "The rectification plan exists already; report progress on it instead",
                state=self.state,
            )
        if not problems or not measures:
            raise invalid(
                "grading-plan",
                "整改方案须列明存在的问题（problems）和整改措施（measures）(G6)",
                "A plan lists its problems and measures (G6)",
            )
        self.trigger_event(
            self.RectificationPlanned,
            **self._ids(),
            track=track_for(self.rank, self.rungs),
            problems=problems,
            measures=measures,
            due=due,
            org=org,
            trace=trace,
        )

    def report_progress(self, text: str, evidence: list[str], done: bool, org: dict, trace: dict) -> None:
        if self.plan is None or self.accepted is not None or self.rectified:
            raise refuse(
                "grading-state",
                "只有已制定、尚未完成且未经验收的整改方案才能报告进展；请先制定整改方案 (G6)",
                "Progress is reported on a planned, unfinished, unaccepted rectification; plan one first (G6)",
                state=self.state,
            )
        self.trigger_event(
            self.ProgressReported, **self._ids(), text=text, evidence=evidence, done=done, org=org, trace=trace
        )

    def accept(self, passed: bool, comment: str, in_cycle_id: str, by: str, org: dict, trace: dict) -> None:
        """考核验收 (G8) at the start of the next cycle, by the leading superior."""
        if self.plan is None:
            raise refuse(
                "grading-state",
                f"{self.org_id} 上年未制定整改方案，无从考核验收，也无需验收 (G8)",
                f"{self.org_id} has no rectification plan to accept (G8)",
                state=self.state,
            )
        if self.accepted is not None:
            raise refuse(
                "grading-state",
                "该整改已经考核验收，不能重复验收",
                "The rectification is accepted already; it is accepted once",
                state=self.state,
            )
        self.trigger_event(
            self.RectificationAccepted,
            **self._ids(),
            passed=passed,
            comment=comment,
            in_cycle_id=in_cycle_id,
            by=by,
            org=org,
            trace=trace,
        )


def correct_grade(
    cycle: GradingCycle,
    grading: OrgGrading,
    grade: str,
    reason: str,
    previous: dict | None,
    by: str,
    on: dt.date,
    org: dict,
    trace: dict,
) -> None:
    """定级更正 (G4), the whole rule: a new grade on the org's ladder, with its reason, admitted by the cycle's
    ratio rules as if the org were determined anew (G5) and by last year's acceptance (G8); both saved together."""
    ladder = cycle.scheme_of(grading)["ladder"]
    old_rank = grading.rank if grading.rank is not None else -1
    grading.correct(ladder, grade, reason, by, on, org, trace)
    new_rank = rank_of(ladder, grade)
    if new_rank == 0 and previous is not None and previous.get("accepted") is False:
        raise refuse(
            "grading-acceptance",
            f"{grading.org_id} 上年整改考核验收未通过，本年不能定为「{grade}」(G8)",
            f"{grading.org_id} failed last year's rectification acceptance: not eligible for the top rung (G8)",
        )
    cycle.admit_correction(old_rank, new_rank, len(ladder))


def determine_grade(
    cycle: GradingCycle,
    grading: OrgGrading,
    mass: dict | None,
    grade: str | None,
    reason: str | None,
    previous: dict | None,
    by: str,
    on: dt.date,
    org: dict,
    trace: dict,
    institution: bool = False,
) -> dict:
    """定级确定 (G3–G5, G8), the whole rule: the grade the scores and inputs propose (or the one the
    superior chose, with its reason), admitted by the cycle's ratio rules (or its recorded override),
    determined on the org, and counted in the cycle. Both aggregates are saved together."""
    proposal = grading.proposal(cycle.scheme_of(grading), mass, grade, reason, previous, institution)
    rungs = len(proposal["ladder"])
    override = cycle.admit(grading.org_id, proposal["grade"], proposal["rank"], rungs)
    grading.determine(proposal, override, by, on, org, trace)
    cycle.tally(grading.org_id, proposal["rank"], rungs)
    return proposal
