"""The services. Each module ``services.<name>.service`` exposes ``SPEC`` (a kernel ServiceSpec)."""

from __future__ import annotations

import importlib

SERVICES = ("pledges", "evaluations", "grading", "awards")


def spec(name: str):
    if name == "directory":
        from shared.directory.service import SPEC

        return SPEC
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.service").SPEC
