"""The reminders: homeroom teachers whose previous month's attendance is not submitted (1st–3rd), the
vice-principals' list of who is late (4th), and subject teachers' columns still missing before the
book locks them. Texts in each person's language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from domain.attendance import month_due
from domain.columns import Offered, offered_columns
from domain.evaluation import rules_for
from domain.reminders import (
    closes_soon,
    every_day,
    last_entry_day,
    late_report_day,
    late_report_matters,
    month_reported,
    reminder_day,
    reminder_matters,
    today_only,
)
from locales import SCHOOL_TZ, translator
from notifications.schedule import Task
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

MORNING = time(7, 0)


async def _late_classes(uow: UnitOfWork, day: date) -> list[tuple[int, str]]:
    """(class id, name) of the classes whose month before ``day`` is not submitted, if the month is
    within the school year."""
    year_row = await uow.school.year_row()
    year, month = month_reported(day)
    first = date(year, month, 1)
    if first > year_row.end or month_due(year, month) <= year_row.start:
        return []
    late = []
    for class_id, name, _ in await uow.views.classes():
        if await uow.attendance.submitted_at(class_id, year, month) is None:
            late.append((class_id, name))
    return late


async def attendance_reminders(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    year, month = month_reported(day)
    messages = []
    for class_id, name in await _late_classes(uow, day):
        for person in await uow.recipients.homeroom_accounts(class_id):
            t = translator(person.language)
            text = t(
                "notices.remind.attendance",
                class_name=name,
                month=f"{month:02d}/{year}",
                due=t.date(month_due(year, month)),
            )
            key = f"remind:attendance:{day}:{class_id}:{person.channel}:{person.account}"
            messages.append(Outgoing(key, person.channel, person.account, person.person, text))
    return messages


async def attendance_late_report(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    late = await _late_classes(uow, day)
    if not late:
        return []
    year, month = month_reported(day)
    lines = []
    for class_id, name in late:
        teacher = await uow.views.homeroom_teacher(class_id)
        lines.append((name, teacher or "-"))
    messages = []
    for person in await uow.recipients.approvers(None):
        t = translator(person.language)
        listing = "\n".join(t("notices.remind.late_line", class_name=c, teacher=who) for c, who in lines)
        text = t("notices.remind.late_report", month=f"{month:02d}/{year}", count=len(lines), classes=listing)
        key = f"remind:attendance-late:{day}:{person.channel}:{person.account}"
        messages.append(Outgoing(key, person.channel, person.account, person.person, text))
    return messages


ATTENDANCE_REMINDER = Task(
    "attendance-reminder", MORNING, reminder_day, reminder_matters, attendance_reminders
)
ATTENDANCE_LATE_REPORT = Task(
    "attendance-late-report", MORNING, late_report_day, late_report_matters, attendance_late_report
)


async def columns_reminders(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    """For each subject taught, the columns whose last day of entry (by default or as the leadership
    decided) is three days ahead or less and which are not complete: one message per teacher, class,
    subject and last day (the key names the day, so each is sent once)."""
    year = await uow.school.year()
    year_row = await uow.school.year_row()
    class_sizes = {cid: len(await uow.roster.class_list(name)) for cid, name, _ in await uow.views.classes()}
    teaching = await uow.recipients.teaching_accounts()
    messages = []
    for semester in year.semesters:
        decisions = await uow.windows.decisions(year_row.id, semester.number)
        filled = await uow.notices.filled_counts(year_row.id, semester.number)
        for taught in teaching:
            subject = await uow.gradebook.subject(taught.subject_id)
            size = class_sizes.get(taught.class_id, 0)
            closing: dict[date, list[tuple[Offered, int]]] = defaultdict(list)
            for o in offered_columns(rules_for(year.name, taught.grade), subject, taught.grade):
                last_day = last_entry_day(
                    now,
                    semester,
                    o.column.kind,
                    taught.grade,
                    taught.class_id,
                    taught.subject_id,
                    decisions,
                    SCHOOL_TZ,
                )
                key = (taught.class_id, taught.subject_id, o.column.kind, o.column.position)
                missing = size - filled.get(key, 0)
                if closes_soon(last_day, day) and missing > 0:
                    closing[last_day].append((o, missing))
            messages += [
                _columns_message(taught, semester.number, last_day, missing)
                for last_day, missing in closing.items()
            ]
    return messages


def _columns_message(taught, semester: int, last_day: date, missing: list[tuple[Offered, int]]) -> Outgoing:
    person = taught.person
    t = translator(person.language)
    columns = ", ".join(
        t("notices.remind.column", label=t(o.label_key, **o.label_params), count=count)
        for o, count in missing
    )
    text = t(
        "notices.remind.columns",
        subject=taught.subject_name,
        class_name=taught.class_name,
        semester=semester,
        date=t.date(last_day),
        columns=columns,
    )
    key = f"remind:columns:{last_day}:{taught.class_id}:{taught.subject_id}:{person.channel}:{person.account}"
    return Outgoing(key, person.channel, person.account, person.person, text)


COLUMNS_REMINDER = Task("columns-reminder", MORNING, every_day, today_only, columns_reminders)
