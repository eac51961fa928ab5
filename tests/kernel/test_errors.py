"""Defects a new user met first (issue 16): a secretary's individual pledge without its member was a
plain-text 500; any unexpected error is now problem+json with the correlation id, logged once."""

import pytest

from tests.stack import Stack

ITEMS = [{"text": "参加环境整治", "tags": ["带头服务群众"]}]


@pytest.fixture
async def stack(tmp_path):
    s = await Stack(tmp_path, "sqlite").start()
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
