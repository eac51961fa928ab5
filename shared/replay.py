"""``cxzy replay``: rebuild a service's read models from sequence 1 of the streams they read."""

from __future__ import annotations

from nats.js.errors import NotFoundError

from .errors import Refused
from .nats_io import connect, stream_name
from .settings import Settings


async def replay(settings: Settings, service: str, projection: str | None = None) -> dict:
    from services import spec

    from .directory.replica import DirectoryReplica
    from .projection import ProjectionRunner
    from .service import ServiceRuntime

    declared = ([DirectoryReplica()] if spec(service).replicate_directory else []) + spec(service).projections()
    names = [p.name for p in declared]
    if projection not in (None, *names):
        raise Refused(
            f"{service} has no projection {projection!r}",
            slug="no-projection",
            title_zh=f"{service} 没有读模型 {projection}，请从 {'、'.join(names)} 中选择",
            title_en=f"{service} has no projection {projection!r}; choose one of {', '.join(names)}",
        )
    # never wipe a view with nothing to rebuild it from
    await _sources_exist(settings, {p.source for p in declared if projection in (None, p.name)})
    rt = ServiceRuntime(spec(service), settings)
    chosen = [p for p in rt.projections if projection in (None, p.name)]
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


async def _sources_exist(settings: Settings, sources: set[str]) -> None:
    nc = await connect(settings, name="cxzy-replay", one_shot=True)
    try:
        js = nc.jetstream()
        for source in sorted(sources):
            try:
                await js.stream_info(stream_name(source))
            except NotFoundError:
                raise Refused(
                    f"no stream {stream_name(source)} at {settings.nats_url}",
                    slug="no-stream",
                    title_zh=f"{settings.nats_url} 上没有事件流 {stream_name(source)}，无从重建：请检查 CXZY_NATS_URL",
                    title_en=f"No stream {stream_name(source)} at {settings.nats_url} to rebuild from; check CXZY_NATS_URL",
                ) from None
    finally:
        await nc.close()
