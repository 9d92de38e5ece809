"""Entry progress: how much of what is due by now is entered, per class, subject and teacher, and the
vice-principal's summary of it. /tiendo, the desk's scheduled summary and bench/progress.py call these;
the texts are channel-neutral (a Telegram page, a Zalo message, a scheduled message)."""

from __future__ import annotations

from datetime import datetime

from domain.columns import current_semester
from domain.distribution import percent
from domain.evaluation import rules_for
from domain.permissions import Action, Actor, Target, allowed
from domain.progress import ProgressRow, progress, summarise
from domain.school import Semester
from locales import SCHOOL_TZ, Translator
from storage.uow import UnitOfWork

SUMMARY_ROWS = 5
ROW_CHARACTERS = 600  # a summary of five rows stays well inside any chat's message limit
SUMMARY_COMMAND = "tiendo"  # bot/commands.py: PROGRESS.vi (services may not import the bot)


async def entry_progress(
    uow: UnitOfWork, now: datetime, actor: Actor | None = None
) -> tuple[Semester, list[ProgressRow]]:
    """The current semester and its rows, the furthest behind first; only what ``actor`` may see."""
    year, year_row = await uow.school.year(), await uow.school.year_row()
    today = now.astimezone(SCHOOL_TZ).date()
    semester = current_semester(year, today)
    taught = [
        item
        for item in await uow.progress.taught(year_row.id)
        if actor is None or allowed(actor, Action.VIEW_PROGRESS, Target(item.class_id, item.subject_id))
    ]
    students = await uow.progress.students(sorted({item.class_id for item in taught}))
    values = await uow.progress.values(year_row.id, semester.number)
    rows = progress(taught, students, values, lambda grade: rules_for(year.name, grade), semester, today)
    return semester, rows


async def follows_anything(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether ``actor`` may follow any class-subject at all (else: no subjects, not 'nothing due')."""
    return any(
        allowed(actor, Action.VIEW_PROGRESS, Target(item.class_id, item.subject_id))
        for item in await uow.progress.taught((await uow.school.year_row()).id)
    )


async def progress_summary(uow: UnitOfWork, t: Translator, now: datetime) -> str:
    """The vice-principal's summary of entry progress for the whole school, as one short message in
    the language of ``t``: the phase, how much of what is due by ``now`` is entered, and the
    class-subjects furthest behind with their teachers.

    Sent by the scheduler monthly and a few days before each lock date; it reads only (``uow`` may
    be read-only) and needs no chat."""
    semester, rows = await entry_progress(uow, now)
    if not rows:
        return t("progress.nothing_due", **phase(semester, now))
    summary = summarise(rows, SUMMARY_ROWS)
    lines = [header_text(t, semester, now, rows), ""]
    if summary.behind:
        lines.append(t("progress.summary.behind"))
        lines += [row_text(t, n, row)[:ROW_CHARACTERS] for n, row in enumerate(summary.behind, start=1)]
    else:
        lines.append(t("progress.summary.all_entered"))
    lines.append(t("progress.summary.more", command=f"/{SUMMARY_COMMAND}"))
    return "\n".join(lines)


def phase(semester: Semester, now: datetime) -> dict:
    return {"semester": semester.number, "start": semester.start, "today": now.astimezone(SCHOOL_TZ).date()}


def header_text(t: Translator, semester: Semester, now: datetime, rows: list[ProgressRow]) -> str:
    summary = summarise(rows)
    return "\n".join(
        [
            t("progress.title", **phase(semester, now)),
            t(
                "progress.total",
                entered=summary.entered,
                required=summary.required,
                share=percent(summary.entered, summary.required),
                complete=summary.complete,
                rows=summary.rows,
            ),
        ]
    )


def row_text(t: Translator, number: int, row: ProgressRow) -> str:
    return t(
        "progress.row",
        number=number,
        class_name=row.class_name,
        subject=row.subject_name,
        teacher=row.teacher or t("progress.no_teacher"),
        entered=row.entered,
        required=row.required,
        share=percent(row.entered, row.required),
    )
