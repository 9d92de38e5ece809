from collections.abc import AsyncIterator

import aiohttp
import pytest

from localapi import LocalBotApi
from tests.localapi.helpers import TOKEN, Client, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(clock: FakeClock) -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(TOKEN, clock=clock) as local:
        yield local


@pytest.fixture
async def client(api: LocalBotApi) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(session, api)
