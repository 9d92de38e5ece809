"""``sodiem run``: the bot, polling or behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from cli.backup import DEFAULT_DIR
from cli.output import EXIT_FAILED, EXIT_OK, Console
from domain.errors import DomainError
from notifications.zalo import masked


def add_parser(commands) -> None:
    parser = commands.add_parser("run", help="run the Telegram bot (polling, or --webhook)")
    parser.add_argument("--webhook", metavar="URL", help="public HTTPS address Telegram sends updates to")
    parser.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:8443")
    parser.add_argument(
        "--secret", metavar="TOKEN", help="secret Telegram sends back; other requests are refused"
    )
    parser.set_defaults(func=run)


class HideTokens(logging.Filter):
    """No token in a log line, whoever logs it (the libraries log request URLs, which carry it)."""

    def __init__(self, tokens: list[str]) -> None:
        super().__init__()
        self.tokens = [token for token in tokens if token]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._hide(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._hide(logging.Formatter().formatException(record.exc_info))
        return True

    def _hide(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, masked(token))
        return text


def hide_tokens_in_logs(*tokens: str | None) -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(HideTokens([token for token in tokens if token]))


def run(args) -> int:
    import web
    from bot import logs, watch
    from bot.app import build_application, utc_now
    from bot.config import load_settings
    from storage.db import Database

    console: Console = args.console
    try:
        settings = load_settings(backup_dir=DEFAULT_DIR)
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    if not settings.token and not settings.zalo_token:
        console.error("run.no_token")
        return EXIT_FAILED
    if args.webhook and not args.secret:
        console.error("run.webhook_needs_secret")
        return EXIT_FAILED
    database = Database(args.database or settings.database_url)
    try:
        asyncio.run(_ready(database))
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    try:
        logs.configure(os.environ.get(logs.FORMAT_SETTING))
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    hide_tokens_in_logs(settings.token, settings.zalo_token)
    if not settings.token:
        console.say("run.starting", url=settings.zalo_api_url.split("/bot")[0])
        return _run_zalo_alone(settings, database)
    application = build_application(settings, database)
    watch.serve(application, database, settings, utc_now)
    web.serve(application, database, settings, utc_now)
    console.say("run.starting", url=settings.api_url.split("/bot")[0])
    if args.webhook:
        host, _, port = args.listen.rpartition(":")
        application.run_webhook(
            listen=host or "0.0.0.0",
            port=int(port),
            url_path="telegram",
            webhook_url=args.webhook,
            secret_token=args.secret,
        )
    else:
        application.run_polling(allowed_updates=["message", "callback_query"])
    return EXIT_OK


async def _ready(database) -> None:
    """The schema is the newest and the school key is there and is the chain's."""
    from storage.audit import check_key
    from storage.migrate import ensure_migrated

    await ensure_migrated(database.engine)
    await check_key(database)


def _run_zalo_alone(settings, database) -> int:
    """Parents on Zalo, no Telegram bot: the Zalo front end and the delivery of the Zalo rows."""
    from bot.zalo import run_alone
    from storage.db import Database

    async def main() -> None:
        serving = Database(database.url)  # the migration's loop has ended: connections of this loop's own
        try:
            await run_alone(settings, serving, asyncio.Event())
        finally:
            await serving.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return EXIT_OK
