"""Both hierarchies in one subject (docs/ARCHITECTURE.md "Subjects and scopes", DOMAIN.md H1, H4).

This module is the only place that knows the subject layout. A scope (``local:13/1301`` or
``vertical:tax/13``) becomes a NATS filter subject here, and membership of an org in a scope
is decided here too — NATS permissions, API authorisation and live feeds all call it, so
they can never disagree.

    cxzy.<service>.<event>.<p>.<c>.<k>.<t>.<sys>.<v1>.<v2>.<v3>.<org>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ROOT = "cxzy"
LOCAL_DEPTH = 4  # province . prefecture . county . township (GB/T 2260 codes)
VERTICAL_DEPTH = 4  # system . level1 . level2 . level3
NONE = "_"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")

Hierarchy = Literal["local", "vertical"]


class ScopeError(ValueError):
    pass


def check_token(value: str, what: str) -> str:
    if not _TOKEN.match(value) or value == NONE:
        raise ScopeError(f"{what} {value!r}: only letters, digits, '-' and '_' are allowed in subject tokens")
    return value


@dataclass(frozen=True)
class Position:
    """Where an org stands in both hierarchies at one moment (H1, H5)."""

    org_id: str
    local: tuple[str, ...]
    vertical: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_token(self.org_id, "org id")
        if not 1 <= len(self.local) <= LOCAL_DEPTH:
            raise ScopeError(f"territorial path of {self.org_id} must have 1–{LOCAL_DEPTH} levels")
        if len(self.vertical) > VERTICAL_DEPTH:
            raise ScopeError(f"vertical path of {self.org_id} has more than {VERTICAL_DEPTH} levels")
        for token in (*self.local, *self.vertical):
            check_token(token, "path code")

    def tokens(self) -> list[str]:
        pad = lambda path, n: list(path) + [NONE] * (n - len(path))  # noqa: E731
        return [*pad(self.local, LOCAL_DEPTH), *pad(self.vertical, VERTICAL_DEPTH), self.org_id]

    @property
    def local_path(self) -> str:
        return "/".join(self.local)

    @property
    def vertical_path(self) -> str:
        return "/".join(self.vertical)

    def as_dict(self) -> dict:
        return {"id": self.org_id, "local": list(self.local), "vertical": list(self.vertical)}

    @classmethod
    def from_dict(cls, d: dict) -> Position:
        return cls(d["id"], tuple(d["local"]), tuple(d.get("vertical") or ()))


def subject(service: str, event: str, position: Position) -> str:
    check_token(service, "service")
    check_token(event, "event")
    return ".".join([ROOT, service, event, *position.tokens()])


def service_subjects(service: str) -> str:
    """Every subject of one service's stream: ``cxzy.<service>.>`` (its stream, its projections' filter)."""
    return f"{ROOT}.{check_token(service, 'service')}.>"


def audit_subject(service: str) -> str:
    """Where a service's signed audit checkpoints go (on the audit stream, not the service's)."""
    return f"{ROOT}.audit.{check_token(service, 'service')}"


def parse_subject(subj: str) -> tuple[str, str, Position]:
    parts = subj.split(".")
    if len(parts) != 3 + LOCAL_DEPTH + VERTICAL_DEPTH + 1 or parts[0] != ROOT:
        raise ScopeError(f"not a cxzy event subject: {subj}")
    local = tuple(t for t in parts[3 : 3 + LOCAL_DEPTH] if t != NONE)
    vertical = tuple(t for t in parts[3 + LOCAL_DEPTH : 3 + LOCAL_DEPTH + VERTICAL_DEPTH] if t != NONE)
    return parts[1], parts[2], Position(parts[-1], local, vertical)


@dataclass(frozen=True)
class Scope:
    """A subtree of one hierarchy: ``local:13/1301`` or ``vertical:tax/13``.
    ``local:*`` is the whole territorial tree (national level)."""

    hierarchy: Hierarchy
    path: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Scope:
        kind, sep, rest = text.strip().partition(":")
        if not sep or kind not in ("local", "vertical"):
            raise ScopeError(f"scope {text!r} must look like local:13/1301 or vertical:tax/13")
        path = tuple(p for p in rest.split("/") if p) if rest.strip() not in ("", "*") else ()
        if kind == "vertical" and not path:
            raise ScopeError(f"scope {text!r} must name a system, e.g. vertical:tax")
        depth = LOCAL_DEPTH if kind == "local" else VERTICAL_DEPTH
        if len(path) > depth:
            raise ScopeError(f"scope {text!r} is deeper than {depth} levels")
        for token in path:
            check_token(token, "scope code")
        return cls(kind, path)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.hierarchy}:{'/'.join(self.path) or '*'}"

    def contains(self, position: Position) -> bool:
        own = position.local if self.hierarchy == "local" else position.vertical
        return own[: len(self.path)] == self.path

    def within(self, other: Scope) -> bool:
        """True if this subtree lies inside ``other`` (same hierarchy, ``other`` a prefix)."""
        return self.hierarchy == other.hierarchy and self.path[: len(other.path)] == other.path

    def filter_subject(self, service: str = "*", event: str = "*") -> str:
        offset = 0 if self.hierarchy == "local" else LOCAL_DEPTH
        tokens = [ROOT, service, event] + ["*"] * offset + list(self.path)
        return ".".join(tokens + [">"])

    def sql_filter(self, local_col: str = "local_path", vertical_col: str = "vertical_path") -> tuple[str, list[str]]:
        """A WHERE clause over read-model columns holding ``/``-joined paths."""
        col = local_col if self.hierarchy == "local" else vertical_col
        if not self.path:
            return "1=1", []
        joined = "/".join(self.path)
        return f"({col} = ? OR {col} LIKE ?)", [joined, joined + "/%"]


def parse_scope(text: str) -> Scope:
    """A scope a user typed: refused as bad input (422, zh + en) when malformed."""
    from .errors import invalid

    try:
        return Scope.parse(text)
    except ScopeError as exc:
        raise invalid(
            "scope",
            f"范围 {text!r} 格式不正确，应形如 local:13/1301 或 vertical:tax/13",
            f"{exc}; write a scope like local:13/1301 or vertical:tax/13",
        ) from None
