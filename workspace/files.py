"""Evidence files of 履诺 (P4): checked on upload, kept in the workspace's store, served to who may see the pledge.

A file is checked by its content, not its name: at most :data:`LIMIT` bytes, and its first bytes must be those of
a PNG, a JPEG, a PDF, or an Office Open XML document (docx/xlsx: a zip holding ``word/`` or ``xl/``). It is kept
once, addressed by its SHA-256, in ``ws_files``; ``ws_file_pledges`` says which pledges it is evidence of. The
pledge's progress event carries only :func:`evidence_ref` (hash, type, name) — never the bytes. ``/ws/files/{sha}``
serves it only to a logged-in person who can read one of those pledges through the API (H4).
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.db import Database

from .web import ApiAs, Person, Refused

router = APIRouter()
LIMIT = 5 * 1024 * 1024  # 5 MiB a file
MAX_FILES = 5  # per progress report
TYPES = {  # kind: (media type, label)
    "png": ("image/png", "PNG 图片"),
    "jpeg": ("image/jpeg", "JPEG 图片"),
    "pdf": ("application/pdf", "PDF 文档"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
}
ACCEPTED = "PNG、JPEG 图片，PDF，Word（docx）或 Excel（xlsx）文件"
DDL = """
CREATE TABLE IF NOT EXISTS ws_files (
    sha256 TEXT PRIMARY KEY, kind TEXT NOT NULL, size BIGINT NOT NULL, content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL, uploaded_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS ws_file_pledges (
    sha256 TEXT NOT NULL, pledge_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (sha256, pledge_id))
"""
REF = re.compile(r"^file:([0-9a-f]{64}):([a-z]+):(.*)$", re.S)


@dataclass(frozen=True)
class Upload:
    """A checked file: its name as shown, its kind (a key of :data:`TYPES`), its bytes and their SHA-256."""

    name: str
    kind: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class BadFile(ValueError):
    """A file refused on upload; the message is the Chinese sentence the page shows."""


def kind_of(content: bytes) -> str | None:
    """The file's kind by its first bytes (magic numbers), or None when it is none of :data:`TYPES`."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def clean_name(name: str) -> str:
    """The file name as shown: no folders, no control characters, at most 100 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-100:] or "证明材料"


async def checked(uploads: list) -> list[Upload]:
    """The uploaded files of a form (empty file inputs skipped), each checked; :class:`BadFile` otherwise."""
    files = [u for u in uploads if hasattr(u, "read") and (u.filename or "")]
    if len(files) > MAX_FILES:
        raise BadFile(f"一次最多上传 {MAX_FILES} 个证明材料，请分几次报告")
    good = []
    for u in files:
        content = await u.read(LIMIT + 1)
        name = clean_name(u.filename)
        if not content:
            raise BadFile(f"文件“{name}”是空的，请重新选择文件")
        if len(content) > LIMIT:
            raise BadFile(f"文件“{name}”超过 {LIMIT // (1024 * 1024)} MB，请压缩或分成几个文件后再上传")
        kind = kind_of(content)
        if kind is None:
            raise BadFile(f"文件“{name}”的类型不能接受，请上传{ACCEPTED}")
        good.append(Upload(name, kind, content))
    return good


def evidence_ref(upload: Upload) -> str:
    """What the progress event carries for a file: its hash, kind and name (never the bytes)."""
    return f"file:{upload.sha256}:{upload.kind}:{upload.name}"


def parse_ref(evidence: str) -> dict:
    """A piece of evidence as the page shows it: a file (sha256, kind, name, label) or a plain text."""
    match = REF.match(evidence)
    if match and match.group(2) in TYPES:
        sha, kind, name = match.groups()
        return {"sha256": sha, "kind": kind, "name": name, "label": TYPES[kind][1]}
    return {"text": evidence}


class FileStore:
    def __init__(self, db: Database):
        self.db = db
        self.db.script(DDL)

    def keep(self, uploads: list[Upload], by: str) -> None:
        """Keep the bytes (once per content); nothing links them to a pledge yet."""
        with self.db.transaction() as tx:
            for u in uploads:
                row = {"sha256": u.sha256, "kind": u.kind, "size": len(u.content), "content": u.content}
                tx.insert_new("ws_files", row | {"uploaded_by": by, "uploaded_at": time.time()}, ("sha256",))

    def link(self, uploads: list[Upload], pledge_id: str) -> None:
        """The files are evidence of ``pledge_id`` (after the API recorded the report)."""
        with self.db.transaction() as tx:
            for u in uploads:
                row = {"sha256": u.sha256, "pledge_id": pledge_id, "name": u.name}
                tx.insert_new("ws_file_pledges", row, ("sha256", "pledge_id"))

    def pledges_of(self, sha256: str) -> list[dict]:
        return self.db.query(
            "SELECT pledge_id, name FROM ws_file_pledges WHERE sha256 = ? ORDER BY pledge_id", [sha256]
        )

    def content(self, sha256: str) -> tuple[str, bytes] | None:
        row = self.db.one("SELECT kind, content FROM ws_files WHERE sha256 = ?", [sha256])
        return (row["kind"], bytes(row["content"])) if row else None


def files(request: Request) -> FileStore:
    """The workspace's file store (in the accounts' database: ``Database(settings, "workspace")``)."""
    state = request.app.state
    if getattr(state, "ws_files", None) is None:
        state.ws_files = FileStore(state.accounts.db)
    return state.ws_files


NOT_FOUND = {
    "type": "file-not-found",
    "title_zh": "找不到这个证明材料，或您无权查看；请从承诺页面打开材料",
    "title_en": "No such evidence file, or not yours to see",
}


@router.get("/files/{sha256}")
async def serve(request: Request, sha256: str, session: Person, api: ApiAs) -> Response:
    """The file, to whoever can read a pledge it is evidence of (asked through the API as that person)."""
    store = files(request)
    name = None
    for link in store.pledges_of(sha256.lower()) if re.fullmatch(r"[0-9a-fA-F]{64}", sha256) else []:
        try:
            await api.get(f"/api/pledges/pledges/{link['pledge_id']}")
        except Refused:
            continue
        name = link["name"]
        break
    found = store.content(sha256.lower()) if name else None
    if found is None:
        raise Refused(404, NOT_FOUND)
    kind, content = found
    disposition = "inline" if kind in ("png", "jpeg", "pdf") else "attachment"
    return Response(
        content,
        media_type=TYPES[kind][0],
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name or 'file')}"},
    )
