"""The ``sodiem`` command: set-up, imports, exports, backups and the bot, for the administrator."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from cli.help import chosen_language, translate
from cli.output import Console
from locales import LANGUAGES

# Each command word and the module of cli/ that defines it. Only the module of the command typed is
# imported: the export and signing modules pull in pyHanko and reportlab, a second of every start.
COMMAND_MODULES = {
    "db": "db",
    "school": "school",
    "classes": "school",
    "subjects": "school",
    "import": "imports",
    "health": "health",
    "students": "students",
    "demo": "demo",
    "backup": "backup",
    "restore": "backup",
    "doctor": "doctor",
    "staff": "people",
    "invite": "people",
    "run": "run",
    "sandbox": "sandbox",
    "evaluate": "evaluate",
    "export": "export",
    "audit": "audit",
    "transfer": "transfers",
    "year": "year",
    "webpush": "webpush",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` (a word of ``COMMAND_MODULES``) when given."""
    parser = argparse.ArgumentParser(prog="sodiem", description="Sổ điểm điện tử — sodiem")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=os.environ.get("SODIEM_LOCALE", "vi"),
        help="language of the messages (vi, en); default SODIEM_LOCALE or vi",
    )
    parser.add_argument(
        "--database", default=None, help="database URL; default SODIEM_DATABASE_URL or sqlite ./sodiem.db"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else COMMAND_MODULES.values()
    for name in dict.fromkeys(chosen):
        importlib.import_module(f"cli.{name}").add_parser(commands)
    return parser


def command_typed(words: Sequence[str]) -> str | None:
    """The command word among ``words``, skipping the global options and their values."""
    with_value = {"--lang", "--database"}
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
        elif word in with_value:
            skip_next = True
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_typed(words))
    translate(parser, chosen_language(words))
    args = parser.parse_args(words)
    args.console = Console(args.lang)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
