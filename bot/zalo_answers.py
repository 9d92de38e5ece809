"""What a parent's or a student's message on Zalo answers, inside its unit of work: their code (linking
them), ``ketqua`` (the released results of their own children, or a student's own, as numbered choices:
Zalo has no buttons: services/results.py), and for parents ``diemdanh``, ``xinnghi`` (a leave request,
bot/zalo_leave.py) and ``kenh`` (where notices arrive); ``tro giup`` tells which."""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime

from bot.views import listed, where_text
from bot.zalo_leave import LEAVE_FLOW, ZaloLeave
from bot.zalo_linking import LINK_FLOW, ZaloLinking
from domain.attendance import absence_totals
from domain.errors import PermissionDenied
from domain.identity import channel_choices, looks_like_code
from domain.permissions import Actor
from exports.card_text import period_name
from locales import LANGUAGES, SCHOOL_TZ, Translator, translator
from notifications.zalo import NAME as CHANNEL
from services import read_receipts
from services.results import REFUSED, Released, released_card, released_periods
from storage.changes import Author
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.zalo")
FLOW = "zalo-results"
CHANNEL_FLOW = "zalo-channel"


def plain(text: str) -> str:
    """What a person typed, compared without accents, spaces or case: 'Trợ giúp' → 'trogiup'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _words(key: str) -> set[str]:
    """A command's words in every language (a parent may type either)."""
    return {plain(word) for language in LANGUAGES for word in translator(language)(key).split("|")}


class ZaloAnswer(ZaloLinking, ZaloLeave):
    """One message's answer, inside its unit of work."""

    def __init__(self, uow: UnitOfWork, account: str, now: datetime, locale: str) -> None:
        self.uow = uow
        self.account = account
        self.now = now
        self.t: Translator = translator(locale)

    async def to(self, text: str) -> list[str]:
        actor = await self.uow.identity.actor(CHANNEL, self.account)
        if actor is not None:
            self.t = translator(actor.language)
        if looks_like_code(text):
            return await self._link(text)
        if actor is None:
            return [self.t("zalo.unknown")]
        if actor.guardian is None and not actor.is_student:
            return [self.t("zalo.staff")]
        word = plain(text)
        if actor.is_student:  # reads their released results only
            return await self._as_student(actor, word)
        dialog = await self.uow.identity.dialog(CHANNEL, self.account)
        if dialog is not None and dialog.flow == LEAVE_FLOW:
            if word in _words("leave.zalo.command.cancel"):
                await self.uow.identity.end_dialog(CHANNEL, self.account)
                return [self.t("leave.cancelled")]
            return await self._leave_answer(actor, dialog.step, dialog.data, text)
        if word in _words("leave.zalo.command"):
            return await self._leave_start(actor)
        if word in _words("zalo.command.help"):
            return [self.t("zalo.help")]
        if word in _words("zalo.command.results"):
            return await self._choices(actor)
        if word in _words("zalo.command.attendance"):
            return await self._attendance(actor)
        if word in _words("zalo.command.channel"):
            return await self._channels(actor)
        said_read = read_number(word)
        if said_read is not None:
            return await self._read(said_read)
        if word.isdigit():
            if dialog is not None and dialog.flow == CHANNEL_FLOW:
                return await self._choose_channel(actor, int(word))
            if dialog is not None and dialog.flow == LINK_FLOW:
                return await self._confirm_link(int(word), dialog.data["invite_id"])
            return await self._card(actor, int(word))
        return [self.t("zalo.not_understood")]

    async def _as_student(self, actor: Actor, word: str) -> list[str]:
        """A student's ``ketqua`` and the number of a choice; anything else (the parents' commands too)
        gets the students' help."""
        if word in _words("zalo.command.results"):
            return await self._choices(actor)
        said_read = read_number(word)
        if said_read is not None:  # a notice for students, read
            return await self._read(said_read)
        return await self._card(actor, int(word)) if word.isdigit() else [self.t(_help(actor))]

    async def _channels(self, actor: Actor) -> list[str]:
        """Where notices and report cards go, and the numbered choices when linked on several channels."""
        current, linked = await self.uow.identity.guardian_channels(actor.guardian)
        if len(linked) < 2:
            return [self.t("zalo.channel.only_one", channel=self.t(f"zalo.channel.{CHANNEL}"))]
        await self.uow.identity.save_dialog(CHANNEL, self.account, CHANNEL_FLOW, "choose", {}, self.now)
        first, *rest = self._numbered(linked)
        options = [self.t("zalo.channel.option.first", number=first[0], where=first[1])]
        options += [self.t("zalo.channel.option", number=number, where=where) for number, where in rest]
        current_text = where_text(self.t, current, linked)
        return [self.t("zalo.channel.choose", current=current_text, choices=", ".join(options))]

    def _numbered(self, linked: set[str]) -> list[tuple[int, str]]:
        return [(n, where_text(self.t, c, linked)) for n, c in enumerate(channel_choices(linked), start=1)]

    async def _choose_channel(self, actor: Actor, number: int) -> list[str]:
        _, linked = await self.uow.identity.guardian_channels(actor.guardian)
        if len(linked) < 2:  # an account unlinked since the choices were offered
            return await self._channels(actor)
        choices = channel_choices(linked)  # as numbered when offered: the parser reads the same list
        if not 1 <= number <= len(choices):
            labels = [self.t("zalo.channel.number", number=n, where=w) for n, w in self._numbered(linked)]
            return [self.t("zalo.channel.bad_number", numbers=listed(self.t, labels, "zalo.channel.or"))]
        choice = choices[number - 1]
        author = Author(None, CHANNEL, self.account, self.now)
        await self.uow.identity.choose_channels(actor.guardian, choice, author)
        await self.uow.identity.end_dialog(CHANNEL, self.account)
        where = where_text(self.t, choice, linked)
        return [self.t("zalo.channel.chosen", where=where)]

    async def _attendance(self, actor: Actor) -> list[str]:
        """Each child's absences this school year: the totals, and the days of this month."""
        today = self.now.astimezone(SCHOOL_TZ).date()
        year = await self.uow.school.year()
        lines = [self.t("zalo.attendance.title", date=today)]
        unit = await self.uow.attendance.absence_unit()
        for student_id, name, _ in await self.uow.notices.children(actor.children):
            absences = await self.uow.attendance.student_absences(student_id, year.start, today)
            excused, unexcused = absence_totals(absences, unit)
            month = [
                f"{day:%d/%m} {mark}"
                for day, mark in absences
                if (day.year, day.month) == (today.year, today.month)
            ]
            lines.append(
                self.t(
                    "zalo.attendance.child",
                    name=name,
                    excused=excused,
                    unexcused=unexcused,
                    month=", ".join(month) or self.t("zalo.attendance.none"),
                )
            )
        return ["\n".join(lines)]

    async def _choices(self, actor: Actor) -> list[str]:
        released = await released_periods(self.uow, actor)
        if not released:
            return [self.t("students.zalo.results.none" if actor.is_student else "zalo.results.none")]
        several = len({found.student_id for found in released}) > 1
        choices = [
            self.t(
                "zalo.results.choice",
                number=number,
                what=_what(found, self.t) if several else period_name(found.period, self.t),
            )
            for number, found in enumerate(released, start=1)
        ]
        items = [[found.student_id, found.notice_id] for found in released]
        await self.uow.identity.save_dialog(CHANNEL, self.account, FLOW, "choose", {"items": items}, self.now)
        return [self.t("zalo.results.choose", choices=", ".join(choices))]

    async def _card(self, actor: Actor, number: int) -> list[str]:
        dialog = await self.uow.identity.dialog(CHANNEL, self.account)
        items = dialog.data.get("items", []) if dialog and dialog.flow == FLOW else []
        if not 1 <= number <= len(items):
            return [self.t("zalo.results.bad_number", count=len(items))] if items else [self.t(_help(actor))]
        student_id, notice_id = items[number - 1]
        try:  # the choices were this person's a moment ago: checked again, as a button is on Telegram
            text = await released_card(self.uow, actor, student_id, notice_id, self.t)
        except PermissionDenied:
            detail = f"{student_id}:{notice_id}"
            await self.uow.identity.record_refusal(CHANNEL, self.account, REFUSED, detail, self.now)
            return [self.t("zalo.results.gone")]
        return [text] if text is not None else [self.t("zalo.results.gone")]

    async def _read(self, notice_id: int) -> list[str]:
        """ "da xem 12": the parent read notice 12 (only one it was sent to)."""
        try:
            return [
                self.t(await read_receipts.mark_read(self.uow, CHANNEL, self.account, notice_id, self.now))
            ]
        except PermissionDenied:
            log.warning("refused weekly-r to zalo:%s (%s)", self.account, notice_id)
            await self.uow.identity.record_refusal(
                CHANNEL, self.account, "weekly-r", str(notice_id), self.now
            )
            return [self.t("weekly.read.not_yours")]


def read_number(word: str) -> int | None:
    """ "daxem12" (typed "Đã xem 12") or "seen12" → 12; None for any other word."""
    digits = word.lstrip("abcdefghijklmnopqrstuvwxyz")
    if digits and digits.isdigit() and word[: -len(digits)] in _words("weekly.command.read"):
        return int(digits)
    return None


def _help(actor: Actor) -> str:
    return "students.zalo.help" if actor.is_student else "zalo.help"


def _what(found: Released, t: Translator) -> str:
    return f"{period_name(found.period, t)} ({found.name})"
