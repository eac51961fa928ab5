"""Logging in to the 工作台: argon2 passwords, sessions, CSRF, accounts checked against the directory."""

from __future__ import annotations

import httpx
import pytest

from shared.errors import Problem

from .conftest import PASSWORD, csrf_of, login


async def test_a_member_logs_in_and_sees_her_name_and_org(ws):
    client = await login(ws, "zhangwei")
    home = await client.get("/ws/")
    assert home.status_code == 200
    assert "张伟" in home.text and "一村党支部" in home.text  # the name from the people book, the org's name
    assert "我的承诺" in home.text  # the member's menu
    assert home.headers["content-security-policy"].startswith("default-src 'self'")
    await client.aclose()


async def test_a_wrong_password_is_refused_in_chinese_and_keeps_the_username(ws):
    async with httpx.AsyncClient(base_url=ws.base_url) as client:
        page = await client.get("/ws/login")
        response = await client.post(
            "/ws/login", data={"username": "zhangwei", "password": "wrong-one", "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text and 'value="zhangwei"' in response.text
        assert "cxzy_session" not in response.cookies


async def test_a_login_without_the_forms_token_is_refused(ws):
    async with httpx.AsyncClient(base_url=ws.base_url) as client:
        response = await client.post("/ws/login", data={"username": "zhangwei", "password": PASSWORD, "csrf": "x"})
        assert response.status_code == 403 and "页面已过期" in response.text
        assert (await client.get("/ws/", follow_redirects=False)).status_code == 303  # still not logged in


async def test_pages_ask_for_login_and_come_back(ws):
    async with httpx.AsyncClient(base_url=ws.base_url) as client:
        response = await client.get("/ws/account", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/ws/login?next=/ws/account"


async def test_a_post_without_the_sessions_csrf_token_changes_nothing(ws):
    client = await login(ws, "lina")
    response = await client.post("/ws/account", data={"old": PASSWORD, "new": "another-pass", "again": "another-pass"})
    assert response.status_code == 403 and "页面已过期或来源不明" in response.text
    assert ws.app.state.accounts.verify("lina", PASSWORD) is not None  # the password did not change
    await client.aclose()


async def test_logout_ends_the_session_on_the_server(ws):
    client = await login(ws, "county")
    home = await client.get("/ws/")
    cookie = client.cookies["cxzy_session"]
    await client.post("/ws/logout", data={"csrf": csrf_of(home.text)})
    async with httpx.AsyncClient(base_url=ws.base_url, cookies={"cxzy_session": cookie}) as replay:
        assert (await replay.get("/ws/", follow_redirects=False)).status_code == 303  # the old cookie is dead
    await client.aclose()


async def test_passwords_are_argon2_hashes_and_sessions_are_stored_hashed(ws):
    client = await login(ws, "vil1-sec")
    row = ws.app.state.accounts.db.one("SELECT password_hash FROM ws_accounts WHERE username = 'vil1-sec'")
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    sids = [r["sid_hash"] for r in ws.app.state.accounts.db.query("SELECT sid_hash FROM ws_sessions")]
    assert client.cookies["cxzy_session"] not in sids
    await client.aclose()


def test_accounts_are_checked_against_the_directory(ws):
    book = ws.app.state.accounts
    with pytest.raises(Problem, match="M999"):
        book.add("ghost", PASSWORD, "member", member_id="M999")
    with pytest.raises(Problem, match="NOPE"):
        book.add("ghost", PASSWORD, "secretary", org="NOPE")
    with pytest.raises(Problem):
        book.add("ghost", PASSWORD, "superior", scopes=("local:99",))  # no org of the directory lies there
    with pytest.raises(Problem):
        book.add("ghost", "short", "member", member_id="M1")
    assert book.get("ghost") is None
    county = book.get("county")
    assert county.scopes == ("local:13/1301/130102",) and county.display_name == "长安区委"
