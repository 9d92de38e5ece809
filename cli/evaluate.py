"""``sodiem evaluate``: evaluate one student's year from a JSON document on standard input.

See docs/evaluate.md for the format. Exit status 0 on success, 2 on bad JSON or a bad value."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from domain.evaluation.document import evaluate_document, to_document
from domain.evaluation.model import Reason
from domain.evaluation.values import InvalidValue
from locales import LANGUAGES, translator

BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate one student's year (JSON on stdin, JSON on stdout)",
        description="Read one JSON document on standard input and print the results as JSON.",
    )
    parser.add_argument("--explain", action="store_true", help="add the reasons for every result")
    parser.add_argument("--lang", choices=LANGUAGES, default="vi", help="language of the texts (default: vi)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    t = translator(args.lang)
    try:
        document = json.loads(sys.stdin.read(), parse_float=Decimal)
    except json.JSONDecodeError as error:
        print(
            t("evaluation.error.bad_json", line=error.lineno, column=error.colno, detail=error.msg),
            file=sys.stderr,
        )
        return BAD_INPUT
    try:
        result = evaluate_document(document)
    except InvalidValue as error:
        print(t(error.key, **error.params), file=sys.stderr)
        return BAD_INPUT

    def render(reason: Reason) -> str:
        return t(reason.key, **reason.params)

    output = to_document(result, render, explain=args.explain)
    print(json.dumps(_plain(output), ensure_ascii=False, indent=2))
    return 0


def _plain(value: object) -> object:
    """Scores as JSON numbers with their one decimal (8.0 stays 8.0). A one-decimal Decimal turned into
    a float prints back as exactly those digits (Python prints the shortest text that reads back)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
