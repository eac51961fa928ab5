"""Reading the organisation department's export: a JSON file ``{"orgs": [...], "members": [...]}``
or a CSV file of orgs (header with ``local_path``) or of members (header with ``org``).

:func:`check_records` says what is wrong and where — file, line (CSV) or record (JSON), field — in
Chinese and English, before anything is recorded."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Invalid
from ..scope import LOCAL_DEPTH, VERTICAL_DEPTH, ScopeError, check_token
from .domain import DOMAINS, MEMBER_STATUSES, MODES, ORG_TYPES

ORG_COLUMNS = ("id", "name", "local_path")
MEMBER_COLUMNS = ("id", "org")


@dataclass(frozen=True)
class Record:
    kind: str  # "org" | "member"
    raw: dict
    where_zh: str  # 第 3 行 / orgs 第 2 条
    where_en: str  # line 3 / orgs[1]


def refused(path: Path, where: tuple[str, str] | None, zh: str, en: str) -> Invalid:
    at_zh, at_en = (f"{path.name} {where[0]}", f"{path.name} {where[1]}") if where else (path.name, path.name)
    return Invalid(
        f"{at_en}: {en}",
        slug="directory-invalid",
        title_zh=f"目录文件有误，未导入任何数据：{at_zh}：{zh}",
        title_en=f"Directory file refused, nothing imported: {at_en}: {en}",
    )


def read_records(path: Path) -> list[Record]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise refused(path, None, "请使用 .json 或 .csv 文件", "use a .json or .csv file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise refused(path, None, f"无法读取（{exc}），请检查路径和 UTF-8 编码", f"cannot be read ({exc})") from None
    return _json_records(path, text) if suffix == ".json" else _csv_records(path, text)


def _json_records(path: Path, text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = (f"第 {exc.lineno} 行第 {exc.colno} 列", f"line {exc.lineno} column {exc.colno}")
        raise refused(path, where, f"不是合法的 JSON（{exc.msg}）", f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, []), list) for k in ("orgs", "members")):
        raise refused(
            path, None, '应为 {"orgs": [...], "members": [...]}', 'expected {"orgs": [...], "members": [...]}'
        )
    records = []
    for key, kind in (("orgs", "org"), ("members", "member")):
        for i, raw in enumerate(data.get(key) or []):
            where = (f"{key} 第 {i + 1} 条", f"{key}[{i}]")
            if not isinstance(raw, dict):
                raise refused(path, where, "每条记录应为一个 JSON 对象", "each record must be a JSON object")
            records.append(Record(kind, raw, *where))
    return records


def _csv_records(path: Path, text: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    kind, needed = ("org", ORG_COLUMNS) if "local_path" in header else ("member", MEMBER_COLUMNS)
    at_header = ("第 1 行（表头）", "line 1 (header)")
    if "local_path" not in header and "org" not in header:
        zh, en = (
            "组织表需要 local_path 列，党员表需要 org 列",
            "a CSV needs a local_path (orgs) or an org column (members)",
        )
        raise refused(path, at_header, zh, en)
    missing = ", ".join(c for c in needed if c not in header)
    if missing:
        raise refused(path, at_header, f"缺少列 {missing}", f"missing column {missing}")
    records = []
    for raw in reader:
        line = reader.line_num
        records.append(Record(kind, {k: v for k, v in raw.items() if k is not None}, f"第 {line} 行", f"line {line}"))
    return records


def read_directory_file(path: Path) -> tuple[list[dict], list[dict]]:
    """The file's orgs and members, checked (no reference to orgs outside the file is allowed)."""
    records = check_records(read_records(path), Path(path), known_org=lambda _org_id: False)
    return [r.raw for r in records if r.kind == "org"], [r.raw for r in records if r.kind == "member"]


def check_records(records: list[Record], path: Path, known_org: Callable[[str], bool]) -> list[Record]:
    """Refuse the whole file at its first wrong field; ``known_org`` says if an org is already in the directory."""
    in_file = {str(r.raw.get("id") or "").strip() for r in records if r.kind == "org"}
    first_seen: dict[tuple[str, str], Record] = {}
    for r in records:
        field, zh, en = _first_fault(r, in_file, known_org, first_seen)
        if field:
            raise refused(path, (f"{r.where_zh}字段 {field}", f"{r.where_en}, field {field}"), zh, en)
    return records


Fault = tuple[str, str, str]  # field, Chinese, English ("" when none)


def _first_fault(
    r: Record, in_file: set, known_org: Callable[[str], bool], seen: dict[tuple[str, str], Record]
) -> Fault:
    raw = {k: ("" if v is None else v) for k, v in r.raw.items()}
    text = {k: v.strip() if isinstance(v, str) else v for k, v in raw.items()}
    rid = str(text.get("id") or "")
    for required in ORG_COLUMNS[:2] if r.kind == "org" else MEMBER_COLUMNS:
        if not str(text.get(required) or ""):
            return required, f"不能为空，请填写 {required}", f"{required} is empty"
    try:
        check_token(rid, "id")
    except ScopeError:
        return "id", f"编号 {rid!r} 只能包含字母、数字、- 和 _", f"id {rid!r}: only letters, digits, '-' and '_'"
    earlier = seen.setdefault((r.kind, rid), r)
    if earlier is not r:
        return "id", f"编号 {rid} 与{earlier.where_zh}重复", f"id {rid} repeats {earlier.where_en}"
    known = lambda org_id: org_id in in_file or known_org(org_id)  # noqa: E731
    return _org_fault(text, known) if r.kind == "org" else _member_fault(text, known)


def _path_fault(value, field: str, depth: int, required: bool) -> Fault:
    parts = [str(p) for p in value] if isinstance(value, list) else [p for p in str(value or "").split("/") if p]
    if required and not parts:
        return field, "不能为空，请填写属地路径，如 13/1301", f"{field} is empty; write e.g. 13/1301"
    if len(parts) > depth:
        return field, f"最多 {depth} 级，请检查路径", f"at most {depth} levels"
    try:
        for p in parts:
            check_token(p, "path code")
    except ScopeError:
        return (
            field,
            "路径各级只能包含字母、数字、- 和 _，以 / 分隔",
            f"{field}: codes of letters, digits, '-', '_' joined by /",
        )
    return "", "", ""


def _org_fault(o: dict, known: Callable[[str], bool]) -> Fault:
    local, vertical = o.get("local_path") or o.get("local"), o.get("vertical_path") or o.get("vertical")
    mode = str(o.get("mode") or "a")
    choices = (("type", ORG_TYPES, "支部"), ("domain", DOMAINS, ""), ("mode", MODES, "a"))
    for field, allowed, default in choices:
        value = str(o.get(field) or default)
        if value and value not in allowed:
            return (
                field,
                f"{value!r} 无效，应为 {'、'.join(allowed)} 之一",
                f"{value!r} is not one of {', '.join(allowed)}",
            )
    fault = _path_fault(local, "local_path", LOCAL_DEPTH, True)
    if not fault[0]:
        fault = _path_fault(vertical, "vertical_path", VERTICAL_DEPTH, False)
    if fault[0]:
        return fault
    if mode in ("b", "c") and not vertical:
        return "vertical_path", f"管理模式 {mode} 需要垂直路径 (H2)", f"mode {mode} needs a vertical path (H2)"
    parent = str(o.get("parent") or "")
    if parent and not known(parent):
        return (
            "parent",
            f"上级组织 {parent} 既不在本文件中也不在已导入的目录中",
            f"parent {parent} is neither in the file nor in the directory",
        )
    return "", "", ""


def _member_fault(m: dict, known: Callable[[str], bool]) -> Fault:
    status = str(m.get("status") or "normal")
    if status not in MEMBER_STATUSES:
        allowed = "、".join(MEMBER_STATUSES)
        return (
            "status",
            f"{status!r} 无效，应为 {allowed} 之一",
            f"{status!r} is not one of {', '.join(MEMBER_STATUSES)}",
        )
    for field in ("org", "location_org"):
        org_id = str(m.get(field) or "")
        if org_id and not known(org_id):
            return (
                field,
                f"组织 {org_id} 既不在本文件中也不在已导入的目录中",
                f"org {org_id} is neither in the file nor in the directory",
            )
    if status == "exempt" and not m.get("exempt_reason"):
        return "exempt_reason", "免于承诺的党员须写明原因 (P6)", "an exempt member needs a reason (P6)"
    if status == "mobile" and not m.get("location_org"):
        return "location_org", "流动党员须写明现所在党组织 (P6)", "a 流动党员 needs the org where they are now (P6)"
    return "", "", ""
