"""``cxzy replay``: rebuild a service's read models from sequence 1 of the streams they read."""

from __future__ import annotations

from .settings import Settings


async def replay(settings: Settings, service: str, projection: str | None = None) -> dict:
    from services import spec

    from .service import ServiceRuntime

    rt = ServiceRuntime(spec(service), settings)
    chosen = [p for p in rt.projections if projection in (None, p.name)]
    if not chosen:
        raise SystemExit(f"{service} has no projection {projection!r}: {[p.name for p in rt.projections]}")
    from .projection import ProjectionRunner

    for p in chosen:
        ProjectionRunner(p, rt.db, None, settings, service).reset()
    await rt.start(jobs=False)
    try:
        await rt.settle(timeout=3600)
    finally:
        await rt.stop()
        counts = {r.durable: r.checkpoint() for r in rt.runners if r.projection in chosen}
        rt.close()
    return counts
