"""The test push service refuses what a real one refuses, so that the pusher's tests can fail."""

from __future__ import annotations

import time

import aiohttp
import pytest
from pywebpush import WebPusher


async def post(push_service, vapid, browser, claims: dict, tamper: bool = False) -> int:
    subscription = browser.subscription(push_service.base_url)
    headers = vapid.sign(claims)
    if tamper:
        scheme, token = headers["Authorization"].split(" t=")
        token, key = token.split(",k=")
        headers["Authorization"] = f"{scheme} t={token[:-4]}AAAA,k={key}"
    async with aiohttp.ClientSession() as session:
        response = await WebPusher(subscription, aiohttp_session=session).send_async(
            b'{"title":"x"}', headers, ttl=60
        )
        return response.status


def claims(push_service, **changes) -> dict:
    return {
        "sub": "mailto:admin@truong.edu.vn",
        "aud": push_service.base_url,
        "exp": int(time.time()) + 600,
        **changes,
    }


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "https://fcm.googleapis.com"}, "wrong audience"),
        ({"exp": int(time.time()) - 10}, "expired or too far ahead"),
        ({"exp": int(time.time()) + 3 * 24 * 3600}, "expired or too far ahead"),
        ({"tamper": True}, "bad signature"),
    ],
)
async def test_a_bad_vapid_token_is_refused(push_service, vapid, server_key, change, why):
    browser = push_service.subscribe(server_key)
    tamper = change.pop("tamper", False)
    status = await post(push_service, vapid, browser, claims(push_service, **change), tamper)
    assert status == 403
    assert push_service.rejected == [(browser.token, why)] and push_service.received == []


async def test_a_good_token_is_accepted_and_the_message_decrypted(push_service, vapid, server_key):
    browser = push_service.subscribe(server_key)
    assert await post(push_service, vapid, browser, claims(push_service)) == 201
    assert push_service.received[0].message == {"title": "x"}
