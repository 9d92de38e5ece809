"""Leave requests on Zalo: ``xinnghi``, then the child as a number (Zalo has no buttons; skipped
with one child), the days and the reason as text, ``huy`` to stop. The same use case as /xinnghi
(services/leave.py); the homeroom teacher is told through the outbox and decides on Telegram."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError, PermissionDenied
from domain.permissions import Actor
from locales import Translator
from notifications.zalo import NAME as CHANNEL
from services import leave as service
from storage.changes import Author
from storage.uow import UnitOfWork

LEAVE_FLOW = "zalo-leave"
TEACHER_COMMAND = "/xinnghi"  # bot/commands.py: LEAVE.vi, where the teacher gets the buttons


class ZaloLeave:
    uow: UnitOfWork
    account: str
    now: datetime
    t: Translator

    async def _leave_start(self, actor: Actor) -> list[str]:
        children = await service.children(self.uow, actor)
        if not children:
            return [self.t("leave.no_child")]
        if len(children) == 1:
            return await self._leave_ask_days(children[0].id)
        await self._leave_step("child", {"children": [child.id for child in children]})
        choices = "\n".join(f"{number}. {child.name}" for number, child in enumerate(children, start=1))
        return [self.t("leave.zalo.choose_child", choices=choices)]

    async def _leave_ask_days(self, student_id: int) -> list[str]:
        await self._leave_step("days", {"student_id": student_id})
        two = await self.uow.attendance.sessions_per_day() == 2
        names = await self.uow.leave.student_names([student_id])
        return [self.t("leave.ask_days_sessions" if two else "leave.ask_days", name=names[student_id])]

    async def _leave_step(self, step: str, data: dict) -> None:
        await self.uow.identity.save_dialog(CHANNEL, self.account, LEAVE_FLOW, step, data, self.now)

    async def _leave_answer(self, actor: Actor, step: str, data: dict, text: str) -> list[str]:
        """A message while the request is being written."""
        if step == "child":
            children = data.get("children", [])
            number = int(text) if text.strip().isdigit() else 0
            if not 1 <= number <= len(children):
                return [self.t("leave.zalo.bad_choice", count=len(children))]
            return await self._leave_ask_days(children[number - 1])
        student_id = data["student_id"]
        try:
            if step == "days":
                await service.check_days(self.uow, actor, student_id, text, self.now)
                await self._leave_step("reason", {"student_id": student_id, "days": text})
                return [self.t("leave.ask_reason", limit=service.rules.MAX_REASON)]
            author = Author(None, CHANNEL, self.account, self.now)
            asked = await service.ask(self.uow, actor, student_id, data["days"], text, self.now, author)
        except PermissionDenied as error:
            await self.uow.identity.end_dialog(CHANNEL, self.account)
            await self.uow.identity.record_refusal(CHANNEL, self.account, "leave", error.key, self.now)
            return [self.t(error.key)]
        except DomainError as error:
            if step == "reason" and not error.key.endswith("_reason"):
                await self._leave_step("days", {"student_id": student_id})  # the days went stale
            return [self.t(error.key, **error.params)]
        await self.uow.identity.end_dialog(CHANNEL, self.account)
        await service.tell_teachers(self.uow, asked, self.now, TEACHER_COMMAND)
        teachers = ", ".join(dict.fromkeys(teacher.name for teacher in asked.teachers))
        key = "leave.sent_late" if asked.request.late else "leave.sent"
        return [self.t(key if teachers else "leave.sent_nobody", id=asked.request.id, teachers=teachers)]
