"""Figure 6 — scope fan-out (H1, H4): a county committee and a vertical system reading their subtree out of
the province stream through one filter subject each (shared.scope), against reading the whole stream."""

from __future__ import annotations

import time

from nats.js import api

from shared.scope import Scope

from .history import STREAM
from .province import COUNTY_SCOPE, VERTICAL_SCOPE


async def read_all(js, filter_subject: str, expected: int, batch: int = 500) -> tuple[float, int]:
    """Seconds to pull (fetch + ack) every message matching the filter, and how many there were."""
    config = api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT, max_ack_pending=batch * 4)
    started = time.monotonic()
    sub = await js.pull_subscribe(filter_subject, stream=STREAM, config=config)
    seen = 0
    while seen < expected:
        msgs = await sub.fetch(batch, timeout=10)
        for m in msgs:
            await m.ack()
        seen += len(msgs)
    elapsed = time.monotonic() - started
    await sub.unsubscribe()
    return elapsed, seen


async def fanout(js, meta: dict, whole_events: int) -> dict:
    """The whole stream is read up to ``whole_events`` and its full read time projected from that rate;
    the two subscribers read all of their subtree out of the whole history."""
    part_s, part_n = await read_all(js, "cxzy.pledges.>", min(whole_events, meta["events"]))
    whole_n = meta["events"]
    whole_s = part_s * whole_n / part_n
    readers = {}
    for scope in (COUNTY_SCOPE, VERTICAL_SCOPE):
        seconds, n = await read_all(js, Scope.parse(scope).filter_subject("pledges"), meta["shares"][scope])
        readers[scope] = {
            "events": n,
            "share": n / whole_n,
            "seconds": seconds,
            "events_per_s": n / seconds,
            "time_vs_whole": seconds / whole_s,
        }
    county = readers[COUNTY_SCOPE]
    return {
        "value": county["seconds"],
        "unit": "s (county subtree)",
        "baseline": whole_s,
        "baseline_name": "whole stream, raw pull fetch+ack",
        "ratio": county["time_vs_whole"],
        "whole": {
            "events": whole_n,
            "seconds": whole_s,
            "events_per_s": part_n / part_s,
            "read_events": part_n,
            "projected": part_n < whole_n,
        },
        "readers": readers,
    }
