"""Fixtures of the evaluations tests: a stack with pledges and evaluations (the P7 loop needs both)."""

import datetime as dt

import pytest

from tests.stack import Stack


@pytest.fixture
async def stack(tmp_path, store):
    s = await Stack(tmp_path, store, services=("pledges", "evaluations")).start()
    yield s
    await s.stop()


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def round_body(subject_type: str, subject_id: str, purpose: str, **overrides) -> dict:
    body = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "purpose": purpose,
        "year": today().year,
        "modes": {"self": 20, "peer": 50, "leader": 30},
        "start": today().isoformat(),
        "end": (today() + dt.timedelta(days=7)).isoformat(),
        "min_participation": 0.5,
        "eligible": 4,
        "publish": True,
    }
    return body | overrides


async def stream_events(js, filter_subject: str, stream: str = "CXZY_EVALUATIONS") -> list:
    """Everything on ``stream`` under ``filter_subject``, as a scoped subscriber (a pull consumer) sees it."""
    sub = await js.pull_subscribe(filter_subject, stream=stream)
    found = []
    while True:
        try:
            msgs = await sub.fetch(100, timeout=0.5)
        except TimeoutError:
            break
        for m in msgs:
            await m.ack()
        found += msgs
    await sub.unsubscribe()
    return found
