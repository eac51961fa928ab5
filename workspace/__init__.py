"""工作台 — the people's workspace in the browser (issue 13): members, secretaries and officers log in and do
their part of 承诺践诺, 评议 and 评比 on server-rendered pages (no JavaScript build, no CDN).

The workspace owns no domain state: every page reads and acts through the services' own HTTP API, called
in-process with a short-lived token of the logged-in person (:mod:`workspace.web`), so the API's rules,
access checks and refusals are the workspace's too. It owns only accounts and sessions
(:mod:`workspace.accounts`).
"""

from .app import mount

__all__ = ["mount"]
