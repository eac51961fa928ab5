"""Debian's chromium for the page tests (``make browser`` installs it and a CJK font): launch options, the
phone and desktop sizes every page is tried at, and screenshots for the README."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = {
    "executable_path": "/usr/bin/chromium",
    "args": [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
    ],
}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN"}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


async def screenshot(page, name: str) -> None:
    """Save a full-page screenshot as ``<name>.png`` in ``$CXZY_SCREENSHOTS_DIR`` (the README's come from
    ``CXZY_SCREENSHOTS_DIR=docs/screenshots make test``); nothing when it is not set."""
    where = os.environ.get("CXZY_SCREENSHOTS_DIR")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)
