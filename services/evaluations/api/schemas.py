"""Request bodies and answer shapes of the evaluations HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import Field

from shared.api import MAX_TEXT, Command

from ..domain import CONTESTS, MODES, PURPOSES, SHOWS, SUBJECT_TYPES, EvaluationRound

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


ModeName = Literal["self", "peer", "mass", "leader"]


assert set(get_args(ModeName)) == set(MODES)


Weights = dict[ModeName, Annotated[float, Field(gt=0, le=100)]]


Rate = Annotated[float, Field(ge=0, le=1)]


ROUND_RESULT = ("score", "grade")  # in a round's view "modes" are the weights, not the result


class Period(Command):
    modes: Weights = Field(min_length=1)
    start: dt.date
    end: dt.date
    min_participation: Rate = 0.5
    publish: bool = False


class OpenRound(Period):
    scale: dict[Annotated[str, Field(min_length=1, max_length=10)], float] | None = Field(
        None,
        examples=[{"满意": 100, "基本满意": 60, "不满意": 0}],
        description="E5 satisfaction scale (default 4 levels)",
    )
    subject_type: Literal[tuple(SUBJECT_TYPES)]  # type: ignore[valid-type]
    subject_id: Annotated[str, Field(min_length=1, max_length=64)]
    purpose: Literal[tuple(PURPOSES)]  # type: ignore[valid-type]
    year: int = Field(ge=2000, le=2100)
    eligible: int = Field(ge=1, le=1_000_000)


class Democratic(Period):
    year: int = Field(ge=2000, le=2100)


class Rating(Command):
    mode: ModeName
    score: float = Field(ge=0, le=100)


class PledgePolicyBody(Command):
    scope: Annotated[str, Field(examples=["local:13/1301"], max_length=100)]
    modes: Weights = Field(min_length=1)
    period_days: int = Field(ge=1, le=366)
    min_participation: Rate


class AnnualBatch(Command):
    year: int = Field(ge=2000, le=2100)


class RegisterWindow(Command):
    window_id: Id
    org_id: Id
    name: Annotated[str, Field(min_length=1, max_length=100)]


class Disclosure(Command):
    show: Literal[tuple(SHOWS)]  # type: ignore[valid-type]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    content: Text


class ContestScore(Command):
    contest: Literal[tuple(CONTESTS)]  # type: ignore[valid-type]
    label: Annotated[str, Field(min_length=1, max_length=64)]
    target: Id
    score: float = Field(ge=0, le=100)


def round_view(r: EvaluationRound) -> dict:
    return {
        "round_id": str(r.id),
        "org_id": r.org_id,
        "subject_type": r.subject_type,
        "subject_id": r.subject_id,
        "purpose": r.purpose,
        "year": r.year,
        "modes": r.modes,
        "start": r.start,
        "end": r.end,
        "min_participation": r.min_participation,
        "eligible": r.eligible,
        "policy": r.policy,
        "state": r.state,
        "publish": r.publish,
        "participation": r.participation(),
        "counts": {m: len(r.ratings.get(m, [])) for m in r.modes},
        "score": r.score,
        "grade": r.grade,
        "version": r.version,
    }
