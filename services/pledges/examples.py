"""A realistic example payload (Chinese) per published pledges event, keyed ``<event>.v<version>``: shown in the
AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

EXAMPLES = {
    "proposed.v1": {
        "pledger_kind": "individual",
        "member_ids": ["M000101"],
        "kind": "annual",
        "year": 2025,
        "items": [
            {"text": "每月走访村里困难群众不少于2户，帮办医保续缴", "tags": ["带头服务群众"]},
            {"text": "全年参加支部集中学习不少于12次", "tags": ["带头学习提高"]},
        ],
        "due": "2025-12-31",
        "trigger": None,
        "masses": None,
        "post": "网格员",
        "host_org": None,
        "leading": False,
        "exempt_members": [],
        "supports": None,
    },
    "returned.v1": {"reasons": "承诺内容过于笼统，请写明可检验的数量和时限"},
    "revised.v1": {
        "items": [{"text": "每月走访困难群众不少于3户，帮办医保续缴并留存台账", "tags": ["带头服务群众"]}],
        "due": "2025-12-31",
    },
    "approved.v1": {"reviewer": "M000001"},
    "publicised.v1": {"channel": "公示栏"},
    "progress_reported.v1": {"text": "三月份走访困难群众3户，帮助2户办理医保续缴", "evidence": ["走访台账第3页"]},
    "reminded.v1": {"on": "2025-10-08", "days_overdue": 7},
    "completed.v1": {"summary": "全年走访困难群众38户次，帮办医保续缴21人，承诺全部兑现"},
    "unfulfilled.v1": {"reason": "因长期外出务工未能按期践诺，已说明情况"},
    "post_assigned.v1": {
        "member_id": "M000102",
        "post": "村务监督",
        "duties": "监督村级财务公开，每季度向党员大会报告",
    },
}
