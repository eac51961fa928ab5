"""A realistic example payload (Chinese) per published evaluations event, keyed ``<event>.v<version>``: shown in
the AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

ROUND = {
    "round_id": "5b0f3c1e-9a4d-4c1b-8e3f-2d7a6c9b1e40",
    "subject_type": "org",
    "subject_id": "O130102001V",
    "purpose": "org_mass",
    "year": 2025,
}
PARTICIPATION = {"eligible": 120, "participated": 103, "rate": 0.858}

EXAMPLES = {
    "opened.v1": {
        "subject_type": "org",
        "subject_id": "O130102001V",
        "purpose": "org_mass",
        "year": 2025,
        "modes": {"peer": 0.4, "mass": 0.6},
        "start": "2025-12-01",
        "end": "2025-12-15",
        "min_participation": 0.6,
        "eligible": 120,
        "publish": True,
        "policy": "群众评议票按村民小组发放",
        "scale": {"满意": 100, "基本满意": 70, "不满意": 0},
    },
    "completed.v1": {
        **ROUND,
        "score": 91.5,
        "grade": "满意",
        "participation": PARTICIPATION,
        "published": True,
        "modes": {
            "peer": {"weight": 0.4, "score": 93.0, "count": 31},
            "mass": {"weight": 0.6, "score": 90.5, "count": 72},
        },
    },
    "lapsed.v1": {**ROUND, "participation": {"eligible": 120, "participated": 52, "rate": 0.433}},
    "window_registered.v1": {"window_id": "W-130102-01", "org_id": "O130102001W", "name": "长安区政务服务中心社保窗口"},
    "disclosed.v1": {
        "window_id": "W-130102-01",
        "show": "pledge",
        "title": "社保窗口服务承诺",
        "content": "一次告知、限时办结，群众办事最多跑一次",
        "on": "2025-03-01",
    },
    "contest_scored.v1": {
        "window_id": "W-130102-01",
        "contest": "skill",
        "label": "社保业务知识竞赛",
        "target": "M000201",
        "score": 96.0,
    },
}
