"""``cxzy audit …`` (issue 12; the workflow: docs/AUDITORS.md)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from .nats_io import CommandFailed
from .settings import Settings


def add_commands(sub, fn) -> None:
    audit = sub.add_parser("audit", help="transparency log: keys, checkpoints, witness, export, verify, reconcile")
    cmds = audit.add_subparsers(dest="sub", required=True)
    keygen = cmds.add_parser("keygen", help="a new key: writes DIR/<name>.key and .vkey, prints the verifier key")
    keygen.add_argument("--name", required=True, help="the key name, e.g. audit.example.gov.cn (the log's origin)")
    keygen.add_argument("-o", "--out", required=True, help="directory for the key files")
    keygen.add_argument("--witness", action="store_true", help="a witness's cosigning key (type 0x04)")
    cp = cmds.add_parser("checkpoint", help="sign a checkpoint of a service's log now")
    cp.add_argument("service")
    witness = cmds.add_parser("witness", help="cosign a service's consistent checkpoints (runs until Ctrl-C)")
    witness.add_argument("--key", required=True, help="the witness's private key file")
    witness.add_argument("--log-key", required=True, help="the log's verifier key (name+id+key)")
    witness.add_argument("--service", required=True)
    witness.add_argument("--state", help="its state file (default var/witness/<name>-<service>.json)")
    witness.add_argument("--once", action="store_true", help="cosign what is there, then stop")
    export = cmds.add_parser("export", help="a bundle of a scope's events in a period, with their proofs")
    export.add_argument("--service", required=True)
    export.add_argument("--scope", required=True, help="e.g. local:13/1301")
    export.add_argument("--from", dest="start", required=True, help="first day, e.g. 2025-01-01 (UTC+8)")
    export.add_argument("--to", dest="end", required=True, help="last day, inclusive, e.g. 2025-12-31")
    export.add_argument("-o", "--out", required=True)
    export.add_argument("--key", help="the log's verifier key (default: the configured key's)")
    export.add_argument("--witness-key", action="append", default=[], help="a witness's verifier key")
    verify = cmds.add_parser("verify", help="check a bundle offline, with public keys only")
    verify.add_argument("bundle")
    verify.add_argument("--key", required=True, help="the log's verifier key")
    verify.add_argument("--witness-key", action="append", default=[], help="a witness's verifier key")
    verify.add_argument("--witnesses", type=int, help="cosignatures required (default: all witness keys given)")
    reconcile = cmds.add_parser("reconcile", help="the service's event store against its stream")
    reconcile.add_argument("service")
    stream = cmds.add_parser("verify-stream", help="the hash chain and every checkpoint of a service's stream")
    stream.add_argument("service")
    stream.add_argument("--key", help="the log's verifier key (default: the configured key's)")
    for parser in (keygen, cp, witness, export, verify, reconcile, stream):
        parser.set_defaults(fn=fn)


def _vkey(text: str):
    from .audit_note import NoteError, Verifier

    try:
        return Verifier.parse(Path(text).read_text() if Path(text).is_file() else text)
    except NoteError as exc:
        raise CommandFailed(f"公钥 {text!r} 格式不正确", str(exc)) from None


def _print(result: dict) -> None:
    print(json.dumps(result, ensure_ascii=False))
    if result.get("ok") is False:
        sys.exit(1)


def run(args, settings: Settings) -> None:
    from .cli import _bus, _service

    if args.sub == "keygen":
        from .audit_keys import keygen

        private, vkey = keygen(args.name, Path(args.out), witness=args.witness)
        print(f"wrote {private} (keep it secret); verifier key:", file=sys.stderr)
        print(vkey)
    elif args.sub == "verify":
        from .audit_verify import BundleError, verify_file

        witnesses = [_vkey(k) for k in args.witness_key]
        required = len(witnesses) if args.witnesses is None else args.witnesses
        try:
            _print(verify_file(args.bundle, _vkey(args.key), witnesses, required))
        except (BundleError, OSError) as exc:
            _print({"ok": False, "bundle": args.bundle, "failure": str(exc)})
    elif args.sub == "checkpoint":
        _print(
            {"service": args.service, "checkpoint": asyncio.run(_checkpoint(_bus(settings), _service(args.service)))}
        )
    elif args.sub == "witness":
        from .audit_note import Signer
        from .audit_witness import Witness
        from .audit_witness import run as witness

        signer = Signer.parse(Path(args.key).read_text())
        state = Path(
            args.state or settings.var_dir / "witness" / f"{signer.name.replace('/', '_')}-{args.service}.json"
        )
        w = Witness(signer, _vkey(args.log_key), _service(args.service), state)
        print(json.dumps({"cosigned": asyncio.run(witness(_bus(settings), w, once=args.once))}))
    elif args.sub == "export":
        from .audit_export import export
        from .audit_keys import log_signer

        key = _vkey(args.key) if args.key else log_signer(settings).verifier
        witnesses = [_vkey(k) for k in args.witness_key]
        service = _service(args.service)
        _print(
            asyncio.run(
                export(_bus(settings), service, args.scope, args.start, args.end, Path(args.out), key, witnesses)
            )
        )
    elif args.sub == "reconcile":
        from .audit_reconcile import reconcile
        from .cli import _runtime

        rt = _runtime(_service(args.service), _bus(settings))
        try:
            _print(asyncio.run(reconcile(rt)))
        finally:
            rt.close()
    elif args.sub == "verify-stream":
        from .audit import verify_stream

        key = _vkey(args.key) if args.key else None
        _print(asyncio.run(verify_stream(_bus(settings), _service(args.service), key)))


async def _checkpoint(settings: Settings, service: str) -> str | None:
    from .audit import Auditor
    from .nats_io import connect

    nc = await connect(settings, name="cxzy-audit-checkpoint", one_shot=True)
    try:
        return await Auditor(nc.jetstream(), service, settings).maybe_checkpoint(force=True)
    finally:
        await nc.close()
