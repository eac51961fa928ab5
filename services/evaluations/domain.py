"""EvaluationRound 评议轮次 and Window 窗口单位 aggregates (DOMAIN.md E1–E8, P7). No I/O.

Round lifecycle (E6):

    open ──rate (per mode, one rater one vote, E5)──▶ open
     │
     ├─close with participation ≥ 参与面 (by hand within the period, or by the scheduler after it) ─▶ completed 评议完成
     └─close after the end date with participation < 参与面, or with no rating at all ─▶ lapsed 参与不足

A lapsed round produces no score: grading (G3/E8) and awards (A4) never see a result that too few
people gave. Every public method checks its rule first and raises a Problem, recording nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import Stamped
from shared.errors import broken_rule, invalid

MODES = {"self": "个人自评", "peer": "党员互评", "mass": "群众评议", "leader": "领导点评"}  # P7, E4
SUBJECT_TYPES = {"pledge": "承诺", "member": "党员", "org": "党组织", "window": "窗口单位"}  # E6
PURPOSES = {
    "pledge": "承诺评议 (P7)",
    "democratic": "民主评议党员 (E7)",
    "org_mass": "党员群众评议 (E8)",
    "window": "窗口三评 (E4)",
    "general": "一般评议",
}
PURPOSE_SUBJECTS = {
    "pledge": {"pledge"},
    "democratic": {"member"},
    "org_mass": {"org"},
    "window": {"window"},
    "general": set(SUBJECT_TYPES),
}
SATISFACTION = {"满意": 100.0, "比较满意": 80.0, "基本满意": 60.0, "不满意": 0.0}  # E5 scale → 0–100
SHOWS = {"standard": "亮标准", "identity": "亮身份", "pledge": "亮承诺"}  # E2 三亮
CONTESTS = {"skill": "比技能", "conduct": "比作风", "results": "比业绩"}  # E3 三比
# Grade ladders: (lowest score, grade), best first. Window rounds speak the satisfaction scale (E5).
LADDERS = {
    "window": ((90.0, "满意"), (75.0, "比较满意"), (60.0, "基本满意"), (0.0, "不满意")),
    "default": ((90.0, "优秀"), (70.0, "合格"), (60.0, "基本合格"), (0.0, "不合格")),
}
ROUND_NS = uuid.UUID("0b6e6f0c-51d6-4a0f-8d1e-3c6f1f3b9e21")


def round_id_for(key: str) -> uuid.UUID:
    """Deterministic round ids make automatic opening idempotent (P7 一事一评, E7 annual rounds)."""
    return uuid.uuid5(ROUND_NS, key)


def normalise_weights(modes: dict[str, float]) -> dict[str, float]:
    """Weights of the chosen modes sum to 1 or to 100 (P7: configurable); returned as fractions."""
    if not modes:
        raise invalid(
            "round-modes",
            f"请至少选择一种评议方式：{'、'.join(f'{k}（{v}）' for k, v in MODES.items())}",
            f"Choose at least one mode: {', '.join(MODES)} (E6)",
        )
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise invalid(
            "round-modes",
            f"评议方式 {'、'.join(unknown)} 不存在，请从 {'、'.join(f'{k}（{v}）' for k, v in MODES.items())} 中选择",
            f"Unknown modes {', '.join(unknown)}; choose from {', '.join(MODES)}",
        )
    if any(not math.isfinite(w) or w <= 0 for w in modes.values()):
        raise invalid("round-weights", "各评议方式的权重须为正数", "Every mode's weight is a positive number")
    total = sum(modes.values())
    if not (math.isclose(total, 1.0, abs_tol=1e-6) or math.isclose(total, 100.0, abs_tol=1e-4)):
        raise invalid(
            "round-weights",
            f"各评议方式的权重之和须为 1 或 100（现为 {total:g}），请调整权重",
            f"The weights sum to 1 or 100, not {total:g}; adjust them",
        )
    return {m: w / total for m, w in modes.items()}


def aggregate(weights: dict[str, float], ratings: dict[str, list[float]]) -> tuple[float, dict[str, dict]]:
    """The result (E6): the weighted mean of the mode means, 0–100. A mode nobody rated drops out and
    the remaining weights are renormalised, so silence neither drags a score down nor lifts it."""
    per_mode = {}
    for mode, weight in weights.items():
        scores = ratings.get(mode, [])
        mean = sum(scores) / len(scores) if scores else 0.0
        per_mode[mode] = {"weight": round(weight, 6), "score": round(mean, 2), "count": len(scores)}
    rated = {m: w for m, w in weights.items() if ratings.get(m)}
    if not rated:
        return 0.0, per_mode
    total = sum(rated.values())
    score = sum(w * sum(ratings[m]) / len(ratings[m]) for m, w in rated.items()) / total
    return round(min(100.0, max(0.0, score)), 2), per_mode


def check_scale(scale: dict[str, float]) -> dict[str, float]:
    """E5: a round may use its own satisfaction scale — 2 to 7 labelled levels, each worth 0–100."""
    if not 2 <= len(scale) <= 7:
        raise invalid(
            "scale", f"满意度须分为 2 到 7 个等级（现为 {len(scale)} 个）", f"A scale has 2–7 levels, not {len(scale)}"
        )
    if any(not label.strip() or len(label) > 10 for label in scale):
        raise invalid("scale", "每个满意度等级须有 1 到 10 个字的名称", "Each level has a label of 1–10 characters")
    if any(not (math.isfinite(v) and 0 <= v <= 100) for v in scale.values()):
        raise invalid("scale", "每个满意度等级的分值须在 0 到 100 之间", "Each level is worth 0–100")
    return {label.strip(): float(v) for label, v in scale.items()}


def grade_for(purpose: str, score: float) -> str:
    ladder = LADDERS["window" if purpose == "window" else "default"]
    return next(grade for floor, grade in ladder if score >= floor)


class EvaluationRound(Aggregate):
    """评议轮次 (E6): a subject, its modes and weights, a period, a minimum participation 参与面."""

    class Opened(Aggregate.Created, Stamped):
        subject_type: str
        subject_id: str
        purpose: str
        year: int
        modes: dict
        start: str
        end: str
        min_participation: float
        eligible: int
        publish: bool
        policy: str | None
        scale: dict | None

    class Rated(Stamped):
        """Internal (never on the bus): ``rater`` is a member id or, for 群众评议, a ballot hash."""

        mode: str
        rater: str
        score: float
        device: str | None

        def apply(self, r: EvaluationRound) -> None:
            r.ratings.setdefault(self.mode, []).append(self.score)
            r.raters.setdefault(self.mode, []).append(self.rater)
            if self.device:
                r.devices.append(self.device)

    class Completed(Stamped):
        round_id: str
        subject_type: str
        subject_id: str
        purpose: str
        year: int
        score: float
        grade: str
        participation: dict
        modes: dict
        published: bool

        def apply(self, r: EvaluationRound) -> None:
            r.state, r.score, r.grade = "completed", self.score, self.grade

    class Lapsed(Stamped):
        round_id: str
        subject_type: str
        subject_id: str
        purpose: str
        year: int
        participation: dict

        def apply(self, r: EvaluationRound) -> None:
            r.state = "lapsed"

    def __init__(
        self,
        *,
        org: dict,
        subject_type: str,
        subject_id: str,
        purpose: str,
        year: int,
        modes: dict,
        start: str,
        end: str,
        min_participation: float,
        eligible: int,
        publish: bool,
        policy: str | None = None,
        scale: dict | None = None,
        **_: Any,
    ):
        self.org_id = org["id"]
        self.subject_type, self.subject_id, self.purpose, self.year = subject_type, subject_id, purpose, year
        self.modes, self.start, self.end = modes, start, end
        self.min_participation, self.eligible, self.publish = min_participation, eligible, publish
        self.policy = policy
        self.scale: dict[str, float] = scale or SATISFACTION
        self.state = "open"
        self.ratings: dict[str, list[float]] = {}
        self.raters: dict[str, list[str]] = {}
        self.devices: list[str] = []
        self.score: float | None = None
        self.grade: str | None = None

    @classmethod
    def open(
        cls,
        *,
        round_id: uuid.UUID,
        org: dict,
        trace: dict,
        subject_type: str,
        subject_id: str,
        purpose: str,
        year: int,
        modes: dict[str, float],
        start: dt.date,
        end: dt.date,
        min_participation: float,
        eligible: int,
        publish: bool,
        policy: str | None = None,
        scale: dict[str, float] | None = None,
    ) -> EvaluationRound:
        if subject_type not in SUBJECT_TYPES:
            raise invalid(
                "round-subject",
                f"评议对象类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in SUBJECT_TYPES.items())} 之一",
                f"Unknown subject_type; choose one of {', '.join(SUBJECT_TYPES)} (E6)",
            )
        if purpose not in PURPOSES:
            raise invalid(
                "round-purpose",
                f"评议目的无效，请选择 {'、'.join(PURPOSES)} 之一",
                f"Unknown purpose; choose one of {', '.join(PURPOSES)}",
            )
        if subject_type not in PURPOSE_SUBJECTS[purpose]:
            fits = "、".join(SUBJECT_TYPES[t] for t in PURPOSE_SUBJECTS[purpose])
            raise invalid(
                "round-purpose",
                f"「{PURPOSES[purpose]}」不适用于{SUBJECT_TYPES[subject_type]}，只适用于{fits}；请改选评议目的或对象",
                f"Purpose {purpose} does not apply to a {subject_type}; it applies to "
                f"{', '.join(PURPOSE_SUBJECTS[purpose])}",
            )
        if end < start:
            raise invalid(
                "round-period",
                f"结束日期 {end} 早于开始日期 {start}，请改正评议期",
                f"The period ends ({end}) before it starts ({start}); correct it",
            )
        if not 0.0 <= min_participation <= 1.0:
            raise invalid(
                "round-participation",
                "最低参与面须为 0 到 1 之间的比例，如 0.5 表示一半",
                "min_participation is a rate 0–1, e.g. 0.5 for half",
            )
        if eligible < 1:
            raise invalid("round-eligible", "应参评人数（eligible）至少为 1", "eligible is at least 1")
        return cls._create(
            cls.Opened,
            id=round_id,
            org=org,
            trace=trace,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
            year=year,
            modes=normalise_weights(modes),
            start=start.isoformat(),
            end=end.isoformat(),
            min_participation=min_participation,
            eligible=eligible,
            publish=publish,
            policy=policy,
            scale=check_scale(scale) if scale else None,
        )

    # 评议 --------------------------------------------------------------------------------------
    def scale_score(self, label: str) -> float:
        """E5: the 0–100 score of one level of this round's satisfaction scale."""
        if label not in self.scale:
            raise invalid(
                "satisfaction", f"请选择满意度：{'、'.join(self.scale)}", f"Choose one of: {', '.join(self.scale)}"
            )
        return self.scale[label]

    def participation(self) -> dict:
        """参与面: distinct raters (members, or ballots of the masses) over the eligible count, at most 1."""
        participated = len({rater for raters in self.raters.values() for rater in raters})
        return {
            "eligible": self.eligible,
            "participated": participated,
            "rate": round(min(1.0, participated / self.eligible), 4),
        }

    def _expect_open(self) -> None:
        if self.state != "open":
            raise broken_rule(
                "round-closed",
                "本轮评议已结束，不能再评分或结束；结果可在评议结果中查看",
                f"The round is {self.state}: no more ratings, nothing to close; read its result instead",
                state=self.state,
            )

    def rate(
        self, mode: str, rater: str, score: float, today: dt.date, org: dict, trace: dict, device: str | None = None
    ) -> None:
        """E5: one rater (or ballot, or device) one vote per round and mode; within the period only."""
        self._expect_open()
        if mode not in self.modes:
            used = "、".join(MODES[m] for m in self.modes)
            raise invalid(
                "rating-mode",
                f"本轮评议不含「{MODES.get(mode, mode)}」，请按本轮的评议方式（{used}）评分",
                f"This round does not use mode {mode}; rate in one of its modes: {', '.join(self.modes)}",
            )
        if not (math.isfinite(score) and 0.0 <= score <= 100.0):
            raise invalid("rating-score", "评分须在 0 到 100 之间", "A score is 0–100")
        if not dt.date.fromisoformat(self.start) <= today <= dt.date.fromisoformat(self.end):
            raise broken_rule(
                "round-period",
                f"今天不在评议期内，请在 {self.start} 至 {self.end} 之间评议",
                f"Today is outside the rating period: rate between {self.start} and {self.end}",
            )
        if rater in self.raters.get(mode, []):
            raise broken_rule(
                "double-vote",
                "您已在本轮评议中投过票，不能重复投票；每人每种方式只能评一次 (E5)",
                "You have already rated in this round: one person, one vote per mode (E5)",
            )
        if device is not None and device in self.devices:
            raise broken_rule(
                "duplicate-device",
                "该设备已在本轮评议中投过票，不能重复投票；每人只能评议一次 (E5)",
                "This device has already voted in this round: one person, one vote (E5)",
            )
        self.trigger_event(self.Rated, mode=mode, rater=rater, score=float(score), device=device, org=org, trace=trace)

    def close(self, today: dt.date, org: dict, trace: dict) -> None:
        """Within the period (end date inclusive) only once 参与面 is met; after it the round completes or
        lapses (the scheduler closes it the day after its end date)."""
        self._expect_open()
        participation = self.participation()
        enough = participation["rate"] >= self.min_participation and any(self.ratings.values())
        if today <= dt.date.fromisoformat(self.end) and not enough:
            raise broken_rule(
                "participation-not-met",
                f"参与面 {participation['rate']:.0%} 未达到最低要求 {self.min_participation:.0%}，评议期内不能提前结束；"
                f"请动员更多人参评，或待 {self.end} 评议期满后自动结束",
                f"Participation {participation['rate']:.0%} is below the minimum "
                f"{self.min_participation:.0%}: the round cannot close before {self.end}; get more raters, or it "
                "closes by itself after the end date",
                participation=participation,
            )
        common = {
            "round_id": str(self.id),
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "purpose": self.purpose,
            "year": self.year,
            "participation": participation,
            "org": org,
            "trace": trace,
        }
        if not enough:
            self.trigger_event(self.Lapsed, **common)
            return
        score, per_mode = aggregate(self.modes, self.ratings)
        self.trigger_event(
            self.Completed,
            score=score,
            grade=grade_for(self.purpose, score),
            modes=per_mode,
            published=self.publish,
            **common,
        )


class Window(Aggregate):
    """窗口单位 (E1): its 三亮 disclosures (E2) and 三比 contest scores (E3)."""

    class Registered(Aggregate.Created, Stamped):
        window_id: str
        org_id: str
        name: str

    class Disclosed(Stamped):
        window_id: str
        show: str
        title: str
        content: str
        on: str

        def apply(self, w: Window) -> None:
            w.disclosures.append({"show": self.show, "title": self.title, "content": self.content, "on": self.on})

    class ContestScored(Stamped):
        window_id: str
        contest: str
        label: str
        target: str
        score: float

        def apply(self, w: Window) -> None:
            w.scored.append((self.contest, self.label, self.target))

    def __init__(self, *, window_id: str, org_id: str, name: str, **_: Any):
        self.window_id, self.org_id, self.name = window_id, org_id, name
        self.disclosures: list[dict] = []
        self.scored: list[tuple[str, str, str]] = []

    @staticmethod
    def id_for(window_id: str) -> uuid.UUID:
        return uuid.uuid5(ROUND_NS, f"window:{window_id}")

    @classmethod
    def register(cls, window_id: str, org_id: str, name: str, org: dict, trace: dict) -> Window:
        if not name:
            raise invalid("window-name", "请填写窗口名称", "Give the window a name")
        return cls._create(
            cls.Registered,
            id=cls.id_for(window_id),
            window_id=window_id,
            org_id=org_id,
            name=name,
            org=org,
            trace=trace,
        )

    def disclose(self, show: str, title: str, content: str, on: dt.date, org: dict, trace: dict) -> None:
        """E2 三亮: a dated disclosure the public page shows."""
        if show not in SHOWS:
            raise invalid(
                "show",
                f"三亮类型无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in SHOWS.items())} 之一",
                f"Unknown show; choose one of {', '.join(SHOWS)} (E2)",
            )
        if not title or not content:
            raise invalid("disclosure", "公开内容须有标题和正文", "A disclosure has a title and content (E2)")
        self.trigger_event(
            self.Disclosed,
            window_id=self.window_id,
            show=show,
            title=title,
            content=content,
            on=on.isoformat(),
            org=org,
            trace=trace,
        )

    def score_contest(self, contest: str, label: str, target: str, score: float, org: dict, trace: dict) -> None:
        """E3 三比: one score per contest, round label and target (the window or one of its members)."""
        if contest not in CONTESTS:
            raise invalid(
                "contest",
                f"三比项目无效，请选择 {'、'.join(f'{k}（{v}）' for k, v in CONTESTS.items())} 之一",
                f"Unknown contest; choose one of {', '.join(CONTESTS)} (E3)",
            )
        if not (math.isfinite(score) and 0.0 <= score <= 100.0):
            raise invalid("contest-score", "三比成绩须在 0 到 100 之间", "A contest score is 0–100")
        if (contest, label, target) in self.scored:
            raise broken_rule(
                "contest-scored",
                f"{target} 在「{CONTESTS[contest]}」{label} 中已有成绩，不能重复登记",
                f"{target} already has a score in {contest} {label}; it is recorded once",
            )
        self.trigger_event(
            self.ContestScored,
            window_id=self.window_id,
            contest=contest,
            label=label,
            target=target,
            score=float(score),
            org=org,
            trace=trace,
        )


class PledgePolicy(Aggregate):
    """How pledges under a scope are evaluated (P7: weights configurable), set by a level of the hierarchy for
    the orgs under it and versioned; a round records the policy version it used (``scope@version``)."""

    class Created(Aggregate.Created):
        scope: str

    class Set(Aggregate.Event):
        modes: dict
        period_days: int
        min_participation: float

        def apply(self, p: PledgePolicy) -> None:
            p.modes, p.period_days, p.min_participation = self.modes, self.period_days, self.min_participation

    def __init__(self, scope: str, **_: Any):
        self.scope = scope
        self.modes: dict[str, float] = {}
        self.period_days = 0
        self.min_participation = 0.0

    @staticmethod
    def id_for(scope: str) -> uuid.UUID:
        return uuid.uuid5(ROUND_NS, f"pledge-policy:{scope}")

    @classmethod
    def create(cls, scope: str) -> PledgePolicy:
        return cls._create(cls.Created, id=cls.id_for(scope), scope=scope)

    def set(self, modes: dict[str, float], period_days: int, min_participation: float) -> None:
        if not 1 <= period_days <= 366:
            raise invalid("policy-period", "评议期（period_days）须为 1 到 366 天", "period_days is 1–366")
        if not 0.0 <= min_participation <= 1.0:
            raise invalid(
                "round-participation",
                "最低参与面须为 0 到 1 之间的比例，如 0.5 表示一半",
                "min_participation is a rate 0–1, e.g. 0.5 for half",
            )
        self.trigger_event(
            self.Set, modes=normalise_weights(modes), period_days=period_days, min_participation=min_participation
        )

    @property
    def reference(self) -> str:
        return f"{self.scope}@{self.version - 1}"
