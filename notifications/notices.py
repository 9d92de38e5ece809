"""An approved notice as one outbox message per person, each headed in the person's language."""

from __future__ import annotations

from domain.notices import Kind, Notice, Scope
from locales import translator
from notifications import zalo
from storage.outbox_store import Outgoing
from storage.recipient_store import Recipient


def notice_messages(
    notice: Notice, recipients: list[Recipient], class_name: str, school: str
) -> list[Outgoing]:
    messages = []
    for person in recipients:
        t = translator(person.language)
        if notice.kind is Kind.HEALTH:
            header = t("health.notice.header", school=school)
        elif notice.reach.scope is Scope.CLASS:
            header = t("notices.header.class", name=class_name)
        elif notice.reach.scope is Scope.GRADE:
            header = t("notices.header.grade", grade=notice.reach.grade, school=school)
        else:
            header = t("notices.header.school", school=school)
        key, text = f"notice:{notice.id}:{person.channel}:{person.account}", f"{header}\n\n{notice.text}"
        if person.channel == zalo.NAME:  # a notice may run to 3,500 characters; Zalo takes 2,000
            parts = zalo.with_receipt(zalo.pieces(text), t("weekly.read.zalo_hint", number=notice.id))
            keys = [key] + [f"{key}:{n}" for n in range(2, len(parts) + 1)]
        else:
            parts, keys = [text], [key]
        messages += [
            Outgoing(k, person.channel, person.account, person.person, part, notice.id)
            for k, part in zip(keys, parts, strict=True)
        ]
    return messages
