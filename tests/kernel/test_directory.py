"""The directory (docs/ARCHITECTURE.md "The directory"): imports record exactly the changes, every service's replica
follows, and events keep the affiliation that held when they happened (H5)."""

import copy
import json

import pytest

from shared.audit import read_stream
from shared.auth import Identity
from shared.directory.importer import read_directory_file
from shared.errors import Invalid

from ..directory_fixture import DIRECTORY

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]


def test_invalid_directory_records_nothing(tmp_path):
    from services import spec
    from shared.service import ServiceRuntime
    from shared.settings import Settings

    rt = ServiceRuntime(spec("directory"), Settings(var_dir=tmp_path))
    bad = copy.deepcopy(DIRECTORY)
    bad["members"].append({"id": "MX", "org": "NOWHERE"})
    with pytest.raises(Invalid):
        rt.app.import_records(bad["orgs"], bad["members"])
    bad = copy.deepcopy(DIRECTORY)
    bad["orgs"][4]["mode"] = "c"  # mode c without a vertical path (H2)
    with pytest.raises(Invalid):
        rt.app.import_records(bad["orgs"], bad["members"])
    assert rt.app.recorder.max_notification_id() in (None, 0)
    path = tmp_path / "d.json"
    path.write_text(json.dumps(DIRECTORY, ensure_ascii=False))
    report = rt.app.import_records(*read_directory_file(path))
    assert (report.orgs_created, report.members_created) == (len(DIRECTORY["orgs"]), len(DIRECTORY["members"]))
    again = rt.app.import_records(*read_directory_file(path))
    assert (again.orgs_created, again.orgs_changed, again.members_changed) == (0, 0, 0)
    rt.close()


async def test_h5_history_keeps_the_affiliation_at_the_time(stack):
    pledges = stack["pledges"]
    secretary = Identity("S-COM1", "secretary", org="COM1")
    pledges.app.propose(secretary, org_id="COM1", pledger_kind="org", member_ids=[], kind="annual", items=ITEMS)
    moved = copy.deepcopy(DIRECTORY)
    com1 = next(o for o in moved["orgs"] if o["id"] == "COM1")
    com1["local_path"] = "13/1301/130102/130102009"  # re-affiliated to 长安区
    moved["members"][5]["post"] = "网格长"
    report = stack["directory"].app.import_records(moved["orgs"], moved["members"])
    assert (report.orgs_changed, report.members_changed, report.orgs_created) == (1, 1, 0)
    stack["directory"].nudge()
    await stack.settle()
    assert pledges.directory.org("COM1").local_path == "13/1301/130102/130102009"
    assert pledges.directory.member("M6").post == "网格长"
    pledges.app.propose(secretary, org_id="COM1", pledger_kind="org", member_ids=[], kind="annual", items=ITEMS)
    pledges.nudge()
    await stack.settle()
    events = await read_stream(stack.settings, "pledges")
    assert [e.localpath for _, e in events] == ["13/1301/130104/130104001", "13/1301/130102/130102009"]
    ledger = pledges.db.query("SELECT local_path FROM pl_pledges ORDER BY proposed_at")
    assert [r["local_path"] for r in ledger] == ["13/1301/130104/130104001", "13/1301/130102/130102009"]
