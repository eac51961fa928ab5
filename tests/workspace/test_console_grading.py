"""安排部署 in the officers' console (issue 14) over HTTP: what is typed is checked field by field (G2, G5) and
kept; the API's refusal (a cycle deployed twice, G1) is shown at the field it concerns; nothing is recorded
until the form is right; an officer outside the scope sees none of it (H4)."""

from __future__ import annotations

import re

from .conftest import csrf_of, login

YEAR = 2027


def form(html: str, **changes: str) -> dict:
    """The deployment form as the page pre-filled it (農村 ticked), with ``changes``."""
    fields = dict(re.findall(r'name="([^"]+)"[^>]*?value="([^"]*)"', html))
    fields = {k: v for k, v in fields.items() if not k.startswith("d")} | {"d0": "on", "csrf": csrf_of(html)}
    fields["issuer"] = "local:13/1301/130102|P130102"
    return fields | {"year": str(YEAR)} | changes


async def cycles_of(ws) -> list:
    token = ws.token("org_admin", "grading-reader", ["local:13/1301/130102"])
    return (await ws.http.get("/api/grading/cycles", headers=token)).json()["items"]


async def test_the_deployment_form_says_what_is_wrong_at_the_field_and_keeps_what_was_typed(ws):
    client = await login(ws, "orgdept")
    page = (await client.get("/ws/cycles/new")).text
    assert "党组织带头人" in page and "群众评价" in page and 'value="85"' in page  # the template, pre-filled
    before = await cycles_of(ws)

    r = await client.post("/ws/cycles/new", data=form(page, max_top="60", min_bottom="50"))
    assert r.status_code == 422 and 'id="err-ratio"' in r.text and "不能超过 100%" in r.text
    assert 'value="60"' in r.text  # kept
    r = await client.post("/ws/cycles/new", data=form(page, **{"s0.l1.min": "90"}))
    assert r.status_code == 422 and 'id="err-s0"' in r.text and "分数线须由高到低" in r.text
    r = await client.post("/ws/cycles/new", data=form(page, **{"s0.i1.r0.max": "十"}))
    assert r.status_code == 422 and "须填写数字" in r.text
    r = await client.post("/ws/cycles/new", data={k: v for k, v in form(page).items() if k != "d0"})
    assert r.status_code == 422 and 'id="err-domains"' in r.text
    assert await cycles_of(ws) == before  # nothing recorded

    r = await client.post("/ws/cycles/new", data=form(page, **{"s0.version": "2027.1"}))
    assert r.status_code == 200 and "已部署" in r.text and "2027.1" in r.text
    again = await client.post("/ws/cycles/new", data=form(page))
    assert again.status_code == 409 and 'id="err-year"' in again.text and "已经部署" in again.text
    listed = (await client.get("/ws/cycles")).text
    assert "长安区委" in listed and "农村 2027.1" in listed
    await client.aclose()

    outsider = await login(ws, "zhangwei")  # a member: no cycle of hers to see, no deployment possible
    r = await outsider.post("/ws/cycles/new", data=form(page) | {"csrf": csrf_of((await outsider.get("/ws/")).text)})
    assert r.status_code == 403 and "组织部门" in r.text
    await outsider.aclose()
