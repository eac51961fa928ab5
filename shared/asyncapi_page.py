"""The AsyncAPI documents on the web: ``/asyncapi/<service>.json`` (one public contract per service),
``/asyncapi.json`` (all of them) and ``/asyncapi``, a page rendered on the server from the same documents — servers,
channels with their parameters, messages with schema and example — with no script and no CDN, Chinese first."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .asyncapi import asyncapi_document, subject_guide
from .errors import not_found

STYLE = (
    'body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:60rem;padding:1rem;'
    "line-height:1.6}h1{color:#b0191e;font-size:1.5rem}h2{font-size:1.25rem;border-bottom:2px solid #b0191e}"
    "h3{font-size:1.05rem;margin-bottom:.2rem}.en{color:#666;font-size:.9em}code{background:#f4f4f4;padding:0 .2em;"
    "word-break:break-all}pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.85em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;"
    "vertical-align:top}.guide{white-space:pre-line}section.channel{border-left:3px solid #eee;padding-left:.8rem;"
    "margin:1.2rem 0}.deprecated{color:#b0191e;font-weight:bold}"
)


def _pre(value: Any) -> str:
    return f"<pre>{escape(json.dumps(value, ensure_ascii=False, indent=2))}</pre>"


def _message(msg: dict) -> str:
    example = (msg.get("examples") or [{}])[0]
    deprecated = '<p class="deprecated">已弃用 Deprecated</p>' if msg["payload"].get("deprecated") else ""
    return (
        f"<h4>消息 {escape(msg['title'])} <code>{escape(msg['name'])}</code></h4>{deprecated}"
        f"<p>{escape(msg['description'])}</p>"
        f"<details open><summary>示例载荷 Example payload</summary>{_pre(example.get('payload'))}</details>"
        f"<details><summary>示例消息头 Example headers (ce-*)</summary>{_pre(example.get('headers'))}</details>"
        f"<details><summary>载荷 JSON Schema</summary>{_pre(msg['payload'])}</details>"
        f"<details><summary>消息头 Schema Headers schema</summary>{_pre(msg['headers'])}</details>"
    )


def _channel(doc: dict, channel_id: str, channel: dict) -> str:
    params = "".join(
        f"<tr><td><code>{{{escape(name)}}}</code></td><td>{escape(p['description'])}</td>"
        f"<td>{escape(' / '.join(p.get('examples', [])))}</td></tr>"
        for name, p in channel["parameters"].items()
    )
    messages = "".join(
        _message(doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]) for ref in channel["messages"].values()
    )
    return (
        f'<section class="channel" id="{escape(channel_id)}"><h3>{escape(channel["title"])}</h3>'
        f"<p>主题 Subject: <code>{escape(channel['address'])}</code></p><p>{escape(channel['description'])}</p>"
        f"<details><summary>主题参数 Subject parameters</summary><table><tr><th>参数 Parameter</th>"
        f"<th>说明 Meaning</th><th>示例 Examples</th></tr>{params}</table></details>{messages}</section>"
    )


def render_page(documents: dict[str, dict]) -> str:
    """The page of these services' documents (``{service: document}``)."""
    first = next(iter(documents.values()))
    servers = "".join(
        f"<li><code>{escape(s['protocol'])}://{escape(s['host'])}</code> {escape(s.get('description', ''))}</li>"
        for s in first["servers"].values()
    )
    toc = "".join(
        f'<li><a href="#svc-{escape(name)}">{escape(doc["info"]["title"])}</a> · '
        f'<a href="/asyncapi/{escape(name)}.json">AsyncAPI JSON</a></li>'
        for name, doc in documents.items()
    )
    sections = "".join(
        f'<h2 id="svc-{escape(name)}">{escape(doc["info"]["title"])}</h2>'
        f'<p><a href="/asyncapi/{escape(name)}.json">/asyncapi/{escape(name)}.json</a> '
        f'<span class="en">AsyncAPI {escape(doc["asyncapi"])}, contract {escape(doc["info"]["version"])}</span></p>'
        + "".join(_channel(doc, cid, ch) for cid, ch in doc["channels"].items())
        for name, doc in documents.items()
    )
    guide = escape(subject_guide().split("\n\n", 1)[1])  # the layout line is above; examples on grading's 定级确定
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>事件文档 AsyncAPI — cxzy</title><style>{STYLE}</style></head>
<body><h1>公开事件文档 <span class="en">Public events (AsyncAPI)</span></h1>
<p>下游系统（全国统计、人事、数据仓库等）订阅这些事件。每个服务一份契约，全部事件见 <a href="/asyncapi.json">/asyncapi.json</a>。
<span class="en">One contract per service for downstream systems; all of them in /asyncapi.json.</span></p>
<h2>服务器 <span class="en">Servers</span></h2><ul>{servers}</ul>
<h2>主题与订阅 <span class="en">Subjects and filters</span></h2>
<p class="guide">主题结构 Subject layout: <code>cxzy.&lt;service&gt;.&lt;event&gt;.{{province}}.{{prefecture}}.{{county}}.{{township}}.{{system}}.{{level1}}.{{level2}}.{{level3}}.{{org}}</code></p>
<p class="guide">{guide}</p>
<h2>服务 <span class="en">Services</span></h2><ul>{toc}</ul>
{sections}
<p><a href="/">返回首页 Home</a></p></body></html>"""


def add_asyncapi(app: FastAPI, specs: list) -> None:
    """Serve the documents of these services' public channels (servers from the app's settings)."""
    by_name = {spec.name: spec for spec in specs}

    def document(request: Request, chosen: list) -> dict:
        settings = request.app.state.settings
        return asyncapi_document(chosen, settings.nats_url, secured=bool(settings.nats_user))

    @app.get("/asyncapi.json", tags=["platform"], summary="AsyncAPI 3 document of every service's public events")
    async def asyncapi_all(request: Request):
        return JSONResponse(document(request, specs))

    @app.get("/asyncapi/{service}.json", tags=["platform"], summary="AsyncAPI 3 document of one service's events")
    async def asyncapi_one(request: Request, service: str):
        if service not in by_name:
            raise not_found(
                "asyncapi-service",
                f"没有名为 {service} 的服务，请从 {'、'.join(by_name)} 中选择",
                f"No service {service!r}; choose one of {', '.join(by_name)}",
            )
        return JSONResponse(document(request, [by_name[service]]))

    @app.get("/asyncapi", response_class=HTMLResponse, include_in_schema=False)
    async def asyncapi_page(request: Request):
        return HTMLResponse(render_page({name: document(request, [spec]) for name, spec in by_name.items()}))
