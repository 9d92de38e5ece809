"""A real python-telegram-bot Application, polling the local Bot API unchanged."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localapi import LocalBotApi


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def build(api: LocalBotApi, builder: ApplicationBuilder | None = None) -> Application:
    builder = builder or ApplicationBuilder()
    return builder.token(api.token).base_url(api.base_url).base_file_url(api.base_file_url).build()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đã xem", callback_data="seen")]])
    await update.message.reply_text(
        f"<b>Nhận</b>: {update.message.text}", parse_mode="HTML", reply_markup=keyboard
    )


async def seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("Cảm ơn")
    await update.callback_query.edit_message_text("Đã xem ✓")


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_document(b"STT,Diem\n1,9\n", filename="điểm.csv", caption="Bảng điểm")


async def test_an_application_answers_messages_and_presses(api: LocalBotApi):
    application = build(api)
    application.add_handler(CommandHandler("bangdiem", report))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(seen))
    lan = api.person(1001, "Lan")
    async with running(application):
        reply = await lan.ask("Con tôi được mấy điểm?", timeout=20)
        assert (reply.text, reply.button_texts) == ("Nhận: Con tôi được mấy điểm?", ["Đã xem"])
        assert reply.data["entities"] == [{"type": "bold", "offset": 0, "length": 4}]

        query = lan.press("Đã xem")
        assert await lan.callback_answer(query, timeout=20) == {"text": "Cảm ơn"}
        assert (await lan.wait_for(lambda message: message.text == "Đã xem ✓", timeout=20)).buttons == []

        lan.send_command("/bangdiem")
        document = await lan.wait_for(lambda message: message.file is not None, timeout=20)
        assert lan.file_bytes(document) == b"STT,Diem\n1,9\n"
        file = await application.bot.get_file(document.data["document"]["file_id"])
        assert await file.download_as_bytearray() == b"STT,Diem\n1,9\n"

    assert api.calls["getMe"] == 1 and api.calls["deleteWebhook"] == 1
    assert api.refusals == []


async def test_refusals_reach_the_bot_as_telegram_errors(api: LocalBotApi):
    application = build(api)
    api.person(1001, "Lan").send_text("/start")
    async with application:
        with pytest.raises(BadRequest, match="Message is too long"):
            await application.bot.send_message(1001, "a" * 4097)
        api.inject_429(retry_after=3)
        with pytest.raises(RetryAfter, match="Retry in 3"):
            await application.bot.send_message(1001, "Chào")


async def test_a_rate_limiter_that_honours_retry_after_delivers_exactly_once(api: LocalBotApi):
    application = build(api, ApplicationBuilder().rate_limiter(AIORateLimiter(max_retries=3)))
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    api.inject_429(2, retry_after=1)
    async with running(application):
        await application.bot.send_message(1001, "Thông báo họp phụ huynh")
    assert [message.text for message in api.sent_messages(1001)] == ["Thông báo họp phụ huynh"]
    assert api.rejections_429 == 2
