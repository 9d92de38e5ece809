"""``sodiem sandbox``: try sodiem in a browser, without Telegram, on a throwaway demo school."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import tempfile
from pathlib import Path

from cli.output import EXIT_FAILED, EXIT_OK, Console, school_today
from domain.errors import DomainError
from domain.setup import current_year_name
from storage.school_key import KEY_FILE_SETTING, create_key_file

DEFAULT_PORT = 8080


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "sandbox", help="try sodiem in a browser on a throwaway demo school (no Telegram, no real database)"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="the web page's port (default 8080)")
    parser.add_argument(
        "--api-port", type=int, default=0, help="the local Bot API's port (default: any free one)"
    )
    parser.set_defaults(func=run)


async def fill_demo_school(database) -> None:
    """The demo school with a plausible first semester, as ``sodiem demo --fill`` makes it."""
    from cli.demo import create_demo_school, fill_first_semester

    await create_demo_school(database, current_year_name(school_today()))
    await fill_first_semester(database)


def _interrupt(_signal: int, _frame: object) -> None:
    """SIGTERM becomes Ctrl-C, which asyncio.run turns into a clean shutdown of the running task."""
    os.kill(os.getpid(), signal.SIGINT)


def run(args) -> int:
    from sandbox.service import Sandbox, serve

    console: Console = args.console
    logging.getLogger("sodiem").setLevel(logging.INFO)
    workdir = Path(tempfile.mkdtemp(prefix="sodiem-sandbox-"))
    os.environ[KEY_FILE_SETTING] = str(workdir / "sandbox-audit.key")  # a throwaway school's own key
    create_key_file(workdir / "sandbox-audit.key")
    sandbox = Sandbox(fill_demo_school, workdir, language=args.lang, api_port=args.api_port)
    url = f"http://127.0.0.1:{args.port}"
    console.say("sandbox.cli.preparing")
    signal.signal(signal.SIGTERM, _interrupt)  # systemd and docker stop with SIGTERM: as Ctrl-C
    try:
        asyncio.run(serve(sandbox, args.port, on_ready=lambda: console.say("sandbox.cli.ready", url=url)))
    except KeyboardInterrupt:
        console.say("sandbox.cli.stopped")
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return EXIT_OK
