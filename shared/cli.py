"""``cxzy``: the command line of the platform.

cxzy up                          embedded stack: nats-server, every service, demo directory, web
cxzy serve SERVICE               one service in its own process (production)
cxzy directory import FILE       import master data; changes become directory events
cxzy tail --scope local:13/1301  live events of a scope (--from-start for history)
cxzy token issue --role … --scope …
cxzy replay SERVICE [PROJECTION] rebuild read models from sequence 1
cxzy verify SERVICE              check the hash chain of a service's stream
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

from .logging import configure, log
from .settings import Settings, get_settings


def _runtime(name: str, settings: Settings):
    from services import spec

    from .service import ServiceRuntime

    return ServiceRuntime(spec(name), settings)


def cmd_up(args, settings: Settings) -> None:
    import uvicorn

    from .app import create_app
    from .nats_io import EmbeddedNats

    server = EmbeddedNats(settings.var_dir / "nats", port=settings.embedded_nats_port).start()
    print(f"nats-server (JetStream) on {server.url}, store {server.store_dir}", flush=True)
    try:
        settings = settings.model_copy(update={"nats_url": server.url})
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
        _print_demo_tokens(settings)
        app = create_app(runtimes, settings, server.url)
        uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_level="warning")
        for rt in runtimes:
            rt.close()
    finally:
        server.stop()
        print("cxzy stopped", flush=True)


def _print_demo_tokens(settings: Settings) -> None:
    from .auth import issue_token
    from .demo import DEMO_ORG, first_member, generate

    demo = [
        (first_member(generate(), DEMO_ORG), "member", [], DEMO_ORG, "党员 (村党支部)"),
        (f"S-{DEMO_ORG}", "secretary", [], DEMO_ORG, "支部书记"),
        ("county-130102", "superior", ["local:13/1301/130102"], None, "长安区委 (属地)"),
        ("tax-13", "superior", ["vertical:tax/13"], None, "省税务局党委 (垂直)"),
        ("orgdept-13", "org_admin", ["local:13"], None, "省委组织部"),
        ("auditor-13", "auditor", ["local:13"], None, "审计"),
    ]
    print(f"demo tokens (Authorization: Bearer …) — demo org {DEMO_ORG}:", flush=True)
    for sub, role, scopes, org, label in demo:
        print(f"  {label} [{role} {sub}]: {issue_token(settings, sub, role, scopes, org)}", flush=True)


def cmd_serve(args, settings: Settings) -> None:
    """One service in one role: ``api`` (HTTP, ``--workers`` processes), ``worker`` (relay, projections,
    jobs under leases; several may run, one holds each duty) or ``all`` (one process does everything)."""
    import uvicorn

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
    from .directory.importer import read_directory_file

    rt = _runtime("directory", settings)
    report = rt.app.import_records(*read_directory_file(Path(args.file)))
    print(json.dumps(report.__dict__, ensure_ascii=False))

    async def publish() -> None:
        await rt.start(jobs=False)
        await rt.relay.drain()
        await rt.stop()

    asyncio.run(publish())
    rt.close()


def cmd_tail(args, settings: Settings) -> None:
    from .tail import tail

    asyncio.run(
        tail(settings, args.scope, service=args.service, from_start=args.from_start, token=args.token, limit=args.limit)
    )


def cmd_token(args, settings: Settings) -> None:
    from .auth import issue_token

    print(issue_token(settings, args.sub or f"{args.role}-cli", args.role, args.scope or [], args.org, args.ttl))


def cmd_replay(args, settings: Settings) -> None:
    from .replay import replay

    counts = asyncio.run(replay(settings, args.service, args.projection))
    print(json.dumps(counts, ensure_ascii=False))


def cmd_verify(args, settings: Settings) -> None:
    from .audit import verify_stream

    result = asyncio.run(verify_stream(settings, args.service))
    print(json.dumps(result, ensure_ascii=False))
    if not result["ok"]:
        sys.exit(1)


def cmd_nats_auth(args, settings: Settings) -> None:
    from .directory.importer import read_directory_file
    from .nats_auth import plan, write

    orgs, _ = read_directory_file(Path(args.directory))
    downstream = dict(item.split("=", 1) for item in args.downstream or [])
    config, creds = write(Path(args.out), plan(orgs, downstream))
    print(f"wrote {config} (include it in nats-server.conf) and {creds} (credentials; keep secret)")


def cmd_nats_consumers(args, settings: Settings) -> None:
    from .nats_auth import ensure_scope_consumers, load_users
    from .nats_io import connect

    async def run() -> int:
        nc = await connect(settings)
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
    issue.add_argument("--role", required=True)
    issue.add_argument("--scope", action="append")
    issue.add_argument("--org")
    issue.add_argument("--sub")
    issue.add_argument("--ttl", type=int)
    issue.set_defaults(fn=cmd_token)
    replay = sub.add_parser("replay", help="rebuild read models from sequence 1")
    replay.add_argument("service")
    replay.add_argument("projection", nargs="?")
    replay.set_defaults(fn=cmd_replay)
    verify = sub.add_parser("verify", help="verify a service's hash chain")
    verify.add_argument("service")
    verify.set_defaults(fn=cmd_verify)
    deploy = sub.add_parser("deploy").add_subparsers(dest="sub", required=True)
    nauth = deploy.add_parser("nats-auth", help="generate NATS users/permissions from the directory")
    nauth.add_argument("--directory", required=True, help="the directory file (JSON or orgs CSV)")
    nauth.add_argument("--out", default="deploy/generated")
    nauth.add_argument("--downstream", action="append", help="name=scope, e.g. bi=local:13")
    nauth.set_defaults(fn=cmd_nats_auth)
    ncons = deploy.add_parser("nats-consumers", help="pre-create the scoped readers' consumers (admin user)")
    ncons.add_argument("--users", default="deploy/generated/users.json")
    ncons.set_defaults(fn=cmd_nats_consumers)
    sub.add_parser("settings", help="print the configuration table").set_defaults(fn=cmd_settings)
    args = parser.parse_args(argv)
    settings = get_settings()
    configure(settings.log_format, settings.log_level)
    try:
        args.fn(args, settings)
    except KeyboardInterrupt:
        log("cli").info("interrupted")


if __name__ == "__main__":
    main()
