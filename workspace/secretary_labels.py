"""The secretary's pages in one vocabulary: every status code the APIs answer with, in Chinese (one place), and
the guard that keeps these pages for the secretary of a base org."""

from __future__ import annotations

from services.awards.domain import STATES as NOMINATION_STATES
from services.evaluations.domain import MODES, SUBJECT_TYPES
from services.pledges.domain import CHANNELS, FIVE_LEADS, KINDS, PLEDGER_KINDS
from services.pledges.domain import STATES as PLEDGE_STATES

from .web import Refused

__all__ = ["CHANNELS", "FIVE_LEADS", "KINDS", "MODES", "PLEDGER_KINDS", "SUBJECT_TYPES"]

PLEDGE = {**PLEDGE_STATES, "approved": "已审核（入台账）"}
PLEDGE_TONE = {"proposed": "warn", "returned": "warn", "unfulfilled": "bad", "completed": "ok", "publicised": "ok"}
ROUND = {"open": "评议中", "completed": "已完成", "lapsed": "未达参与面，已失效"}
ROUND_TONE = {"open": "warn", "completed": "ok", "lapsed": "bad"}
PURPOSES = {
    "pledge": "承诺评议",
    "democratic": "民主评议党员",
    "org_mass": "党员群众评议党组织",
    "window": "窗口三评",
    "general": "一般评议",
}
NOMINATION = NOMINATION_STATES
NOMINATION_TONE = {"granted": "ok", "shortlisted": "ok", "rejected": "bad", "revoked": "bad", "withdrawn": "bad"}
GRADING = {"assessing": "自评/评定中", "determined": "已定级", "rectifying": "整改中", "accepted": "已验收"}
CAMPAIGN_KINDS = {"qiyi": "七一表彰", "regular": "定期表彰", "adhoc": "临时表彰"}


def secretary_org(session) -> str:
    """The org whose secretary is logged in; anyone else is told where to go."""
    account = session.account
    if account.role != "secretary" or not account.org:
        raise Refused(
            403,
            {
                "type": "not-secretary",
                "title_zh": "本页面供党组织书记使用；请用书记账号登录，或从首页的菜单进入您的页面",
                "title_en": "This page is for an org's secretary",
            },
        )
    return account.org
