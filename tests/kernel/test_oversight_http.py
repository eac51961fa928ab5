"""Scopes as the boundary of who sees and does what (H3, H4; issue 6), over HTTP and SSE."""

import json

from shared.auth import Identity, issue_token
from shared.scope import Position, Scope
from shared.settings import Settings

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]


async def org_pledge(stack, org: str) -> str:
    r = await stack.http.post(
        "/api/pledges/pledges",
        json={"org_id": org, "pledger_kind": "org", "kind": "annual", "items": ITEMS},
        headers=stack.secretary(org),
    )
    assert r.status_code == 201, r.text
    return r.json()["pledge_id"]


async def test_each_role_sees_its_subtree_in_both_hierarchies(stack):
    for org in ("VIL1", "COM1", "TAXB1", "VIL2"):
        await org_pledge(stack, org)
    await stack.settle()
    http = stack.http
    county = stack.token("superior", "county", ["local:13/1301/130102"])
    tax = stack.token("superior", "tax", ["vertical:tax/13"])
    auditor = stack.token("auditor", "audit", ["local:13"])
    downstream = stack.token("downstream", "bi", ["local:13"])
    member = stack.member("M1", "VIL1")
    expectations = [  # (who, org ledger, allowed)
        (county, "VIL1", True),
        (county, "TAXB1", True),
        (county, "COM1", False),
        (tax, "TAXB1", True),
        (tax, "VIL1", False),
        (auditor, "VIL2", True),
        (downstream, "VIL1", False),
        (member, "VIL1", True),
        (member, "COM1", False),
    ]
    for who, org, allowed in expectations:
        r = await http.get(f"/api/pledges/orgs/{org}/ledger", headers=who)
        assert r.status_code == (200 if allowed else 403), (who, org, r.text)
        if not allowed:
            assert r.headers["content-type"] == "application/problem+json" and "无权" in r.json()["title_zh"]
    scope_total = (await http.get("/api/pledges/ledger?scope=vertical:tax/13", headers=tax)).json()["total"]
    assert scope_total == 1
    # the auditor reads everything granted but decides nothing
    pid = await org_pledge(stack, "VIL1")
    r = await http.post(f"/api/pledges/pledges/{pid}/approve", headers=auditor)
    assert r.status_code == 403


async def test_forged_expired_and_wrong_key_tokens_are_refused_and_keys_rotate(stack):
    http, settings = stack.http, stack.settings
    url = "/api/pledges/orgs/VIL1/ledger"
    good = issue_token(settings, "S", "secretary", [], "VIL1")
    assert (await http.get(url, headers={"Authorization": f"Bearer {good}"})).status_code == 200
    header, payload, signature = good.split(".")
    forged_claims = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    wrong_key = Settings(jwt_keys="dev:somebody-elses-secret-key-of-32-bytes!")
    unknown_kid = Settings(jwt_keys="other:somebody-elses-secret-key-of-32-bytes!")
    for token, why in [
        (f"{header}.{forged_claims}.{signature}", "invalid"),
        (issue_token(settings, "S", "secretary", [], "VIL1", ttl_s=-60), "expired"),
        (issue_token(wrong_key, "S", "secretary", [], "VIL1"), "invalid"),
        (issue_token(unknown_kid, "S", "secretary", [], "VIL1"), "unknown key"),
        ("not-a-jwt", "invalid"),
    ]:
        r = await http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, why
        assert why in r.json()["detail"]
    assert (await http.get(url)).status_code == 401

    # rotation: a new key signs, the old one still verifies until dropped
    rotated = Settings(jwt_keys=f"k2:a-brand-new-signing-key-for-2026-rotation,{settings.jwt_keys}")
    from shared.auth import verify_token

    new_token = issue_token(rotated, "S", "secretary", [], "VIL1")
    assert verify_token(rotated, new_token).org == "VIL1"
    assert verify_token(rotated, good).org == "VIL1"


def test_leading_and_guiding_follow_the_management_mode():
    """H3: (a)/(b) the territorial committee leads and the industry system guides; (c) the reverse."""
    county = Identity("c", "superior", (Scope.parse("local:13/1301/130102"),))
    tax = Identity("t", "superior", (Scope.parse("vertical:tax/13"),))
    branch = Position("TAXB1", ("13", "1301", "130102"), ("tax", "13", "1301", "130102"))
    assert tax.leads(branch, "vertical") and not tax.guides(branch, "vertical")  # mode c
    assert county.guides(branch, "vertical") and not county.leads(branch, "vertical")
    assert county.leads(branch, "local") and tax.guides(branch, "local")  # were it mode a/b
    member = Identity("m", "member", (Scope.parse("local:13"),))
    assert not member.leads(branch, "local")


async def read_frames(http, headers: dict, scope: str, count: int, last_id: str | None = None, from_start=False):
    frames = []
    if last_id:
        headers = {**headers, "Last-Event-ID": last_id}
    url = f"/api/pledges/events?scope={scope}" + ("&from_start=true" if from_start else "")
    async with http.stream("GET", url, headers=headers) as r:
        assert r.status_code == 200
        current: dict = {}
        async for line in r.aiter_lines():
            if line.startswith("id: "):
                current["id"] = line[4:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and "id" in current:
                frames.append(current)
                current = {}
                if len(frames) == count:
                    break
    return frames


async def test_sse_feed_resumes_after_disconnect_without_loss_or_duplicates(stack):
    http = stack.http
    city = stack.token("downstream", "city-bi", ["local:13/1301"])
    assert (await http.get("/api/pledges/events?scope=local:13", headers=city)).status_code == 403
    first = [await org_pledge(stack, o) for o in ("VIL1", "VIL2", "COM1")]
    await stack.settle()
    got = await read_frames(http, city, "local:13/1301", 2, from_start=True)
    assert [f["data"]["subject"] for f in got] == [first[0], first[2]]  # VIL2 is outside the scope
    later = [await org_pledge(stack, o) for o in ("TAXB1", "VIL2", "COM1")]
    await stack.settle()
    resumed = await read_frames(http, city, "local:13/1301", 2, last_id=got[-1]["id"])
    assert [f["data"]["subject"] for f in resumed] == [later[0], later[2]]
    assert int(resumed[0]["id"]) > int(got[-1]["id"])


async def test_index_lists_the_services_and_their_public_pages(tmp_path, store):
    from ..stack import Stack

    stack = await Stack(tmp_path, store, services=("pledges", "awards")).start()
    try:
        index = (await stack.http.get("/")).text
        assert "承诺践诺" in index and "评比表彰" in index
        assert 'href="/awards/publicity"' in index
        assert (await stack.http.get("/awards/publicity")).status_code == 200
    finally:
        await stack.stop()
