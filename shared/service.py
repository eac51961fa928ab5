"""A service = write model + outbox relay + projections + API + scheduled jobs (docs/ARCHITECTURE.md "The shape").

A service module declares a :class:`ServiceSpec`; :class:`ServiceRuntime` runs it against a NATS
server and its store. Adding a service is writing its spec (and its line in the registry, ``services/__init__.py``) —
nothing here changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from fastapi import APIRouter

from . import checkpoints
from .application import ServiceApplication
from .audit import Auditor
from .contract import Contract
from .db import Database, schema_lock
from .directory.replica import DirectoryReplica, DirectoryView
from .lease import Duty, hold, lease_bucket
from .logging import log
from .nats_io import connect, ensure_stream, nudge_subject, stream_name
from .notices import NoticeRules, Notices
from .outbound import Outbound, configured
from .projection import Projection, ProjectionRunner
from .relay import OutboxRelay, relay_position
from .settings import Settings

AppT = TypeVar("AppT", bound=ServiceApplication)
Role = Literal["all", "api", "worker"]
Job = Callable[["ServiceRuntime[Any]"], Any]  # a periodic, idempotent job run in a worker thread


@dataclass
class ServiceSpec(Generic[AppT]):
    """A service, declared. Its name is its contract's (the one place it is spelled)."""

    title: str  # 承诺践诺 …
    application: type[AppT]
    contract: Contract
    projections: Callable[[], list[Projection]] = list
    routes: Callable[[ServiceRuntime[AppT]], APIRouter] | None = None
    pages: Callable[[ServiceRuntime[AppT]], APIRouter] | None = None
    jobs: list[Job] = field(default_factory=list)
    replicate_directory: bool = True
    ddl: str = ""  # the service's own tables that no projection owns (e.g. one-time ballot tokens)
    public_pages: tuple[tuple[str, str], ...] = ()  # (path under /<name>, label) listed on the index page
    notices: Callable[[], NoticeRules] | None = None  # which events notify whom 消息 (shared.notices)

    @property
    def name(self) -> str:
        return self.contract.service


class ServiceRuntime(Generic[AppT]):
    def __init__(self, spec: ServiceSpec[AppT], settings: Settings):
        self.spec = spec
        self.name = spec.name
        self.settings = settings
        with schema_lock(settings, spec.name):  # processes of one service starting together create tables once
            self.db = Database(settings, spec.name)
            self.projections = ([DirectoryReplica()] if spec.replicate_directory else []) + spec.projections()
            if spec.notices:
                self.projections.append(Notices(spec.name, spec.notices()))
            if spec.ddl:
                self.db.script(spec.ddl)
            self.directory = DirectoryView(self.db)
            self.app: AppT = spec.application(spec.name, settings, self.directory)
            # the runners exist (and their tables) from the start; they get the bus when the runtime starts
            self.runners = [ProjectionRunner(p, self.db, None, settings, spec.name) for p in self.projections]
        self.app.on_saved = self.nudge
        self.nc: Any = None
        self.js: Any = None
        self.relay: OutboxRelay | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.role: Role = "all"
        self._loop: asyncio.AbstractEventLoop | None = None

    def runner(self, name: str) -> ProjectionRunner:
        return next(r for r in self.runners if r.projection.name == name)

    async def start(self, nats_url: str | None = None, *, jobs: bool = True, role: Role = "all") -> None:
        """``all``: one process does everything (the embedded default, tests). ``api``: commands and
        queries only; the relay is woken over NATS. ``worker``: the relay, each projection, the jobs and
        the audit checkpoints, each held by one process at a time through a lease (shared.lease)."""
        self.role = role
        self._loop = asyncio.get_running_loop()
        self.nc = await connect(self.settings, nats_url, name=f"cxzy-{self.name}-{role}")
        self.js = self.nc.jetstream()
        for service in {self.name, *(p.source for p in self.projections)}:
            await ensure_stream(self.js, service, self.settings)
        self._stop = asyncio.Event()
        self._tasks = []
        if role == "api":
            log("service").info("started", service=self.name, role=role)
            return
        self.relay = OutboxRelay(self.app, self.spec.contract, self.db, self.js, self.settings)
        for r in self.runners:
            r.js = self.js
        self.auditor = Auditor(self.js, self.name, self.settings)
        await self.nc.subscribe(nudge_subject(self.name), cb=self._nudged)
        duties: dict[str, Duty] = {f"{self.name}.relay": self.relay.run}
        duties |= {f"{self.name}.projection.{r.durable}": r.run for r in self.runners}
        if jobs and self.spec.jobs:
            duties[f"{self.name}.jobs"] = self._run_jobs
        duties[f"{self.name}.audit"] = self._audit
        if self.spec.notices and configured(self.settings):
            duties[f"{self.name}.outbound"] = Outbound(self.name, self.db, self.settings).run
        if role == "all":
            for r in self.runners:
                await r.open()
            self._tasks = [asyncio.create_task(run(self._stop), name=duty) for duty, run in duties.items()]
        else:
            kv = await lease_bucket(self.js, self.settings.lease_ttl_s, self.settings.stream_replicas)
            self._tasks = [
                asyncio.create_task(hold(kv, duty, run, self._stop, self.settings.lease_ttl_s), name=duty)
                for duty, run in duties.items()
            ]
        log("service").info("started", service=self.name, role=role, duties=list(duties))

    async def _nudged(self, _msg: Any) -> None:
        if self.relay is not None:
            self.relay.nudge()

    async def _run_jobs(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.run_jobs_once()
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.scheduler_interval_s)
            except TimeoutError:
                pass

    async def _audit(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.auditor.maybe_checkpoint()
            except Exception as exc:  # noqa: BLE001
                log("audit").error("checkpoint failed", service=self.name, error=repr(exc))
            try:
                await asyncio.wait_for(stop.wait(), timeout=min(self.settings.scheduler_interval_s, 30))
            except TimeoutError:
                pass

    async def run_jobs_once(self) -> None:
        for job in self.spec.jobs:
            try:
                await asyncio.to_thread(job, self)
            except Exception as exc:  # noqa: BLE001 — one failing job must not stop the others
                log("jobs").error("job failed", service=self.name, job=job.__name__, error=repr(exc))

    def nudge(self) -> None:
        """Wake the relay after a save (from any thread): directly when it runs here, else over NATS."""
        if self.role == "all" and self.relay is not None:
            self.relay.nudge()
        elif self.nc is not None and self._loop is not None:
            asyncio.run_coroutine_threadsafe(self.nc.publish(nudge_subject(self.name), b""), self._loop)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            _, running = await asyncio.wait(self._tasks, timeout=5)
            for task in running:
                task.cancel()
            for task in self._tasks:
                if task.done() and not task.cancelled() and task.exception() is not None:
                    log("service").error("task had died", task=task.get_name(), error=repr(task.exception()))
        self._tasks = []
        if self.nc is not None:
            await self.nc.drain()
            self.nc = None
        log("service").info("stopped", service=self.name)

    def close(self) -> None:
        self.app.close()
        self.db.close()

    async def settled(self) -> bool:
        """True when everything recorded is on the bus and every projection has caught up (read from the
        stores and the streams, so any process of the service can answer, whichever holds the duties)."""
        position, _ = await asyncio.to_thread(relay_position, self.db, self.name)
        last = await asyncio.to_thread(self.app.recorder.max_notification_id)
        if (last or 0) > position:
            return False
        for p in self.projections:
            durable = f"{self.name}__{p.name}"
            info = await self.js.stream_info(stream_name(p.source))
            if await asyncio.to_thread(checkpoints.position, self.db, durable) < info.state.last_seq:
                return False
        return True

    async def settle(self, timeout: float = 15.0) -> None:
        from .nats_io import wait_until

        await wait_until(self.settled, timeout=timeout, interval=0.05)


async def work(rt: ServiceRuntime[Any]) -> None:
    """``cxzy serve <service> --role worker``: hold what duties this process can win, until SIGTERM/SIGINT."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await rt.start(role="worker")
    try:
        await stop.wait()
    finally:
        await rt.stop()
        rt.close()


__all__ = ["ServiceRuntime", "ServiceSpec", "stream_name"]
