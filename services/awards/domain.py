"""The awards vocabulary 评比表彰 (DOMAIN.md A1–A7): titles, kinds, states, phases, and the ids that make
"one nomination per nominee and title" a rule of the store. The aggregates are :mod:`.campaign` (表彰活动),
:mod:`.nomination` (推荐对象) and :mod:`.exemplars` (先进典型, 学先进). No I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from shared.errors import broken_rule

STANDARD_TITLES = {"先进基层党组织": "org", "优秀共产党员": "member", "优秀党务工作者": "member"}  # A1
SUBJECTS = {"org": "党组织", "member": "党员"}
KINDS = {"qiyi": "七一表彰", "regular": "定期表彰", "adhoc": "临时表彰（突发事件中表现突出者，A7）"}
STATES = {
    "pending": "推荐中",
    "held": "暂缓",
    "rejected": "未通过",
    "shortlisted": "拟表彰（公示）",
    "withdrawn": "已撤回",
    "granted": "已表彰",
    "revoked": "已撤销",
}
MAX_OPEN_OBJECTIONS = 50
NAMESPACE = uuid.UUID("5b7e1d2c-8a41-4f0e-9c3b-7a2f6d1e0b55")


refuse = broken_rule


PHASES = {
    "nominating": "推荐申报",
    "recommending": "逐级推荐",
    "publicity": "公示",
    "awaiting_grant": "公示期满待表彰",
    "granted": "已表彰",
}


def override_key(title: str, nominee_type: str, nominee_id: str) -> str:
    return f"{title}|{nominee_type}|{nominee_id}"


def nomination_id(campaign_id: uuid.UUID, title: str, nominee_type: str, nominee_id: str) -> uuid.UUID:
    """One nomination per nominee and title in a campaign: the id says so, the store enforces it."""
    return uuid.uuid5(NAMESPACE, f"{campaign_id}|{override_key(title, nominee_type, nominee_id)}")


def leading_chain(
    hierarchy: str, path: tuple[str, ...], campaign_path: tuple[str, ...], leads_at: Callable[[str], bool]
) -> list[str]:
    """A3, H3: the levels a nomination climbs, lowest first — every level of the nominee's leading-hierarchy
    ``path`` below the campaign's where ``leads_at`` finds a leading org, then the campaign's own level."""
    levels = [
        f"{hierarchy}:{'/'.join(path[:depth])}"
        for depth in range(len(path), len(campaign_path), -1)
        if leads_at("/".join(path[:depth]))
    ]
    return [*levels, f"{hierarchy}:{'/'.join(campaign_path) or '*'}"]
