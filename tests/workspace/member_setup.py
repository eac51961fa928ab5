"""Setting up a member's pledges and rounds through the JSON API (the member's tests, httpx and browser)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

TODAY = dt.date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    """A minimal Office Open XML word document (a zip with [Content_Types].xml and word/)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


async def publicised(ws, pledge_id: str) -> None:
    """The secretary approves and publicises the pledge (P4, P5), so its pledgers can report progress."""
    sec = ws.secretary("VIL1")
    for step, body in (("approve", None), ("publicise", {"channel": "公示栏"})):
        r = await ws.http.post(f"/api/pledges/pledges/{pledge_id}/{step}", json=body, headers=sec)
        assert r.status_code == 200, r.text


async def democratic(ws) -> dict[str, str]:
    """民主评议党员 of VIL1 this year (E7), open today: {member id: round id}."""
    body = {
        "year": TODAY.year,
        "modes": {"self": 20, "peer": 50, "leader": 30},
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=7)).isoformat(),
        "min_participation": 0.2,
        "publish": True,
    }
    r = await ws.http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=ws.secretary("VIL1"))
    assert r.status_code == 201, r.text
    return {x["subject_id"]: x["round_id"] for x in r.json()["rounds"]}
