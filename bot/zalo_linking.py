"""Linking on Zalo: a code from the slip links the account; a code for another guardian record's
children is taken only after a typed "1" (Zalo has no buttons), "2" keeps the account as it is."""

from __future__ import annotations

from datetime import datetime

from bot.handlers.people import children_names
from domain.errors import DomainError
from domain.identity import ConfirmLink, PersonKind, hash_code, redeem_confirmed, redeem_invite
from locales import Translator
from notifications.zalo import NAME as CHANNEL
from storage.uow import UnitOfWork

LINK_FLOW = "zalo-link"  # a code for another guardian record, waiting for 1 or 2


class ZaloLinking:
    uow: UnitOfWork
    account: str
    now: datetime
    t: Translator

    async def _link(self, typed: str) -> list[str]:
        invite = await self.uow.identity.find_invite(hash_code(typed, self.uow.identity.code_key))
        if invite is not None and invite.person is not None and invite.person.kind is PersonKind.STAFF:
            return [self.t("zalo.staff")]  # the code stays unused, for Telegram
        try:
            await redeem_invite(self.uow.identity, CHANNEL, self.account, typed, self.now)
        except ConfirmLink as question:
            return await self._ask_to_confirm(question)
        except DomainError as error:
            return [self.t(error.key, **error.params)]
        return await self._linked()

    async def _ask_to_confirm(self, question: ConfirmLink) -> list[str]:
        actor = await self.uow.identity.actor(CHANNEL, self.account)
        assert actor is not None
        data = {"invite_id": question.invite_id}
        await self.uow.identity.save_dialog(CHANNEL, self.account, LINK_FLOW, "confirm", data, self.now)
        names = await children_names(self.uow, actor.children, question.student_ids)
        return [self.t("zalo.link.confirm", **names)]

    async def _confirm_link(self, number: int, invite_id: int) -> list[str]:
        if number not in (1, 2):
            return [self.t("zalo.link.confirm.bad_number")]
        await self.uow.identity.end_dialog(CHANNEL, self.account)
        if number == 2:
            return [self.t("link.confirm.kept")]
        try:
            await redeem_confirmed(self.uow.identity, CHANNEL, self.account, invite_id, self.now)
        except DomainError as error:
            return [self.t(error.key, **error.params)]
        return await self._linked()

    async def _linked(self) -> list[str]:
        await self.uow.identity.set_language(CHANNEL, self.account, self.t.language)
        actor = await self.uow.identity.actor(CHANNEL, self.account)
        assert actor is not None
        if actor.is_student:
            return [self.t("students.zalo.linked", name=actor.name) + "\n\n" + self.t("students.zalo.help")]
        names = [name for _, name, _ in await self.uow.notices.children(actor.children)]
        return [self.t("zalo.linked", children=", ".join(names)) + "\n\n" + self.t("zalo.help")]
