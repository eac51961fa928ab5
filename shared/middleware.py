"""What every request goes through before and after the app (pure ASGI, no BaseHTTPMiddleware on the hot path).

It binds the request's correlation id (the ``X-Correlation-ID`` header or a new one) and echoes it on every
answer, refusals and 500s included; refuses a body over 1 MiB (announced or chunked) and a NUL character
anywhere in a request (PostgreSQL text cannot hold one) before the app sees them; and turns any exception the
app lets through into a problem+json 500, logged as one event. It sits inside Starlette's
ServerErrorMiddleware, so nothing reaches that plain-text 500.
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import Problem, invalid
from .logging import bind_correlation, correlation_id, exception_info, log

MAX_BODY = 1 << 20
UPLOAD_BODY = 26 << 20  # a workspace form with files: 5 evidence files of at most 5 MiB each (workspace/files.py)
PROBLEM = "application/problem+json"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON_NUL = re.compile(rb"(\\+)u0000")  # a NUL escape unless its backslash is itself escaped (odd count)


def problem_response(problem: Problem, request: Request | None = None, path: str = "") -> JSONResponse:
    body = problem.body()
    body["instance"] = str(request.url.path) if request is not None else path
    body["correlation_id"] = correlation_id.get()
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM)


class Unexpected(Problem):
    status = 500
    slug = "unexpected"
    title_zh = "服务器内部错误，操作可能未完成；请稍后重试，如仍失败请把关联号告知管理员"
    title_en = (
        "Internal error; the operation may not have completed. Retry later, or give the correlation id to an operator"
    )


class TooLarge(Problem):
    status = 413
    slug = "too-large"
    title_zh = f"请求体超过 {MAX_BODY >> 20} MiB，请缩短后重试"
    title_en = f"Request body over {MAX_BODY >> 20} MiB; send less"


def nul_refused() -> Problem:
    return invalid(
        "nul-character",
        "请求中含有空字符（\\u0000），请删去后重试",
        "The request contains a NUL character (\\u0000); remove it and retry",
    )


def nul_in_target(scope: Scope) -> bool:
    return "\x00" in scope["path"] or b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]


def nul_in_body(body: bytes, content_type: bytes) -> bool:
    if b"\x00" in body or (content_type.startswith(b"application/x-www-form-urlencoded") and b"%00" in body):
        return True
    return any(len(m.group(1)) % 2 == 1 for m in JSON_NUL.finditer(body))


class ClientLeft(Exception):
    pass


def is_upload(scope: Scope, content_type: bytes) -> bool:
    """A workspace form carrying files: a larger limit, and its parts may hold NUL bytes (PNG, PDF …); the
    workspace checks each file itself (workspace/files.py) and its text fields reach the API as JSON, screened."""
    return scope["path"].startswith("/ws/") and content_type.startswith(b"multipart/form-data")


async def read_body(receive: Receive, limit: int = MAX_BODY) -> bytes | None:
    """The whole body, or None past ``limit`` (a chunked body announces no length)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientLeft  # mid-body: no request to handle, nobody to answer
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def screen(scope: Scope, headers: dict[bytes, bytes], receive: Receive) -> tuple[Problem | None, Receive]:
    """What to refuse the request for, if anything, and how the app reads the body (read here once)."""
    length, content_type = headers.get(b"content-length", b""), headers.get(b"content-type", b"")
    upload = is_upload(scope, content_type)
    limit = UPLOAD_BODY if upload else MAX_BODY
    if length.isdigit() and int(length) > limit:
        return TooLarge(), receive
    if nul_in_target(scope):
        return nul_refused(), receive
    if scope["method"] not in BODY_METHODS:
        return None, receive
    body = await read_body(receive, limit)
    if body is None:
        return TooLarge(), receive
    if not upload and nul_in_body(body, content_type):
        return nul_refused(), receive
    return None, replaying(body, receive)


class CorrelationAndLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        cid = bind_correlation(headers.get(b"x-correlation-id", b"").decode("latin-1")[:128] or None)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-correlation-id", cid.encode("latin-1"))]
            await send(message)

        try:
            refusal, receive = await screen(scope, headers, receive)
        except ClientLeft:
            return
        if refusal is not None:
            await problem_response(refusal, path=scope["path"])(scope, receive, send_with_id)
            return

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 — the one place an unexpected error becomes an answer
            log("api").error(
                "unexpected error",
                correlation_id=cid,
                method=scope["method"],
                path=scope["path"],
                error=exception_info(exc),
            )
            if not started:
                await problem_response(Unexpected(), path=scope["path"])(scope, receive, send_with_id)
