"""The demo accounts ``make run`` creates and prints: one person per role on the demo org's chain of
command, the same people as the README's demo tokens (shared.demo.demo_tokens)."""

from __future__ import annotations

import time

from shared.demo import demo_tokens
from shared.logging import log

from .accounts import AccountBook

DEMO_PASSWORD = "cxzy-demo-2026"


def username(token_var: str) -> str:
    """MEMBER_TOKEN → member, COUNTY_ORGDEPT_TOKEN → county-orgdept."""
    return token_var.removesuffix("_TOKEN").lower().replace("_", "-").replace("sec", "secretary", 1)


def demo_accounts() -> list[dict]:
    return [
        {
            "username": username(t.var),
            "role": t.role,
            "label": t.label,
            "org": t.org if t.role == "secretary" else None,
            "member_id": t.sub if t.role == "member" else None,
            "scopes": t.scopes,
        }
        for t in demo_tokens()
    ]


def create_demo_accounts(book: AccountBook, wait_s: float = 120.0) -> int:
    """Create the demo accounts that do not exist yet (a changed demo password is kept); waits until the
    directory replica knows the demo people (the workers project it). Returns how many were created."""
    deadline = time.monotonic() + wait_s
    created = 0
    for spec in demo_accounts():
        if book.get(spec["username"]) is not None:
            continue
        while True:
            try:
                book.add(
                    spec["username"],
                    DEMO_PASSWORD,
                    spec["role"],
                    org=spec["org"],
                    member_id=spec["member_id"],
                    scopes=tuple(spec["scopes"]),
                    display_name="" if spec["role"] in ("member", "secretary") else spec["label"],
                )
                created += 1
                break
            except Exception as exc:  # noqa: BLE001 — the replica has not caught up yet
                if time.monotonic() > deadline:
                    log("workspace").error("demo account not created", username=spec["username"], error=repr(exc))
                    break
                time.sleep(0.5)
    return created
