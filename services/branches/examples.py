"""A realistic example payload (Chinese) per published branch-life event, keyed ``<event>.v<version>``: shown in
the AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

EXAMPLES = {
    "institution_adopted.v1": {
        "version": 1,
        "meeting_on": "2026-03-06",
        "attending": 14,
        "members": 16,
        "by": "S-O130102001V",
    },
    "institution_published.v1": {
        "number": 1,
        "version": 1,
        "title": "党员联系农户制度",
        "focus": ["带领群众致富", "维护农村稳定"],
        "goal": "每名党员联系 5 户群众，帮办实事",
        "content": "每月走访一次联系户，记录诉求并限时办结；支部每季度通报办结情况",
        "measures": ["建立党员联系户台账", "每季度支部党员大会通报办结情况"],
        "channel": "notice_board",
        "adopted_on": "2026-03-06",
        "published_on": "2026-03-08",
        "discussed_by": 12,
        "opinions_answered": 5,
    },
    "institution_inspected.v1": {
        "org_id": "O130102001V",
        "note": "台账记录完整，建议增加群众满意度回访",
        "by": "township-130102001",
        "on": "2026-05-20",
    },
    "institution_assessed.v1": {
        "org_id": "O130102001V",
        "period": "2026 上半年",
        "grade": "好",
        "note": "联系户诉求办结率 96%",
        "by": "county-130102",
    },
    "summary_call_issued.v1": {
        "scope": "local:13/1301/130102",
        "year": 2026,
        "deadline": "2026-12-20",
        "min_length": 1000,
        "issuer_org_id": "P130102",
        "by": "orgdept-130102",
    },
    "summary_submitted.v1": {
        "call_id": "6a1f2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d",
        "year": 2026,
        "author_kind": "org",
        "author_id": "O130102001V",
        "org_id": "O130102001V",
        "length": 1860,
        "on_time": True,
        "by": "S-O130102001V",
    },
    "summary_returned.v1": {"reason": "请补充联系服务群众的具体事例和数据", "by": "county-130102"},
    "summary_resubmitted.v1": {"length": 2240, "on_time": True, "by": "S-O130102001V"},
}
