"""The delivery report of an approved notice, for its author and the leadership: the counts sent,
waiting and failed, a line per recipient, and sending again what may not have arrived; and the flow's
button prefix, which the report's buttons share with /thongbao's."""

from __future__ import annotations

from bot.handlers.common import split_for_telegram
from bot.keyboards import button, column
from bot.turn import Turn
from domain.notices import Notice
from storage.changes import Author
from storage.outbox_store import BLOCKED, FAILED, PENDING, SENDING, SENT, UNCERTAIN

PREFIX = "nt"


async def resend_uncertain(context, turn: Turn, notice: Notice) -> None:
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    count = await turn.uow.outbox.resend_uncertain(notice.id, author)
    turn.say("notices.resent_uncertain", count=count)


async def delivery_report(turn: Turn, notice: Notice) -> None:
    t = turn.t
    rows = await turn.uow.outbox.report(notice.id)
    groups = {
        "sent": [SENT],
        "waiting": [PENDING, SENDING],
        "failed": [FAILED, BLOCKED, UNCERTAIN],
    }
    counts = {name: sum(1 for r in rows if r.status in statuses) for name, statuses in groups.items()}
    lines = [t("notices.report_title", number=notice.id, total=len(rows), **counts)]
    lines += [
        t(
            "zalo.report_line",
            person=r.person,
            channel=t(f"zalo.channel.{r.channel}"),
            status=t(f"notices.status.{r.status}"),
        )
        for r in rows
    ]
    uncertain = sum(1 for r in rows if r.status == UNCERTAIN)
    buttons = [
        button(t("notices.refresh"), PREFIX, "rp", notice.id),
        button(t("weekly.read.who"), "wk", "s", notice.id),
    ]
    if uncertain:  # sent again only when a person decides: it may have arrived
        buttons.insert(0, button(t("notices.resend_uncertain", count=uncertain), PREFIX, "ru", notice.id))
    refresh = column(buttons)
    pieces = split_for_telegram("\n".join(lines))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, refresh if number == len(pieces) else None)
