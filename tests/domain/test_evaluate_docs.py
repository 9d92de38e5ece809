"""Every example in docs/evaluate.md gives the output shown there."""

import argparse
import io
import json
import re
from pathlib import Path

import pytest

import cli.evaluate as command

DOC = Path(__file__).resolve().parents[2] / "docs" / "evaluate.md"
BLOCK = re.compile(r"<!-- example (input|output|error) (\S+)([^>]*?) -->\n```\w+\n(.*?)\n```", re.S)


def examples() -> tuple[dict[str, str], list[tuple[str, str, list[str], str]]]:
    inputs, checks = {}, []
    for kind, name, args, body in BLOCK.findall(DOC.read_text()):
        if kind == "input":
            inputs[name] = body
        else:
            checks.append((kind, name, args.split(), body))
    return inputs, checks


INPUTS, CHECKS = examples()


def shown_in(expected, actual) -> bool:
    """The documented output may show part of a document: every member shown must be as shown."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and shown_in(v, actual[k]) for k, v in expected.items()
        )
    return expected == actual


def test_the_document_has_examples():
    assert len(INPUTS) >= 5 and len(CHECKS) >= 7


@pytest.mark.parametrize(
    ("kind", "name", "args", "body"), CHECKS, ids=[f"{c[1]} {' '.join(c[2])}" for c in CHECKS]
)
def test_documented_example(monkeypatch, capsys, kind, name, args, body):
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    parsed = parser.parse_args(["evaluate", *args])
    monkeypatch.setattr("sys.stdin", io.StringIO(INPUTS[name]))
    status = parsed.func(parsed)
    out, err = capsys.readouterr()
    if kind == "error":
        assert (status, err.strip()) == (2, body.strip())
    else:
        assert status == 0
        assert shown_in(json.loads(body), json.loads(out))
