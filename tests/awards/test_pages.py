"""The public 公示 page's templates (A5): bilingual, and whatever people typed is escaped. No I/O."""

import datetime as dt
from types import SimpleNamespace

from services.awards.pages import TEMPLATES, timetable_notice

CAMPAIGN = SimpleNamespace(
    name="七一表彰",
    year=2026,
    publicity_from=dt.date(2026, 6, 10),
    publicity_until=dt.date(2026, 6, 20),
    grant_on=dt.date(2026, 6, 28),
    granted_on=None,
)
CANDIDATE = {
    "nomination_id": "n1",
    "title": "优秀共产党员",
    "nominee": "党员 M1（一村党支部）",
    "deeds": "<script>alert(1)</script>",
}


def page(phase: str, listed: list[dict], shown: bool = True) -> str:
    notice_zh, notice_en = timetable_notice(CAMPAIGN, phase)  # type: ignore[arg-type]
    return TEMPLATES.get_template("publicity.html").render(
        campaign=CAMPAIGN,
        phase=phase,
        phase_zh=phase,
        notice_zh=notice_zh,
        notice_en=notice_en,
        shown=shown,
        open=phase == "publicity",
        empty_zh="暂无拟表彰对象。",
        empty_en="No candidates.",
        message="",
        error=False,
        action="/awards/campaigns/c/publicity",
        listed=listed,
    )


def test_a5_publicity_page_escapes_deeds_and_offers_the_form_only_during_publicity():
    html = page("publicity", [CANDIDATE])
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "提交异议" in html and "Submit objection" in html and 'name="nomination_id" value="n1"' in html
    assert "可在 2026-06-20 前提出" in html
    closed = page("awaiting_grant", [CANDIDATE])
    assert "<form" not in closed and "公示已于 2026-06-20 结束" in closed
    before = page("recommending", [], shown=False)
    assert "公示尚未开始，将于 2026-06-10 开始" in before and "暂无拟表彰对象" not in before
    empty = TEMPLATES.get_template("index.html").render(campaigns=[])
    assert "目前没有公示中的表彰活动" in empty and "No campaign is in publicity now" in empty
