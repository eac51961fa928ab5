"""The directory's write model: importing master data records exactly the changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.application import AggregateNotFoundError

from ..application import ServiceApplication
from ..errors import invalid
from ..scope import Position, ScopeError
from .domain import DOMAINS, MEMBER_STATUSES, MODES, ORG_TYPES, Member, Org, member_uuid, org_uuid
from .people import PeopleBook


@dataclass
class ImportReport:
    orgs_created: int = 0
    orgs_changed: int = 0
    members_created: int = 0
    members_changed: int = 0
    unchanged: int = 0
    names_changed: int = 0  # 姓名 recorded in the people book (shared.directory.people), never in an event
    errors: list[str] = field(default_factory=list)


def _path(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v)]
    return [p for p in str(value or "").split("/") if p]


def normalise_org(raw: dict) -> dict:
    record: dict = {
        "id": str(raw["id"]).strip(),
        "name": str(raw["name"]).strip(),
        "type": str(raw.get("type") or "支部"),
        "domain": str(raw.get("domain") or ""),
        "local": _path(raw.get("local_path") or raw.get("local")),
        "vertical": _path(raw.get("vertical_path") or raw.get("vertical")),
        "mode": str(raw.get("mode") or "a"),
        "parent": str(raw.get("parent") or "") or None,
    }
    if record["type"] not in ORG_TYPES:
        raise ValueError(f"org {record['id']}: type must be one of {ORG_TYPES}")
    if record["domain"] and record["domain"] not in DOMAINS:
        raise ValueError(f"org {record['id']}: domain must be one of {DOMAINS}")
    if record["mode"] not in MODES:
        raise ValueError(f"org {record['id']}: management mode must be one of {MODES} (H2)")
    if record["mode"] in ("b", "c") and not record["vertical"]:
        raise ValueError(f"org {record['id']}: mode {record['mode']} needs a vertical path (H2)")
    Position(record["id"], tuple(record["local"]), tuple(record["vertical"]))  # validates tokens and depth
    return record


def normalise_member(raw: dict) -> dict:
    record: dict = {
        "id": str(raw["id"]).strip(),
        "org": str(raw["org"]).strip(),
        "status": str(raw.get("status") or "normal"),
        "exempt_reason": str(raw.get("exempt_reason") or "") or None,
        "location_org": str(raw.get("location_org") or "") or None,
        "post": str(raw.get("post") or "") or None,
        "leading_cadre": str(raw.get("leading_cadre") or "").lower() in ("1", "true", "yes", "y"),
    }
    if record["status"] not in MEMBER_STATUSES:
        raise ValueError(f"member {record['id']}: status must be one of {MEMBER_STATUSES}")
    if record["status"] == "exempt" and not record["exempt_reason"]:
        raise ValueError(f"member {record['id']}: an exempt member needs a reason (P6)")
    if record["status"] == "mobile" and not record["location_org"]:
        raise ValueError(f"member {record['id']}: a 流动党员 needs the org where they are now (P6)")
    return record


class DirectoryApp(ServiceApplication):
    def import_records(self, orgs: list[dict], members: list[dict]) -> ImportReport:
        """Validate everything first; then record only what changed. Invalid input records nothing."""
        report = ImportReport()
        try:
            org_records = [normalise_org(o) for o in orgs]
            member_records = [normalise_member(m) for m in members]
        except (KeyError, ValueError, ScopeError) as exc:
            raise invalid(
                "directory-invalid",
                f"目录数据有误，未导入任何数据：{exc}；请改正后重新导入",
                f"Directory import refused, nothing recorded: {exc}; correct it and import again",
            ) from exc
        known = {o["id"]: o for o in org_records}
        for m in member_records:
            if m["org"] not in known and not self.exists(org_uuid(m["org"])):
                raise invalid(
                    "directory-invalid",
                    f"党员 {m['id']} 所属组织 {m['org']} 不在目录中，未导入任何数据；请先导入该组织",
                    f"Member {m['id']}: unknown org {m['org']}; nothing recorded, import the org first",
                )
        trace = self.trace()
        positions = {o["id"]: Position(o["id"], tuple(o["local"]), tuple(o["vertical"])).as_dict() for o in org_records}
        pending: list[Org | Member] = []
        for record in org_records:
            stamp = positions[record["id"]]
            try:
                org: Org = self.repository.get(org_uuid(record["id"]))
            except AggregateNotFoundError:
                pending.append(Org.register(record, stamp, trace))
                report.orgs_created += 1
                continue
            if org.update(record, stamp, trace):
                pending.append(org)
                report.orgs_changed += 1
            else:
                report.unchanged += 1
        for record in member_records:
            stamp = positions.get(record["org"]) or self._org_position(record["org"])
            try:
                member: Member = self.repository.get(member_uuid(record["id"]))
            except AggregateNotFoundError:
                pending.append(Member.register(record, stamp, trace))
                report.members_created += 1
                continue
            if member.update(record, stamp, trace):
                pending.append(member)
                report.members_changed += 1
            else:
                report.unchanged += 1
        for start in range(0, len(pending), 500):
            self.save(*pending[start : start + 500])
        names = {str(m["id"]).strip(): str(m["name"]).strip() for m in members if str(m.get("name") or "").strip()}
        report.names_changed = PeopleBook(self.settings, self.views).record(names) if names else 0
        return report

    def _org_position(self, org_id: str) -> dict:
        record: dict = self.repository.get(org_uuid(org_id)).record
        return Position(record["id"], tuple(record["local"]), tuple(record["vertical"])).as_dict()
