"""Helpers for service routes: the caller's identity, paging, and the common request models."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict

from .auth import Identity, require_scope, verify_token
from .errors import Unauthorized
from .logging import log
from .scope import Scope, parse_scope

MAX_TEXT = 2000  # characters; longer free text is refused (docs/ARCHITECTURE.md: bad input changes nothing)


class Command(BaseModel):
    """Base of every command body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# Declares the bearer token in the OpenAPI document (Swagger UI's "Authorize"); identity() reads the token.
bearer = HTTPBearer(auto_error=False, scheme_name="bearer", description="a token from `cxzy token issue`")


def identity(request: Request, _declared: Annotated[object, Depends(bearer)] = None) -> Identity:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.query_params.get("access_token")
    if not token:
        raise Unauthorized(
            "send Authorization: Bearer <token> (cxzy token issue …)",
            title_zh="缺少令牌：请在请求头中附上 Authorization: Bearer <令牌>（令牌由 cxzy token issue 签发）",
            title_en="Missing token: send the header Authorization: Bearer <token> (issued by cxzy token issue)",
        )
    try:
        found = verify_token(request.app.state.settings, token)
    except Unauthorized as exc:
        log("auth").warning("token refused", reason=exc.detail, path=request.url.path)
        raise
    request.state.identity = found
    return found


Caller = Annotated[Identity, Depends(identity)]


class Page(BaseModel):
    limit: int
    offset: int


MAX_OFFSET = 10**9  # beyond any ledger; a larger one overflows the stores' integers (a 500 before)


def paging(
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0
) -> Page:
    return Page(limit=limit, offset=offset)


Paging = Annotated[Page, Depends(paging)]
YearFilter = Annotated[int | None, Query(ge=2000, le=2100)]  # an optional ?year= filter


def caller_scope(
    who: Caller, scope: Annotated[str, Query(max_length=200, examples=["local:13/1301", "vertical:tax/13"])]
) -> Scope:
    """A ``?scope=`` a route reports on: parsed (422 if malformed) and held by the caller (403 if not, H4)."""
    parsed = parse_scope(scope)
    require_scope(who, parsed)
    return parsed


CallerScope = Annotated[Scope, Depends(caller_scope)]
