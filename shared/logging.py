"""structlog setup. Every line of a request or an event carries ``correlation_id``
(bound with :func:`bind_correlation`); no personal data is ever logged. An exception (``exc_info``) is one
field of its event, ``error``: type, message and where it happened — never a multi-line traceback, never
the frames' local variables."""

from __future__ import annotations

import logging
import sys
import traceback
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import structlog

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def _add_correlation(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    cid = correlation_id.get()
    if cid and "correlation_id" not in event:
        event["correlation_id"] = cid
    return event


PROJECT_ROOT = str(Path(__file__).resolve().parents[1]) + "/"
MAX_FRAMES = 6  # the innermost frames: where it failed, and the project code that called it
MAX_MESSAGE = 200


def exception_info(exc: BaseException) -> dict[str, Any]:
    """An exception as one structured field."""
    frames = traceback.extract_tb(exc.__traceback__)[-MAX_FRAMES:]
    return {
        "type": type(exc).__qualname__,
        "message": str(exc)[:MAX_MESSAGE],
        "frames": [f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in frames],
    }


def _short(filename: str) -> str:
    """``shared/db.py``, ``psycopg/cursor.py``: where in the project or in which library."""
    if "site-packages/" in filename:
        return filename.rpartition("site-packages/")[2]
    return filename.removeprefix(PROJECT_ROOT)


def _exception_as_field(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()[1]
    elif isinstance(exc_info, tuple):
        exc_info = exc_info[1]
    if isinstance(exc_info, BaseException):
        event["error"] = exception_info(exc_info)
    return event


def configure(fmt: str = "auto", level: str = "INFO") -> None:
    json_out = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json_out else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_correlation,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _exception_as_field,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def bind_correlation(cid: str | None = None) -> str:
    cid = cid or str(uuid.uuid4())
    correlation_id.set(cid)
    return cid


log = structlog.get_logger
