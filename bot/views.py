"""What the bot shows: the menu for a person's roles, who they are, help. Texts from the catalogs."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import commands
from bot.keyboards import button, column
from bot.turn import Turn
from domain.health import may_open as may_open_health
from domain.identity import BOTH, CHANNEL_CHOICES
from domain.permissions import Action, Actor, allowed
from domain.signing import may_sign
from locales import Translator


async def describe(turn: Turn, actor: Actor) -> str:
    """The person's roles, homeroom classes and subjects taught, or the children of a parent, in words."""
    t, views = turn.t, turn.uow.views
    if actor.is_student:
        found = await views.children(actor.own_students)
        return t("students.who", class_name=found[0][1] if found and found[0][1] else "-")
    if not actor.is_staff:
        return await _as_parent(turn, actor)
    parts = [", ".join(sorted(t(f"role.{role.value}") for role in actor.roles))]
    if actor.homeroom_classes:
        names = [name for _, name, _ in await views.classes(actor.homeroom_classes)]
        parts.append(t("bot.who.homeroom", classes=", ".join(names)))
    if actor.teaching:
        subjects = await views.subject_names()
        class_names = {cid: name for cid, name, _ in await views.classes(actor.taught_classes)}
        taught = sorted(f"{subjects[s]} {class_names.get(c, '?')}" for c, s in actor.teaching)
        parts.append(t("bot.who.teaching", subjects=", ".join(taught)))
    if actor.children:
        parts.append(await _as_parent(turn, actor))
    return "; ".join(parts)


async def _as_parent(turn: Turn, actor: Actor) -> str:
    children = await turn.uow.views.children(actor.children)
    names = ", ".join(f"{name} ({class_name or '-'})" for name, class_name in children)
    return turn.t("bot.who.guardian", children=names or "-")


async def menu(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    actor, t = turn.actor, turn.t
    assert actor is not None
    buttons = []
    if actor.is_staff:
        for class_id, name, _ in await turn.uow.views.classes(actor.homeroom_classes):
            buttons.append(button(t("bot.menu.homeroom", name=name), "cls", class_id, "menu"))
        if actor.homeroom_classes:
            buttons.append(button(t("attendance.menu_button"), "att", "go"))
            buttons.append(button(t("bot.menu.conduct"), "cd", "start"))
        if actor.teaching:
            buttons.append(button(t("bot.menu.scores"), "sc", "start"))
            buttons.append(button(t("bot.menu.comments"), "nx", "start"))
        if actor.teaching or actor.homeroom_classes or actor.is_leader:
            buttons.append(button(t("bot.menu.results"), "rs", "start"))
        if allowed(actor, Action.EXPORT) or actor.homeroom_classes:
            buttons.append(button(t("exports.menu_button"), "xu", "start"))
        if actor.teaching:
            buttons.append(button(t("bot.menu.correct"), "cr", "start"))
        if allowed(actor, Action.APPROVE):
            buttons.append(button(t("bot.menu.approvals"), "ap", "start"))
        if allowed(actor, Action.LOCK_BOOK):
            buttons.append(button(t("bot.menu.locks"), "lk", "start"))
        if actor.teaching:
            buttons.append(button(t("bot.menu.my_classes"), "mine", 0))
        if actor.sees_every_class:
            buttons.append(button(t("bot.menu.all_classes"), "all", 0))
        if allowed(actor, Action.VIEW_PROGRESS):
            buttons.append(button(t("progress.menu_button"), "td", "start"))
            buttons.append(button(t("distribution.menu_button"), "pd", "start"))
        if allowed(actor, Action.MANAGE_PEOPLE):
            buttons.append(button(t("bot.menu.accounts"), "acct"))
        if actor.homeroom_classes or allowed(actor, Action.SCHOOL_NOTICE):
            buttons.append(button(t("notices.menu_button"), "nt", "start"))
        if actor.homeroom_classes:
            buttons.append(button(t("notices.card.menu_button"), "rc", "start"))
            buttons.append(button(t("leave.menu_button.teacher"), "xn", "list"))
        if may_sign(actor, None):
            buttons.append(button(t("signing.menu_button"), "ks", "pg", 0))
        if may_open_health(actor):
            buttons.append(button(t("health.menu_button"), "sk", "start"))
    if actor.is_staff and actor.children:  # a teacher who is also a parent
        buttons.append(button(t("bot.menu.children"), "kids"))
        buttons.append(button(t("bot.menu.child_results"), "rs", "kids"))
        buttons.append(button(t("leave.menu_button.parent"), "xn", "start"))
    elif actor.is_student:  # reads their own released results; nothing to write
        buttons.append(button(t("bot.menu.results"), "rs", "start"))
    elif not actor.is_staff:
        buttons.append(button(t("bot.menu.children"), "kids"))
        buttons.append(button(t("bot.menu.results"), "rs", "start"))
        buttons.append(button(t("leave.menu_button.parent"), "xn", "start"))
    buttons += [button(t("bot.menu.language"), "lang"), button(t("bot.menu.help"), "help")]
    text = t("bot.menu.title", name=actor.name or t("bot.who.parent"), who=await describe(turn, actor))
    return text, column(buttons)


def help_text(turn: Turn) -> str:
    actor, t = turn.actor, turn.t
    shown = [commands.MENU, *_role_commands(actor), commands.HELP, commands.LANGUAGE, commands.CANCEL]
    lines = [t("bot.help.title")]
    for command in shown:
        names = " ".join(f"/{name}" for name in command.names)
        lines.append(t("bot.help.line", names=names, description=t(command.description_key)))
    return "\n".join(lines)


def _role_commands(actor: Actor | None) -> list[commands.Command]:
    if actor is None:
        return []
    if actor.is_student:
        return [commands.RESULTS]
    if not actor.is_staff:
        return [commands.CHILDREN, commands.RESULTS, commands.LEAVE, commands.CHANNEL]
    shown = [commands.CLASSES, *([commands.CHILDREN, commands.CHANNEL] if actor.children else [])]
    if actor.teaching:
        shown += [commands.SCORES, commands.COMMENTS, commands.CORRECT]
    if actor.teaching or actor.homeroom_classes or actor.is_leader:
        shown.append(commands.RESULTS)
    if actor.homeroom_classes or actor.children:
        shown.append(commands.LEAVE)
    if actor.homeroom_classes:
        shown += [commands.ATTENDANCE, commands.ATTENDANCE_MONTH, commands.CONDUCT]
    shown.append(commands.HISTORY)
    if allowed(actor, Action.APPROVE):
        shown += [commands.APPROVALS, commands.WEEKLY]
    if allowed(actor, Action.LOCK_BOOK):
        shown += [commands.LOCK, commands.UNLOCK, commands.LOCK_SCHEDULE]
    if allowed(actor, Action.VIEW_PROGRESS):
        shown += [commands.PROGRESS, commands.DISTRIBUTION]
    if allowed(actor, Action.EXPORT) or actor.homeroom_classes:
        shown.append(commands.EXPORT)
    if actor.homeroom_classes or allowed(actor, Action.SCHOOL_NOTICE):
        shown.append(commands.NOTICE)
    if actor.homeroom_classes:
        shown.append(commands.REPORT_CARDS)
    if allowed(actor, Action.MANAGE_PEOPLE):
        shown.append(commands.TRANSFER)
    if actor.homeroom_classes or allowed(actor, Action.APPROVE):
        shown.append(commands.YEAR_REVIEW)
    if may_sign(actor, None):  # the named vice-principal is told by the command itself
        shown.append(commands.SIGN)
    if may_open_health(actor):
        shown.append(commands.HEALTH)
    return shown


def back_to_menu(turn: Turn) -> InlineKeyboardMarkup:
    return column([button(turn.t("bot.back"), "menu")])


def where_text(t: Translator, choice: str, linked: set[str]) -> str:
    """Where a parent receives notices and report cards, in words: a channel, or all they are linked on."""
    if choice != BOTH:
        return t(f"zalo.channel.where.{choice}")
    names = [t(f"zalo.channel.where.{channel}") for channel in CHANNEL_CHOICES if channel in linked]
    return t("zalo.channel.where.both", channels=listed(t, names, "zalo.channel.and"))


def listed(t: Translator, items: list[str], last_key: str) -> str:
    """ "a, b và c": ``last_key`` joins the last two."""
    if len(items) < 2:
        return "".join(items)
    return t(last_key, first=", ".join(items[:-1]), last=items[-1])
