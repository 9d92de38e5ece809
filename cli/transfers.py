"""``sodiem transfer in|out|dropout|move``: class-size changes (biến động sĩ số), dated, with a reason."""

from __future__ import annotations

from cli.output import EXIT_OK, run_on_database
from domain.school import Gender
from domain.transfers import Change, parse_day
from storage.changes import system_author
from storage.transfer_store import NewStudent
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("transfer", help="transfers in and out, dropouts, class changes")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, help: str):
        sub = actions.add_parser(name, help=help)
        sub.add_argument("student", help="the student's code")
        sub.add_argument("--date", required=True, help="dd/mm/yyyy")
        sub.add_argument("--reason", required=True)
        sub.add_argument("--year", default=None)
        return sub

    arrive = action("in", "a student arrives from another school")
    arrive.add_argument("--class", dest="class_name", required=True)
    arrive.add_argument("--from", dest="place", default="", help="the previous school")
    arrive.add_argument("--name", default=None, help="a new student's full name")
    arrive.add_argument("--born", default=None, help="a new student's date of birth, dd/mm/yyyy")
    arrive.add_argument("--gender", choices=[g.value for g in Gender], default=None)
    arrive.set_defaults(func=run_in)
    out = action("out", "a student leaves for another school")
    out.add_argument("--to", dest="place", default="", help="the school the student goes to")
    out.set_defaults(func=run_leave, change=Change.TRANSFER_OUT)
    dropout = action("dropout", "a student drops out")
    dropout.set_defaults(func=run_leave, change=Change.DROPOUT, place="")
    move = action("move", "a student moves to another class of the same grade")
    move.add_argument("--to", dest="target", required=True, help="the new class")
    move.set_defaults(func=run_move)


def _done(args, change: Change, done) -> int:
    key, params = done.message(change)
    args.console.say(key, **params)
    return EXIT_OK


def run_in(args) -> int:
    async def work(database) -> int:
        day = parse_day(args.date)
        new = None
        if args.name and args.born:
            born = parse_day(args.born)
            new = NewStudent(args.name, born, Gender(args.gender) if args.gender else None)
        async with UnitOfWork(database) as uow:
            done = await uow.transfers.transfer_in(
                args.student,
                args.class_name,
                day,
                args.reason,
                args.place,
                system_author("cli"),
                new,
                args.year,
            )
            await uow.commit()
        return _done(args, Change.TRANSFER_IN, done)

    return run_on_database(args, work)


def run_leave(args) -> int:
    async def work(database) -> int:
        day = parse_day(args.date)
        async with UnitOfWork(database) as uow:
            done = await uow.transfers.leave(
                args.change, args.student, day, args.reason, args.place, system_author("cli"), args.year
            )
            await uow.commit()
        return _done(args, args.change, done)

    return run_on_database(args, work)


def run_move(args) -> int:
    async def work(database) -> int:
        day = parse_day(args.date)
        async with UnitOfWork(database) as uow:
            done = await uow.transfers.move(
                args.student, args.target, day, args.reason, system_author("cli"), args.year
            )
            await uow.commit()
        return _done(args, Change.MOVE, done)

    return run_on_database(args, work)
