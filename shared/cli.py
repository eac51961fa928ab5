"""``cxzy``: the command line of the platform.

cxzy up                          embedded stack: nats-server, every service, demo directory, web
cxzy serve SERVICE               one service in its own process (production)
cxzy directory import FILE       import master data; changes become directory events
cxzy tail --scope local:13/1301  live events of a scope (--from-start for history)
cxzy token issue --role … --scope …
cxzy replay SERVICE [PROJECTION] rebuild read models from sequence 1
cxzy verify SERVICE              check the hash chain and checkpoints of a service's stream
cxzy audit keygen|checkpoint|witness|export|verify|reconcile|verify-stream   auditors (docs/AUDITORS.md)
cxzy deploy nats-auth --directory FILE   NATS users and permissions per scope
cxzy deploy nats-consumers       pre-create the scoped readers' durable consumers
cxzy settings                    the configuration table
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from .errors import Problem
from .logging import configure, log
from .nats_io import CommandFailed, EmbeddedNats, cli_nats_url, connect, running_embedded_url
from .settings import Settings, get_settings


def one_line(exc: Exception) -> str:
    if isinstance(exc, Problem):
        generic = exc.title_en == type(exc).title_en  # a bare "Invalid input": the detail says what
        extra = f": {exc.detail}" if generic and exc.detail else ""
        return f"{exc.title_zh} / {exc.title_en}{extra}"
    return " ".join(str(exc).split())


def _bus(settings: Settings, for_replay: bool = False) -> Settings:
    """The settings a one-shot command connects with: ``CXZY_NATS_URL`` when set, else the server
    ``cxzy up`` runs for this var dir (see :func:`shared.nats_io.cli_nats_url`)."""
    if for_replay and "nats_url" not in settings.model_fields_set and running_embedded_url(settings.var_dir / "nats"):
        raise CommandFailed(
            "cxzy up 正在运行，重建读模型时服务必须停止：请先按 Ctrl-C 停止 make run，再运行 cxzy replay",
            "cxzy up is running and a replay needs the services stopped: stop make run (Ctrl-C), then replay",
        )
    return settings.model_copy(update={"nats_url": cli_nats_url(settings)})


def _service(name: str) -> str:
    from services import EVENT_SOURCES

    if name not in EVENT_SOURCES:
        raise CommandFailed(
            f"没有服务 {name!r}，请用 {'、'.join(EVENT_SOURCES)} 之一",
            f"no service {name!r}: use one of {', '.join(EVENT_SOURCES)}",
        )
    return name


async def _reachable(settings: Settings) -> None:
    nc = await connect(settings, name="cxzy-cli", one_shot=True)
    await nc.close()


def _runtime(name: str, settings: Settings):
    from services import spec

    from .service import ServiceRuntime

    return ServiceRuntime(spec(name), settings)


def cmd_up(args, settings: Settings) -> None:
    import uvicorn

    from .app import create_app
    from .processes import serve, stop

    server = EmbeddedNats(settings.var_dir / "nats", port=settings.embedded_nats_port).start()
    print(f"nats-server (JetStream) on {server.url}, store {server.store_dir}", flush=True)
    try:
        settings = settings.model_copy(update={"nats_url": server.url, "dev_mode": True})  # the development keys
        names = ["directory", *(n.strip() for n in settings.services.split(",") if n.strip())]
        runtimes = [_runtime(n, settings) for n in names]
        directory_rt = runtimes[0]
        if directory_rt.app.recorder.max_notification_id() in (None, 0) and not args.no_demo:
            from .demo import write
            from .directory.importer import read_directory_file

            demo = write(settings.var_dir / "demo-directory.json")
            report = directory_rt.app.import_records(*read_directory_file(demo))
            print(f"demo directory loaded: {report.orgs_created} orgs, {report.members_created} members", flush=True)
        base = f"http://{settings.http_host}:{settings.http_port}"
        print(f"cxzy up: {base}/  (API docs {base}/docs) — Ctrl-C stops everything", flush=True)
        if not args.no_demo:
            _print_demo_tokens(settings, base)
            _demo_accounts(settings, base)
            _demo_activity(runtimes)
        # the production split on one machine (issue 10): one worker process per service holds its relay,
        # projections and jobs; this process serves HTTP for all of them (role api), so neither waits on
        # the other's GIL
        workers = [serve(n, settings, settings.var_dir / f"{n}-worker.log", "--role", "worker") for n in names]
        try:
            from workspace import mount

            app = create_app(runtimes, settings, server.url, role="api", mounts=(mount,))
            uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_level="warning")
        finally:
            stop(*workers)
            for rt in runtimes:
                rt.close()
    finally:
        server.stop()
        print("cxzy stopped", flush=True)


def _print_demo_tokens(settings: Settings, base: str) -> None:
    from .demo import DEMO_ORG, write_demo_env

    path = settings.var_dir / "demo-tokens.env"
    env = write_demo_env(path, settings, base)
    print(f"demo tokens (Authorization: Bearer …) — demo org {DEMO_ORG}; `source {path}` defines them all:", flush=True)
    for name, value, what in env:
        if name.endswith("_TOKEN"):
            print(f"  {name} ({what}): {value}", flush=True)


def _demo_accounts(settings: Settings, base: str) -> None:
    """Print the workspace's demo accounts; create them once the workers have projected the directory."""
    import threading

    from workspace.cli import _book
    from workspace.demo import DEMO_PASSWORD, create_demo_accounts, demo_accounts

    print(f"工作台 workspace: {base}/ws/ — demo accounts, password {DEMO_PASSWORD}:", flush=True)
    for account in demo_accounts():
        print(f"  {account['username']:<15} {account['label']}", flush=True)
    threading.Thread(target=lambda: create_demo_accounts(_book(settings)), daemon=True).start()


def _demo_activity(runtimes) -> None:
    """Seed what the demo shows beyond the directory (branch life), once the workers have projected it."""
    import threading
    import time

    def seed() -> None:
        from services.branches.demo import seed as branch_life

        rt = next((r for r in runtimes if r.name == "branches"), None)
        if rt is None:
            return
        for _ in range(240):
            try:
                branch_life(rt.app)
                return
            except Exception:  # noqa: BLE001 — the directory replica is not there yet
                time.sleep(0.5)

    threading.Thread(target=seed, daemon=True).start()


def cmd_serve(args, settings: Settings) -> None:
    """One service in one role: ``api`` (HTTP, ``--workers`` processes), ``worker`` (relay, projections,
    jobs under leases; several may run, one holds each duty) or ``all`` (one process does everything)."""
    import uvicorn

    from .audit_keys import refuse_development_keys

    refuse_development_keys(settings)
    if args.role == "worker":
        from .service import work

        asyncio.run(work(_runtime(args.service, settings)))
        return
    os.environ["CXZY_SERVE"] = f"{args.service}:{args.role}"
    uvicorn.run(
        "shared.app:served",
        factory=True,
        host=settings.http_host,
        port=args.port or settings.http_port,
        workers=args.workers if args.role == "api" else 1,
        log_level="warning",
    )


def cmd_directory_import(args, settings: Settings) -> None:
    from .directory.domain import org_uuid
    from .directory.importer import check_records, read_records

    records = read_records(Path(args.file))
    settings = _bus(settings)
    rt = _runtime("directory", settings)
    try:
        check_records(records, Path(args.file), known_org=lambda org_id: rt.app.exists(org_uuid(org_id)))
        asyncio.run(_reachable(settings))  # nothing is recorded that could not be published
        orgs = [r.raw for r in records if r.kind == "org"]
        report = rt.app.import_records(orgs, [r.raw for r in records if r.kind == "member"])
        print(json.dumps(report.__dict__, ensure_ascii=False))

        async def publish() -> None:
            await rt.start(jobs=False)
            assert rt.relay is not None
            await rt.relay.drain()
            await rt.stop()

        asyncio.run(publish())
    finally:
        rt.close()


def cmd_tail(args, settings: Settings) -> None:
    from .tail import tail

    asyncio.run(
        tail(
            _bus(settings),
            args.scope,
            service=args.service,
            from_start=args.from_start,
            token=args.token,
            limit=args.limit,
        )
    )


def cmd_token(args, settings: Settings) -> None:
    from .auth import issue_token

    scopes = args.scope or []
    _check_token_request(settings, args.role, scopes, args.org, args.sub)
    print(issue_token(settings, args.sub or f"{args.role}-cli", args.role, scopes, args.org, args.ttl))


def _check_token_request(settings: Settings, role: str, scopes: list[str], org: str | None, sub: str | None) -> None:
    """Refuse a token that could do nothing: a role without its org or scope, an org the directory lacks."""
    from .auth import ROLES
    from .scope import parse_scope

    if role not in ROLES:
        raise CommandFailed(
            f"角色 {role!r} 不存在，请用 {'、'.join(ROLES)} 之一",
            f"unknown role {role!r}: use one of {', '.join(ROLES)}",
        )
    for scope in scopes:
        parse_scope(scope)
    if role in ("member", "secretary") and not org:
        raise CommandFailed(f"{role} 令牌须用 --org 指明所在党组织", f"a {role} token needs --org (its org)")
    if role == "member" and not sub:
        raise CommandFailed("党员令牌须用 --sub 指明党员编号", "a member token needs --sub (the member id)")
    if role not in ("member", "secretary") and not scopes:
        raise CommandFailed(
            f"{role} 令牌须用 --scope 指明管辖范围，如 local:13/1301",
            f"a {role} token needs --scope, e.g. local:13/1301",
        )
    if org:
        _check_in_directory(settings, org, sub if role == "member" else None)


def _check_in_directory(settings: Settings, org: str, member: str | None) -> None:
    from eventsourcing.application import AggregateNotFoundError

    from .directory.domain import member_uuid, org_uuid

    where = settings.var_dir
    if settings.store == "sqlite" and not (where / "directory" / "events.db").exists():
        print(
            f"cxzy: {where} 中未加载组织目录，未核对组织 {org} / no directory loaded in {where}; org {org} not checked",
            file=sys.stderr,
        )
        return
    rt = _runtime("directory", settings)
    try:
        if not rt.app.exists(org_uuid(org)):
            raise CommandFailed(
                f"组织目录中没有党组织 {org}，请检查 --org", f"no org {org} in the directory; check --org"
            )
        if member is not None:
            try:
                home = rt.app.repository.get(member_uuid(member)).record["org"]
            except AggregateNotFoundError:
                home = None
            if home != org:
                raise CommandFailed(
                    f"党员 {member} 不属于 {org}，请检查 --sub 和 --org",
                    f"member {member} is not a member of {org}; check --sub and --org",
                )
    finally:
        rt.close()


def cmd_replay(args, settings: Settings) -> None:
    from .replay import replay

    explicit = "nats_url" in settings.model_fields_set
    settings = _bus(settings, for_replay=True)
    server = None
    store = settings.var_dir / "nats"
    if not explicit and (store / "jetstream").is_dir():
        server = EmbeddedNats(store).start()  # cxzy up is stopped: its server's store, on a free port for the replay
        settings = settings.model_copy(update={"nats_url": server.url})
    try:
        counts = asyncio.run(replay(settings, _service(args.service), args.projection))
    finally:
        if server:
            server.stop()
    print(json.dumps(counts, ensure_ascii=False))


def cmd_verify(args, settings: Settings) -> None:
    from nats.js.errors import NotFoundError

    from .audit import verify_stream
    from .nats_io import stream_name

    settings = _bus(settings)
    try:
        result = asyncio.run(verify_stream(settings, _service(args.service)))
    except NotFoundError:
        stream = stream_name(args.service)
        raise CommandFailed(
            f"{settings.nats_url} 上没有事件流 {stream}：make run（cxzy up）没有运行，或 {args.service} 尚未发布事件；"
            "请先运行 make run，或用 CXZY_NATS_URL 指定服务器",
            f"no stream {stream} at {settings.nats_url}: make run (cxzy up) is not running, or {args.service} "
            "has published nothing yet; run make run, or set CXZY_NATS_URL",
        ) from None
    print(json.dumps(result, ensure_ascii=False))
    if not result["ok"]:
        sys.exit(1)


def cmd_audit(args, settings: Settings) -> None:
    from .audit_cli import run

    run(args, settings)


def _all_specs():
    from services import EVENT_SOURCES, spec

    return [spec(name) for name in EVENT_SOURCES]


def cmd_contract_check(args, settings: Settings) -> None:
    from .compat import check

    problems = check(_all_specs())
    for problem in problems:
        print(problem)
    if problems:
        raise CommandFailed(
            f"已发布事件契约有 {len(problems)} 处不兼容的改动：请改为发布新版本（…v2），见 docs/CONTRACT.md",
            f"{len(problems)} breaking change(s) to the published contract: ship a new version (…v2), see docs/CONTRACT.md",
        )
    print("contract compatible with every published revision")


def cmd_contract_snapshot(args, settings: Settings) -> None:
    from .compat import snapshot

    try:
        written = snapshot(_all_specs())
    except ValueError as exc:
        raise CommandFailed("有不兼容的改动，未记录", str(exc)) from None
    for path in written:
        print(f"recorded {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


def cmd_nats_auth(args, settings: Settings) -> None:
    from .directory.importer import read_directory_file
    from .nats_auth import plan, write

    orgs, _ = read_directory_file(Path(args.directory))
    downstream = dict(item.split("=", 1) for item in args.downstream or [])
    config, creds = write(Path(args.out), plan(orgs, downstream))
    print(f"wrote {config} (include it in nats-server.conf) and {creds} (credentials; keep secret)")


def cmd_nats_cluster(args, settings: Settings) -> None:
    from .cluster import write_cluster

    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    if len(hosts) < 3 or len(hosts) % 2 == 0:
        raise CommandFailed(
            f"集群需要奇数个（至少 3 个）节点，现有 {len(hosts)} 个",
            f"a cluster needs an odd number (≥ 3) of hosts, got {len(hosts)}",
        )
    paths = write_cluster(hosts, Path(args.out), args.store_dir)
    print(f"wrote {', '.join(map(str, paths))}; run nats-server -c nN.conf on each host, then set")
    print(f"  CXZY_NATS_URL={','.join(f'nats://{h}:4222' for h in hosts)} CXZY_STREAM_REPLICAS=3")


def cmd_nats_consumers(args, settings: Settings) -> None:
    from .nats_auth import ensure_scope_consumers, load_users
    from .nats_io import connect

    settings = _bus(settings)

    async def run() -> int:
        nc = await connect(settings, one_shot=True)
        created = await ensure_scope_consumers(nc.jetstream(), load_users(Path(args.users)))
        await nc.close()
        return created

    print(f"scoped consumers ensured: {asyncio.run(run())}")


def cmd_settings(args, settings: Settings) -> None:
    print("| variable | default | meaning |\n|---|---|---|")
    for name, field in Settings.model_fields.items():
        default = field.default if not isinstance(field.default, Path) else str(field.default)
        print(f"| `CXZY_{name.upper()}` | `{default}` | {field.description} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cxzy", description="创先争优 long-term mechanisms")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the embedded stack with demo data")
    up.add_argument("--no-demo", action="store_true", help="do not load the demo directory")
    up.set_defaults(fn=cmd_up)
    serve = sub.add_parser("serve", help="run one service")
    serve.add_argument("service")
    serve.add_argument("--port", type=int)
    serve.add_argument("--role", choices=("all", "api", "worker"), default="all")
    serve.add_argument("--workers", type=int, default=1, help="HTTP processes (role api)")
    serve.set_defaults(fn=cmd_serve)
    directory = sub.add_parser("directory").add_subparsers(dest="sub", required=True)
    imp = directory.add_parser("import", help="import a directory file (JSON or CSV)")
    imp.add_argument("file")
    imp.set_defaults(fn=cmd_directory_import)
    tail = sub.add_parser("tail", help="print the live events of a scope")
    tail.add_argument("--scope", required=True)
    tail.add_argument("--service", default="*")
    tail.add_argument("--from-start", action="store_true")
    tail.add_argument("--token", help="a token whose scopes must cover --scope")
    tail.add_argument("--limit", type=int, default=0, help="stop after this many events (0: run until Ctrl-C)")
    tail.set_defaults(fn=cmd_tail)
    token = sub.add_parser("token").add_subparsers(dest="sub", required=True)
    issue = token.add_parser("issue")
    issue.add_argument("--role", required=True, help="member, secretary, superior, org_admin, auditor, downstream")
    issue.add_argument("--scope", action="append", help="superior, org_admin, auditor, downstream: e.g. local:13/1301")
    issue.add_argument("--org", help="member, secretary: the org (checked against the directory of ./var)")
    issue.add_argument("--sub", help="who: for a member, the member id")
    issue.add_argument("--ttl", type=int)
    issue.set_defaults(fn=cmd_token)
    replay = sub.add_parser("replay", help="rebuild read models from sequence 1")
    replay.add_argument("service")
    replay.add_argument("projection", nargs="?")
    replay.set_defaults(fn=cmd_replay)
    verify = sub.add_parser("verify", help="verify a service's hash chain")
    verify.add_argument("service")
    verify.set_defaults(fn=cmd_verify)
    from .audit_cli import add_commands as audit_commands

    audit_commands(sub, cmd_audit)
    deploy = sub.add_parser("deploy").add_subparsers(dest="sub", required=True)
    nauth = deploy.add_parser("nats-auth", help="generate NATS users/permissions from the directory")
    nauth.add_argument("--directory", required=True, help="the directory file (JSON or orgs CSV)")
    nauth.add_argument("--out", default="deploy/generated")
    nauth.add_argument("--downstream", action="append", help="name=scope, e.g. bi=local:13")
    nauth.set_defaults(fn=cmd_nats_auth)
    ncons = deploy.add_parser("nats-consumers", help="pre-create the scoped readers' consumers (admin user)")
    ncons.add_argument("--users", default="deploy/generated/users.json")
    ncons.set_defaults(fn=cmd_nats_consumers)
    ncluster = deploy.add_parser("nats-cluster", help="a 3-node NATS cluster's configs for given hosts (R3, fsync)")
    ncluster.add_argument("--hosts", required=True, help="comma-separated, e.g. n1.example,n2.example,n3.example")
    ncluster.add_argument("--out", default="deploy/generated/cluster")
    ncluster.add_argument("--store-dir", default="/var/lib/cxzy-nats")
    ncluster.set_defaults(fn=cmd_nats_cluster)
    sub.add_parser("settings", help="print the configuration table").set_defaults(fn=cmd_settings)
    contract = sub.add_parser("contract", help="the published event contract (docs/CONTRACT.md)").add_subparsers(
        dest="sub", required=True
    )
    contract.add_parser("check", help="breaking changes against contracts/ (exit 1 if any)").set_defaults(
        fn=cmd_contract_check
    )
    contract.add_parser("snapshot", help="record the published schemas in contracts/").set_defaults(
        fn=cmd_contract_snapshot
    )
    from workspace.cli import add_commands as account_commands

    account_commands(sub)
    args = parser.parse_args(argv)
    settings = get_settings()
    configure(settings.log_format, settings.log_level)
    try:
        args.fn(args, settings)
    except KeyboardInterrupt:
        log("cli").info("interrupted")
    except (CommandFailed, Problem) as exc:
        print(f"cxzy: {one_line(exc)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
