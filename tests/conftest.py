import pytest

from .stack import Stack, stores


@pytest.fixture(params=stores())
def store(request) -> str:
    return request.param


@pytest.fixture
async def stack(tmp_path, store):
    s = await Stack(tmp_path, store).start()
    yield s
    await s.stop()
