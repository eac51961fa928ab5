"""Evaluations' integration events (``cxzy.evaluations.<event>.…``, stream CXZY_EVALUATIONS), version 1.

``completed`` is the cross-service contract grading (G3/E8), awards (A4) and pledges (P7) rely on.
Individual ratings and the masses' comments never go on the bus (E5): only rounds and results do."""

from shared.contract import BOOL, INT, NULLSTR, NUM, STR, Contract, EventType, obj

from .domain import CONTESTS, MODES, PURPOSES, SHOWS, SUBJECT_TYPES, EvaluationRound, Window

SUBJECT = {"enum": list(SUBJECT_TYPES)}
PURPOSE = {"enum": list(PURPOSES)}
PARTICIPATION = obj({"eligible": INT, "participated": INT, "rate": NUM})
MODE_RESULT = obj({"weight": NUM, "score": NUM, "count": INT})
ROUND_REF: dict[str, dict] = {
    "round_id": STR,
    "subject_type": SUBJECT,
    "subject_id": STR,
    "purpose": PURPOSE,
    "year": INT,
}

CONTRACT = Contract(
    "evaluations",
    [
        EventType(
            "opened",
            EvaluationRound.Opened,
            obj(
                {
                    "subject_type": SUBJECT,
                    "subject_id": STR,
                    "purpose": PURPOSE,
                    "year": INT,
                    "modes": {"type": "object", "propertyNames": {"enum": list(MODES)}, "additionalProperties": NUM},
                    "start": STR,
                    "end": STR,
                    "min_participation": NUM,
                    "eligible": INT,
                    "publish": BOOL,
                },
                {"policy": NULLSTR, "scale": {"type": ["object", "null"], "additionalProperties": NUM}},
            ),
            "评议开始",
        ),
        EventType(
            "completed",
            EvaluationRound.Completed,
            obj(
                {
                    **ROUND_REF,
                    "score": {"type": "number", "minimum": 0, "maximum": 100},
                    "grade": STR,
                    "participation": PARTICIPATION,
                    "published": BOOL,
                    "modes": {
                        "type": "object",
                        "propertyNames": {"enum": list(MODES)},
                        "additionalProperties": MODE_RESULT,
                    },
                }
            ),
            "评议完成",
        ),
        EventType(
            "lapsed", EvaluationRound.Lapsed, obj({**ROUND_REF, "participation": PARTICIPATION}), "评议无效（参与不足）"
        ),
        EventType(
            "window_registered", Window.Registered, obj({"window_id": STR, "org_id": STR, "name": STR}), "窗口登记"
        ),
        EventType(
            "disclosed",
            Window.Disclosed,
            obj({"window_id": STR, "show": {"enum": list(SHOWS)}, "title": STR, "content": STR, "on": STR}),
            "三亮公开",
        ),
        EventType(
            "contest_scored",
            Window.ContestScored,
            obj({"window_id": STR, "contest": {"enum": list(CONTESTS)}, "label": STR, "target": STR, "score": NUM}),
            "三比成绩",
        ),
    ],
)
