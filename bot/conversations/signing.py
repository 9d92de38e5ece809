"""/kyso: the principal (or the vice-principal the school names) signs the school's papers digitally.
The list shows what waits (exports/signing_queue.py); a press shows the paper as it is drawn now, the
next asks for a confirmation, the confirmation signs with the server's certificate (the PIN is set at
the server, never typed in chat) and sends the signed paper back. A paper signed before is signed again
only through the same confirmation, which says that the earlier copy is kept. Every press is checked
again: the buttons carry only a kind letter, a class id and a period."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.errors import DomainError
from domain.signing import may_sign
from exports.signed_papers import sign_and_keep
from exports.signing_queue import Paper, drawn_paper, waiting_papers
from exports.signing_setting import setting_from
from locales import SCHOOL_TZ
from storage.changes import Author

FLOW = "signing"
COMMAND = commands.SIGN
PREFIX = "ks"
KINDS = {"g": "gradebook", "r": "reportcards", "t": "transcript"}
LETTERS = {kind: letter for letter, kind in KINDS.items()}


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def _may_sign(turn: Turn) -> bool:
    settings = await turn.uow.school.settings()
    return may_sign(turn.actor, settings.get("signer"))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not await _may_sign(turn):
        await refuse(turn, "sign")
        return
    await _list(turn, update, 0)


async def _list(turn: Turn, update: Update, page: int) -> None:
    papers = await waiting_papers(turn.uow, turn.now.astimezone(SCHOOL_TZ).date())
    if not papers:
        turn.answer_press()
        turn.say("signing.chat.nothing")
        return
    items = [(_label(turn, paper), _data("i", paper)) for paper in papers]
    keyboard = paged(turn.t, items, page, f"{PREFIX}:pg", per_row=1)
    waiting = sum(paper.signed_at is None for paper in papers)
    text = turn.t("signing.chat.list", waiting=waiting)
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


def _label(turn: Turn, paper: Paper) -> str:
    what = turn.t(
        f"signing.chat.kind.{paper.kind}",
        name=paper.class_name,
        period=turn.t(f"exports.period.{paper.period}"),
    )
    return turn.t("signing.chat.signed_label", what=what) if paper.signed_at else what


def _data(verb: str, paper: Paper) -> str:
    return f"{PREFIX}:{verb}:{LETTERS[paper.kind]}:{paper.class_id}:{paper.period}"


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    query = update.callback_query
    parts = query.data.split(":")[1:]
    if not await _may_sign(turn):
        await refuse(turn, "sign", query.data)
        return
    if parts[:1] == ["pg"] and len(parts) == 2 and is_number(parts[1]):
        await _list(turn, update, int(parts[1]))
        return
    paper = await _paper(turn, parts)
    if paper is None:
        await refuse(turn, "sign", query.data)
    elif parts[0] == "i":
        await _show(turn, paper)
    elif parts[0] == "s":
        _confirm(turn, query, paper)
    elif parts[0] == "y":
        await _sign(turn, paper)


async def _paper(turn: Turn, parts: list[str]) -> Paper | None:
    """The paper the press names, if it is one that waits (or was signed) now."""
    if len(parts) != 4 or parts[0] not in ("i", "s", "y") or parts[1] not in KINDS or not is_number(parts[2]):
        return None
    kind, class_id, period = KINDS[parts[1]], int(parts[2]), parts[3]
    papers = await waiting_papers(turn.uow, turn.now.astimezone(SCHOOL_TZ).date())
    return next((p for p in papers if (p.kind, p.class_id, p.period) == (kind, class_id, period)), None)


async def _show(turn: Turn, paper: Paper) -> None:
    files = await drawn_paper(turn.uow, paper, turn.t)
    verb = "signing.chat.sign_again" if paper.signed_at else "signing.chat.sign"
    keyboard = column([button(turn.t(verb), PREFIX, "s", LETTERS[paper.kind], paper.class_id, paper.period),
                       button(turn.t("bot.back"), PREFIX, "pg", 0)])  # fmt: skip
    turn.answer_press()
    caption = turn.t("signing.chat.preview", what=_label(turn, paper), count=len(files))
    if paper.signed_at:
        caption += "\n" + turn.t("signing.chat.signed_before", when=paper.signed_at)
    if paper.kind == "transcript":
        turn.send(caption, keyboard)
        return
    chat, drawn = turn.chat_id, files[0]
    turn.later(
        lambda bot: bot.send_document(
            chat, InputFile(drawn.data, filename=drawn.file_name), caption=caption, reply_markup=keyboard
        )
    )


def _confirm(turn: Turn, query, paper: Paper) -> None:
    key = "signing.chat.confirm_again" if paper.signed_at else "signing.chat.confirm"
    keyboard = column([button(turn.t("signing.chat.yes"), PREFIX, "y", LETTERS[paper.kind], paper.class_id,
                              paper.period), button(turn.t("bot.back"), PREFIX, "pg", 0)])  # fmt: skip
    turn.answer_press()
    turn.send(turn.t(key, what=_label(turn, paper)), keyboard)


async def _sign(turn: Turn, paper: Paper) -> None:
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    year = (await turn.uow.school.year()).name
    await turn.answer_press_now()  # the paper is drawn and signed next
    try:
        rows = [
            await sign_and_keep(turn.uow, drawn, year, setting_from(), turn.t, author, replace=True)
            for drawn in await drawn_paper(turn.uow, paper, turn.t)
        ]
    except DomainError as error:
        await turn.uow.session.rollback()
        turn.say(error.key, **error.params)
        return
    what = _label(turn, Paper(paper.kind, paper.class_id, paper.class_name, paper.period))
    caption = turn.t("signing.chat.done", what=what, certificate=rows[0].certificate, count=len(rows))
    if paper.kind == "transcript":
        turn.send(caption)
        return
    chat, signed = turn.chat_id, InputFile(rows[0].data, filename=rows[0].file_name)
    turn.later(lambda bot: bot.send_document(chat, signed, caption=caption))
