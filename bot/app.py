"""The one place that builds the bot: database, Bot API address and clock come in as arguments, so
tests and benchmarks build the real thing."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import commands, delivery, scheduler, zalo
from bot.config import Settings
from bot.conversations import FLOWS
from bot.handlers import groups, menu, people, sessions
from bot.handlers.errors import on_error
from bot.processor import PerPersonProcessor
from bot.ratelimit import PerChatRateLimiter
from bot.turn import CHANNEL
from locales import LANGUAGES
from notifications.pacing import TELEGRAM, Pacing
from notifications.telegram_request import AiohttpRequest
from storage.db import Database

log = logging.getLogger("sodiem.bot")


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_application(
    settings: Settings,
    database: Database,
    clock: Callable[[], datetime] = utc_now,
    pacing: Pacing = TELEGRAM,
    channel: str = CHANNEL,
) -> Application:
    """``pacing``: Telegram's flood limits as the bot keeps them; tests pass ``Pacing().faster(n)``.
    ``channel``: "web" builds the same bot for the web chat (web/gateway.py): the same handlers, its
    people's accounts on that channel, and no outbox, scheduler or Zalo of its own (the Telegram
    application runs those once)."""
    assert settings.token, "the caller checks that a token is configured"
    processor = PerPersonProcessor(database, clock, channel=channel)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .defaults(Defaults(tzinfo=settings.timezone))
        .rate_limiter(PerChatRateLimiter(pacing=pacing))
        .concurrent_updates(processor)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connections=1))
        .post_init(on_start if channel == CHANNEL else register_commands)
        .build()
    )
    processor.application = application
    application.bot_data["locale"] = settings.locale
    application.bot_data["public_url"] = settings.public_url  # the web chat's address, for /web
    add_handlers(application)
    if channel != CHANNEL:
        return application
    if settings.zalo_token:
        zalo.attach(application, database, settings, clock, pacing)
    delivery.attach(application, database, application.bot_data.get(zalo.CHANNEL_KEY), pacing)
    scheduler.attach(application, database, clock, settings.timezone, settings.backup)
    return application


async def on_start(application: Application) -> None:
    await register_commands(application)
    delivery.start(application)
    zalo.start(application)
    scheduler.start(application)
    keep_out_of_collections()


def keep_out_of_collections() -> None:
    """What start-up made (modules, mappers, catalogs: most of the heap) lives as long as the process:
    frozen, Python's full collections no longer walk it on every press (about 1 ms a press under load,
    bench/throughput.py)."""
    gc.collect()
    gc.freeze()


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, groups.outside_private_chat), group=-2)
    application.add_handler(TypeHandler(Update, people.load_person), group=-1)
    routes = {
        commands.START: people.start,
        commands.MENU: menu.show_menu,
        commands.HELP: menu.show_help,
        commands.LANGUAGE: menu.choose_language,
        commands.CLASSES: menu.my_classes,
        commands.CHILDREN: menu.children,
        commands.CHANNEL: menu.choose_channel,
        commands.SESSIONS: sessions.show,
        commands.WEB: sessions.sign_in_link,
        commands.CANCEL: menu.cancel,
    }
    for command, callback in routes.items():
        application.add_handler(CommandHandler(command.names, callback))
    for flow in FLOWS:
        for handler in flow.handlers():
            application.add_handler(handler)
    presses = {
        r"^menu$": menu.show_menu,
        r"^help$": menu.show_help,
        r"^lang$": menu.choose_language,
        r"^lang:": menu.set_language,
        r"^(mine|all):": menu.class_page,
        r"^cls:": menu.class_list,
        r"^kids$": menu.children,
        r"^chan:": menu.set_channel,
        r"^acct$": menu.accounts,
        rf"^{sessions.PREFIX}:": sessions.press,
        rf"^{people.CONFIRM_PREFIX}:": people.confirm_press,
    }
    for pattern, callback in presses.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(menu.unknown_press))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, people.text_message))
    application.add_handler(MessageHandler(filters.COMMAND, menu.show_help))
    application.add_handler(MessageHandler(~filters.TEXT, people.other_message))
    application.add_error_handler(on_error)


async def register_commands(application: Application) -> None:
    """Optional: a Bot API that refuses it (or is briefly down) does not stop the bot."""
    for language in (None, *LANGUAGES):
        try:
            await application.bot.set_my_commands(
                commands.registered(language or "vi"), language_code=language
            )
        except TelegramError as error:
            log.warning("setMyCommands (%s) refused: %s", language or "default", error)
