"""What every figure stands on: a fresh nats-server and a fresh store (SQLite directory or a new
PostgreSQL database, dropped afterwards), and — for the HTTP figures — the pledges service served by
uvicorn exactly as ``cxzy up`` serves it."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import uvicorn

from services import spec
from shared.app import create_app
from shared.auth import issue_token
from shared.directory.application import DirectoryApp
from shared.nats_io import EmbeddedNats, connect, free_port
from shared.service import ServiceRuntime
from shared.settings import Settings

from .province import directory_records, orgs

PG_ADMIN_DSN = os.environ.get("CXZY_TEST_POSTGRES_DSN") or "postgresql://postgres@127.0.0.1:5432/postgres"
STORES = ("sqlite", "postgres")
DIRECTORY_ORGS = 100  # orgs (each with one member) the HTTP figures propose in


class FreshDatabase:
    """A new PostgreSQL database for one figure, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"cxzy_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.dsn = psycopg.conninfo.make_conninfo(PG_ADMIN_DSN, dbname=self.name)

    def drop(self) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class Env:
    store: str
    settings: Settings
    nats: EmbeddedNats
    tmp: Path


@asynccontextmanager
async def environment(store: str, **overrides) -> AsyncIterator[Env]:
    """A fresh nats-server (own temp store) and a fresh store of the given kind."""
    tmp = Path(tempfile.mkdtemp(prefix=f"cxzy-bench-{store}-"))
    pg = FreshDatabase() if store == "postgres" else None
    nats = EmbeddedNats(tmp / "nats").start()
    settings = Settings(
        var_dir=tmp / "var",
        dev_mode=True,  # the development audit and JWT keys
        store=store,
        postgres_dsn=pg.dsn if pg else "",
        nats_url=nats.url,
        scheduler_interval_s=3600,
        relay_poll_s=0.05,
        http_port=free_port(),
        log_level="WARNING",
        **overrides,
    )
    try:
        yield Env(store, settings, nats, tmp)
    finally:
        nats.stop()
        if pg:
            pg.drop()
        shutil.rmtree(tmp, ignore_errors=True)


class ServedPledges:
    """The directory and pledges services on uvicorn (plus any extra projection runners)."""

    def __init__(self, env: Env):
        self.env = env
        self.settings = env.settings
        self.runtimes: dict[str, ServiceRuntime] = {}
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    @property
    def pledges(self) -> ServiceRuntime:
        return self.runtimes["pledges"]

    async def start(self) -> ServedPledges:
        self.runtimes = {n: ServiceRuntime(spec(n), self.settings) for n in ("directory", "pledges")}
        records = directory_records(DIRECTORY_ORGS)
        directory = self.runtimes["directory"].app
        assert isinstance(directory, DirectoryApp)
        await asyncio.to_thread(directory.import_records, records["orgs"], records["members"])
        app = create_app(list(self.runtimes.values()), self.settings, self.env.nats.url)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.settings.http_port, log_level="warning", lifespan="on", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        await self.settle()
        return self

    async def settle(self, timeout: float = 300) -> None:
        for rt in self.runtimes.values():
            await rt.settle(timeout)

    def proposers(self) -> list[tuple[str, dict]]:
        """(bearer token, 提诺 body) per org: each org's member pledges in turn (P1)."""
        from .province import proposal

        return [
            (issue_token(self.settings, o.member_id, "member", org=o.org_id, ttl_s=3600), proposal(o, i))
            for i, o in enumerate(orgs(DIRECTORY_ORGS))
        ]

    async def stop(self) -> None:
        if self._server and self._task:
            self._server.should_exit = True
            await self._task
        for rt in self.runtimes.values():
            rt.close()


async def jetstream(env: Env, **kw):
    nc = await connect(env.settings, env.nats.url, name="cxzy-bench", **kw)
    return nc, nc.jetstream(publish_async_max_pending=8000)
