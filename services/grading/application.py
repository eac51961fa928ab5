"""The grading write model: each command checks the actor (shared.auth, H3), the directory replica and
the aggregates, then records — or refuses and records nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from uuid import UUID

from shared.application import ServiceApplication, retried
from shared.auth import (
    Identity,
    forbidden,
    require_authority,
    require_leading,
    require_secretary,
    require_sees,
    sees_subtree,
)
from shared.directory.domain import DOMAINS
from shared.directory.replica import OrgRecord
from shared.errors import NotFound, broken_rule, invalid, not_found
from shared.scope import Scope, parse_scope

from . import queries as reports
from .domain import GradingCycle, OrgGrading, correct_grade, cycle_id_for, determine_grade, grading_id_for
from .domain import refuse as refuse_state
from .queries import has_institution, mass_result

COUNTY_DEPTH = 3  # G1: a county-or-higher organisation dept issues the territorial cycle


class GradingApp(ServiceApplication):
    # a cycle is loaded for every determination: from a snapshot and at most this many events since (G5 stays flat)
    snapshotting_intervals = {GradingCycle: 100}

    # 安排部署 (G1, G2) ---------------------------------------------------------------------------------
    def deploy(
        self, actor: Identity, *, year: int, scope: str, issuer_org_id: str, schemes: dict, ratio: dict | None
    ) -> GradingCycle:
        parsed = parse_scope(scope)
        require_authority(
            actor,
            parsed,
            "只有组织部门可以安排部署定级工作 (G1)，请由县级以上党委组织部门部署",
            "only an organisation dept deploys a grading cycle (G1)",
            roles=("org_admin",),
        )
        if parsed.hierarchy == "local" and len(parsed.path) > COUNTY_DEPTH:
            raise invalid(
                "grading-issuer",
                f"范围 {parsed} 低于县级：定级工作须由县级以上组织部门部署，请改用县级或更高的范围 (G1)",
                f"{parsed} is below county level: a cycle is deployed for a county or higher; use such a scope (G1)",
            )
        unknown = sorted(set(schemes) - set(DOMAINS))
        if unknown:
            raise invalid(
                "grading-domain",
                f"领域 {'、'.join(unknown)} 不存在，请从 {'、'.join(DOMAINS)} 中选择",
                f"Unknown domains {', '.join(unknown)}; choose from {', '.join(DOMAINS)}",
            )
        issuer = self.directory.org(issuer_org_id)
        if not parsed.contains(issuer.position):
            raise invalid(
                "grading-issuer",
                f"部署机关 {issuer_org_id} 不在部署范围 {parsed} 内，请填写该范围内的组织部门所在党委",
                f"The issuer {issuer_org_id} is outside {parsed}; name the committee of that scope",
            )
        if self.exists(cycle_id_for(str(parsed), year)):
            raise refuse_state(
                "grading-cycle-exists",
                f"{parsed} 的 {year} 年度定级周期已经部署，无需重复部署",
                f"the {year} cycle of {parsed} is deployed already",
            )
        covered = [o for o in self.directory.orgs_in(parsed) if self.covers(parsed, schemes, o)]
        cycle = GradingCycle.deploy(
            year=year,
            scope=str(parsed),
            issuer_org_id=issuer_org_id,
            schemes=schemes,
            ratio=ratio,
            orgs_in_scope=len(covered),
            by=actor.sub,
            org=issuer.position.as_dict(),
            trace=self.trace(),
        )
        self.save(cycle)
        return cycle

    def cycle(self, cycle_id: UUID) -> GradingCycle:
        return self.load(cycle_id, "cycle", "定级周期")

    def sees_cycle(self, actor: Identity, cycle: GradingCycle) -> bool:
        """H4: the cycle is visible to scopes above or below its own (either direction of the subtree), to an org
        it covers, and to a guiding superior of an org it covers (H3: a guiding superior sees, does not decide)."""
        if actor.role == "downstream":
            return False
        if sees_subtree(actor, Scope.parse(cycle.scope)):
            return True
        if actor.org:
            try:
                own = self.directory.org(actor.org)
            except NotFound:
                own = None
            if own is not None and self._covers(cycle, own):
                return True
        return bool(actor.scopes) and bool(self.orgs_seen_in(actor, cycle))

    def require_sees_cycle(self, actor: Identity, cycle: GradingCycle) -> None:
        if not self.sees_cycle(actor, cycle):
            raise forbidden(
                actor,
                f"定级周期 {cycle.scope} {cycle.year} 年度不在您的管辖范围内，请查看您管辖范围内的定级周期",
                f"cycle {cycle.id} ({cycle.scope}) is outside your scope",
            )

    def overrides_seen_by(self, actor: Identity, cycle: GradingCycle) -> dict:
        """G5 overrides name one org each: a reader sees those of the orgs it sees (H4)."""
        return {org_id: o for org_id, o in cycle.overrides.items() if actor.sees(self.directory.position(org_id))}

    def covers(self, scope: Scope, domains: Iterable[str], org: OrgRecord) -> bool:
        """What a cycle covers (G1, G2, H3): the base orgs in its scope that its hierarchy leads, of a domain it
        has a scheme for — not the committees above them, even when they carry a domain."""
        return (
            scope.contains(org.position)
            and org.leading_hierarchy == scope.hierarchy
            and org.domain in domains
            and self.directory.is_base_org(org)
        )

    def cycles_covering(self, org_id: str) -> list[dict]:
        """The cycles that grade an org (G1, G2, H3), newest year first, each with the scheme of its domain."""
        org = self.directory.org(org_id)
        return [
            {k: row[k] for k in ("cycle_id", "year", "scope", "issuer_org_id")}
            | {"scheme_hash": self.cycle(UUID(row["cycle_id"])).scheme_for(org.domain)["hash"]}
            for row in reports.cycle_rows(self.views)
            if self.covers(Scope.parse(row["scope"]), row["domains"], org)
        ]

    def orgs_seen_in(self, actor: Identity, cycle: GradingCycle) -> list[OrgRecord]:
        """The orgs a cycle covers that ``actor`` sees (H4) — whether it leads them or only guides them (H3)."""
        return [
            o
            for o in self.directory.orgs_in(Scope.parse(cycle.scope))
            if self._covers(cycle, o) and actor.sees(o.position)
        ]

    def cycles_seen_by(self, actor: Identity) -> list[GradingCycle]:
        """The cycles ``actor`` may read (H4), newest year first: its subtree's and those grading orgs it guides."""
        cycles = (self.cycle(UUID(row["cycle_id"])) for row in reports.cycle_rows(self.views))
        return [cycle for cycle in cycles if self.sees_cycle(actor, cycle)]

    def queue(self, actor: Identity, cycle: GradingCycle) -> list[dict]:
        """分类定级 queue: each covered org the reader sees, whether it leads it (H3), and its grading so far."""
        rows = []
        for org in self.orgs_seen_in(actor, cycle):
            gid = grading_id_for(cycle.id, org.org_id)
            g: OrgGrading | None = self.repository.get(gid) if self.exists(gid) else None
            rows.append(
                {
                    "org_id": org.org_id,
                    "domain": org.domain,
                    "mode": org.mode,
                    "leads": actor.leads(org.position, org.leading_hierarchy),
                    "state": g.state if g else "assessing",
                    "self_assessed": bool(g and g.self_points is not None),
                    "superior_assessed": bool(g and g.superior_points is not None),
                    "mass": mass_result(self.views, org.org_id, cycle.year),
                    "grade": g.grade if g else None,
                    "score": g.score if g else None,
                    "plan": g.plan if g else None,
                    "progress_count": g.progress_count if g else 0,
                    "rectified": bool(g and g.rectified),
                    "accepted": g.accepted if g else None,
                }
            )
        return rows

    def _covers(self, cycle: GradingCycle, org: OrgRecord) -> bool:
        return self.covers(Scope.parse(cycle.scope), cycle.schemes, org)

    def ungraded(self, scope: Scope, year: int) -> list[dict]:
        """Base orgs in ``scope`` that a cycle of ``year`` covers, whichever hierarchy's (H4), not yet graded."""
        cycles = reports.cycles_of(self.views, year)
        return [
            {
                "org_id": org.org_id,
                "domain": org.domain,
                "mode": org.mode,
                "local_path": org.local_path,
                "vertical_path": org.vertical_path,
                "leading_hierarchy": org.leading_hierarchy,
            }
            for org in reports.not_graded(self.views, scope, year)
            if any(self.covers(cycle_scope, domains, org) for cycle_scope, domains in cycles)
        ]

    def _covered_org(self, cycle: GradingCycle, org_id: str) -> OrgRecord:
        org = self.directory.org(org_id)
        scope = Scope.parse(cycle.scope)
        if not scope.contains(org.position):
            raise refuse_state(
                "grading-not-covered",
                f"{org_id} 不在本周期范围 {cycle.scope} 内，请在管辖它的定级周期中办理",
                f"{org_id} is outside the cycle's scope {cycle.scope}",
            )
        if org.leading_hierarchy != scope.hierarchy:
            raise refuse_state(
                "grading-not-covered",
                f"{org_id} 的管理方式为 {org.mode}，由{'垂直' if org.mode == 'c' else '属地'}系统领导定级 (H3)，"
                "请在该系统部署的定级周期中办理",
                f"{org_id} (mode {org.mode}) is graded by its leading {org.leading_hierarchy} hierarchy's cycle (H3)",
            )
        if not self.directory.is_base_org(org):
            raise refuse_state(
                "grading-not-covered",
                f"{org_id} 是领导其他党组织的上级党委，不是基层党组织，不参加分类定级；请为其下属基层党组织定级",
                f"{org_id} leads other orgs: it is not a base org and is not graded; grade the base orgs under it",
            )
        cycle.scheme_for(org.domain)
        return org

    # 分类定级 (G3, G4, G5) --------------------------------------------------------------------------------
    def grading(self, cycle_id: UUID, org_id: str) -> OrgGrading:
        return self.load(grading_id_for(cycle_id, org_id), "grading", "定级记录")

    def _grading_for(self, cycle: GradingCycle, org: OrgRecord) -> OrgGrading:
        gid = grading_id_for(cycle.id, org.org_id)
        if self.exists(gid):
            return self.repository.get(gid)
        return OrgGrading.open(
            str(cycle.id),
            org.org_id,
            cycle.year,
            org.domain,
            cycle.scheme_for(org.domain)["hash"],
            org.position.as_dict(),
            self.trace(),
        )

    def self_assess(self, actor: Identity, cycle_id: UUID, org_id: str, items: dict, evidence: dict) -> OrgGrading:
        """自评 by the org itself (its secretary)."""
        require_secretary(actor, org_id, ("提交定级自评", "self-assess"))
        cycle = self.cycle(cycle_id)
        org = self._covered_org(cycle, org_id)
        grading = self._grading_for(cycle, org)
        grading.self_assess(cycle.scheme_of(grading), items, evidence, org.position.as_dict(), self.trace())
        self.save(grading)
        return grading

    def superior_assess(
        self, actor: Identity, cycle_id: UUID, org_id: str, items: dict, comment: str | None
    ) -> OrgGrading:
        """上级评定: the leading superior only (H3); a guiding one is refused with that reason."""
        org = self.directory.org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("作出上级评定", "assess it"))
        cycle = self.cycle(cycle_id)
        self._covered_org(cycle, org_id)
        grading = self._grading_for(cycle, org)
        grading.superior_assess(
            cycle.scheme_of(grading), items, comment, actor.sub, org.position.as_dict(), self.trace()
        )
        self.save(grading)
        return grading

    def record_override(self, actor: Identity, cycle_id: UUID, org_id: str, grade: str, reason: str) -> GradingCycle:
        """G5 例外: the issuing authority (an org dept over the cycle's scope) allows one determination."""
        cycle = self.cycle(cycle_id)
        require_authority(
            actor,
            Scope.parse(cycle.scope),
            "只有部署本周期定级工作的组织部门可以例外批准 (G5)",
            "only the issuing organisation dept may override the ratio rules (G5)",
            roles=("org_admin",),
        )
        org = self._covered_org(cycle, org_id)
        gid = grading_id_for(cycle.id, org_id)
        if self.exists(gid) and self.repository.get(gid).grade is not None:
            raise broken_rule(
                "grading-state",
                f"{org_id} 已定级确定，不能再例外批准；例外批准须在定级确定之前记录",
                f"{org_id} is already determined; an override is recorded before the determination",
            )
        cycle.record_override(
            org_id,
            grade,
            cycle.scheme_for(org.domain)["scheme"]["ladder"],
            reason,
            actor.sub,
            org.position.as_dict(),
            self.trace(),
        )
        self.save(cycle)
        return cycle

    @retried(
        slug="grading-concurrent",
        zh="同一周期内另一定级同时提交，本次未记录，请重试",
        en="Another determination in this cycle was recorded at the same moment; nothing was recorded, retry",
    )
    def determine(
        self, actor: Identity, cycle_id: UUID, org_id: str, grade: str | None, reason: str | None
    ) -> OrgGrading:
        """定级确定 (G4) by the leading superior, within the ratio rules (G5) or with a recorded override."""
        org = self.directory.org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("定级确定", "determine its grade"))
        cycle = self.cycle(cycle_id)
        self._covered_org(cycle, org_id)
        gid = grading_id_for(cycle.id, org_id)
        if not self.exists(gid):
            raise refuse_state(
                "grading-incomplete",
                f"{org_id} 尚未自评，也没有上级评定 (G3)：请先完成自评和上级评定，再定级确定",
                f"{org_id} has neither self-assessment nor superior assessment (G3)",
            )
        grading: OrgGrading = self.repository.get(gid)
        mass = mass_result(self.views, org_id, cycle.year)
        previous = self._previous(cycle, org_id)
        determine_grade(
            cycle,
            grading,
            mass,
            grade,
            reason,
            previous,
            actor.sub,
            self.today(),
            org.position.as_dict(),
            self.trace(),
            institution=has_institution(self.views, org_id),
        )
        self.save(cycle, grading)
        return grading

    def correct(self, actor: Identity, cycle_id: UUID, org_id: str, grade: str, reason: str) -> OrgGrading:
        """定级更正 (G4) by the leading superior, with a reason, within the ratio rules (G5)."""
        org = self.directory.org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("更正定级", "correct its grade"))
        cycle = self.cycle(cycle_id)
        self._covered_org(cycle, org_id)
        gid = grading_id_for(cycle.id, org_id)
        if not self.exists(gid):
            raise refuse_state(
                "grading-state",
                f"{org_id} 在本周期尚未定级确定，无需更正",
                f"{org_id} is not determined in this cycle: nothing to correct",
            )
        grading: OrgGrading = self.repository.get(gid)
        previous = self._previous(cycle, org_id)
        correct_grade(
            cycle, grading, grade, reason, previous, actor.sub, self.today(), org.position.as_dict(), self.trace()
        )
        self.save(cycle, grading)
        return grading

    def _previous(self, cycle: GradingCycle, org_id: str) -> dict | None:
        """G8: last year's grade in the same scope and its 考核验收, an input of this determination."""
        prev_cycle_id = cycle_id_for(cycle.scope, cycle.year - 1)
        gid = grading_id_for(prev_cycle_id, org_id)
        if not self.exists(gid):
            return None
        prev: OrgGrading = self.repository.get(gid)
        if prev.grade is None:
            return None
        if prev.plan is not None and prev.accepted is None:
            raise refuse_state(
                "grading-acceptance",
                f"请先对 {org_id} 上年度整改进行考核验收 (G8)",
                f"accept {org_id}'s rectification of {cycle.year - 1} first (G8)",
            )
        return {
            "cycle_id": str(prev_cycle_id),
            "grade": prev.grade,
            "rank": prev.rank,
            "rungs": prev.rungs,
            "accepted": prev.accepted,
        }

    # 整改提高 (G6), 考核验收 (G8) ----------------------------------------------------------------------------
    def _act_as_org(self, actor: Identity, cycle_id: UUID, org_id: str) -> OrgGrading:
        require_secretary(actor, org_id, ("办理整改", "act on its rectification"))
        return self.grading(cycle_id, org_id)

    def plan_rectification(
        self, actor: Identity, cycle_id: UUID, org_id: str, problems: list[str], measures: list[str], due: dt.date
    ) -> OrgGrading:
        grading = self._act_as_org(actor, cycle_id, org_id)
        grading.plan_rectification(problems, measures, due.isoformat(), self.stamp(org_id), self.trace())
        self.save(grading)
        return grading

    def report_progress(
        self, actor: Identity, cycle_id: UUID, org_id: str, text: str, evidence: list[str], done: bool
    ) -> OrgGrading:
        grading = self._act_as_org(actor, cycle_id, org_id)
        grading.report_progress(text, evidence, done, self.stamp(org_id), self.trace())
        self.save(grading)
        return grading

    def accept(self, actor: Identity, cycle_id: UUID, org_id: str, passed: bool, comment: str) -> OrgGrading:
        """考核验收 (G8): in the new cycle, the leading superior checks last year's rectification."""
        org = self.directory.org(org_id)
        require_leading(actor, org.position, org.leading_hierarchy, ("考核验收", "accept its rectification"))
        cycle = self.cycle(cycle_id)
        self._covered_org(cycle, org_id)
        gid = grading_id_for(cycle_id_for(cycle.scope, cycle.year - 1), org_id)
        if not self.exists(gid):
            raise not_found(
                "grading-not-found",
                f"{org_id} 在 {cycle.scope} 没有 {cycle.year - 1} 年度的定级记录，无从考核验收；请核对组织编号和定级周期",
                f"{org_id} was not graded in {cycle.scope} for {cycle.year - 1}; there is nothing to accept",
            )
        previous: OrgGrading = self.repository.get(gid)
        previous.accept(passed, comment, str(cycle.id), actor.sub, org.position.as_dict(), self.trace())
        self.save(previous)
        return previous

    def visible_grading(self, actor: Identity, cycle_id: UUID, org_id: str) -> OrgGrading:
        require_sees(actor, self.directory.position(org_id))  # first: an outsider learns nothing, not even 404
        return self.grading(cycle_id, org_id)
