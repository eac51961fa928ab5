"""Property-based fuzzing of every service's OpenAPI document (issue 16): no operation answers 5xx, and each
answer has the content type and the body schema its operation declares (errors: problem+json, shared.docs).

How it runs, and why so:
- one stack serves the four services over real HTTP (uvicorn, a real nats-server, SQLite), seeded with the
  world of the read-access matrix (tests/test_read_access.py: a pledge, published, unpublished and open
  rounds, a window with a contest, a grading cycle with its scheme, a campaign with a nomination);
- the schemathesis CLI (``st run``) runs as a subprocess against the live ``/openapi.json``: its client is
  synchronous, so in this process it would block the event loop that serves the stack, and the CLI brings
  the coverage phase (boundary values, absent fields, empty lists, wrong types) besides random fuzzing;
- reproducible and bounded: phases examples, coverage and fuzzing (valid and invalid data), at most
  ``MAX_EXAMPLES`` cases per operation, deterministic generation, one worker — the same cases every run,
  about 25 s on two cores (``CXZY_FUZZ_EXAMPLES=200`` for a deeper run by hand);
- each request goes out as one of the matrix's twelve identities or anonymously, picked from the request's
  content (tests/fuzz_hooks.py); path ids, org and member ids and scopes are most of the time the seeded
  world's (schemathesis dictionaries), so requests get past the 404s into the handlers;
- the live SSE feeds (``…/events``) are left out: a valid request streams forever (the read-access matrix and
  tests/kernel/test_oversight_http.py cover them).

A failure prints schemathesis's report: each failing case with a curl command (``X-Fuzz-Identity`` says who
sent it) and the answer. Bugs it found have their own regression tests in tests/kernel/test_errors.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import pytest

from .stack import Stack
from .test_read_access import DEPT, LEADING, MEMBER, SECRETARY, SERVICES, World, read_directory

MAX_EXAMPLES = int(os.environ.get("CXZY_FUZZ_EXAMPLES", "15"))
CHECKS = "not_a_server_error,content_type_conformance,response_schema_conformance"
SCOPES = ["local:13", "local:13/1301", "local:13/1301/130104", "local:13/1301/130102", "vertical:tax/13"]
ACTORS = (SECRETARY, DEPT, LEADING, MEMBER)  # who can act on the seeded world: picked three times as often
SEEN = 0.75  # how often a bound parameter takes a value of the seeded world rather than a generated one
BINDINGS = {  # parameter (bare: in the path or query; body.<field>: in the body) → dictionary
    "org_id": "orgs",
    "member_id": "members",
    "pledge_id": "pledges",
    "round_id": "rounds",
    "cycle_id": "cycles",
    "scheme_hash": "schemes",
    "campaign_id": "campaigns",
    "nomination_id": "nominations",
    "window_id": "windows",
    "scope": "scopes",
    "body.org_id": "orgs",
    "body.member_ids[*]": "members",
    "body.subject_id": "members",
    "body.scope": "scopes",
    "body.issuer_org_id": "orgs",
    "body.opener_org_id": "orgs",
    "body.nominee_id": "members",
    "body.target": "members",
    "body.window_id": "windows",
}


@pytest.fixture(scope="module")
async def world(tmp_path_factory):
    directory = read_directory()
    stack = await Stack(tmp_path_factory.mktemp("fuzz"), "sqlite", services=SERVICES, directory=directory).start()
    try:
        yield await World(stack).build()
    finally:
        await stack.stop()


def schemathesis_config(ids: dict) -> str:
    """The run's schemathesis.toml: the seeded world's values as dictionaries, bound to the parameters."""
    directory = read_directory()
    dictionaries = {
        "orgs": sorted(o["id"] for o in directory["orgs"]),
        "members": sorted(m["id"] for m in directory["members"]),
        "scopes": [*SCOPES, "vertical:icbc/13"],
        "pledges": [ids["pledge"]],
        "rounds": [ids["unpublished"], ids["published"], ids["open"], ids["pledge_round"]],
        "cycles": [ids["cycle"]],
        "schemes": [ids["scheme"]],
        "campaigns": [ids["campaign"]],
        "nominations": [ids["nomination"]],
        "windows": ["BANK1-W"],
    }
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = {SEEN} }}' for key, name in BINDINGS.items()]
    return "\n".join(lines) + "\n"


def identities(world: World) -> list[list[str]]:
    """[name, Authorization] for tests/fuzz_hooks.py; the actors are listed three times."""
    everyone = [[who, headers["Authorization"]] for who, headers in world.who.items()] + [["anonymous", ""]]
    return everyone + [[who, world.who[who]["Authorization"]] for who in ACTORS for _ in range(2)]


async def test_no_operation_of_any_service_answers_5xx_or_breaks_its_declared_schema(world, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(schemathesis_config(world.ids))
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"{world.stack.base_url}/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--generation-with-security-parameters",
        "false",  # the token is the hook's: an identity's, or none
        "--workers",
        "1",  # deterministic; schemathesis's threads also trip over Hypothesis's AST cache on Python 3.11
        "--exclude-path-regex",
        "/events$",
        "--request-timeout",
        "20",
        "--no-color",
        "--warnings",
        "off",
        cwd=tmp_path,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("fuzz_hooks.py")),
            "CXZY_FUZZ_IDENTITIES": json.dumps(identities(world)),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=300)
    report = out.decode(errors="replace")
    assert proc.returncode == 0, report[-20000:]
    selected, tested = re.search(r"Selected: (\d+)/\d+", report), re.search(r"Tested: (\d+)", report)
    assert selected and tested and int(tested[1]) == int(selected[1]) > 50, report  # every operation, not none
