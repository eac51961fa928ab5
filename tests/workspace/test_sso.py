"""统一身份认证: logging in through the organisation's OpenID Connect provider (a real one on a free port).
The provider says who the person is; the workspace account says what they may do."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import uvicorn

from shared.nats_io import free_port
from tests.stack import Stack

from .conftest import PASSWORD
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture(scope="module")
async def sso(tmp_path_factory):
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(provider.app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    stack = Stack(
        tmp_path_factory.mktemp("sso"),
        "sqlite",
        workspace=True,
        oidc_issuer=provider.base_url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )
    await stack.start()
    stack.app.state.accounts.add("zhangwei", PASSWORD, "member", member_id="M1")
    yield stack, provider
    await stack.stop()
    server.should_exit = True
    await task


async def test_a_member_logs_in_through_single_sign_on(sso):
    stack, provider = sso
    provider.user, provider.tamper = "zhangwei", False
    async with httpx.AsyncClient(base_url=stack.base_url, follow_redirects=True, timeout=30) as client:
        login = await client.get("/ws/login")
        assert "使用统一身份认证登录" in login.text
        home = await client.get("/ws/sso?next=/ws/account")
        assert home.status_code == 200 and str(home.url).endswith("/ws/account")
        assert "张伟" in home.text  # the account's person, with her org from the directory


async def test_a_person_without_an_account_is_told_whom_to_ask(sso):
    stack, provider = sso
    provider.user, provider.tamper = "stranger", False
    async with httpx.AsyncClient(base_url=stack.base_url, follow_redirects=True, timeout=30) as client:
        page = await client.get("/ws/sso")
        assert page.status_code == 401 and "还没有工作台账号" in page.text and "stranger" in page.text
        assert "cxzy_session" not in client.cookies


async def test_a_forged_id_token_or_a_replayed_state_is_refused(sso):
    stack, provider = sso
    provider.user, provider.tamper = "zhangwei", True
    async with httpx.AsyncClient(base_url=stack.base_url, follow_redirects=True, timeout=30) as client:
        page = await client.get("/ws/sso")
        assert page.status_code == 401 and "身份凭证无效" in page.text
    provider.tamper = False
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
        to_idp = await client.get("/ws/sso")
        back = await client.get(to_idp.headers["location"])
        callback = back.headers["location"]
        assert (await client.get(callback)).status_code == 303  # logged in once …
        replayed = await client.get(callback)  # … and the same state never again
        assert replayed.status_code == 401 and "已过期" in replayed.text
