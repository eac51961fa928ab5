"""组织目录 in the workspace (issue 13): the tree of an officer's scope in both hierarchies (H1, H3), search by
name or code, an org page with its children and its members' names and posts — and what H4 keeps from whom."""

from __future__ import annotations

from .conftest import login


async def test_an_officer_browses_the_tree_of_the_county_by_following_links(ws):
    client = await login(ws, "county")
    page = (await client.get("/ws/directory")).text
    assert "组织目录" in page and "长安区委" in page and 'href="/ws/directory/orgs/P130102"' in page
    assert "一村党支部" not in page  # only the top of the tree; the branches are one link away
    district = (await client.get("/ws/directory/orgs/P130102")).text
    assert "下级组织（属地）" in district
    for name in ("一村党支部", "政务窗口党支部", "长安区税务局党支部"):
        assert name in district
    village = (await client.get("/ws/directory/orgs/VIL1")).text
    assert 'href="/ws/directory/orgs/P130102"' in village and "属地上级" in village
    for name, post in (("张伟", "网格员"), ("李娜", "村务监督"), ("刘洋", "老党员")):
        assert name in village and post in village
    assert "未设岗" in village and "免于承诺（年老体弱）" in village and "流动党员" in village
    # the county holds no vertical scope: the 垂直 tab says so in a sentence
    assert "在垂直体系中没有管辖范围" in (await client.get("/ws/directory", params={"h": "vertical"})).text
    await client.aclose()


async def test_search_by_name_or_code(ws):
    client = await login(ws, "orgdept")
    by_name = (await client.get("/ws/directory", params={"q": "窗口"})).text
    assert "政务窗口党支部" in by_name and "一村党支部" not in by_name and 'value="窗口"' in by_name
    by_code = (await client.get("/ws/directory", params={"q": "130102001"})).text
    assert "一村党支部" in by_code and "政务窗口党支部" not in by_code
    nothing = (await client.get("/ws/directory", params={"q": "唐山"})).text  # outside the county's scope
    assert "没有名称或编号含“唐山”的组织" in nothing and "唐山一村党支部" not in nothing
    await client.aclose()


async def test_a_member_sees_her_own_org_and_its_members_not_another_org(ws):
    client = await login(ws, "lina")
    page = (await client.get("/ws/directory")).text
    assert "一村党支部" in page and 'class="tabs"' not in page
    village = (await client.get("/ws/directory/orgs/VIL1")).text
    assert "张伟" in village and "王芳" in village
    assert "年老体弱" not in village  # an exemption's reason is private (E6)
    other = await client.get("/ws/directory/orgs/COM1")
    assert other.status_code == 403 and "不在您的管辖范围内" in other.text and "P1" not in other.text
    missing = await client.get("/ws/directory/orgs/NOPE")
    assert missing.status_code == 404 and "不在组织目录中" in missing.text
    await client.aclose()
