"""Errors users see: problem+json (RFC 9457) with a stable ``type`` and a Chinese and English title.

Domain code raises these; the app factory renders them. A refused command records nothing.
"""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://cxzy.example/problems/"


class Problem(Exception):
    status = 400
    slug = "bad-request"
    title_zh = "请求有误"
    title_en = "Bad request"

    def __init__(
        self,
        detail: str = "",
        *,
        slug: str | None = None,
        title_zh: str | None = None,
        title_en: str | None = None,
        **extra: Any,
    ):
        super().__init__(detail or self.title_en)
        self.detail = detail
        self.slug = slug or self.slug
        self.title_zh = title_zh or self.title_zh
        self.title_en = title_en or self.title_en
        self.extra = extra

    def body(self) -> dict:
        return {
            "type": PROBLEM_BASE + self.slug,
            "title": f"{self.title_zh} / {self.title_en}",
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }


class Invalid(Problem):
    status = 422
    slug = "invalid-input"
    title_zh = "输入不合法"
    title_en = "Invalid input"


class NotFound(Problem):
    status = 404
    slug = "not-found"
    title_zh = "未找到"
    title_en = "Not found"


class Refused(Problem):
    """An illegal state transition or a broken rule (P5, G5 …): 409, nothing recorded."""

    status = 409
    slug = "refused"
    title_zh = "操作被拒绝"
    title_en = "Operation refused"


class ConcurrentChange(Refused):
    """409: another command changed the same aggregate at the same moment; nothing was recorded."""

    slug = "concurrent-change"
    title_zh = "数据刚被他人同时修改，本次操作未记录，请刷新后重试"
    title_en = "Changed by someone else at the same moment; nothing was recorded, reload and retry"


def invalid(slug: str, zh: str, en: str, **extra: Any) -> Invalid:
    """Bad input: ``slug`` is its stable type, ``zh``/``en`` say what is wrong and what to send instead."""
    return Invalid(en, slug=slug, title_zh=zh, title_en=en, **extra)


def broken_rule(slug: str, zh: str, en: str, **extra: Any) -> Refused:
    """A refused command: ``slug`` is its stable type, ``zh``/``en`` say why (P5, G5 …)."""
    return Refused(en, slug=slug, title_zh=zh, title_en=en, **extra)


class TooMany(Problem):
    """429: a rate limit (E5 mass ratings, public forms)."""

    status = 429
    slug = "rate-limited"
    title_zh = "操作过于频繁，请稍后再试"
    title_en = "Too many requests, try again later"


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"
    title_zh = "未认证"
    title_en = "Not authenticated"


class Forbidden(Problem):
    status = 403
    slug = "forbidden"
    title_zh = "无权操作"
    title_en = "Not allowed"
