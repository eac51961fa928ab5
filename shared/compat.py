"""The compatibility policy of the published events (docs/CONTRACT.md): what a subscriber may rely on.

Every published event type ``cn.cxzy.<service>.<event>.v<N>`` has a committed snapshot
``contracts/<service>/<event>.v<N>.json``: its subject layout and every revision of its JSON Schema ever
published. The schema in the code must be compatible with EVERY revision (transitively, not only with the
last), and the layout must not change. Compatible means a consumer written against an earlier revision still
reads every new message:

- a property may be added; none may be removed, and a required one stays required;
- a property's type may only narrow (``["string", "null"]`` → ``"string"``, ``number`` → ``integer``), never
  widen or change; an ``enum`` may lose values but gain none; bounds (minimum, maximum, minItems …) may only
  tighten; array items follow the same rules; a ``oneOf`` stays as it is.

Anything else ships as a new version ``…v<N+1>`` with its own snapshot, published beside the old one for a
deprecation window (docs/CONTRACT.md "Moving to a new version").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .scope import Position, subject

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
SAMPLE = Position("ORG", ("l1", "l2"), ("v1",))  # a subject of this position shows the layout
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minItems", "minLength", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxItems", "maxLength", "maxProperties")


def _types(schema: dict) -> set[str] | None:
    """The JSON types a schema allows, or None if it does not say (``enum``/``oneOf`` only, or anything)."""
    t = schema.get("type")
    if t is None:
        return None
    types = {t} if isinstance(t, str) else set(t)
    return types | ({"integer"} if "number" in types else set())


def breaking_changes(old: dict, new: dict, where: str = "") -> list[str]:
    """How ``new`` breaks a consumer of ``old`` (empty: compatible). ``where`` names the place (``data.score``)."""
    at = where or "(payload)"
    problems: list[str] = []
    old_types, new_types = _types(old), _types(new)
    if old_types is not None and (new_types is None or not new_types <= old_types):
        problems.append(f"{at}: type widened or changed from {old.get('type')} to {new.get('type')}")
    if "enum" in old and not set(map(json.dumps, new.get("enum", [None]))) <= set(map(json.dumps, old["enum"])):
        problems.append(f"{at}: enum gained values or was dropped ({old['enum']} → {new.get('enum')})")
    if "const" in old and new.get("const") != old["const"]:
        problems.append(f"{at}: const changed")
    for key in LOWER_BOUNDS:
        if key in old and (key not in new or new[key] < old[key]):
            problems.append(f"{at}: {key} loosened ({old[key]} → {new.get(key)})")
    for key in UPPER_BOUNDS:
        if key in old and (key not in new or new[key] > old[key]):
            problems.append(f"{at}: {key} loosened ({old[key]} → {new.get(key)})")
    if "oneOf" in old and new.get("oneOf") != old["oneOf"]:
        problems.append(f"{at}: oneOf changed")
    if isinstance(old.get("items"), dict):
        problems += breaking_changes(old["items"], new.get("items") or {}, f"{at}[]")
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    for name, prop in old_props.items():
        if name not in new_props:
            problems.append(f"{_join(where, name)}: removed")
            continue
        problems += breaking_changes(prop, new_props[name], _join(where, name))
    for name in set(old.get("required") or ()) - set(new.get("required") or ()):
        problems.append(f"{_join(where, name)}: no longer required (consumers rely on it being there)")
    return problems


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def layout(service: str, event: str) -> str:
    return subject(service, event, SAMPLE)


def snapshot_path(service: str, type_name: str) -> Path:
    """``cn.cxzy.grading.determined.v1`` → ``contracts/grading/determined.v1.json``"""
    return CONTRACTS / service / (type_name.split(".", 3)[3] + ".json")


def published(specs) -> dict[Path, dict[str, Any]]:
    """What the code publishes now: per snapshot path, the type, layout and schema."""
    out = {}
    for spec in specs:
        for et in spec.contract.types:
            type_name = et.type_for(spec.name)
            out[snapshot_path(spec.name, type_name)] = {
                "type": type_name,
                "subject": layout(spec.name, et.token),
                "schema": et.schema,
            }
    return out


def check(specs) -> list[str]:
    """Every breaking change of the code's contract against the committed snapshots, and every published type
    that has no snapshot yet or disappeared before its announced sunset."""
    problems: list[str] = []
    now = published(specs)
    for path, current in now.items():
        if not path.exists():
            problems.append(
                f"{current['type']}: no snapshot {path.relative_to(CONTRACTS.parent)}; run `cxzy contract snapshot`"
            )
            continue
        snap = json.loads(path.read_text(encoding="utf-8"))
        if snap["subject"] != current["subject"]:
            problems.append(f"{current['type']}: subject layout changed ({snap['subject']} → {current['subject']})")
        for n, revision in enumerate(snap["revisions"], start=1):
            problems += [
                f"{current['type']} (against revision {n}): {p}" for p in breaking_changes(revision, current["schema"])
            ]
    for path in sorted(CONTRACTS.glob("*/*.json")):
        if path not in now:
            snap = json.loads(path.read_text(encoding="utf-8"))
            if not snap.get("retired"):
                problems.append(f"{snap['type']}: published once but no longer in the code (announce a sunset first)")
    return problems


def snapshot(specs) -> list[Path]:
    """Record what the code publishes: a new version's first revision, or a compatible change as a new revision
    of its version. Refuses (ValueError) while :func:`check` finds a breaking change."""
    problems = [p for p in check(specs) if "no snapshot" not in p]
    if problems:
        raise ValueError("breaking changes, not recorded:\n" + "\n".join(problems))
    written = []
    for path, current in published(specs).items():
        snap = (
            json.loads(path.read_text(encoding="utf-8"))
            if path.exists()
            else {
                "type": current["type"],
                "subject": current["subject"],
                "revisions": [],
            }
        )
        if snap["revisions"] and snap["revisions"][-1] == current["schema"]:
            continue
        snap["revisions"].append(current["schema"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
