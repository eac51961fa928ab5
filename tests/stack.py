"""A real stack for integration tests: a nats-server (from the wheel) on a free port, the chosen
services on SQLite or a fresh PostgreSQL database, the directory imported, and uvicorn serving HTTP."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import httpx
import psycopg
import uvicorn

from services import spec
from shared.app import create_app
from shared.auth import issue_token
from shared.nats_io import EmbeddedNats, free_port
from shared.service import ServiceRuntime
from shared.settings import Settings

from .directory_fixture import DIRECTORY

PG_ADMIN_DSN = os.environ.get("CXZY_TEST_POSTGRES_DSN")


def stores() -> list[str]:
    if PG_ADMIN_DSN:
        return ["sqlite", "postgres"]
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError("CI=true needs CXZY_TEST_POSTGRES_DSN: PostgreSQL must be exercised, not skipped")
    return ["sqlite"]


class FreshPostgres:
    """A new database per test, dropped afterwards."""

    def __init__(self) -> None:
        assert PG_ADMIN_DSN
        self.name = f"cxzy_t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        info = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_DSN)
        info["dbname"] = self.name
        self.dsn = psycopg.conninfo.make_conninfo(**info)

    def drop(self) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Stack:
    def __init__(
        self,
        tmp: Path,
        store: str,
        services: tuple[str, ...] = ("pledges",),
        directory: dict | None = None,
        workspace: bool = False,
        **overrides,
    ) -> None:
        self.tmp = tmp
        self.store = store
        self.services = services
        self.directory = directory or DIRECTORY
        self.workspace = workspace  # mount the 工作台 (/ws) on the app
        self.pg = FreshPostgres() if store == "postgres" else None
        self.nats = EmbeddedNats(tmp / "nats")
        self.settings = Settings(
            var_dir=tmp / "var",
            store=store,
            postgres_dsn=self.pg.dsn if self.pg else "",
            nats_url=self.nats.url,
            scheduler_interval_s=3600,
            relay_poll_s=0.05,
            http_port=free_port(),
            dev_mode=True,  # the development audit and JWT keys (issue 12)
            **overrides,
        )
        self.runtimes: dict[str, ServiceRuntime] = {}
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task | None = None
        self.http: httpx.AsyncClient | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    def __getitem__(self, name: str) -> ServiceRuntime:
        return self.runtimes[name]

    async def start(self) -> Stack:
        self.nats.start()
        self.runtimes = {n: ServiceRuntime(spec(n), self.settings) for n in ("directory", *self.services)}
        self.runtimes["directory"].app.import_records(self.directory["orgs"], self.directory["members"])
        from workspace import mount

        app = create_app(
            list(self.runtimes.values()), self.settings, self.nats.url, mounts=(mount,) if self.workspace else ()
        )
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=self.settings.http_port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=30)
        await self.settle()
        return self

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until every event is on the bus and every projection has caught up."""
        for _ in range(2):  # a projection may cause commands (and so events) in another service
            for rt in self.runtimes.values():
                await rt.settle(timeout)

    def token(self, role: str, sub: str = "tester", scopes: list[str] | None = None, org: str | None = None) -> dict:
        return {"Authorization": f"Bearer {issue_token(self.settings, sub, role, scopes or [], org)}"}

    def member(self, member_id: str, org: str) -> dict:
        return self.token("member", member_id, org=org)

    def secretary(self, org: str) -> dict:
        return self.token("secretary", f"S-{org}", org=org)

    async def stop(self) -> None:
        if self.http:
            await self.http.aclose()
        if self._server:
            self._server.should_exit = True
            await self._task
        for rt in self.runtimes.values():
            rt.close()
        self.nats.stop()
        if self.pg:
            self.pg.drop()
