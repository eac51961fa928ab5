"""A grading stack: the test directory plus three more villages under 长安区 (so a county cycle covers
five orgs and the G5 ratios bite), on a real nats-server and each store."""

import copy

import pytest

from ..directory_fixture import DIRECTORY
from ..stack import Stack

VILLAGES = [
    {
        "id": f"VIL{n}",
        "name": f"{n}村党支部",
        "type": "支部",
        "domain": "农村",
        "local_path": f"13/1301/130102/13010200{n}",
        "mode": "a",
        "parent": "P130102",
    }
    for n in (3, 4, 5)
]
GRADING_DIRECTORY = {"orgs": [*copy.deepcopy(DIRECTORY["orgs"]), *VILLAGES], "members": DIRECTORY["members"]}


@pytest.fixture
async def gstack(tmp_path, store):
    s = await Stack(tmp_path, store, services=("grading",), directory=GRADING_DIRECTORY).start()
    yield s
    await s.stop()
