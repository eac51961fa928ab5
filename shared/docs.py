"""The API's own documentation.

``/docs`` is Swagger UI from the installed ``swagger-ui-bundle-v2`` package, served by the app itself: no
CDN, so it works without internet. The OpenAPI document says what the API really answers: errors as
problem+json (shared/errors.py), not FastAPI's default validation error; the bearer token is declared by
shared.api's ``Caller`` (so Swagger UI's "Authorize" works).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"
PROBLEM_MEDIA = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details; `title_zh` and `title_en` say what is wrong and what to do",
    "required": ["type", "title", "title_zh", "title_en", "status"],
    "properties": {
        "type": {"type": "string", "description": "stable URI of the kind of problem"},
        "title": {"type": "string"},
        "title_zh": {"type": "string"},
        "title_en": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "correlation_id": {"type": ["string", "null"], "description": "also in the X-Correlation-ID header"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "each invalid field (422)"},
    },
}


def add_docs(app: FastAPI) -> None:
    """Serve /docs from local assets (the app is built with ``docs_url=None, redoc_url=None``)."""
    app.mount(ASSETS, StaticFiles(directory=Path(str(swagger_ui_path))), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, cached on the app; described once
        if "Problem" not in schema.get("components", {}).get("schemas", {}):
            describe_problems(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe_problems(schema: dict[str, Any]) -> None:
    """Every operation's errors are problem+json: its 422 and, for any other error status, its default."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {PROBLEM_MEDIA: {"schema": PROBLEM_REF}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "输入不合法 Invalid input", "content": problem}
            responses["default"] = {
                "description": "错误 An error (401, 403, 404, 409, 413, 429, 500)",
                "content": problem,
            }
    for unused in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(unused, None)
