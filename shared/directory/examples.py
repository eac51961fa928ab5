"""A realistic example payload (Chinese) per published directory event, keyed ``<event>.v<version>``: shown in
the AsyncAPI document (shared/asyncapi.py) and checked against each event's JSON Schema (tests/test_asyncapi.py)."""

ORG = {
    "id": "O130102001V",
    "name": "长安区第1街道村党支部",
    "type": "支部",
    "domain": "农村",
    "local": ["13", "1301", "130102", "130102001"],
    "vertical": [],
    "mode": "a",
    "parent": "T130102001",
}
MEMBER = {
    "id": "M000101",
    "org": "O130102001V",
    "status": "normal",
    "exempt_reason": None,
    "location_org": None,
    "post": "网格员",
    "leading_cadre": False,
}

EXAMPLES = {
    "org_registered.v1": {"record": ORG},
    "org_changed.v1": {
        "record": {**ORG, "name": "长安区第1街道东村党支部"},
        "changes": {"name": "长安区第1街道东村党支部"},
    },
    "member_registered.v1": {"record": MEMBER},
    "member_changed.v1": {
        "record": {**MEMBER, "status": "mobile", "location_org": "O130104001C"},
        "changes": {"status": "mobile", "location_org": "O130104001C"},
    },
}
