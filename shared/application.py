"""What every service's write model shares: events stamped with the org's position at the time
(H5) and the request's trace, and an eventsourcing ``Application`` wired to the kernel's store."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from .db import Database, eventsourcing_env
from .errors import ConcurrentChange, NotFound, Refused
from .logging import correlation_id
from .settings import Settings

if TYPE_CHECKING:
    from .directory.replica import DirectoryView

causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)
Command = TypeVar("Command", bound=Callable[..., Any])
RETRIES = 3


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
    """A service's write model. The runtime gives it its name, its directory replica and the store
    of its read models (``views``), and wakes the relay after every save (``on_saved``)."""

    today: Callable[[], dt.date] = staticmethod(utc_today)  # the one clock; tests set ``app.today``

    def __init__(self, service: str, settings: Settings, directory: DirectoryView, env: dict | None = None):
        self.service = service
        self.settings = settings
        self.directory = directory
        self.views: Database = directory.db  # this service's read-model store, for commands that consult it
        self.on_saved: Callable[[], None] = lambda: None
        super().__init__(env={**eventsourcing_env(settings, service), **(env or {})})

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Record atomically, or refuse with :class:`ConcurrentChange` if another command changed one of
        these aggregates since it was loaded (nothing recorded); then wake the relay."""
        try:
            recordings = super().save(*objs, **kwargs)
        except IntegrityError:
            raise ConcurrentChange() from None
        self.on_saved()
        return recordings

    def save_new(self, aggregate: Any, taken: Refused) -> None:
        """Save a new aggregate whose id is derived from what it is about (one nomination per title and
        nominee, one exemplar per honour): if that id is taken, refuse with ``taken``."""
        try:
            self.save(aggregate)
        except ConcurrentChange:
            raise taken from None

    def stamp(self, org_id: str) -> dict:
        """The org's position now, from this service's directory replica (NotFound if unknown)."""
        return self.directory.position(org_id).as_dict()

    def load(self, aggregate_id: UUID, what: str = "record", what_zh: str = "记录") -> Any:
        """The aggregate, or 404 naming ``what`` (in English and Chinese) with the id to check."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(
                f"{what} {aggregate_id} not found",
                slug=f"{what}-not-found",
                title_zh=f"{what_zh}不存在：没有编号为 {aggregate_id} 的{what_zh}，请核对编号",
                title_en=f"{what.capitalize()} not found: there is no {what} {aggregate_id}; check the id",
            ) from None

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    trace = staticmethod(current_trace)


def retried(
    slug: str = ConcurrentChange.slug, zh: str = ConcurrentChange.title_zh, en: str = ConcurrentChange.title_en
) -> Callable[[Command], Command]:
    """The concurrency policy for a command that is safe to run again: on a concurrent change it runs
    again from the start (reloading its aggregates, so the rules judge the new state), at most
    ``RETRIES`` times, then refuses with 409 and the command's own sentence. Commands without this
    decorator refuse at once with :class:`ConcurrentChange`."""

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            for _ in range(RETRIES):
                try:
                    return command(*args, **kwargs)
                except ConcurrentChange:
                    continue
            raise ConcurrentChange(en, slug=slug, title_zh=zh, title_en=en)

        return cast(Command, run)

    return decorate
