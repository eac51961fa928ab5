"""Reading the organisation department's export: a JSON file ``{"orgs": [...], "members": [...]}``
or a CSV file of orgs (header with ``local_path``) or of members (header with ``org``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..errors import Invalid


def read_directory_file(path: Path) -> tuple[list[dict], list[dict]]:
    path = Path(path)
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            return list(data.get("orgs", [])), list(data.get("members", []))
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            if rows and "local_path" in rows[0]:
                return rows, []
            if rows and "org" in rows[0]:
                return [], rows
            raise Invalid(f"{path}: a CSV needs a local_path column (orgs) or an org column (members)")
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"{path}: {exc}", slug="directory-unreadable") from exc
    raise Invalid(f"{path}: use a .json or .csv file", slug="directory-unreadable")
