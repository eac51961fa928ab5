"""Bad input, wrong actors and illegal transitions are refused with problem+json (Chinese and English
titles) and record nothing (docs/ARCHITECTURE.md; A1, A3–A6, H3, H4)."""

from .helpers import (
    ORG_TITLE,
    RECOMMENDING,
    TIMETABLE,
    TODAY,
    admin,
    at,
    campaign_body,
    get,
    nomination_body,
    post,
    superior,
)

CITY = "local:13/1301"
MISSING = "00000000-0000-4000-8000-000000000000"


async def test_bad_input_is_refused_and_changes_nothing(awards):
    at(awards, TODAY)
    city = admin(awards, CITY)
    cid = (
        await post(awards, "/campaigns", campaign_body("P1301", CITY, [{"name": ORG_TITLE, "quota": 1}]), city, 201)
    )["campaign_id"]
    app = awards["awards"].app
    before = app.recorder.max_notification_id()
    body = campaign_body("P1301", CITY, [{"name": ORG_TITLE, "quota": 1}])

    cases = [
        # opening a campaign (A1)
        ("/campaigns", {**body, "scope": "local:13/../1"}, city, 422, "scope"),
        ("/campaigns", {**body, "extra": 1}, city, 422, "invalid-input"),
        ("/campaigns", {**body, "kind": "monthly"}, city, 422, "invalid-input"),
        ("/campaigns", {**body, "titles": [{"name": "最美共产党员", "quota": 1}]}, city, 422, "campaign-titles"),
        ("/campaigns", {**body, "titles": [{"name": ORG_TITLE, "quota": 0}]}, city, 422, "invalid-input"),
        ("/campaigns", {**body, "publicity_from": TIMETABLE["grant_on"]}, city, 422, "campaign-timetable"),
        ("/campaigns", {**body, "opener_org_id": "VIL2"}, city, 422, "campaign-opener"),
        ("/campaigns", {**body, "opener_org_id": "NOPE"}, city, 404, "org-not-found"),
        ("/campaigns", body, awards.secretary("P1301"), 403, "forbidden"),
        ("/campaigns", body, superior(awards, "local:13/1301/130102"), 403, "forbidden"),
        ("/campaigns", {**body, "name": "x" * 101}, city, 422, "invalid-input"),
        # nominating (A3, A4)
        (
            f"/campaigns/{cid}/nominations",
            nomination_body("VIL1", "优秀党务工作者"),
            awards.secretary("VIL1"),
            422,
            "unknown-title",
        ),
        (
            f"/campaigns/{cid}/nominations",
            nomination_body("M1", ORG_TITLE, "member"),
            awards.secretary("VIL1"),
            422,
            "nominee-type",
        ),
        (
            f"/campaigns/{cid}/nominations",
            nomination_body("M99", ORG_TITLE, "member"),
            awards.secretary("VIL1"),
            404,
            "member-not-found",
        ),
        (f"/campaigns/{cid}/nominations", nomination_body("VIL1"), awards.secretary("COM1"), 403, "forbidden"),
        (f"/campaigns/{cid}/nominations", nomination_body("VIL1"), superior(awards, CITY), 403, "forbidden"),
        (
            f"/campaigns/{cid}/nominations",
            {**nomination_body("VIL1"), "deeds": ""},
            awards.secretary("VIL1"),
            422,
            "invalid-input",
        ),
        (f"/campaigns/{cid}/nominations", nomination_body("VIL1"), awards.secretary("VIL1"), 409, "ineligible"),
        (f"/campaigns/{cid}/nominations", nomination_body("VIL2"), awards.secretary("VIL2"), 409, "outside-campaign"),
        (
            f"/campaigns/{MISSING}/nominations",
            nomination_body("VIL1"),
            awards.secretary("VIL1"),
            404,
            "campaign-not-found",
        ),
        (
            f"/campaigns/{cid}/overrides",
            {"title": ORG_TITLE, "nominee_type": "member", "nominee_id": "M1", "reason": "r"},
            city,
            422,
            "nominee-type",
        ),
        (
            f"/campaigns/{cid}/overrides",
            {"title": ORG_TITLE, "nominee_type": "org", "nominee_id": "VIL1", "reason": "r"},
            superior(awards, "local:13/1301/130102"),
            403,
            "forbidden",
        ),
        # deciding, objecting, granting, exemplars
        (f"/nominations/{MISSING}/pass", {}, city, 404, "nomination-not-found"),
        (f"/nominations/{MISSING}/objections", {"text": "x" * 2001}, None, 422, "invalid-input"),
        (f"/nominations/{MISSING}/objections", {"text": "事迹不实"}, None, 404, "nomination-not-found"),
        (f"/campaigns/{cid}/grant", None, city, 409, "campaign-phase"),
        (f"/campaigns/{cid}/grant", None, awards.secretary("VIL1"), 403, "forbidden"),
        ("/exemplars", {"nomination_id": MISSING, "citation": "c"}, city, 404, "nomination-not-found"),
        (
            f"/exemplars/{MISSING}/studies",
            {"learner_type": "org", "learner_id": "COM1", "form": "专题学习"},
            awards.secretary("COM1"),
            404,
            "exemplar-not-found",
        ),
        (
            f"/exemplars/{MISSING}/studies",
            {"learner_type": "org", "learner_id": "COM1", "form": "看电影"},
            awards.secretary("COM1"),
            422,
            "invalid-input",
        ),
    ]
    for path, payload, who, status, slug in cases:
        problem = await post(awards, path, payload, who, status)
        assert problem["type"].endswith(f"/{slug}"), (path, problem)

    at(awards, RECOMMENDING)  # the nomination period is over
    late = await post(awards, f"/campaigns/{cid}/nominations", nomination_body("VIL1"), awards.secretary("VIL1"), 409)
    assert late["type"].endswith("/campaign-phase") and "推荐申报" in late["title_zh"]
    r = await awards.http.post("/api/awards/campaigns", json=body)
    assert r.status_code == 401
    await get(awards, "/honours", city, 422, scope="galaxy:1")
    await get(awards, "/honours", city, 403, scope="local:13")
    await get(awards, f"/campaigns/{cid}", awards.secretary("VIL2"), 403)  # 唐山 lies outside the campaign (H4)
    await get(awards, "/orgs/VIL1/campaigns", awards.secretary("COM1"), 403)

    assert app.recorder.max_notification_id() == before


async def test_a5_objections_are_rate_limited_per_address(awards):
    """Anyone may object (A5), nobody may flood: the API and the 公示 form share one limit per address."""
    from uuid import uuid4

    app = awards["awards"].app
    before = app.recorder.max_notification_id()
    statuses = [
        (await awards.http.post(f"/api/awards/nominations/{uuid4()}/objections", json={"text": "异议"})).status_code
        for _ in range(6)
    ]
    assert set(statuses[:5]) == {404} and statuses[5] == 429  # CXZY_RATE_LIMITS objection=5/3600
    form = await awards.http.post(f"/awards/campaigns/{uuid4()}/publicity", data={"nomination_id": "x", "text": "y"})
    assert form.status_code == 429  # the same address, the same limit
    assert app.recorder.max_notification_id() == before
