"""待我评议 (P7, E4, E5) over real HTTP on each store: the rounds a member can rate today, in which mode, and
whether the member already rated — only for the member themself."""

import datetime as dt

from .conftest import round_body, today

DEMOCRATIC = ("year", "modes", "start", "end", "min_participation", "publish")


async def test_e4_e5_a_member_sees_own_self_rating_and_peers_and_what_is_done(stack):
    http = stack.http
    sec = stack.secretary("VIL1")
    body = {k: v for k, v in round_body("member", "-", "democratic").items() if k in DEMOCRATIC}
    r = await http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=sec)
    assert r.status_code == 201, r.text
    rounds = {x["subject_id"]: x["round_id"] for x in r.json()["rounds"]}
    later = round_body("org", "VIL1", "org_mass", start=(today() + dt.timedelta(days=3)).isoformat())
    assert (await http.post("/api/evaluations/rounds", json=later, headers=sec)).status_code == 201
    m2 = stack.member("M2", "VIL1")
    rated = await http.post(
        f"/api/evaluations/rounds/{rounds['M1']}/ratings", json={"mode": "peer", "score": 88}, headers=m2
    )
    assert rated.status_code == 200, rated.text
    await stack.settle()

    r = await http.get("/api/evaluations/members/M2/to-rate", headers=m2)
    assert r.status_code == 200, r.text
    items = {i["subject_id"]: i for i in r.json()["items"]}
    assert sorted(items) == ["M1", "M2", "M3", "M4", "M5"]  # the org round starting later is not open today
    assert items["M2"]["mode"] == "self" and {items[m]["mode"] for m in ("M1", "M3", "M4", "M5")} == {"peer"}
    assert items["M1"]["rated"] is True and not any(items[m]["rated"] for m in ("M2", "M3", "M4", "M5"))
    assert items["M1"]["round_id"] == rounds["M1"] and items["M1"]["purpose"] == "democratic"
    assert "score" not in items["M1"]  # E6: no result rides on the list

    for who in (stack.member("M1", "VIL1"), sec, stack.member("M6", "COM1")):
        refused = await http.get("/api/evaluations/members/M2/to-rate", headers=who)
        assert refused.status_code == 403 and refused.json()["title_zh"].startswith("无权操作")
    other = await http.get("/api/evaluations/members/M6/to-rate", headers=stack.member("M6", "COM1"))
    assert other.status_code == 200 and other.json()["items"] == []  # COM1 has no open round
