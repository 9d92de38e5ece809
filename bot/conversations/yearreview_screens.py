"""What /xetlenlop shows, to the teacher and to the leadership: the counts, the numbered list, a
student's line with its buttons, and what is still missing, in the reader's words; and the flow's name,
command and button prefix."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import commands
from bot.handlers.common import split_for_telegram
from bot.keyboards import button, grid
from bot.turn import Turn
from domain.year_end import DECISION, Counts, Flag, Outcome, Stage, StudentLine, status_text
from locales import Translator
from storage.uow import UnitOfWork

FLOW = "yearreview"
COMMAND = commands.YEAR_REVIEW
PREFIX = "yr"
FLAGS = tuple(Flag)
OUTCOMES = tuple(Outcome)


def counts_text(t: Translator, title: str, summary: Counts) -> str:
    lines = [title, t("year_end.counts.students", count=summary.students)]
    lines += [f"• {t(f'year_end.outcome.{outcome.value}')}: {n}" for outcome, n in summary.by_status.items()]
    lines += [f"• {award}: {n}" for award, n in summary.by_award.items()]
    if summary.flagged:
        lines.append(t("year_end.counts.flagged", count=summary.flagged))
    if summary.awaiting:
        lines.append(t("year_end.counts.awaiting", count=summary.awaiting))
    return "\n".join(lines)


def list_text(t: Translator, title: str, lines: list[StudentLine]) -> str:
    rows = [title, ""]
    for number, line in enumerate(lines, start=1):
        marks = (" ❓" if line.awaiting_decision else "") + (" ⚑" if set(line.flags) - {DECISION} else "")
        levels = f"{line.learning or '—'}/{line.conduct or '—'}"
        award = f" · {line.award}" if line.award else ""
        rows.append(f"{number}. {line.name} — {levels} — {status_text(t, line)}{award}{marks}")
    rows += ["", t("year_end.list.legend"), t("year_end.list.ask_number")]
    return "\n".join(rows)


def detail_text(t: Translator, line: StudentLine) -> str:
    rows = [
        line.name,
        t("year_end.detail.learning", level=line.learning or "—"),
        t("year_end.detail.conduct", level=line.conduct or "—"),
        t("year_end.detail.absences", count=line.absences),
        t("year_end.detail.status", status=status_text(t, line)),
    ]
    if line.award:
        rows.append(t("year_end.detail.award", award=line.award))
    if line.marked and line.open_reasons:
        rows.append(t("year_end.detail.left_to_people"))
        rows += ["• " + t(reason.key, **reason.params) for reason in line.open_reasons]
    elif line.marked and line.decision is None:
        rows.append(t("year_end.detail.left_to_people"))
    for flag, reason in line.flags.items():
        rows.append(t("year_end.detail.flag", flag=t(f"year_end.flag.{flag}"), reason=reason))
    return "\n".join(rows)


async def title_of(t: Translator, uow: UnitOfWork, class_id: int, stage: Stage) -> str:
    name = await uow.views.class_name(class_id)
    return t(f"year_end.title.{stage.value}", name=name)


async def say_not_ready(turn: Turn, class_id: int, missing: list[tuple[str, int]]) -> None:
    shown = "\n".join(f"• {_what(turn.t, what)}: {count}" for what, count in missing)
    turn.say("year_end.not_ready", name=await turn.uow.views.class_name(class_id), missing=shown)


def _what(t: Translator, what: str) -> str:
    """A missing-values label: a subject and semester, or conduct/re-test, in the reader's words."""
    name, _, where = what.partition(" · ")
    if name in ("conduct", "ratings"):
        name = t(f"year_end.missing.{name}")
    if where == "retest":
        return t("year_end.missing.retest", subject=name)
    if where == "retest_any":
        return t("year_end.missing.retest_any", subjects=name)
    if where == "summer":
        return t("year_end.missing.summer_conduct")
    return f"{name} · {t('entry.semester', number=where.removeprefix('HK'))}"


async def show_list(turn: Turn, lines: list[StudentLine], title: str, back: InlineKeyboardMarkup | None):
    pieces = split_for_telegram(list_text(turn.t, title, lines))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, back if number == len(pieces) else None)


def detail_keyboard(t: Translator, line: StudentLine) -> InlineKeyboardMarkup:
    buttons = [
        button(t("year_end.add_flag", flag=t(f"year_end.flag.{flag.value}")), PREFIX, "f", line.student_id, i)
        for i, flag in enumerate(FLAGS)
    ]
    if line.marked:
        buttons += [
            button(
                t("year_end.decide", status=t(f"year_end.outcome.{o.value}")), PREFIX, "o", line.student_id, i
            )
            for i, o in enumerate(OUTCOMES)
        ]
    return grid(buttons, [button(t("year_end.back_to_counts"), PREFIX, "h")], per_row=1)
