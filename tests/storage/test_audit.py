"""The audit trail: every change is chained to the one before; a row changed, deleted or slipped in
behind sodiem's back is found by ``sodiem audit verify``, which names the first entry that does not fit."""

import asyncio
import os
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import delete, insert, select, update

from storage.audit import verify
from storage.changes import Author, record_change
from storage.models import ChangeRow
from storage.uow import UnitOfWork
from tests.cli.command import sodiem_in_process

MORNING = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)


async def write_changes(database, count: int, start: int = 0, who: str = "7") -> None:
    for number in range(start, start + count):
        async with UnitOfWork(database) as uow:
            author = Author(None, "telegram", who, MORNING + timedelta(minutes=number))
            record_change(uow.session, author, "staff", f"GV{number:03d}", None, "Nguyễn Văn An", "import")
            await uow.commit()


async def report(database):
    async with database.session(read_only=True) as session:
        return await verify(session)


async def test_every_change_is_chained_and_the_chain_verifies(database):
    await write_changes(database, 5)
    result = await report(database)
    assert result.entries == 5 and result.first_break is None
    async with database.session(read_only=True) as session:
        rows = (await session.scalars(select(ChangeRow).order_by(ChangeRow.seq))).all()
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5]
    assert all(row.prev_hash == before.hash for before, row in zip(rows, rows[1:], strict=False))


async def test_a_value_changed_in_the_database_is_named(database):
    await write_changes(database, 4)
    async with database.session() as session:
        third = await session.scalar(select(ChangeRow.id).where(ChangeRow.seq == 3))
        await session.execute(update(ChangeRow).where(ChangeRow.id == third).values(new_value="10"))
        await session.commit()
    result = await report(database)
    assert result.entries == 2
    assert result.first_break.entry_id == third and result.first_break.why == "audit.break.altered"


async def test_a_deleted_entry_and_a_cut_end_are_found(database):
    await write_changes(database, 4)
    async with database.session() as session:
        await session.execute(delete(ChangeRow).where(ChangeRow.seq == 4))
        await session.commit()
    cut = await report(database)
    assert cut.entries == 3 and cut.first_break.why == "audit.break.end_cut"
    async with database.session() as session:
        await session.execute(delete(ChangeRow).where(ChangeRow.seq == 2))
        await session.commit()
    assert (await report(database)).first_break.why == "audit.break.missing"


async def test_a_cut_end_is_found_when_a_cut_entry_is_put_back(database):
    """The head moves with the change log's inserts (migration 0025), but never back."""
    await write_changes(database, 4)
    async with database.session() as session:
        third = (await session.execute(select(ChangeRow.__table__).where(ChangeRow.seq == 3))).one()
        await session.execute(delete(ChangeRow).where(ChangeRow.seq >= 3))
        await session.execute(insert(ChangeRow), [third._asdict()])
        await session.commit()
    cut = await report(database)
    assert cut.entries == 3 and cut.first_break.why == "audit.break.end_cut"


async def test_a_batch_sealed_in_one_transaction_moves_the_head_to_its_last_entry(database):
    async with UnitOfWork(database) as uow:
        for number in range(3):
            author = Author(None, "cli", "", MORNING + timedelta(minutes=number))
            record_change(uow.session, author, "staff", f"GV{number:03d}", None, "Nguyễn Văn An", "import")
        await uow.commit()
    await write_changes(database, 2, start=5)
    result = await report(database)
    assert result.entries == 5 and result.first_break is None and result.head.startswith("5:")


async def test_an_entry_slipped_in_outside_sodiem_is_found(database):
    await write_changes(database, 2)
    async with database.session() as session:
        session.add(ChangeRow(at=MORNING, entity="score", entity_key="x", old_value="4", new_value="9"))
        await session.commit()
    assert (await report(database)).first_break.why == "audit.break.unsealed"


async def test_transactions_at_the_same_moment_make_one_chain(database):
    await asyncio.gather(*(write_changes(database, 3, start=10 * n, who=str(n)) for n in range(6)))
    result = await report(database)
    assert result.entries == 18 and result.first_break is None


def test_sodiem_audit_verify_names_the_altered_entry(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    env = {"SODIEM_DATABASE_URL": url, "SODIEM_LOCALE": "en"}
    assert sodiem_in_process(["db", "upgrade"], tmp_path, env).returncode == 0

    async def prepare(tamper: bool) -> None:
        from storage.db import Database

        database = Database(url)
        if tamper:
            async with database.session() as session:
                await session.execute(update(ChangeRow).where(ChangeRow.seq == 2).values(reason="typo"))
                await session.commit()
        else:
            await write_changes(database, 3)
        await database.dispose()

    asyncio.run(prepare(tamper=False))
    intact = sodiem_in_process(["audit", "verify"], tmp_path, env)
    assert intact.returncode == 0 and "3 entries" in intact.stdout
    asyncio.run(prepare(tamper=True))
    broken = sodiem_in_process(["audit", "verify"], tmp_path, env)
    assert broken.returncode == 1
    assert "Entry 2 (number 2 in the chain" in broken.stderr
    assert "changed after it was written" in broken.stderr


async def test_a_lost_head_is_rebuilt_from_the_chain_and_writing_goes_on(database):
    from storage.models import AuditHeadRow

    await write_changes(database, 2)
    async with database.session() as session:
        await session.execute(delete(AuditHeadRow))
        await session.commit()
    await write_changes(database, 2, start=5)
    result = await report(database)
    assert result.entries == 4 and result.first_break is None


async def test_the_change_log_of_an_upgraded_database_is_sealed_by_the_migration(empty_database_url):
    from sqlalchemy import text

    from storage.db import Database
    from storage.migrate import downgrade, upgrade

    await asyncio.to_thread(upgrade, empty_database_url)
    await asyncio.to_thread(downgrade, empty_database_url, "0003")
    database = Database(empty_database_url)
    async with database.session() as session:
        for number in range(3):
            await session.execute(
                text(
                    "INSERT INTO change_log (at, channel, account, entity, entity_key, new_value, reason) "
                    "VALUES (:at, 'telegram', '7', 'score', :key, '8.5', '')"
                ),
                {"at": MORNING + timedelta(minutes=number), "key": f"k{number}"},
            )
        await session.commit()
    await database.dispose()
    await asyncio.to_thread(upgrade, empty_database_url)
    database = Database(empty_database_url)
    result = await report(database)
    await database.dispose()
    assert result.entries == 3 and result.first_break is None


async def test_a_plain_chain_upgraded_without_the_key_is_resealed_once_with_its_old_head_kept(
    empty_database_url, tmp_path, monkeypatch
):
    from sqlalchemy import text

    from storage.audit import entry_hash, head_in_chain, reseal_if_plain
    from storage.db import Database
    from storage.migrate import downgrade, upgrade
    from storage.models import AuditHeadRow

    await asyncio.to_thread(upgrade, empty_database_url)
    await asyncio.to_thread(downgrade, empty_database_url, "0008")
    entry = SimpleNamespace(
        at=MORNING, staff_id=None, channel="cli", account="", entity="staff", entity_key="GV001"
    )
    entry.old_value, entry.new_value, entry.reason = None, "An", ""
    plain = entry_hash(entry, 1, "")  # as migration 0004 sealed it
    database = Database(empty_database_url)
    async with database.session() as session:
        await session.execute(
            text(
                "INSERT INTO change_log (at, channel, account, entity, entity_key, new_value, reason, seq, "
                "prev_hash, hash) VALUES (:at, 'cli', '', 'staff', 'GV001', 'An', '', 1, '', :hash)"
            ),
            {"at": MORNING, "hash": plain},
        )
        await session.execute(text("UPDATE audit_head SET seq = 1, hash = :hash"), {"hash": plain})
        await session.commit()
    await database.dispose()
    key_file = os.environ["SODIEM_AUDIT_KEY_FILE"]
    monkeypatch.setenv("SODIEM_AUDIT_KEY_FILE", str(tmp_path / "not-made-yet.key"))
    await asyncio.to_thread(upgrade, empty_database_url)  # no key: the migration leaves the chain
    monkeypatch.setenv("SODIEM_AUDIT_KEY_FILE", key_file)
    database = Database(empty_database_url)
    assert (await report(database)).first_break.why == "audit.break.unkeyed"
    async with database.session() as session:
        assert await reseal_if_plain(session)
        await session.commit()
    async with database.session() as session:
        assert not await reseal_if_plain(session)  # once
        head = await session.get(AuditHeadRow, 1)
        assert head.resealed_from == f"1:{plain}"
        assert await head_in_chain(session, f"1:{plain[:12]}")  # a head printed before the re-seal
    result = await report(database)
    await database.dispose()
    assert result.entries == 1 and result.first_break is None
