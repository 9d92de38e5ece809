"""When something breaks the person hears it plainly and nothing half-done is kept; the webhook
refuses requests that do not carry the secret; settings that are wrong stop start-up by name."""

import logging

import aiohttp
import pytest
from sqlalchemy import select

from bot import views
from bot.app import build_application
from bot.config import load_settings
from domain.errors import DomainError
from storage.models import AccountRow
from tests.bot.conftest import TOKEN
from tests.ports import free_port


async def test_a_failing_screen_is_apologised_for_and_rolled_back(school, monkeypatch, caplog):
    code = await school.invite_staff("GV01")
    toan = school.api.person(9101, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        await toan.wait_for(lambda m: len(m.buttons) > 0)

        async def broken_menu(turn):
            raise RuntimeError(f"database exploded, token {TOKEN}")

        monkeypatch.setattr(views, "menu", broken_menu)
        toan.send_command("/ngonngu")
        choice = await toan.wait_for(lambda m: m.text == "Chọn ngôn ngữ:")
        toan.press("English", choice)  # saves the language, then the menu fails
        apology = await toan.wait_for(
            lambda m: m.text.startswith("Xin lỗi, đã có lỗi và chưa có gì được lưu")
        )
        assert TOKEN not in apology.text and "Traceback" not in apology.text
    async with school.database.session(read_only=True) as session:
        languages = await session.scalars(select(AccountRow.language).where(AccountRow.external_id == "9101"))
        assert list(languages) == ["vi"], "the failed update's change of language must be rolled back"
    assert any("failed" in record.message and record.name == "sodiem.bot" for record in caplog.records)


async def test_the_webhook_refuses_requests_without_the_secret(school):
    settings = load_settings(
        {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": school.api.base_url,
            "SODIEM_DATABASE_URL": school.database.url,
        }
    )
    application = build_application(settings, school.database, school.clock, school.pacing)
    port = free_port()
    stranger = school.api.person(9201, "Lạ")
    stranger.send_text("xin chào")  # opens the chat; with a webhook set, nobody polls this copy
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "xin chào",
            "chat": {"id": 9201, "type": "private", "first_name": "Lạ"},
            "from": {"id": 9201, "is_bot": False, "first_name": "Lạ"},
        },
    }
    await application.initialize()
    await application.start()
    await application.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="telegram",
        webhook_url="https://school.example/telegram",
        secret_token="s3cret",
    )
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/telegram"
            async with http.post(url, json=update) as refused:
                assert refused.status == 403
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as refused:
                assert refused.status == 403
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            ) as accepted:
                assert accepted.status == 200
        assert (await stranger.next_message()).text.startswith("Xin chào! Bạn chưa được liên kết")
        assert len(stranger.messages) == 1  # the refused requests were never processed
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.mark.parametrize(
    "name, value, key",
    [
        ("SODIEM_TELEGRAM_TOKEN", "not-a-token", "config.error.bad_token"),
        ("SODIEM_TELEGRAM_API_URL", "127.0.0.1:8081/bot", "config.error.bad_url"),
        ("SODIEM_TIMEZONE", "Asia/Hanoi_City", "config.error.bad_timezone"),
        ("SODIEM_LOCALE", "fr", "config.error.bad_locale"),
    ],
)
def test_a_malformed_setting_is_named(name, value, key):
    with pytest.raises(DomainError) as refused:
        load_settings({name: value})
    assert (refused.value.key, refused.value.params["name"]) == (key, name)


def test_settings_have_school_defaults():
    settings = load_settings({})
    assert (settings.token, settings.api_url, settings.timezone.key, settings.locale) == (
        None,
        "https://api.telegram.org/bot",
        "Asia/Ho_Chi_Minh",
        "vi",
    )
    assert (
        load_settings({"SODIEM_TELEGRAM_API_URL": "http://127.0.0.1:8081/bot"}).file_url
        == "http://127.0.0.1:8081/file/bot"
    )


async def test_no_log_line_carries_the_token(school, caplog):
    """At INFO, the level sodiem logs at (bot/logs.py); PTB's own DEBUG lines name the Bot API's URL."""
    caplog.set_level(logging.INFO)
    code = await school.invite_staff("GV01")
    toan = school.api.person(9101, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        await toan.wait_for(lambda m: len(m.buttons) > 0)
    assert any(record.name.startswith("sodiem") for record in caplog.records)
    assert [r.getMessage() for r in caplog.records if TOKEN in r.getMessage()] == []
