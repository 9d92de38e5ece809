"""What an attacker or a broken proxy sends sodiem's public web server: malformed webhook bodies are
answered 400 with one log line, the server names no version, and no token reaches a log line."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.logs import HideTokens
from notifications.zalo import ZaloClient, ZaloLost
from tests.bot.test_zalo import ZALO_TOKEN
from tests.bot.test_zalo_channels import SECRET, behind_a_webhook

MALFORMED = [
    "[" * 100_000 + "]" * 100_000,  # deeper than any JSON parser goes
    '{"message": "xin chào"}',  # a message that is not an object
    '{"message": {"chat": "PRIVATE", "text": "alo"}}',
    "[1, 2, 3]",
    "this is not JSON",
]


async def test_malformed_webhook_bodies_get_400_and_one_log_line_and_no_version(school, caplog):
    async with behind_a_webhook(school) as (_zalo, http, hook):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            for body in MALFORMED:
                headers = {"X-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
                async with http.post(hook, data=body, headers=headers) as answer:
                    assert answer.status == 400, body[:40]
                    server = answer.headers["Server"]
            async with http.get(f"{hook.rsplit('/', 1)[0]}/cards/nothing.png") as answer:
                assert answer.status == 404
                assert answer.headers["Server"] == server == "sodiem"
            await asyncio.sleep(0.3)
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [r.getMessage().split(" from ")[0] for r in lines] == [
            "Zalo webhook: refused a malformed update"
        ] * len(MALFORMED)
        assert not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("base_url", ["http://[::1/bot", "htp://example.invalid/bot"])
async def test_a_zalo_url_error_names_the_reason_and_masks_the_token(base_url):
    client = ZaloClient(ZALO_TOKEN, base_url)
    try:
        with pytest.raises(ZaloLost) as lost:
            await client.call("getMe")
    finally:
        await client.stop()
    secret = ZALO_TOKEN.split(":", 1)[1]
    assert secret not in str(lost.value)
    assert "ClientError" in str(lost.value) and f"{ZALO_TOKEN.split(':')[0]}:***" in str(lost.value)


def test_no_token_reaches_a_log_line_whoever_logs_it():
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(HideTokens([ZALO_TOKEN]))
    library = logging.getLogger("some.library")
    library.addHandler(handler)
    try:
        library.warning("POST %s failed", f"https://openapi.zalo.me/bot{ZALO_TOKEN}/sendMessage")
        try:
            raise RuntimeError(f"bad URL https://openapi.zalo.me/bot{ZALO_TOKEN}/getMe")
        except RuntimeError:
            library.exception("request failed")
    finally:
        library.removeHandler(handler)
    assert ZALO_TOKEN.split(":", 1)[1] not in written.getvalue()
    assert written.getvalue().count(":***") == 2
