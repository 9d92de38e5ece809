"""What the command line prints: translated texts, problem reports, tables; and running a use case
on the database with the errors a person can act on turned into messages."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from domain.calendar import school_date
from domain.errors import DomainError
from domain.importing import ImportRejected, Problem
from locales import translator
from storage.db import Database, is_busy
from storage.migrate import ensure_migrated

T = TypeVar("T")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
MAX_PROBLEMS_SHOWN = 100


def utc_now() -> datetime:
    return datetime.now(UTC)


def school_today() -> date:
    """Today at the school (Asia/Ho_Chi_Minh), not in the server's zone: every command's "today"."""
    return school_date(utc_now())


class Console:
    def __init__(self, language: str) -> None:
        self.t = translator(language)

    def say(self, key: str, **params: object) -> None:
        print(self.t(key, **params))

    def error(self, key: str, **params: object) -> None:
        print(self.t(key, **params), file=sys.stderr)

    def problem(self, problem: Problem) -> str:
        message = self.t(problem.key, **problem.params)
        if problem.line is not None and problem.column:
            return self.t(
                "import.where.line_column", line=problem.line, column=problem.column, message=message
            )
        if problem.line is not None:
            return self.t("import.where.line", line=problem.line, message=message)
        if problem.column:
            return self.t("import.where.column", column=problem.column, message=message)
        return message

    def rejected(self, problems: Sequence[Problem]) -> None:
        self.error("import.rejected", count=len(problems))
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            print("  - " + self.problem(problem), file=sys.stderr)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.error("import.more_problems", count=len(problems) - MAX_PROBLEMS_SHOWN)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for index, row in enumerate(cells):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                print("  ".join("-" * width for width in widths))


def run_on_database(args, work: Callable[[Database], Awaitable[int]], migrated: bool = True) -> int:
    """Runs ``work`` on the configured database and turns domain errors into messages."""

    async def go() -> int:
        database = Database(args.database)
        try:
            if migrated:
                await ensure_migrated(database.engine)
            return await work(database)
        finally:
            await database.dispose()

    console: Console = args.console
    try:
        return asyncio.run(go())
    except ImportRejected as rejected:
        console.rejected(rejected.problems)
        return EXIT_BAD_INPUT
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    except BrokenPipeError:  # the output was cut short by the reader (| head)
        return EXIT_OK
    except DBAPIError as error:
        if is_busy(error):
            console.error("db.error.busy")
            return EXIT_FAILED
        console.error("db.error.unreachable", value=str(error).splitlines()[0])
        return EXIT_FAILED
    except OSError as error:
        console.error("db.error.unreachable", value=str(error).splitlines()[0])
        return EXIT_FAILED
