"""Running ``sodiem`` in a test. A new process costs half a second to a second of CPU to import sodiem
again, so a test that is about what a command does, not about the process, runs the command's ``main``
in the test's own process: the same arguments, working folder and environment, its output and exit
status read back as from a process. ``sodiem_process`` starts the console script itself, for what only a
new process shows (the script starts and imports the commands' modules)."""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

SODIEM = str(Path(sys.executable).with_name("sodiem"))


def sodiem_process(args: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    """``sodiem *args`` in a process of its own, with ``env`` added to this process's environment."""
    environment = {**os.environ, **env}
    return subprocess.run(
        [SODIEM, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )


def sodiem_in_process(
    args: list[str], cwd: Path, env: Mapping[str, str | None]
) -> subprocess.CompletedProcess:
    """``sodiem *args`` as ``main`` runs it, in ``cwd`` with the variables of ``env`` set (None: unset).
    In a thread of its own, as the command runs its own event loop and an async test's is running."""
    from cli.main import main

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            main(list(args))
        except SystemExit as ended:
            outcome["code"] = ended.code
        except BaseException as error:  # the test sees it: a process would have printed a traceback
            outcome["error"] = error

    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(cwd),
        _environment(env),
        _argparse_words(),
        _root_handlers(),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        thread = threading.Thread(target=run, name="sodiem")
        thread.start()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return subprocess.CompletedProcess(
        ["sodiem", *args], _exit_status(outcome.get("code"), stderr), stdout.getvalue(), stderr.getvalue()
    )


def _exit_status(code: object, stderr: io.StringIO) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=stderr)  # sys.exit("message"), as the interpreter does
    return 1


@contextlib.contextmanager
def _environment(changes: Mapping[str, str | None]):
    """The variables of ``changes`` set; afterwards the environment as it was, also what the command
    set itself (``sodiem run`` reads .env into it)."""
    before = dict(os.environ)
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name in os.environ.keys() - before.keys():
            del os.environ[name]
        for name, value in before.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


@contextlib.contextmanager
def _argparse_words():
    """``main`` translates argparse's own words through a module global: put back afterwards."""
    words = argparse._
    try:
        yield
    finally:
        argparse._ = words


@contextlib.contextmanager
def _root_handlers():
    """``main`` sets up logging to the stderr of the moment when nothing has: undone afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
