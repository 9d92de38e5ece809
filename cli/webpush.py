"""``sodiem webpush keys [--force]``: the school's VAPID key pair for Web Push (notifications/vapid.py)."""

from __future__ import annotations

from cli.output import EXIT_FAILED, EXIT_OK, Console, run_on_database
from domain.errors import DomainError
from notifications.vapid import create_vapid_key, public_key_text, read_vapid_key, vapid_key_path
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    webpush = commands.add_parser("webpush", help="notifications to the web front end's browsers (Web Push)")
    actions = webpush.add_subparsers(dest="action", required=True, metavar="ACTION")
    keys = actions.add_parser(
        "keys", help="create the VAPID key pair (SODIEM_VAPID_KEY_FILE) once and show its public key"
    )
    keys.add_argument(
        "--force",
        action="store_true",
        help="replace an existing key pair and forget every subscription (browsers must subscribe again)",
    )
    keys.set_defaults(func=run_keys)


def run_keys(args) -> int:
    console: Console = args.console
    path = vapid_key_path()
    if args.force:
        return run_on_database(args, lambda database: _replace(database, console))
    try:
        if path.exists():
            console.say(
                "webpush.key.kept", path=str(path.resolve()), public=public_key_text(read_vapid_key(path))
            )
        else:
            console.say(
                "webpush.key.created",
                path=str(path.resolve()),
                public=public_key_text(create_vapid_key(path)),
            )
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_FAILED
    return EXIT_OK


async def _replace(database, console: Console) -> int:
    path = vapid_key_path()
    async with UnitOfWork(database) as uow:
        forgotten = await uow.push_subscriptions.remove_all()
        vapid = create_vapid_key(path, replace=True)
        await uow.commit()
    console.say(
        "webpush.key.replaced", path=str(path.resolve()), count=forgotten, public=public_key_text(vapid)
    )
    return EXIT_OK
