"""Schemathesis hooks for tests/test_fuzz_openapi.py, loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``.

Each request goes out as one of the identities in ``CXZY_FUZZ_IDENTITIES`` (a JSON list of [name, the
``Authorization`` value or "" for an anonymous caller]; an identity listed twice is picked twice as often).
The identity is chosen from the request's own content, so a run is reproducible whatever the order of the
cases, and ``X-Fuzz-Identity`` names it in a report.
"""

from __future__ import annotations

import json
import os
import zlib
from urllib.parse import quote

import schemathesis
from schemathesis.core import NotSet

IDENTITIES: list[list[str]] = json.loads(os.environ.get("CXZY_FUZZ_IDENTITIES", "[]"))


def identity_for(case: schemathesis.Case) -> list[str]:
    body = None if isinstance(case.body, NotSet) else case.body
    content = json.dumps([case.method, case.formatted_path, case.query, body], sort_keys=True, default=repr)
    return IDENTITIES[zlib.crc32(content.encode()) % len(IDENTITIES)]


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict) -> None:
    if not IDENTITIES:
        return
    name, authorization = identity_for(case)
    headers = {**(case.headers or {}), "X-Fuzz-Identity": quote(name, safe=" /:")}  # headers are latin-1
    if authorization:
        headers["Authorization"] = authorization
    case.headers = headers
