"""A small but real OpenID Connect provider for the single sign-on tests: discovery, an authorization
endpoint that has already logged ``user`` in, a token endpoint checking the client secret, the redirect URI
and the PKCE verifier, RS256 ID tokens and their JWKS — served over HTTP on a free port."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

CLIENT_ID, CLIENT_SECRET = "cxzy-workspace", "sso-test-secret"


class Provider:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.user = "zhangwei"  # who the provider says is logged in
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.tamper = False  # sign with another key: the workspace must refuse the token
        self.app = self._app()

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.base_url,
            "aud": CLIENT_ID,
            "sub": f"sso-{self.user}",
            "preferred_username": self.user,
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.tamper else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test"})

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return {
                "issuer": self.base_url,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "token_endpoint": f"{self.base_url}/token",
                "jwks_uri": f"{self.base_url}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"],
            }

        @app.get("/authorize")
        def authorize(request: Request):
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("code_challenge_method") != "S256":
                raise HTTPException(400, "bad authorization request")
            code = secrets.token_urlsafe(16)
            self.codes[code] = dict(q)
            return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 302)

        @app.post("/token")
        def token(
            request: Request,
            code: str = Form(),
            code_verifier: str = Form(),
            redirect_uri: str = Form(),
        ):
            auth = request.headers.get("authorization", "")
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            asked = self.codes.pop(code, None)
            challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
            if auth != f"Basic {basic}" or asked is None or asked["code_challenge"] != challenge:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            if asked["redirect_uri"] != redirect_uri:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(asked["nonce"]),
            }

        @app.get("/jwks")
        def jwks():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return {"keys": [{**jwk, "kid": "test", "use": "sig", "alg": "RS256"}]}

        return app
