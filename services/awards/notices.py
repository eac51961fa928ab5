"""Which award events notify whom 消息 (issue 13): a nomination waiting at a level goes to the officers of
that level (A3: 逐级推荐, H3), an honour granted to the member or the org honoured (A6)."""

from __future__ import annotations

from shared.envelope import Envelope
from shared.notices import Facts, Notice, NoticeRules, member, org, scope


def waiting(level: str, what: str) -> Notice:
    return Notice(scope(level), f"{what}待本级审议，请及时办理推荐上报或审定", "/ws/campaigns")


def nominated(env: Envelope, facts: Facts) -> list[Notice]:
    return [waiting(env.data["levels"][0], f"有一项「{env.data['title']}」推荐")]


def recommended(env: Envelope, facts: Facts) -> list[Notice]:
    return [waiting(env.data["next_level"], "下级报送的一项表彰推荐")]


def granted(env: Envelope, facts: Facts) -> list[Notice]:
    d = env.data
    if d["nominee_type"] == "member":
        text = f"您被授予「{d['title']}」荣誉称号（{d['campaign_name']}），特此告知"
        return [Notice(member(d["nominee_id"]), text, "/ws/results", d["nominee_id"])]
    text = f"本组织被授予「{d['title']}」荣誉称号（{d['campaign_name']}），特此告知"
    return [Notice(org(d["nominee_id"]), text, "/ws/nominations")]


def rules() -> NoticeRules:
    return NoticeRules(notify={"nominated": nominated, "recommended": recommended, "granted": granted})
