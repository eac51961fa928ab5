"""Processes of a service in their roles (``cxzy serve <service> --role …``), started from another one:
``cxzy up`` starts a worker per service, the benchmarks and tests start api and worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .settings import Settings


def serve(service: str, settings: Settings, log: Path, *args: str, **env: str) -> subprocess.Popen:
    """``cxzy serve <service> <args…>`` with these settings (as ``CXZY_*`` variables), output to ``log``."""
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", service, *args],
            env={**os.environ, **settings.as_env(), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    finally:
        out.close()  # the child has its own descriptor


def _die_with_parent() -> None:
    """In the child: SIGTERM when the process that started it dies, however it dies (a killed ``cxzy up`` must
    not leave workers holding their duties' leases against a new one)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop(*procs: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM (each drains and stops its duties), then kill what is still running after ``timeout``."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
