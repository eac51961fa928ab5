"""Anonymous public endpoints are rate-limited per client address (E5 ratings, A5 objections)."""

import time

import pytest

from shared.errors import TooMany
from shared.ratelimit import RateLimiter, limiter_for


def test_limit_per_key_within_a_window():
    limiter = RateLimiter(limit=3, window_s=0.2)
    for _ in range(3):
        limiter.check("10.0.0.1")
    with pytest.raises(TooMany):
        limiter.check("10.0.0.1")
    limiter.check("10.0.0.2")  # another address is not affected
    time.sleep(0.25)
    limiter.check("10.0.0.1")  # the window has moved on


def test_one_limiter_per_owner_and_name():
    class Owner:
        pass

    a, b = Owner(), Owner()
    assert limiter_for(a, "objections") is limiter_for(a, "objections")
    assert limiter_for(a, "objections") is not limiter_for(a, "ratings")
    assert limiter_for(a, "objections") is not limiter_for(b, "objections")
