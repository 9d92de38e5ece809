"""The command line's help and argparse's own words in the person's language.

Help texts stay in the code as English sentences and are looked up in the ``clihelp`` catalog, whose
message ids are those sentences: a command added by anyone shows its English help until the
Vietnamese is written, and ``tests/cli/test_help.py`` names every help text still missing one.
argparse's own words ("usage:", "options", its error messages) go through the same catalog.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence

from locales import LANGUAGES, translator


def chosen_language(argv: Sequence[str]) -> str:
    """``--lang`` as typed (before the parser exists), else SODIEM_LOCALE, else vi."""
    for index, word in enumerate(argv):
        if word == "--lang" and index + 1 < len(argv) and argv[index + 1] in LANGUAGES:
            return argv[index + 1]
        if word.startswith("--lang=") and word.removeprefix("--lang=") in LANGUAGES:
            return word.removeprefix("--lang=")
    return os.environ.get("SODIEM_LOCALE", "vi")


def every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from every_parser(child)


def help_texts(parser: argparse.ArgumentParser) -> Iterator[str]:
    for each in every_parser(parser):
        if each.description:
            yield each.description
        for action in each._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield from (choice.help for choice in action._choices_actions if choice.help)
            elif action.help and action.help != argparse.SUPPRESS:
                yield action.help


def translate(parser: argparse.ArgumentParser, language: str) -> None:
    """Puts every help text of ``parser`` and its commands, and argparse's own words, in ``language``."""
    t = translator(language)
    argparse._ = t  # argparse looks its words up through this module global
    for each in every_parser(parser):
        each.description = each.description and t(each.description)
        for group in each._action_groups:
            group.title = group.title and t(group.title)
        for action in each._actions:
            choices = action._choices_actions if isinstance(action, argparse._SubParsersAction) else []
            for described in [action, *choices]:
                if described.help and described.help != argparse.SUPPRESS:
                    described.help = t(described.help)
