"""Errors users see: problem+json (RFC 9457) with a stable ``type`` and a Chinese and English title.

Domain code raises these; the app factory renders them. A refused command records nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

PROBLEM_BASE = "https://cxzy.example/problems/"


class Problem(Exception):
    """Raise it with a ``title_zh``/``title_en`` of its own (tests/test_messages.py checks); the class titles
    below are only a last resort."""

    status = 400
    slug = "bad-request"
    title_zh = "请求有误，请检查后重试"
    title_en = "Bad request; check it and retry"

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
    title_zh = "请求内容有误，请对照接口文档（/docs）修改后重新提交"
    title_en = "Invalid input; correct it as the API documentation (/docs) says and send it again"


class NotFound(Problem):
    status = 404
    slug = "not-found"
    title_zh = "要查找的记录不存在，请核对编号"
    title_en = "Not found; check the id"


class Refused(Problem):
    """An illegal state transition or a broken rule (P5, G5 …): 409, nothing recorded."""

    status = 409
    slug = "refused"
    title_zh = "当前状态不允许此操作，未作任何记录，请刷新后查看"
    title_en = "Refused in the current state; nothing was recorded, reload and look"


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
    title_zh = "未认证：请附上有效的令牌"
    title_en = "Not authenticated: send a valid token"


class Forbidden(Problem):
    status = 403
    slug = "forbidden"
    title_zh = "无权进行此项操作，请由有权限的账号办理"
    title_en = "Not allowed; an account with the right role and scope may do this"


def not_found(slug: str, zh: str, en: str, **extra: Any) -> NotFound:
    """Nothing by that id: ``zh``/``en`` name what is missing and what to check."""
    return NotFound(en, slug=slug, title_zh=zh, title_en=en, **extra)


# — what the public reads: no rule codes ------------------------------------------------------------

RULE_CODE = re.compile(r"\s*[（(]\s*[PEGAHB]\d{1,2}(?:\s*[,，、/]\s*[PEGAHB]\d{1,2})*\s*[)）]")


def without_rule_codes(text: str) -> str:
    """``text`` without its rule references such as " (E5)" or "（A4、A5）": those are for officers, not the public."""
    return RULE_CODE.sub("", text)


def public_titles(problem: Problem) -> tuple[str, str]:
    """The Chinese and English titles of ``problem`` as a public page shows them."""
    return without_rule_codes(problem.title_zh), without_rule_codes(problem.title_en)


# — request validation (pydantic) as sentences ----------------------------------------------------

WHERE = {"body": ("字段", "field"), "query": ("查询参数", "query parameter"), "path": ("路径参数", "path parameter")}
WHERE |= {"header": ("请求头", "header"), "cookie": ("Cookie", "cookie")}


def _field(loc: Sequence[Any]) -> tuple[str, str, str]:
    """(zh place, en place, name) of a pydantic ``loc`` such as ("body", "items", 0, "tags")."""
    place, *path = loc or ("body",)
    zh, en = WHERE.get(str(place), ("字段", "field"))
    if str(place) not in WHERE:
        path = [place, *path]
    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return zh, en, name


def _needs(kind: str, ctx: dict) -> tuple[str, str] | None:
    """What the value must be, for pydantic's error ``kind`` (zh, en), or None when unknown."""
    n = {k: ctx.get(k) for k in ("min_length", "max_length", "ge", "gt", "le", "lt", "pattern")}
    expected = str(ctx.get("expected", ""))
    expected_zh = expected.replace(", ", "、").replace(" or ", "、")
    table: dict[str, tuple[str, str]] = {
        "missing": ("缺失", "is missing"),
        "too_short": (f"至少需要 {n['min_length']} 项", f"needs at least {n['min_length']} item(s)"),
        "too_long": (f"最多只能有 {n['max_length']} 项", f"takes at most {n['max_length']} item(s)"),
        "string_too_short": (
            "不能为空" if n["min_length"] == 1 else f"至少需要 {n['min_length']} 个字符",
            "must not be empty" if n["min_length"] == 1 else f"needs at least {n['min_length']} characters",
        ),
        "string_too_long": (f"最多 {n['max_length']} 个字符", f"takes at most {n['max_length']} characters"),
        "string_pattern_mismatch": (f"格式不正确，须符合 {n['pattern']}", f"must match {n['pattern']}"),
        "literal_error": (f"须为以下之一：{expected_zh}", f"must be one of {expected}"),
        "enum": (f"须为以下之一：{expected_zh}", f"must be one of {expected}"),
        "greater_than_equal": (f"不能小于 {n['ge']}", f"must be at least {n['ge']}"),
        "greater_than": (f"须大于 {n['gt']}", f"must be greater than {n['gt']}"),
        "less_than_equal": (f"不能大于 {n['le']}", f"must be at most {n['le']}"),
        "less_than": (f"须小于 {n['lt']}", f"must be less than {n['lt']}"),
        "finite_number": ("须为有限的数字", "must be a finite number"),
        "string_type": ("须为文本", "must be a string"),
        "list_type": ("须为列表", "must be a list"),
        "dict_type": ("须为对象", "must be an object"),
        "model_type": ("须为对象", "must be an object"),
        "model_attributes_type": ("须为对象", "must be an object"),
    }
    families = {
        "int": ("须为整数", "must be a whole number"),
        "float": ("须为数字", "must be a number"),
        "bool": ("须为 true 或 false", "must be true or false"),
        "uuid": ("须为 UUID，形如 3f2b…-…（36 个字符）", "must be a UUID"),
        "datetime": (
            "须为日期时间，形如 2026-06-01T08:00:00+08:00",
            "must be a date-time like 2026-06-01T08:00:00+08:00",
        ),
        "date": ("须为日期，形如 2026-06-01", "must be a date like 2026-06-01"),
    }
    if kind in table:
        return table[kind]
    for prefix, needs in families.items():
        if kind.startswith(prefix + "_"):
            return needs
    return None


def validation_problem(errors: Sequence[dict]) -> Invalid:
    """422 for a request pydantic refused: one Chinese and one English sentence per field, e.g.
    "字段 items 至少需要 1 项" / "field items needs at least 1 item(s)", "不允许的字段 foo"."""
    zh_parts, en_parts, detail, listed = [], [], [], []
    for e in errors:
        loc, kind, ctx = list(e.get("loc", ())), str(e.get("type", "")), e.get("ctx") or {}
        zh_place, en_place, name = _field(loc)
        if kind.startswith("json_"):
            zh, en = (
                "请求体不是合法的 JSON，请检查括号、引号和逗号",
                "the body is not valid JSON; check brackets, quotes, commas",
            )
        elif loc == ["body"]:
            zh, en = (
                "请求体缺失或不是 JSON 对象，请发送 JSON 对象",
                "the body is missing or not a JSON object; send one",
            )
        elif kind == "extra_forbidden":
            zh, en = f"不允许的{zh_place} {name}", f"{en_place} {name} is not allowed"
        elif (needs := _needs(kind, ctx)) is not None:
            zh, en = f"{zh_place} {name} {needs[0]}", f"{en_place} {name} {needs[1]}"
        else:
            zh = f"{zh_place} {name} 的值不符合要求，请对照接口文档 /docs 修改"
            en = f"{en_place} {name}: {e.get('msg')}"
        zh_parts.append(zh)
        en_parts.append(en)
        detail.append(f"{'.'.join(map(str, loc))}: {e.get('msg')}")
        listed.append({"loc": loc, "msg": e.get("msg"), "type": kind, "zh": zh})
    shown = 3
    more_zh = f"（共 {len(zh_parts)} 处，详见 errors）" if len(zh_parts) > shown else ""
    more_en = f" and {len(en_parts) - shown} more" if len(en_parts) > shown else ""
    return Invalid(
        "; ".join(detail),
        title_zh=f"请求内容有误：{'；'.join(zh_parts[:shown])}{more_zh}。请修改后重新提交",
        title_en=f"Invalid request: {'; '.join(en_parts[:shown])}{more_en}. Correct it and send it again",
        errors=listed,
    )
