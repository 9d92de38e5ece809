"""The nightly clean-up of the outbox: old delivered messages and old report-card pictures go, a message
still to be sent stays whatever its age; the clean-up runs once a day, and a missed night is caught up."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from locales import SCHOOL_TZ
from notifications.prune import OUTBOX_PRUNE
from notifications.schedule import run_due
from storage.models import OutboxRow
from storage.outbox_store import SENT, Outgoing
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 10, 3, 30, tzinfo=SCHOOL_TZ).astimezone(UTC)
PICTURE = b"\x89PNG report card"


async def write(database, key: str, days_ago: int, sent: bool, picture: bool = False) -> None:
    message = Outgoing(
        key,
        "zalo",
        "z-1",
        "",
        "Phiếu liên lạc",
        attachment_name=f"{key}.png" if picture else None,
        attachment=PICTURE if picture else None,
    )
    async with UnitOfWork(database) as uow:
        await uow.outbox.enqueue([message], NOW - timedelta(days=days_ago))
        row_id = await uow.session.scalar(select(OutboxRow.id).where(OutboxRow.key == key))
        if sent:
            await uow.outbox.claim(row_id)
            await uow.outbox.settle(row_id, SENT, NOW - timedelta(days=days_ago))
        await uow.commit()


async def left(database) -> dict[str, bool]:
    """Each row left, and whether it still has its picture."""
    async with UnitOfWork(database, read_only=True) as uow:
        rows = await uow.session.execute(select(OutboxRow.key, OutboxRow.attachment))
        return {key: attachment is not None for key, attachment in rows}


async def test_old_messages_and_pictures_go_and_what_is_still_to_send_stays(database):
    await write(database, "last-year-sent", 500, sent=True)
    await write(database, "last-year-never-sent", 500, sent=False)
    await write(database, "card-six-weeks-ago", 40, sent=True, picture=True)
    await write(database, "card-waiting-six-weeks", 40, sent=False, picture=True)
    await write(database, "card-last-week", 7, sent=True, picture=True)

    done = await run_due(database, [OUTBOX_PRUNE], NOW, SCHOOL_TZ)

    assert done == [("outbox-prune", date(2026, 3, 10))]
    assert await left(database) == {
        "last-year-never-sent": False,
        "card-six-weeks-ago": False,
        "card-waiting-six-weeks": True,
        "card-last-week": True,
    }


async def test_it_runs_once_a_night_and_catches_up_a_missed_one(database):
    assert await run_due(database, [OUTBOX_PRUNE], NOW, SCHOOL_TZ) != []
    assert await run_due(database, [OUTBOX_PRUNE], NOW + timedelta(hours=5), SCHOOL_TZ) == []
    two_nights_later = NOW + timedelta(days=2, hours=3)  # the server was off the night before
    assert await run_due(database, [OUTBOX_PRUNE], two_nights_later, SCHOOL_TZ) == [
        ("outbox-prune", date(2026, 3, 12))
    ]
