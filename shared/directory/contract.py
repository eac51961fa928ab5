"""Directory integration events on ``cxzy.directory.<event>.…`` (stream CXZY_DIRECTORY)."""

from ..contract import ANY_OBJ, BOOL, STR, STRS, Contract, EventType, obj
from .domain import Member, Org

ORG_RECORD = obj(
    {"id": STR, "name": STR, "type": STR, "local": STRS, "vertical": STRS, "mode": {"enum": ["a", "b", "c"]}},
    {"domain": STR, "parent": {"type": ["string", "null"]}},
)
MEMBER_RECORD = obj(
    {"id": STR, "org": STR, "status": {"enum": ["normal", "exempt", "mobile"]}},
    {
        "exempt_reason": {"type": ["string", "null"]},
        "location_org": {"type": ["string", "null"]},
        "post": {"type": ["string", "null"]},
        "leading_cadre": BOOL,
    },
)

CONTRACT = Contract(
    "directory",
    [
        EventType("org_registered", Org.Registered, obj({"record": ORG_RECORD}), "组织登记"),
        EventType("org_changed", Org.Changed, obj({"record": ORG_RECORD, "changes": ANY_OBJ}), "组织变更"),
        EventType("member_registered", Member.Registered, obj({"record": MEMBER_RECORD}), "党员登记"),
        EventType("member_changed", Member.Changed, obj({"record": MEMBER_RECORD, "changes": ANY_OBJ}), "党员变更"),
    ],
)
