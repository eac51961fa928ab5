"""One public AsyncAPI contract per service (issue 15, shared/asyncapi.py): valid by the OFFICIAL parser
(tools/asyncapi, npm @asyncapi/parser), public channels only, servers from settings, parameters explained, and a
Chinese example per message that its schemas accept; served over real HTTP as JSON and as an offline page."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest

from services import EVENT_SOURCES, spec
from shared.asyncapi import asyncapi_document, examples_of, message_key
from shared.envelope import Envelope
from shared.scope import NONE

from .stack import Stack

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "asyncapi"
SPECS = [spec(name) for name in EVENT_SOURCES]
CLUSTER = "nats://nats-1.cxzy.example:4222, tls://nats-2.cxzy.example:4222,nats://nats-3.cxzy.example:4222"


def validate(*paths: Path) -> subprocess.CompletedProcess:
    assert (TOOLS / "node_modules").is_dir(), "run `make install` (npm ci --prefix tools/asyncapi)"
    return subprocess.run(
        ["node", str(TOOLS / "validate.mjs"), *map(str, paths)], capture_output=True, text=True, timeout=120
    )


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_service_document_is_valid_asyncapi_by_the_official_parser(tmp_path):
    files = [write(tmp_path / f"{s.name}.json", asyncapi_document([s], CLUSTER)) for s in SPECS]
    files.append(write(tmp_path / "all.json", asyncapi_document(SPECS, CLUSTER, secured=True)))
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("valid AsyncAPI 3.0.0") == len(files)


def test_the_validator_fails_on_a_broken_document(tmp_path):
    broken = asyncapi_document([spec("grading")], CLUSTER)
    channel = broken["channels"]["grading.determined"]
    del channel["parameters"]["org"]  # an address parameter left unexplained
    broken["operations"]["grading.determined.publish"]["action"] = "publish"  # AsyncAPI 2's word, not 3's
    result = validate(
        write(tmp_path / "ok.json", asyncapi_document([spec("pledges")], CLUSTER)),
        write(tmp_path / "broken.json", broken),
    )
    assert result.returncode == 1
    assert "broken.json: error" in result.stdout and "org" in result.stdout
    assert "ok.json: valid" in result.stdout


@pytest.mark.parametrize("service", SPECS, ids=lambda s: s.name)
def test_public_channels_only_each_with_its_parameters_explained(service):
    doc = asyncapi_document([service], CLUSTER)
    tokens = {getattr(et, "token", et.name) for et in service.contract.types}
    assert set(doc["channels"]) == {f"{service.name}.{t}" for t in tokens}  # no projection's subscription
    for channel in doc["channels"].values():
        assert channel["address"].startswith(f"cxzy.{service.name}.")
        named = re.findall(r"\{(\w+)\}", channel["address"])
        assert named == ["province", "prefecture", "county", "township", "system", "level1", "level2", "level3", "org"]
        for name in named[:-1]:
            assert f"`{NONE}`" in channel["parameters"][name]["description"]
            assert re.search(r"[\u4e00-\u9fff]", channel["parameters"][name]["description"])
    description = doc["info"]["description"]
    assert (
        "属地" in description and "垂直" in description and "territorial" in description and "vertical" in description
    )
    first = getattr(service.contract.types[0], "token", service.contract.types[0].name)
    assert f"`{NONE}`" in description and f"`cxzy.{service.name}.{first}.13.1301.>`" in description


def test_servers_come_from_the_settings_one_per_cluster_url():
    servers = asyncapi_document([spec("grading")], CLUSTER)["servers"]
    assert [s["host"] for s in servers.values()] == [f"nats-{i}.cxzy.example:4222" for i in (1, 2, 3)]
    assert {s["protocol"] for s in servers.values()} == {"nats"}
    assert "localhost" not in json.dumps(servers)


@pytest.mark.parametrize("service", SPECS, ids=lambda s: s.name)
def test_each_message_has_a_chinese_example_its_schemas_accept(service):
    """A realistic example per published type: the payload valid against the contract's schema, the headers
    against the headers schema, and the headers decode (percent-encoding) back to the same CloudEvent."""
    examples = examples_of(service)
    doc = asyncapi_document([service], CLUSTER)
    for et in service.contract.types:
        assert message_key(et) in examples, f"{service.name}/examples.py lacks {message_key(et)}"
        msg = doc["components"]["messages"][f"{service.name}.{message_key(et)}"]
        example = msg["examples"][0]
        jsonschema.validate(example["payload"], et.schema)
        jsonschema.validate(example["payload"], msg["payload"])
        jsonschema.validate(example["headers"], msg["headers"])
        assert re.search(r"[\u4e00-\u9fff]", json.dumps(example["payload"], ensure_ascii=False) + msg["title"])
        env = Envelope.from_message(example["headers"], json.dumps(example["payload"]).encode())
        assert env.type == et.type_for(service.name) and env.dataschema == et.schema_uri(service.name)
        assert env.verify_link() and env.data == example["payload"]
        service.contract.validate(env)


def test_an_example_its_schema_refuses_is_caught():
    et = next(t for t in spec("grading").contract.types if t.name == "determined")
    bad = {**examples_of(spec("grading"))[message_key(et)], "score": "优秀"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, et.schema)


async def test_documents_and_the_offline_page_over_http(tmp_path):
    stack = await Stack(tmp_path, "sqlite", services=("grading",)).start()
    try:
        one = (await stack.http.get("/asyncapi/grading.json")).json()
        assert set(one["channels"]) >= {"grading.determined"} and not any("directory" in c for c in one["channels"])
        assert [s["host"] for s in one["servers"].values()] == [stack.nats.url.split("://")[1]]
        every = (await stack.http.get("/asyncapi.json")).json()
        assert {c.split(".")[0] for c in every["channels"]} == {"directory", "grading"}
        missing = await stack.http.get("/asyncapi/nosuch.json")
        assert missing.status_code == 404 and "grading" in missing.json()["title_zh"]
        index = (await stack.http.get("/")).text
        assert 'href="/asyncapi"' in index
        page = await stack.http.get("/asyncapi")
        html = page.text
        assert page.status_code == 200 and html.index("公开事件文档") < html.index("Public events")
        assert "定级确定" in html and "{prefecture}" in html and "O130102001V" in html
        assert not re.search(r'(src|href)="(https?:)?//', html)  # offline: nothing from another host
    finally:
        await stack.stop()
