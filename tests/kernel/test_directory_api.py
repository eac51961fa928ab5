"""The directory's query API (issue 13, shared/directory/api.py): the org tree of a scope in either hierarchy
(H1, H3), search by name or code, an org with its children, and its members' names — each for whom H4 lets see
it; every refusal is problem+json in Chinese and English and changes nothing."""

from __future__ import annotations

from ..stack import Stack

COUNTY, PROVINCE, TAX = "local:13/1301/130102", "local:13", "vertical:tax/13"


def officer(stack: Stack, *scopes: str, role: str = "superior") -> dict:
    return stack.token(role, "officer", list(scopes))


async def get(stack: Stack, path: str, headers: dict, status: int = 200, **params) -> dict:
    r = await stack.http.get(f"/api/directory{path}", params=params, headers=headers)
    assert r.status_code == status, r.text
    if status >= 400:
        assert r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["title_zh"] and body["title_en"] and body["title_zh"] != body["title_en"]
    return r.json()


def ids(body: dict) -> list[str]:
    return [o["id"] for o in body["items"]]


async def test_the_tree_of_a_scope_in_both_hierarchies(stack):
    s = stack
    county = officer(s, COUNTY)
    top = await get(s, "/orgs", county, scope=COUNTY)
    assert ids(top) == ["P130102"] and top["hierarchy"] == "local"
    # the district leads its branches; the tax branch standing in its territory is guided there (H3)
    below = await get(s, "/orgs", county, scope=COUNTY, parent="P130102")
    assert ids(below) == ["TAXB1", "VIL1", "WIN1"]
    assert {o["id"]: o["members"] for o in below["items"]}["VIL1"] == 5
    province = officer(s, PROVINCE, TAX)
    assert ids(await get(s, "/orgs", province, scope=PROVINCE)) == ["P13"]
    # a gap in the paths (no county committee above VIL2) still hangs VIL2 under its leading parent
    assert ids(await get(s, "/orgs", province, scope=PROVINCE, parent="P1302")) == ["VIL2"]
    assert ids(await get(s, "/orgs", province, scope=TAX)) == ["TAX13"]
    assert ids(await get(s, "/orgs", province, scope=TAX, parent="TAX13")) == ["TAXB1"]

    one = await get(s, "/orgs/TAXB1", province)
    assert one["name"] == "长安区税务局党支部" and one["leading_hierarchy"] == "vertical"
    assert one["parents"] == {
        "local": {"id": "P130102", "name": "长安区委"},
        "vertical": {"id": "TAX13", "name": "省税务局党委"},
    }
    district = await get(s, "/orgs/P130102", county)
    assert [c["id"] for c in district["children"]["local"]] == ["TAXB1", "VIL1", "WIN1"]
    assert district["children"]["vertical"] == [] and district["parents"]["local"] is None  # P1301 is not seen
    tax = await get(s, "/orgs/TAX13", province)
    assert [c["id"] for c in tax["children"]["vertical"]] == ["TAXB1"] and tax["children"]["local"] == []


async def test_search_by_name_or_code(stack):
    s = stack
    province = officer(s, PROVINCE)
    assert ids(await get(s, "/orgs", province, scope=PROVINCE, q="一村")) == ["VIL1", "VIL2"]
    assert ids(await get(s, "/orgs", province, scope=PROVINCE, q="130104001")) == ["COM1"]  # a territorial code
    assert ids(await get(s, "/orgs", province, scope=PROVINCE, q="win1")) == ["WIN1"]
    assert ids(await get(s, "/orgs", officer(s, COUNTY), scope=COUNTY, q="唐山")) == []  # outside the scope
    assert ids(await get(s, "/orgs", s.member("M1", "VIL1"), q="一村")) == ["VIL1"]
    assert ids(await get(s, "/orgs", s.member("M1", "VIL1"), q="社区")) == []


async def test_members_with_names_for_their_org_and_its_overseers(stack):
    s = stack
    listed = await get(s, "/orgs/VIL1/members", s.member("M2", "VIL1"))
    names = {m["id"]: m["name"] for m in listed["items"]}
    assert names == {"M1": "张伟", "M2": "李娜", "M3": "王芳", "M4": "刘洋", "M5": "陈静"}
    posts = {m["id"]: m["post"] for m in listed["items"]}
    assert posts["M1"] == "网格员" and posts["M3"] is None
    # an exemption's reason is private (E6): not for the other members, for the secretary and the county
    assert {m["id"]: m["exempt_reason"] for m in listed["items"]}["M4"] is None
    for headers in (s.secretary("VIL1"), officer(s, COUNTY), officer(s, COUNTY, role="auditor")):
        seen = await get(s, "/orgs/VIL1/members", headers)
        assert {m["id"]: m["exempt_reason"] for m in seen["items"]}["M4"] == "年老体弱"
    mine = await get(s, "/orgs/VIL1", s.member("M2", "VIL1"))
    assert mine["members_visible"] is True and mine["members"] == 5


async def test_refusals_say_why_in_chinese_and_english_and_change_nothing(stack):
    s = stack
    member, county = s.member("M1", "VIL1"), officer(s, COUNTY)
    refused = await get(s, "/orgs", member, 403, scope=COUNTY)  # a member holds no scope (H4)
    assert "管辖范围" in refused["title_zh"]
    assert "local:13/1301/130102" in (await get(s, "/orgs", county, 403, scope="local:13/1302"))["title_zh"]
    await get(s, "/orgs", county, 422)  # an officer names the scope
    assert "格式不正确" in (await get(s, "/orgs", county, 422, scope="nonsense"))["title_zh"]
    await get(s, "/orgs", county, 422, scope=COUNTY, q="x" * 51)
    assert "不在范围" in (await get(s, "/orgs", officer(s, PROVINCE), 403, scope=COUNTY, parent="COM1"))["title_zh"]
    assert "不在组织目录中" in (await get(s, "/orgs/NOPE", county, 404))["title_zh"]
    await get(s, "/orgs/COM1", member, 403)  # another org
    await get(s, "/orgs/COM1", county, 403)  # outside the county
    refused = await get(s, "/orgs/COM1/members", member, 403)
    assert "党员名单只对本组织党员、书记和管辖该组织的上级开放" in refused["title_zh"]
    await get(s, "/orgs/VIL1/members", s.secretary("COM1"), 403)
    await get(s, "/orgs/P130102/members", county, 200)
    await get(s, "/orgs/VIL1/members", officer(s, PROVINCE, role="downstream"), 403)
    await get(s, "/orgs", s.token("downstream", "erp", [PROVINCE]), 403, scope=PROVINCE)
    r = await s.http.get("/api/directory/orgs", params={"scope": COUNTY})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    # the refusals wrote nothing: the directory still answers as before
    assert ids(await get(s, "/orgs", county, scope=COUNTY)) == ["P130102"]
