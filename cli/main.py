"""The ``sodiem`` command: set-up, imports, exports, backups and the bot, for the administrator."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from cli import (
    audit,
    backup,
    db,
    demo,
    doctor,
    evaluate,
    export,
    imports,
    people,
    run,
    sandbox,
    school,
    students,
    webpush,
)
from cli import transfers as transfer_commands
from cli import year as year_commands
from cli.help import chosen_language, translate
from cli.output import Console
from locales import LANGUAGES


def build_parser() -> argparse.ArgumentParser:
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
    for module in (
        db,
        school,
        imports,
        students,
        demo,
        backup,
        doctor,
        people,
        run,
        sandbox,
        evaluate,
        export,
        audit,
        transfer_commands,
        year_commands,
        webpush,
    ):
        module.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    translate(parser, chosen_language(words))
    args = parser.parse_args(words)
    args.console = Console(args.lang)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
