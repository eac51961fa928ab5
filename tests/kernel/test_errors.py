"""Defects a new user met first (issue 16): a secretary's individual pledge without its member was a
plain-text 500; any unexpected error is now problem+json with the correlation id, logged as one event.
And what the OpenAPI fuzzer (tests/test_fuzz_openapi.py) and its follow-up found: numbers past what a store
holds, NUL characters (PostgreSQL), chunked bodies past the size limit."""

import json

import httpx
import pytest
import structlog

from shared.app import create_app
from shared.logging import configure
from shared.settings import Settings
from tests.stack import Stack, stores

ITEMS = [{"text": "参加环境整治", "tags": ["带头服务群众"]}]


@pytest.fixture
async def stack(tmp_path):
    s = await Stack(tmp_path, "sqlite", services=("pledges", "evaluations")).start()
    yield s
    await s.stop()


@pytest.mark.parametrize("member_ids", [[], None, ["M1", "M2"]])
async def test_an_individual_pledge_names_exactly_one_member(stack, member_ids):
    body = {"org_id": "VIL1", "pledger_kind": "individual", "kind": "annual", "items": ITEMS}
    if member_ids is not None:
        body["member_ids"] = member_ids
    before = stack["pledges"].app.recorder.max_notification_id()
    r = await stack.http.post("/api/pledges/pledges", json=body, headers=stack.secretary("VIL1"))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/pledge-members") and "1 名" in problem["title_zh"]
    assert stack["pledges"].app.recorder.max_notification_id() == before


async def test_an_unexpected_error_is_problem_json_with_the_correlation_id(stack, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    stack["pledges"].app.propose = broken
    body = {"org_id": "VIL1", "pledger_kind": "org", "kind": "annual", "items": ITEMS}
    r = await stack.http.post(
        "/api/pledges/pledges", json=body, headers={**stack.secretary("VIL1"), "X-Correlation-ID": "cid-500-test"}
    )
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["x-correlation-id"] == "cid-500-test"
    problem = r.json()
    assert problem["correlation_id"] == "cid-500-test" and problem["type"].endswith("/unexpected")
    assert "关联号" in problem["title_zh"] and "disk on fire" not in r.text  # no internals to the caller
    logged = capsys.readouterr()
    lines = [line for line in (logged.out + logged.err).splitlines() if "unexpected error" in line]
    assert len(lines) == 1 and "disk on fire" in lines[0] and "cid-500-test" in lines[0]
    assert "Traceback" not in logged.out + logged.err


HUGE = 13892270377302878572249088  # past any store's integers


@pytest.mark.parametrize(
    "path",
    [
        f"/api/pledges/orgs/VIL1/ledger?offset={HUGE}",
        f"/api/pledges/orgs/VIL1/ledger?year={HUGE}",
        f"/api/pledges/ledger?scope=local:13&year={HUGE}",
        f"/api/evaluations/results?scope=local:13&year={HUGE}",
    ],
)
async def test_a_number_past_what_a_store_can_hold_is_refused_not_a_500(stack, path):
    """Found by the OpenAPI fuzzer: such an offset or year reached SQLite (datatype mismatch, overflow)."""
    r = await stack.http.get(path, headers=stack.token("org_admin", "dept", ["local:13"]))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["loc"][0] == "query"


@pytest.fixture(params=stores())
async def any_store_stack(tmp_path, request):
    s = await Stack(tmp_path, request.param).start()
    yield s
    await s.stop()


NUL_TEXT = {
    "org_id": "VIL1",
    "pledger_kind": "org",
    "kind": "annual",
    "items": [{"text": "a\u0000b", "tags": ["带头服务群众"]}],
}


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/api/pledges/orgs/VIL%001/ledger", None),
        ("GET", "/api/pledges/orgs/VIL1/ledger?member=M%001", None),
        ("POST", "/api/pledges/pledges", NUL_TEXT),
    ],
)
async def test_a_nul_character_anywhere_in_a_request_is_refused_before_any_store_sees_it(
    any_store_stack, method, path, body
):
    """PostgreSQL cannot hold NUL in text: such a path or filter was a 500 there, and a pledge text carrying one
    was recorded and published (a poisoned event for every PostgreSQL projection downstream)."""
    stack = any_store_stack
    before = stack["pledges"].app.recorder.max_notification_id()
    r = await stack.http.request(method, path, json=body, headers=stack.secretary("VIL1"))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"].endswith("/nul-character") and "空字符" in problem["title_zh"], problem
    assert r.headers["x-correlation-id"] == problem["correlation_id"]
    assert stack["pledges"].app.recorder.max_notification_id() == before


async def test_a_chunked_body_over_the_limit_is_refused_too(stack):
    """The 1 MiB limit was checked on Content-Length only; a chunked body of any size went through."""

    async def chunks():
        for _ in range(20):
            yield b" " * 65536

    r = await stack.http.post("/api/pledges/pledges", content=chunks(), headers=stack.secretary("VIL1"))
    assert r.status_code == 413, r.text
    assert r.json()["type"].endswith("/too-large")


async def test_any_route_that_raises_answers_problem_json_and_logs_one_json_event(tmp_path, capsys):
    """A test-only app from the real factory: an async route and a sync one (run in a worker thread) raise.
    The log, as in production (JSON), has one line per failure with the exception as a field, and nothing
    of what the caller sent."""
    saved = structlog.get_config()
    configure("json")
    try:
        app = create_app([], Settings(var_dir=tmp_path / "var"))

        @app.post("/boom")
        async def boom(body: dict) -> dict:
            raise KeyError(len(body))

        @app.get("/boom-in-a-thread")
        def boom_in_a_thread() -> dict:
            return {"first": [][0]}

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cxzy") as client:
            answers = [
                await client.post("/boom", json={"comment": "张三家里有困难"}, headers={"X-Correlation-ID": "c-1"}),
                await client.get("/boom-in-a-thread"),
            ]
    finally:
        structlog.configure(**saved)
    logged = capsys.readouterr()
    events = [json.loads(line) for line in logged.err.splitlines() if '"unexpected error"' in line]
    assert len(events) == 2 and "Traceback" not in logged.out + logged.err and "张三" not in logged.out + logged.err
    for answer, event, error in zip(answers, events, ("KeyError", "IndexError"), strict=True):
        assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["title_zh"] and problem["title_en"] and problem["type"].endswith("/unexpected")
        assert answer.headers["x-correlation-id"] == problem["correlation_id"] == event["correlation_id"]
        assert event["level"] == "error" and event["error"]["type"] == error
        assert event["error"]["frames"][-1].startswith("tests/kernel/test_errors.py:")
    assert events[0]["correlation_id"] == "c-1"
