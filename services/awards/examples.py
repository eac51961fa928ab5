"""A realistic example payload (Chinese) per published awards event, keyed ``<event>.v<version>``: shown in the
AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

CAMPAIGN_ID = "a7c3e1f0-2b4d-4f68-9a0c-5e7d9b1f3a25"
NOMINATION_ID = "e2b9d4c6-8f1a-4b3e-a5c7-0d9f2e4b6a18"
TITLE = "优秀共产党员"
BY = {"by": "M000003"}

EXAMPLES = {
    "campaign_opened.v1": {
        "name": "2025年度“两优一先”七一表彰",
        "kind": "qiyi",
        "year": 2025,
        "scope": "local:13/1301",
        "opener_org_id": "P1301",
        "titles": [
            {"name": "先进基层党组织", "subject": "org", "quota": 10},
            {"name": TITLE, "subject": "member", "quota": 30},
        ],
        "nomination_until": "2025-05-20",
        "publicity_from": "2025-06-10",
        "publicity_until": "2025-06-16",
        "grant_on": "2025-07-01",
        "opened_by": "M000002",
    },
    "eligibility_overridden.v1": {
        "title": TITLE,
        "nominee_type": "member",
        "nominee_id": "M000101",
        "reason": "入党不满三年，但在抗洪抢险中表现特别突出，经市委组织部批准特批推荐",
        **BY,
    },
    "campaign_granted.v1": {"on": "2025-07-01", **BY, "granted": [NOMINATION_ID]},
    "nominated.v1": {
        "campaign_id": CAMPAIGN_ID,
        "title": TITLE,
        "nominee_type": "member",
        "nominee_id": "M000101",
        "year": 2025,
        "levels": ["O130102001V", "T130102001", "P130102", "P1301"],
        "nominated_by": "M000001",
        "eligibility": {"eligible": True, "reasons": [], "override": None},
    },
    "recommended.v1": {"level": "T130102001", **BY, "comment": "事迹突出，同意推荐", "next_level": "P130102"},
    "held.v1": {"level": "P130102", **BY, "reason": "事迹材料需补充群众评议结果"},
    "rejected.v1": {"level": "P130102", **BY, "reason": "近三年民主评议有一次为基本合格，不符合推荐条件"},
    "shortlisted.v1": {
        "level": "P1301",
        **BY,
        "comment": "经市委常委会研究确定为拟表彰对象",
        "quota": {"quota": 30, "used": 18},
    },
    "objection_raised.v1": {"objection_id": "f0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b"},
    "objection_resolved.v1": {
        "objection_id": "f0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b",
        "upheld": False,
        "reason": "经核查，所反映问题与事实不符",
        **BY,
    },
    "withdrawn.v1": {"objection_id": "f0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b", "reason": "经核查异议属实，撤回推荐"},
    "granted.v1": {
        "campaign_id": CAMPAIGN_ID,
        "campaign_name": "2025年度“两优一先”七一表彰",
        "title": TITLE,
        "nominee_type": "member",
        "nominee_id": "M000101",
        "year": 2025,
        "on": "2025-07-01",
        **BY,
    },
    "revoked.v1": {"reason": "受党内警告处分，依规撤销所获表彰", **BY, "on": "2026-03-15"},
    "exemplar_selected.v1": {
        "nomination_id": NOMINATION_ID,
        "campaign_id": CAMPAIGN_ID,
        "title": TITLE,
        "nominee_type": "member",
        "nominee_id": "M000101",
        "year": 2025,
        "citation": "扎根农村二十年，带领群众发展特色种植，人均增收三千元",
        **BY,
    },
    "exemplar_promoted.v1": {
        "kind": "report",
        "headline": "身边的榜样——石家庄市优秀共产党员事迹报告会",
        "on": "2025-07-15",
        **BY,
    },
    "exemplar_withdrawn.v1": {"reason": "本人违反廉洁纪律，不再作为先进典型宣传"},
    "studied.v1": {
        "exemplar_id": NOMINATION_ID,
        "learner_type": "org",
        "learner_id": "O130104001C",
        "form": "专题学习",
        "on": "2025-08-05",
        **BY,
    },
}
