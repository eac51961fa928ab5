"""E5 群众评议 behind one office NAT: the rate limits count what each abuse costs — rating forms (each issues
a ballot) per client address and minute, votes per device — not people per address; one person one vote
stays with the ballot and the device cookie (``CXZY_RATE_LIMITS`` ``ballot=30/60``, ``vote=10/600``)."""

import re

import httpx

from .conftest import round_body

BALLOT = re.compile(r'name="ballot" value="([^"]+)"')
OUTCOME = re.compile(r'data-outcome="([^"]+)"')


def citizen(stack, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A phone of its own (its own cookie jar) reaching the service from ``address``."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=stack.base_url, transport=transport, timeout=30)


async def open_form(phone: httpx.AsyncClient, link: str) -> str:
    r = await phone.get(link)
    assert r.status_code == 200, r.text
    return BALLOT.search(r.text).group(1)


async def vote(phone: httpx.AsyncClient, link: str, ballot: str) -> tuple[int, str]:
    r = await phone.post(link, data={"ballot": ballot, "satisfaction": "满意"})
    return r.status_code, OUTCOME.search(r.text).group(1)


async def test_e5_an_office_nat_votes_and_floods_are_limited_by_form_and_device(stack):
    http, sec = stack.http, stack.secretary("WIN1")
    r = await http.post(
        "/api/evaluations/windows", json={"window_id": "WIN1-A", "org_id": "WIN1", "name": "一号窗口"}, headers=sec
    )
    assert r.status_code == 201, r.text
    body = round_body("window", "WIN1-A", "window", modes={"mass": 1}, eligible=100, min_participation=0.1)
    r = await http.post("/api/evaluations/rounds", json=body, headers=sec)
    assert r.status_code == 201, r.text
    round_id = r.json()["round_id"]
    link = (await http.get(f"/api/evaluations/rounds/{round_id}/link", headers=sec)).json()["path"]

    async def participated() -> int:
        r = await http.get(f"/api/evaluations/rounds/{round_id}", headers=sec)
        return r.json()["participation"]["participated"]

    # 20 citizens behind one address each open the form and vote: all counted (30 requests per 10 minutes
    # per address used to stop the 16th)
    for _ in range(20):
        async with citizen(stack) as phone:
            assert await vote(phone, link, await open_form(phone, link)) == (200, "voted")
    assert await participated() == 20

    # forms are limited per address and minute: the 31st within the minute is refused …
    waiting = [citizen(stack) for _ in range(10)]
    ballots = [await open_form(phone, link) for phone in waiting]
    async with citizen(stack) as late:
        r = await late.get(link)
        assert r.status_code == 429 and "操作过于频繁：每 1 分钟内最多 30 次" in r.text
    # … but votes are not limited per address: whoever holds a ballot votes
    for phone, ballot in zip(waiting, ballots, strict=True):
        assert await vote(phone, link, ballot) == (200, "voted")
        await phone.aclose()
    assert await participated() == 30

    # votes are limited per device: one phone (from another address) with fresh ballots is refused as a
    # duplicate (E5), then cut off after 10 tries; another phone there still votes
    async with citizen(stack, "127.0.0.2") as phone, citizen(stack, "127.0.0.2") as neighbour:
        ballots = [await open_form(phone, link) for _ in range(11)]
        outcomes = [await vote(phone, link, ballot) for ballot in ballots]
        assert outcomes[0] == (200, "voted") and set(outcomes[1:10]) == {(409, "duplicate-device")}
        assert outcomes[10] == (429, "rate-limited")
        assert await vote(neighbour, link, await open_form(neighbour, link)) == (200, "voted")
        # a made-up ballot is refused before anything is counted for the device
        assert await vote(neighbour, link, "made-up") == (403, "bad-ballot")
    assert await participated() == 32
    rows = stack["evaluations"].db.query("SELECT name, hits FROM cxzy_rate_limits WHERE name = 'vote' ORDER BY hits")
    assert [r["hits"] for r in rows] == [1] * 31 + [11]  # votes with a valid ballot, per device; made-up: none
