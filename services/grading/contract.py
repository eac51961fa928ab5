"""Grading's integration events (``cxzy.grading.<event>.…``, stream CXZY_GRADING), version 1.

``determined`` (定级确定), ``rectification_planned`` and ``rectification_accepted`` are the fixed
cross-service contract (awards read them, A4); extra fields are additions, never renames. Every
assessment and determination names the ``scheme_hash`` it used, so a replay reproduces it (G2).
The subject's org is the graded org; ``cycle_deployed`` and overrides are stamped with the issuer.
"""

from shared.contract import ANY_OBJ, BOOL, INT, NUM, STR, STRS, Contract, EventType, obj

from .domain import GradingCycle, OrgGrading
from .scheme import TRACKS

NULLOBJ = {"type": ["object", "null"]}
POINTS = {"type": "object", "additionalProperties": NUM}
IDS = {"cycle_id": STR, "org_id": STR, "year": INT}

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
                {
                    "suggested_grade": STR,
                    "adjust_reason": {"type": ["string", "null"]},
                    "parts": ANY_OBJ,
                    "mass": NULLOBJ,
                    "previous": NULLOBJ,
                    "by": STR,
                },
            ),
            "定级确定",
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
