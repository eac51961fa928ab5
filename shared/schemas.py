"""Each published event's JSON Schema at the stable URL its messages name in ``ce-dataschema``:
``<CXZY_PUBLIC_URL>/schemas/events/<service>/<event>.v<N>.json`` (docs/CONTRACT.md)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from .errors import not_found

SCHEMA_MEDIA = "application/schema+json"


def add_schemas(app: FastAPI, specs) -> None:
    add_contract_page(app)
    by_file = {
        (spec.name, f"{et.name}.v{et.version}.json"): {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": et.schema_uri(spec.name),
            "title": f"{et.title} {et.type_for(spec.name)}",
            **et.schema,
        }
        for spec in specs
        for et in spec.contract.types
    }

    @app.get(
        "/schemas/events/{service}/{file}",
        tags=["platform"],
        summary="an event's JSON Schema (ce-dataschema)",
        response_class=JSONResponse,
        responses={200: {"content": {SCHEMA_MEDIA: {}}}},
    )
    async def event_schema(service: str, file: str):
        schema = by_file.get((service, file))
        if schema is None:
            raise not_found(
                "schema-not-found",
                f"没有事件结构 {service}/{file}，请核对消息头 ce-dataschema 中的地址",
                f"no event schema {service}/{file}; check the address in the ce-dataschema header",
            )
        return JSONResponse(schema, media_type=SCHEMA_MEDIA, headers={"Cache-Control": "public, max-age=86400"})


def add_contract_page(app: FastAPI) -> None:
    """docs/CONTRACT.md — the compatibility policy and the migration guides — at ``/contract``."""
    from pathlib import Path

    from fastapi.responses import PlainTextResponse

    text = (Path(__file__).resolve().parents[1] / "docs" / "CONTRACT.md").read_text(encoding="utf-8")

    @app.get(
        "/contract",
        tags=["platform"],
        summary="the published event contract and how versions change",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    async def contract_page():
        return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
