"""``sodiem school set --weekly-news "sat 17:00"|off --weekly-template TEXT --weekly-parts LIST``: the
weekly news's schedule and template (a new template waits for a leader's approval in /bantin)."""

from __future__ import annotations

from cli.output import utc_now
from domain.weekly import parse_parts
from storage.uow import UnitOfWork


def add_arguments(settings) -> None:
    settings.add_argument(
        "--weekly-news",
        metavar="WHEN",
        help='when parents receive the weekly news, school time: "sat 17:00" (also "t7 17:00", "cn 8:00")'
        " or off",
    )
    settings.add_argument(
        "--weekly-template",
        metavar="TEXT",
        help="the weekly news's greeting; a leader approves it in /bantin",
    )
    settings.add_argument(
        "--weekly-parts",
        metavar="LIST",
        help="what the weekly news contains: absences,scores,comments,notices (approved with the template)",
    )


def asked(args) -> bool:
    return any(
        getattr(args, name, None) is not None for name in ("weekly_news", "weekly_template", "weekly_parts")
    )


async def apply(args, uow: UnitOfWork) -> None:
    """Keeps what was asked and says it; the template's new version is told to the approvers."""
    from services import weekly_news  # loaded when asked: every `sodiem school` command builds this parser

    console = args.console
    if args.weekly_news is not None:
        await weekly_news.set_schedule(uow, args.weekly_news)
    if args.weekly_template is not None or args.weekly_parts is not None:
        parts = parse_parts(args.weekly_parts) if args.weekly_parts is not None else None
        template = await weekly_news.propose_template(uow, args.weekly_template, parts, None, utc_now())
        console.say("weekly.cli.template_waiting", number=template.id)
    console.say("weekly.cli.schedule", schedule=await weekly_news.schedule_text(uow, console.t))
    approved = await weekly_news.approved_template(uow)
    if approved is None:
        console.say("weekly.cli.no_template")
    else:
        console.say(
            "weekly.cli.template", text=approved.text, parts=weekly_news.parts_text(console.t, approved.parts)
        )
