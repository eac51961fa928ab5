"""Each published event's JSON Schema is served at the URL its messages name (``ce-dataschema``), and the
contract's policy at ``/contract`` (docs/CONTRACT.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

import jsonschema

from services.grading.contract import CONTRACT
from shared.contract import schema_url

from .stack import Stack


async def test_every_message_names_a_schema_the_site_serves(tmp_path):
    stack = await Stack(tmp_path, "sqlite", services=("grading",)).start()
    try:
        for et in CONTRACT.types:
            path = urlsplit(et.schema_uri("grading")).path
            assert path == f"/schemas/events/grading/{et.name}.v{et.version}.json"
            response = await stack.http.get(path)
            assert response.status_code == 200 and response.headers["content-type"] == "application/schema+json"
            served = response.json()
            assert served["$id"] == schema_url("grading", et.name, et.version)
            jsonschema.Draft202012Validator.check_schema(served)
            assert {k: v for k, v in served.items() if k not in ("$schema", "$id", "title")} == et.schema
        missing = await stack.http.get("/schemas/events/grading/nothing.v1.json")
        assert missing.status_code == 404 and "ce-dataschema" in missing.json()["title_zh"]
        policy = await stack.http.get("/contract")
        assert policy.status_code == 200 and "定级确定 v2" in policy.text
    finally:
        await stack.stop()
