"""A realistic example payload (Chinese) per published grading event, keyed ``<event>.v<version>``: shown in the
AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

IDS = {"cycle_id": "8d2f6a10-3c4b-4e59-9f1a-7b2c5d8e0a11", "org_id": "O130102001V", "year": 2025}
SCHEME_HASH = "3f9a1c0e7b5d2a4f6e8c1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a"
LADDER = ["先进", "一般", "后进"]
DETAIL = {
    "suggested_grade": "先进",
    "adjust_reason": None,
    "parts": {"self": 27.6, "superior": 46.2, "mass": 14.1, "score": 87.9},
    "mass": {"round_id": "5b0f3c1e-9a4d-4c1b-8e3f-2d7a6c9b1e40", "score": 94.0, "grade": "满意"},
    "previous": {"year": 2024, "grade": "一般", "accepted": True},
    "by": "M000001",
}

EXAMPLES = {
    "cycle_deployed.v1": {
        "year": 2025,
        "scope": "local:13/1301/130102",
        "issuer_org_id": "P130102",
        "schemes": {"农村": {"name": "农村党组织分类定级指标", "hash": SCHEME_HASH}},
        "deployed_by": "M000003",
        "ratio": {"max_top": 0.3, "min_bottom": None},
        "orgs_in_scope": 42,
    },
    "ratio_override.v1": {
        "org_id": "O130102002V",
        "grade": "先进",
        "reason": "该村在防汛抢险中表现突出，经区委常委会研究同意超比例定为先进",
        "by": "M000003",
    },
    "self_assessed.v1": {
        **IDS,
        "scheme_hash": SCHEME_HASH,
        "items": {"班子建设": 9.0, "党员队伍": 8.5, "服务群众": 9.5},
        "evidence": {"服务群众": "全年为群众办实事23件，台账见附件"},
    },
    "superior_assessed.v1": {
        **IDS,
        "scheme_hash": SCHEME_HASH,
        "items": {"班子建设": 9.0, "党员队伍": 8.0, "服务群众": 9.5},
        "by": "M000003",
        "comment": "班子团结有力，党员教育管理还需加强",
    },
    "determined.v1": {
        **IDS,
        "grade": "先进",
        "rank": 0,
        "ladder": LADDER,
        "advanced": True,
        "score": 87.9,
        "scheme_hash": SCHEME_HASH,
        "override": None,
        **DETAIL,
    },
    "determined.v2": {
        **IDS,
        "grade": {"label": "先进", "rank": 0, "rungs": 3, "ladder": LADDER, "top": True, "bottom": False},
        "score": 87.9,
        "scheme_hash": SCHEME_HASH,
        "override": None,
        "determined_on": "2025-12-26",
        **DETAIL,
    },
    "determination_corrected.v1": {
        **IDS,
        "org_id": "O130102004V",
        "grade": "一般",
        "rank": 1,
        "ladder": LADDER,
        "advanced": False,
        "previous_grade": "后进",
        "previous_rank": 2,
        "reason": "复核发现群众评议结果录入有误，按更正后的评议结果重新定级",
        "by": "county-130102",
        "corrected_on": "2026-01-08",
    },
    "rectification_planned.v1": {
        **IDS,
        "org_id": "O130102003V",
        "track": "整顿",
        "problems": ["组织生活不经常", "村务公开不及时"],
        "measures": ["每月固定主题党日", "每季度公开村级财务并报街道备案"],
        "due": "2026-06-30",
    },
    "rectification_progress.v1": {
        **IDS,
        "org_id": "O130102003V",
        "text": "已连续三个月按时召开主题党日，一季度财务已公开",
        "evidence": ["主题党日记录本第5-12页", "公示栏照片"],
        "done": False,
    },
    "rectification_accepted.v1": {
        **IDS,
        "org_id": "O130102003V",
        "passed": True,
        "comment": "整改措施全部落实，群众满意度明显提升，同意验收",
        "in_cycle_id": "c41e9b27-5d30-4a8f-b6e2-19f0d7a3c852",
        "by": "M000003",
    },
}
