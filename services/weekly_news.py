"""Weekly news: the school's schedule and template (approved once by the leadership), and each week one
short message per parent and child about that child only, through the outbox.

Every front end calls these: the command line sets the schedule and the template, the Telegram bot's
/bantin decides it, the scheduler's job and the broadcast benchmark build the week's messages."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy.exc import IntegrityError

from domain.attendance import AbsenceUnit, absence_totals
from domain.errors import DomainError, NotFound, PermissionDenied
from domain.permissions import Actor, may_approve
from domain.weekly import (
    ALL_PARTS,
    SETTING,
    Part,
    Status,
    Template,
    clean_template,
    latest_due,
    parse_schedule,
    stored_schedule,
    week_of,
)
from locales import SCHOOL_TZ, Translator, translator
from notifications import zalo
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.recipient_store import Recipient
from storage.uow import UnitOfWork
from storage.weekly_store import Pupil, Released, SqlWeeklyStore, WeekNotice, reaches

log = logging.getLogger("sodiem.weekly")
TASK = "weekly-news"
TELEGRAM = "telegram"
NOTICE_PREVIEW = 90  # characters of a notice's first line in the news
ABSENCE_UNIT = "absence-unit"  # the facts' entry of the unit the school counts absences in


def store(uow: UnitOfWork) -> SqlWeeklyStore:
    return SqlWeeklyStore(uow.session)


# --- the school's choices --------------------------------------------------------------------------


async def set_schedule(uow: UnitOfWork, text: str) -> str:
    """Keeps "sat 17:00" (any day name of domain.weekly) or "off"; returns it as kept."""
    schedule = parse_schedule(text)
    kept = schedule.stored() if schedule else "off"
    await uow.school.change_settings(**{SETTING: kept})
    return kept


async def schedule_text(uow: UnitOfWork, t: Translator) -> str:
    schedule = stored_schedule((await uow.school.settings()).get(SETTING))
    if schedule is None:
        return t("weekly.schedule.off")
    return t("weekly.schedule.on", day=t(f"weekly.day.{schedule.weekday}"), at=f"{schedule.at:%H:%M}")


async def propose_template(
    uow: UnitOfWork, text: str | None, parts: tuple[Part, ...] | None, author_id: int | None, now: datetime
) -> Template:
    """A new version of the template (the newest version's text or parts where not given), waiting for a
    leader; the approvers are told through the outbox."""
    newest = await store(uow).newest()
    if text is None and newest is None:
        raise DomainError("weekly.error.template_first")
    text = clean_template(text) if text is not None else newest.text
    parts = parts or (newest.parts if newest else ALL_PARTS)
    template = await store(uow).template(await store(uow).add_template(text, parts, author_id, now))
    messages = []
    for approver in await uow.recipients.approvers(author_id):
        t = translator(approver.language)
        body = t("weekly.approval_request", text=template.text, parts=parts_text(t, template.parts))
        key = f"weekly-template:{template.id}:{approver.channel}:{approver.account}"
        messages.append(Outgoing(key, approver.channel, approver.account, approver.person, body))
    await uow.outbox.enqueue(messages, now)
    return template


async def waiting_template(uow: UnitOfWork) -> Template | None:
    return await store(uow).newest(Status.PENDING)


async def approved_template(uow: UnitOfWork) -> Template | None:
    return await store(uow).newest(Status.APPROVED)


async def decide_template(uow: UnitOfWork, actor: Actor | None, template_id: int, approve: bool, now) -> str:
    """The leader's decision; returns the catalog key of its outcome. A leader never approves a version
    they wrote; two leaders pressing at once: the first decides."""
    template = await store(uow).template(template_id)
    if template is None:
        raise NotFound("weekly.template.missing")
    if not may_approve(actor, template.author_id, await uow.recipients.named_approver()):
        raise PermissionDenied("weekly.template.not_yours")
    status = Status.APPROVED if approve else Status.REJECTED
    if not await store(uow).decide(template.id, status, actor.person.id, now):
        current = await store(uow).template(template.id)
        return f"weekly.template.already.{current.status.value}"
    return f"weekly.template.{status.value}"


def parts_text(t: Translator, parts: tuple[Part, ...]) -> str:
    return ", ".join(t(f"weekly.part.{part.value}") for part in parts)


# --- the week's messages ---------------------------------------------------------------------------


async def week_messages(
    uow: UnitOfWork, template: Template, due: datetime, class_ids: list[int] | None = None
) -> list[Outgoing]:
    """One message per parent account and child (a parent of two children receives two), about the
    child's week only; keys make the week's messages idempotent."""
    start, end = week_of(due)
    year = await uow.school.year_row()
    pupils = await store(uow).pupils(year.id, class_ids)
    ids = [pupil.id for pupil in pupils]
    guardians = await uow.recipients.guardians_of(ids)
    facts = await _facts(uow, template.parts, pupils, year.id, start, end)
    messages = []
    for pupil in pupils:
        for person in guardians.get(pupil.id, []):
            text = news_text(translator(person.language), template, pupil, start, end, facts)
            key = f"weekly:{end.date().isoformat()}:{pupil.id}:{person.channel}:{person.account}"
            messages += _outgoing(key, person, text)
    return messages


def _outgoing(key: str, person: Recipient, text: str) -> list[Outgoing]:
    if person.channel != zalo.NAME:
        return [Outgoing(key, person.channel, person.account, person.person, text)]
    parts = zalo.pieces(text)
    keys = [key] + [f"{key}:{n}" for n in range(2, len(parts) + 1)]
    return [
        Outgoing(k, person.channel, person.account, person.person, p)
        for k, p in zip(keys, parts, strict=True)
    ]


async def _facts(uow, parts, pupils: list[Pupil], year_id: int, start: datetime, end: datetime) -> dict:
    weekly = store(uow)
    ids = [pupil.id for pupil in pupils]
    local_start, local_end = start.astimezone(SCHOOL_TZ), end.astimezone(SCHOOL_TZ)
    facts: dict = {}
    if Part.ABSENCES in parts:
        facts[Part.ABSENCES] = await weekly.absences(ids, local_start.date(), local_end.date())
        facts[ABSENCE_UNIT] = await uow.attendance.absence_unit()
    for part, comments in ((Part.SCORES, False), (Part.COMMENTS, True)):
        if part in parts:
            by_student: dict[int, list[Released]] = defaultdict(list)
            for value in await weekly.released(pupils, year_id, start, end, comments):
                by_student[value.student_id].append(value)
            facts[part] = by_student
    if Part.NOTICES in parts:
        facts[Part.NOTICES] = await weekly.notices(start, end)
    return facts


def news_text(
    t: Translator,
    template: Template,
    pupil: Pupil,
    start: datetime,
    end: datetime,
    facts: dict,
) -> str:
    first, last = start.astimezone(SCHOOL_TZ).date(), end.astimezone(SCHOOL_TZ).date()
    lines = [t("weekly.header", first=first, last=last, child=pupil.name, class_name=pupil.class_name)]
    lines += [template.text, ""]
    for part in template.parts:
        lines.append(_part_text(t, part, facts.get(part), pupil, facts.get(ABSENCE_UNIT, AbsenceUnit.DAY)))
    return "\n".join(lines)


def _part_text(t: Translator, part: Part, found, pupil: Pupil, unit: AbsenceUnit) -> str:
    if part is Part.ABSENCES:
        days = found.get(pupil.id, [])
        shown = [
            t(f"weekly.absence.{mark}", day=day.strftime("%d/%m"), session=_session(t, s))
            for day, s, mark in days
        ]
        count = sum(absence_totals(((day, mark) for day, _, mark in days), unit))  # as the report card
        return t("weekly.absences", count=count, days="; ".join(shown)) if days else t("weekly.absences.none")
    if part is Part.NOTICES:
        mine = [n for n in found if reaches(n, pupil)]
        shown = "\n".join(f"• {_first_line(n)}" for n in mine)
        return t("weekly.notices", count=len(mine), items=shown) if mine else t("weekly.notices.none")
    values = found.get(pupil.id, [])
    if not values:
        return t(f"weekly.{part.value}.none")
    if part is Part.SCORES:
        shown = "; ".join(f"{v.subject} {_score(t, v.value)}" for v in values)
    else:
        shown = "\n".join(f"• {v.subject}: {v.value}" for v in values)
    return t(f"weekly.{part.value}", count=len(values), items=shown)


def _session(t: Translator, session: int) -> str:
    return t(f"weekly.session.{session}") if session in (1, 2) else ""


def _score(t: Translator, value: str) -> str:
    try:
        return t.number(Decimal(value))
    except InvalidOperation:
        return value


def _first_line(notice: WeekNotice) -> str:
    line = notice.text.strip().splitlines()[0] if notice.text.strip() else ""
    return line if len(line) <= NOTICE_PREVIEW else line[: NOTICE_PREVIEW - 1] + "…"


# --- the scheduler's job ---------------------------------------------------------------------------


async def run_weekly(database: Database, now: datetime) -> int:
    """Sends the week's news if it is due at ``now`` and not sent yet; returns the messages written.
    The messages and the run's record are written in one transaction: a crash leaves neither, a job run
    twice or a second process finds the run recorded (or fails on its unique key) and sends nothing."""
    try:
        async with UnitOfWork(database) as uow:
            if await uow.school.school() is None:
                return 0
            schedule = stored_schedule((await uow.school.settings()).get(SETTING))
            due = latest_due(schedule, now.astimezone(SCHOOL_TZ)) if schedule else None
            if due is None or await uow.jobs.done(TASK, due.date()):
                return 0
            template = await approved_template(uow)
            if template is None:
                log.warning("weekly news due %s: no approved template, nothing sent", due)
                return 0
            messages = await week_messages(uow, template, due)
            await uow.outbox.enqueue(messages, now)
            await uow.jobs.record(TASK, due.date(), now)
            await uow.commit()
    except IntegrityError:
        log.info("weekly news was sent by another process")
        return 0
    log.info("weekly news for %s: %d messages", due.date(), len(messages))
    return len(messages)
