"""What every service's write model shares: events stamped with the org's position at the time
(H5) and the request's trace, and an eventsourcing ``Application`` wired to the kernel's store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

from .db import Database, eventsourcing_env
from .errors import NotFound
from .logging import correlation_id
from .settings import Settings

if TYPE_CHECKING:
    from .directory.replica import DirectoryView

causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)


class Stamped(Aggregate.Event):
    """Base of every published domain event: ``org`` is the org's position in both hierarchies
    when the event happened, ``trace`` its correlation and causation ids."""

    org: dict
    trace: dict


def current_trace() -> dict:
    return {"correlation_id": correlation_id.get(), "causation_id": causation_id.get()}


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ServiceApplication(Application):
    service: ClassVar[str]
    today: Callable[[], dt.date] = staticmethod(utc_today)  # the one clock; tests set ``app.today``

    def __init__(self, settings: Settings, directory: DirectoryView | None = None, env: dict | None = None):
        self.settings = settings
        self.directory = directory
        super().__init__(env={**eventsourcing_env(settings, self.service), **(env or {})})

    @property
    def views(self) -> Database:
        """This service's read-model store (projections' tables), for commands that consult them."""
        assert self.directory is not None
        return self.directory.db

    def stamp(self, org_id: str) -> dict:
        """The org's position now, from this service's directory replica (NotFound if unknown)."""
        assert self.directory is not None
        return self.directory.position(org_id).as_dict()

    def load(self, aggregate_id: UUID, what: str = "aggregate") -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(
                f"{what} {aggregate_id} not found",
                slug=f"{what}-not-found",
                title_zh="对象不存在",
                title_en=f"{what.capitalize()} not found",
            ) from None

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    trace = staticmethod(current_trace)
