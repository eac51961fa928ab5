"""群众评议 by service users, anonymous but one person one vote per round (E5).

- The QR link of a window and period (= a round) carries a *period token*: the round id signed with
  an HMAC key derived from the service's signing key. Nobody can forge a link to another round.
- Opening the form issues a one-time *ballot token*; only its SHA-256 is stored. A vote consumes it:
  a replayed token is refused (409). The round aggregate also keeps the ballot hash, so even a lost
  ballot table cannot let a token vote twice.
- A device cookie (random, per browser) is hashed per round: the same device voting again with a new
  ballot is refused as a duplicate (409).
- Rate limits (``CXZY_RATE_LIMITS``; shared/ratelimit.py counts them in the service's store, so all its
  processes share them) count what an abuse costs, not people: one office NAT is many citizens.
  Opening the form issues a ballot, so forms are limited per client address and minute (``ballot``,
  30/60 s: more citizens than a service hall sees in a minute; one refused may open it again a minute
  later). Votes are limited per device (``vote``, 10/600 s), counted only once the ballot checks out,
  so made-up ballots write nothing. Votes are not limited per address: each needs a ballot, and
  ballots are. One person one vote rests on the ballot and the device cookie, never on a limit.
- Comments stay in this service's own table; they never go on the bus, in a header or a log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from shared.db import Database
from shared.errors import Forbidden, Refused
from shared.settings import Settings

BALLOT_DDL = """
CREATE TABLE IF NOT EXISTS ev_ballots (
    token_hash TEXT PRIMARY KEY, round_id TEXT NOT NULL, issued_at TEXT NOT NULL, used_at TEXT);
CREATE TABLE IF NOT EXISTS ev_comments (
    comment_id TEXT PRIMARY KEY, round_id TEXT NOT NULL, satisfaction TEXT NOT NULL, comment TEXT NOT NULL,
    at TEXT NOT NULL);
"""
DEVICE_COOKIE = "cxzy_device"


def _key(settings: Settings) -> bytes:
    secret = settings.jwt_keys.split(",")[0].partition(":")[2]
    return hashlib.sha256(b"cxzy-evaluations-ballots|" + secret.encode()).digest()


def _mac(settings: Settings, text: str) -> str:
    return hmac.new(_key(settings), text.encode(), hashlib.sha256).hexdigest()


def period_token(settings: Settings, round_id: uuid.UUID | str) -> str:
    return f"{round_id}.{_mac(settings, f'period:{round_id}')[:32]}"


def round_of(settings: Settings, token: str) -> uuid.UUID:
    """The round a QR link's period token names, or 403 if the token was not signed by us."""
    rid, _, mac = token.partition(".")
    try:
        round_id = uuid.UUID(rid)
    except ValueError:
        round_id = None
    if round_id is None or not hmac.compare_digest(mac, _mac(settings, f"period:{round_id}")[:32]):
        raise Forbidden(
            "this rating link is not valid",
            slug="bad-link",
            title_zh="评议链接无效，请重新扫描窗口张贴的二维码",
            title_en="Invalid rating link; scan the QR code at the window again",
        )
    return round_id


def device_hash(settings: Settings, round_id: uuid.UUID, device: str) -> str:
    return _mac(settings, f"device:{round_id}:{device}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def issue_ballot(db: Database, round_id: uuid.UUID) -> str:
    token = secrets.token_urlsafe(24)
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO ev_ballots (token_hash, round_id, issued_at) VALUES (?, ?, ?)",
            [token_hash(token), str(round_id), now()],
        )
    return token


def check_ballot(db: Database, round_id: uuid.UUID, token: str) -> str:
    """The ballot's hash if it was issued for this round and not used yet; else refused."""
    row = db.one("SELECT round_id, used_at FROM ev_ballots WHERE token_hash = ?", [token_hash(token)])
    if row is None or row["round_id"] != str(round_id):
        raise Forbidden(
            "unknown ballot token",
            slug="bad-ballot",
            title_zh="投票凭证无效，请重新打开评议链接后再投票",
            title_en="Invalid ballot token; open the rating link again and vote",
        )
    if row["used_at"]:
        raise Refused(
            "this ballot token has already been used (E5)",
            slug="ballot-used",
            title_zh="该投票凭证已使用，不能重复投票 (E5)",
            title_en="Ballot token already used (E5)",
        )
    return token_hash(token)


def record_vote(db: Database, round_id: uuid.UUID, ballot: str, satisfaction: str, comment: str | None) -> None:
    with db.transaction() as tx:
        tx.execute("UPDATE ev_ballots SET used_at = ? WHERE token_hash = ?", [now(), ballot])
        if comment:
            tx.execute(
                "INSERT INTO ev_comments (comment_id, round_id, satisfaction, comment, at) VALUES (?, ?, ?, ?, ?)",
                [str(uuid.uuid4()), str(round_id), satisfaction, comment, now()],
            )
