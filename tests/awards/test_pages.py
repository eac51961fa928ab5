"""The public 公示 page's templates (A5): bilingual, and whatever people typed is escaped. No I/O."""

import datetime as dt
from types import SimpleNamespace

from services.awards.pages import TEMPLATES


def test_a5_publicity_page_escapes_deeds_and_offers_the_form_only_during_publicity():
    campaign = SimpleNamespace(
        name="七一表彰", year=2026, publicity_from=dt.date(2026, 6, 10), publicity_until=dt.date(2026, 6, 20)
    )
    candidate = {
        "nomination_id": "n1",
        "title": "优秀共产党员",
        "nominee": "党员 M1（一村党支部）",
        "deeds": "<script>alert(1)</script>",
    }
    page = TEMPLATES.get_template("publicity.html")
    html = page.render(
        campaign=campaign,
        phase="publicity",
        phase_zh="公示",
        open=True,
        message="",
        error=False,
        action="/awards/campaigns/c/publicity",
        candidates=[candidate],
    )
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "提交异议" in html and "Submit objection" in html and 'name="nomination_id" value="n1"' in html
    closed = page.render(
        campaign=campaign,
        phase="awaiting_grant",
        phase_zh="公示期满待表彰",
        open=False,
        message="",
        error=False,
        action="x",
        candidates=[candidate],
    )
    assert "<form" not in closed
    empty = TEMPLATES.get_template("index.html").render(campaigns=[])
    assert "目前没有公示中的表彰活动" in empty and "No campaign is in publicity now" in empty
