"""Grading's integration events (``cxzy.grading.<event>.…``, stream CXZY_GRADING).

定级确定 is published in two versions until v1's sunset (docs/CONTRACT.md "Moving to a new version"): v1 on
``cxzy.grading.determined.…`` exactly as before, marked deprecated, and v2 on ``cxzy.grading.determined_v2.…``.

``determined`` (定级确定), ``rectification_planned`` and ``rectification_accepted`` are the fixed
cross-service contract (awards read them, A4); extra fields are additions, never renames. Every
assessment and determination names the ``scheme_hash`` it used, so a replay reproduces it (G2).
The subject's org is the graded org; ``cycle_deployed`` and overrides are stamped with the issuer.
"""

from typing import Any

from shared.contract import (
    ANY_OBJ,
    BOOL,
    INT,
    NUM,
    STR,
    STRS,
    Contract,
    Deprecation,
    EventType,
    event_fields,
    obj,
    without,
)

from .domain import GradingCycle, OrgGrading
from .scheme import TRACKS

NULLOBJ = {"type": ["object", "null"]}
POINTS = {"type": "object", "additionalProperties": NUM}
IDS = {"cycle_id": STR, "org_id": STR, "year": INT}
DETERMINED_V1_SUNSET = Deprecation(
    since="2026-12-01T00:00:00+08:00",
    sunset="2027-06-30T23:59:59+08:00",
    migration="/contract#moving-to-a-new-version-定级确定-v2",
)
DETERMINED_DETAIL: dict[str, dict] = {  # what both versions of 定级确定 carry beyond their core
    "suggested_grade": STR,
    "adjust_reason": {"type": ["string", "null"]},
    "parts": ANY_OBJ,
    "mass": NULLOBJ,
    "previous": NULLOBJ,
    "by": STR,
}


def determined_v2(event: Any) -> dict:
    """定级确定 v2 (asked for by the national statistics system): the grade as one object — its label, its
    place on the ladder counted from the top, the ladder's length and the ladder — so grades of different
    domains' ladders compare without knowing each ladder; and the business day of the determination."""
    data = event_fields(event)
    rank, ladder = data.pop("rank"), data.pop("ladder")
    data["grade"] = {
        "label": data["grade"],
        "rank": rank,
        "rungs": len(ladder),
        "ladder": ladder,
        "top": rank == 0,
        "bottom": rank == len(ladder) - 1,
    }
    data.pop("advanced")
    return data


CONTRACT = Contract(
    "grading",
    [
        EventType(
            "cycle_deployed",
            GradingCycle.Deployed,
            obj(
                {
                    "year": INT,
                    "scope": STR,
                    "issuer_org_id": STR,
                    "schemes": ANY_OBJ,
                    "deployed_by": STR,
                    "ratio": obj({"max_top": {"type": ["number", "null"]}, "min_bottom": {"type": ["number", "null"]}}),
                    "orgs_in_scope": INT,
                }
            ),
            "定级周期安排部署",
        ),
        EventType(
            "ratio_override",
            GradingCycle.OverrideRecorded,
            obj({"org_id": STR, "grade": STR, "reason": STR, "by": STR}),
            "比例例外批准",
        ),
        EventType(
            "self_assessed",
            OrgGrading.SelfAssessed,
            obj({**IDS, "scheme_hash": STR, "items": POINTS, "evidence": ANY_OBJ}),
            "自评",
        ),
        EventType(
            "superior_assessed",
            OrgGrading.SuperiorAssessed,
            obj({**IDS, "scheme_hash": STR, "items": POINTS, "by": STR}, {"comment": {"type": ["string", "null"]}}),
            "上级评定",
        ),
        EventType(
            "determined",
            OrgGrading.Determined,
            obj(
                {
                    **IDS,
                    "grade": STR,
                    "rank": {"type": "integer", "minimum": 0},
                    "ladder": {**STRS, "minItems": 2},
                    "advanced": BOOL,
                    "score": {"type": "number", "minimum": 0, "maximum": 100},
                    "scheme_hash": STR,
                    "override": {"oneOf": [{"type": "null"}, obj({"reason": STR, "by": STR})]},
                },
                DETERMINED_DETAIL,
            ),
            "定级确定",
            to_data=without("determined_on"),  # v1's payload stays exactly what it was
            deprecation=DETERMINED_V1_SUNSET,
        ),
        EventType(
            "determined",
            OrgGrading.Determined,
            obj(
                {
                    **IDS,
                    "grade": obj(
                        {
                            "label": STR,
                            "rank": {"type": "integer", "minimum": 0},
                            "rungs": {"type": "integer", "minimum": 2},
                            "ladder": {**STRS, "minItems": 2},
                            "top": BOOL,
                            "bottom": BOOL,
                        }
                    ),
                    "score": {"type": "number", "minimum": 0, "maximum": 100},
                    "scheme_hash": STR,
                    "override": {"oneOf": [{"type": "null"}, obj({"reason": STR, "by": STR})]},
                    "determined_on": {"type": "string", "format": "date"},
                },
                DETERMINED_DETAIL,
            ),
            "定级确定",
            version=2,
            to_data=determined_v2,
        ),
        EventType(
            "determination_corrected",
            OrgGrading.Corrected,
            obj(
                {
                    **IDS,
                    "grade": STR,
                    "rank": {"type": "integer", "minimum": 0},
                    "ladder": {**STRS, "minItems": 2},
                    "advanced": BOOL,
                    "previous_grade": STR,
                    "previous_rank": {"type": "integer", "minimum": 0},
                    "reason": STR,
                    "by": STR,
                    "corrected_on": {"type": "string", "format": "date"},
                }
            ),
            "定级更正",
        ),
        EventType(
            "rectification_planned",
            OrgGrading.RectificationPlanned,
            obj({**IDS, "track": {"enum": list(TRACKS)}, "problems": STRS, "measures": STRS}, {"due": STR}),
            "整改方案",
        ),
        EventType(
            "rectification_progress",
            OrgGrading.ProgressReported,
            obj({**IDS, "text": STR, "evidence": STRS, "done": BOOL}),
            "整改进展",
        ),
        EventType(
            "rectification_accepted",
            OrgGrading.RectificationAccepted,
            obj({**IDS, "passed": BOOL, "comment": STR}, {"in_cycle_id": STR, "by": STR}),
            "整改考核验收",
        ),
    ],
)
