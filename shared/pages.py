"""What the public reads when a page cannot be shown: a small bilingual HTML page sized for a phone.

Page routes (``/awards/…``, ``/evaluations/…``; no token) answer people, not programs: an unknown campaign or
window, a refused vote or objection is an HTML page in Chinese and English, never problem+json, and never
names a rule code (those are for officers, in the API).
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

from .errors import Problem, public_titles

STYLE = (
    'body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:0 auto;'
    "max-width:40rem;padding:1rem;line-height:1.6;color:#222}h1{font-size:1.4rem;color:#b0191e}"
    ".en{color:#666;font-size:.9em}"
)


def message_page(
    title_zh: str,
    title_en: str,
    *,
    slug: str,
    status: int = 200,
    note_zh: str = "",
    note_en: str = "",
    back: str = "/",
) -> HTMLResponse:
    """A one-message page: its outcome is ``slug`` (``#outcome[data-outcome]``, for tests and scripts)."""
    note = f'<p>{escape(note_zh)} <span class="en">{escape(note_en)}</span></p>' if note_zh else ""
    html = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title_zh)} · 创先争优</title><style>{STYLE}</style></head>
<body><h1 id="outcome" data-outcome="{escape(slug)}">{escape(title_zh)}</h1>
<p class="en">{escape(title_en)}</p>{note}
<p><a href="{escape(back)}">返回首页</a> <span class="en">Home</span></p></body></html>"""
    return HTMLResponse(html, status_code=status)


def problem_page(problem: Problem, *, note_zh: str = "", note_en: str = "", back: str = "/") -> HTMLResponse:
    """``problem`` as a page, with its status (404 for an unknown campaign …), without rule codes."""
    zh, en = public_titles(problem)
    return message_page(zh, en, slug=problem.slug, status=problem.status, note_zh=note_zh, note_en=note_en, back=back)
