"""The registry of services: the one place that lists them. Each ``services.<name>.service`` module
exposes ``SPEC`` (a kernel :class:`shared.service.ServiceSpec`); adding a service is its folder and
one line here."""

from __future__ import annotations

import importlib

SERVICES = ("pledges", "evaluations", "grading", "awards", "branches")
EVENT_SOURCES = ("directory", *SERVICES)  # every service that publishes a stream, the kernel's directory first


def spec(name: str):
    if name == "directory":
        from shared.directory.service import SPEC

        return SPEC
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.service").SPEC
