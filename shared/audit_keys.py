"""Which keys a running platform signs with (issue 12): the audit log key from ``CXZY_AUDIT_KEY_FILE`` (else the
development key), the origin of each service's log, ``cxzy audit keygen``, and the refusal to run in production
with a development key."""

from __future__ import annotations

from pathlib import Path

from .audit_note import COSIGNATURE, LOG, Signer, Verifier
from .nats_io import CommandFailed
from .settings import Settings

DEV_LOG_KEY = Signer(
    "dev.cxzy.invalid", LOG, bytes.fromhex("6378757a792d6465762d61756469742d7369676e696e672d6b65792d30303030")
)
DEV_JWT_SECRET = "cxzy-development-key-change-me-please-32b"


def log_signer(settings: Settings) -> Signer:
    path = settings.audit_key_file
    if path is None:
        return DEV_LOG_KEY
    try:
        return Signer.parse(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise CommandFailed(
            f"无法读取审计签名密钥文件 {path}：{exc}；请用 cxzy audit keygen 生成",
            f"cannot read the audit signing key file {path}: {exc}; generate one with cxzy audit keygen",
        ) from None


def origin(signer: Signer | Verifier, service: str) -> str:
    """The checkpoint origin line of a service's log: ``<key name>/<service>``."""
    return f"{signer.name}/{service}"


def refuse_development_keys(settings: Settings) -> None:
    """Outside development mode a service must not start with a key everybody knows (the development audit key,
    the development JWT secret)."""
    if settings.dev_mode:
        return
    if settings.audit_key_file is None:
        raise CommandFailed(
            "未设置审计签名密钥：请用 cxzy audit keygen 生成密钥并设置 CXZY_AUDIT_KEY_FILE（仅开发时可设 CXZY_DEV_MODE=true）",
            "no audit signing key: generate one with cxzy audit keygen and set CXZY_AUDIT_KEY_FILE "
            "(CXZY_DEV_MODE=true only in development)",
        )
    if any(item.partition(":")[2] == DEV_JWT_SECRET for item in settings.jwt_keys.split(",")):
        raise CommandFailed(
            "CXZY_JWT_KEYS 仍含开发密钥：请设置自己的密钥（仅开发时可设 CXZY_DEV_MODE=true）",
            "CXZY_JWT_KEYS still holds the development key: set your own (CXZY_DEV_MODE=true only in development)",
        )


def keygen(name: str, out: Path, witness: bool = False) -> tuple[Path, str]:
    """A new key named ``name`` in ``out`` (``<name>.key``, owner-only; ``<name>.vkey``); returns the private key
    file and the verifier key."""
    signer = Signer.generate(name, COSIGNATURE if witness else LOG)
    out.mkdir(parents=True, exist_ok=True)
    stem = name.replace("/", "_")
    private = out / f"{stem}.key"
    if private.exists():
        raise CommandFailed(f"{private} 已存在，未覆盖", f"{private} exists; not overwritten")
    private.touch(mode=0o600)
    private.write_text(signer.private_text())
    (out / f"{stem}.vkey").write_text(signer.verifier.vkey + "\n")
    return private, signer.verifier.vkey
