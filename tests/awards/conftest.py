import pytest

from ..stack import Stack


@pytest.fixture
async def awards(tmp_path, store):
    """The awards service alone (its peers' events are published by ``foreign.Foreign``)."""
    s = await Stack(tmp_path, store, services=("awards",)).start()
    yield s
    await s.stop()
