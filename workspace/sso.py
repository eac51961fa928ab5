"""统一身份认证 — logging in through the organisation's single sign-on (OpenID Connect, authorization code
flow with PKCE and a nonce). Authlib does the OAuth 2 exchange; PyJWT checks the ID token against the
issuer's published keys (signature, issuer, audience, expiry, nonce).

Single sign-on says who someone is; what they may do still comes from their workspace account (role, org,
scopes checked against the directory): the claim ``CXZY_OIDC_USERNAME_CLAIM`` names the account, and a
person without one is told to ask their org department for it. The state of a login in flight (state,
nonce, PKCE verifier) is kept in the workspace's store for ten minutes, so any HTTP process can finish it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import warnings
from functools import lru_cache

import httpx
import jwt
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shared.settings import Settings

from .web import COOKIE, book

with warnings.catch_warnings():  # authlib 1.9 announces a move to httpx2; its httpx client still works
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncOAuth2Client

router = APIRouter()
PENDING_DDL = """
CREATE TABLE IF NOT EXISTS ws_sso_pending (
    state TEXT PRIMARY KEY, nonce TEXT NOT NULL, verifier TEXT NOT NULL, next TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL)
"""
PENDING_S = 600


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    response = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


@lru_cache(maxsize=4)
def _keys(jwks_uri: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(jwks_uri)


def _client(settings: Settings, request: Request) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        settings.oidc_client_id,
        settings.oidc_client_secret,
        scope="openid profile",
        redirect_uri=str(request.url_for("sso_callback")),
    )


def _failed(request: Request, zh: str):
    from .routes import login_page

    return login_page(request, 401, error=zh, next="/ws/")


@router.get("/sso")
async def sso_start(request: Request, next: str = "/ws/"):
    settings = request.app.state.settings
    if not enabled(settings):
        return _failed(request, "本系统未配置统一身份认证，请使用用户名和密码登录")
    config = await asyncio.to_thread(_discovery, settings.oidc_issuer)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    db = book(request).db
    db.script(PENDING_DDL)
    with db.transaction() as tx:
        tx.execute("DELETE FROM ws_sso_pending WHERE expires_at < ?", [time.time()])
        target = next if next.startswith("/ws") and not next.startswith("//") else "/ws/"
        tx.insert(
            "ws_sso_pending",
            {
                "state": state,
                "nonce": nonce,
                "verifier": verifier,
                "next": target,
                "expires_at": time.time() + PENDING_S,
            },
        )
    url, _ = _client(settings, request).create_authorization_url(
        config["authorization_endpoint"],
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return RedirectResponse(url, status_code=303)


@router.get("/sso/callback", name="sso_callback")
async def sso_callback(request: Request, state: str = "", code: str = "", error: str = ""):
    settings = request.app.state.settings
    db = book(request).db
    db.script(PENDING_DDL)
    with db.transaction() as tx:
        pending = tx.execute(
            "SELECT * FROM ws_sso_pending WHERE state = ? AND expires_at > ?", [state, time.time()]
        ).one()
        tx.execute("DELETE FROM ws_sso_pending WHERE state = ?", [state])  # a state is used once
    if pending is None or error or not code:
        return _failed(request, "统一身份认证未完成或已过期，请重新登录")
    config = await asyncio.to_thread(_discovery, settings.oidc_issuer)
    async with _client(settings, request) as client:
        token = await client.fetch_token(config["token_endpoint"], code=code, code_verifier=pending["verifier"])
    try:
        signing_key = await asyncio.to_thread(_keys(config["jwks_uri"]).get_signing_key_from_jwt, token["id_token"])
        claims = jwt.decode(
            token["id_token"],
            signing_key.key,
            algorithms=config.get("id_token_signing_alg_values_supported") or ["RS256"],
            audience=settings.oidc_client_id,
            issuer=config["issuer"],
            options={"require": ["exp", "iat", "sub"]},
        )
    except (jwt.PyJWTError, KeyError):
        return _failed(request, "统一身份认证返回的身份凭证无效，请重新登录；如仍失败请联系系统管理员")
    if not secrets.compare_digest(str(claims.get("nonce", "")), pending["nonce"]):
        return _failed(request, "统一身份认证返回的身份凭证无效，请重新登录；如仍失败请联系系统管理员")
    username = str(claims.get(settings.oidc_username_claim) or "")
    account = book(request).current(username) if username else None
    if account is None:
        return _failed(
            request,
            f"统一身份认证已确认您的身份（{username or '未知'}），但您还没有工作台账号，请联系本单位组织部门开通",
        )
    sid, _ = book(request).open_session(account)
    response = RedirectResponse(pending["next"], status_code=303)
    response.set_cookie(
        COOKIE, sid, httponly=True, samesite="lax", secure=settings.cookie_secure, max_age=settings.session_ttl_s
    )
    return response
