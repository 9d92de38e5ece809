"""A trail sealed before the school key (plain SHA-256, migration 0004) is checked with its old hash
before it is re-sealed with the key: one changed before the upgrade is not re-sealed as if it were
whole. The entry is named, nothing is written, and the administrator is told what to do: restore a
backup from before the change, or accept the trail as it stands (``init-key --accept-broken``)."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from domain.errors import DomainError
from storage.audit import entry_hash, head_in_chain, reseal_if_plain, verify
from storage.db import Database
from storage.migrate import downgrade, upgrade
from storage.models import AuditHeadRow, ChangeRow
from tests.cli.command import sodiem_in_process
from tests.storage.test_audit import write_changes

MORNING = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Chi"]


async def plain_trail(url: str) -> str:
    """A school at migration 0008 whose change log (three teachers added) is chained with plain
    SHA-256, as migration 0004 sealed it; the plain head."""
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "0008")
    database = Database(url)
    previous = ""
    async with database.session() as session:
        for seq, name in enumerate(NAMES, start=1):
            entry = SimpleNamespace(
                at=MORNING + timedelta(minutes=seq), staff_id=None, channel="cli", account="", entity="staff"
            )
            entry.entity_key, entry.old_value, entry.new_value, entry.reason = f"GV{seq}", None, name, ""
            digest = entry_hash(entry, seq, previous)
            await session.execute(
                text(
                    "INSERT INTO change_log (at, channel, account, entity, entity_key, new_value, reason, "
                    "seq, prev_hash, hash) VALUES "
                    "(:at, 'cli', '', 'staff', :key, :name, '', :seq, :prev, :hash)"
                ),
                {
                    "at": entry.at,
                    "key": entry.entity_key,
                    "name": name,
                    "seq": seq,
                    "prev": previous,
                    "hash": digest,
                },
            )
            previous = digest
        await session.execute(text("UPDATE audit_head SET seq = 3, hash = :hash"), {"hash": previous})
        await session.commit()
    await database.dispose()
    return f"3:{previous}"


async def tamper_before_upgrade(url: str, statement: str) -> None:
    database = Database(url)
    async with database.session() as session:
        await session.execute(text(statement))
        await session.commit()
    await database.dispose()


async def snapshot(database: Database) -> tuple[list, tuple]:
    """Every entry of the log and the head, as stored."""
    async with database.session(read_only=True) as session:
        entries = (await session.execute(select(ChangeRow.__table__).order_by(ChangeRow.id))).all()
        head = (await session.execute(select(AuditHeadRow.__table__))).one()
    return [tuple(entry) for entry in entries], tuple(head)


async def test_a_whole_plain_trail_is_resealed_by_the_upgrade_and_its_old_head_still_recognised(
    empty_database_url,
):
    old_head = await plain_trail(empty_database_url)
    await asyncio.to_thread(upgrade, empty_database_url)
    database = Database(empty_database_url)
    async with database.session(read_only=True) as session:
        result = await verify(session)
        assert await head_in_chain(session, old_head[:14])  # a head printed before the upgrade
    await database.dispose()
    assert result.entries == 3 and result.first_break is None


@pytest.mark.parametrize(
    ("tampering", "first_wrong"),
    [
        ("UPDATE change_log SET new_value = 'Phạm Văn Dũng' WHERE seq = 2", 2),
        ("DELETE FROM change_log WHERE seq = 3", 3),
    ],
    ids=["edited", "cut"],
)
async def test_a_plain_trail_changed_before_the_upgrade_is_not_resealed_and_nothing_is_written(
    empty_database_url, tampering, first_wrong
):
    await plain_trail(empty_database_url)
    await tamper_before_upgrade(empty_database_url, tampering)
    await asyncio.to_thread(upgrade, empty_database_url)  # the key is there, the trail does not fit
    database = Database(empty_database_url)
    async with database.session(read_only=True) as session:
        assert (await verify(session)).first_break.why == "audit.break.unkeyed"
    before = await snapshot(database)
    with pytest.raises(DomainError) as refused:  # a teacher's next change is not sealed onto it
        await write_changes(database, 1, start=9)
    assert refused.value.key == "audit.error.plain_broken" and refused.value.params["seq"] == first_wrong
    async with database.session() as session:
        with pytest.raises(DomainError) as refused_again:  # sodiem audit init-key
            await reseal_if_plain(session)
        await session.commit()
    assert refused_again.value.params["seq"] == first_wrong
    assert await snapshot(database) == before
    await database.dispose()


async def test_a_changed_plain_trail_accepted_by_the_administrator_is_sealed_as_it_stands(empty_database_url):
    old_head = await plain_trail(empty_database_url)
    await tamper_before_upgrade(empty_database_url, "UPDATE change_log SET reason = 'typo' WHERE seq = 2")
    await asyncio.to_thread(upgrade, empty_database_url)
    database = Database(empty_database_url)
    async with database.session() as session:
        accepted = await reseal_if_plain(session, accept_broken=True)
        await session.commit()
    assert accepted.entries == 3 and accepted.accepted_break.seq == 2
    await write_changes(database, 1, start=9)  # writing goes on
    async with database.session(read_only=True) as session:
        result = await verify(session)
        head = await session.get(AuditHeadRow, 1)
    await database.dispose()
    assert result.entries == 4 and result.first_break is None
    assert head.resealed_from == old_head


def sodiem(database: Path, *words: str, key_file: Path) -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py) on the SQLite file at ``database``."""
    env = {
        "SODIEM_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "SODIEM_AUDIT_KEY_FILE": str(key_file),
        "SODIEM_LOCALE": "vi",
    }
    return sodiem_in_process(list(words), Path.cwd(), env)


def test_the_administrator_is_told_which_entry_and_what_to_do_then_may_accept(tmp_path):
    path = tmp_path / "school.db"
    url = f"sqlite+aiosqlite:///{path}"
    key_file = tmp_path / "new.key"
    asyncio.run(plain_trail(url))
    asyncio.run(tamper_before_upgrade(url, "UPDATE change_log SET new_value = 'Phạm Văn Dũng' WHERE seq = 2"))
    upgraded = sodiem(path, "db", "upgrade", key_file=tmp_path / "not-made-yet.key")
    assert upgraded.returncode == 0, upgraded.stderr
    refused = sodiem(path, "audit", "init-key", key_file=key_file)
    assert refused.returncode == 1
    assert "đã bị sửa trước khi nâng cấp, từ mục số 2" in refused.stderr
    assert "sodiem restore" in refused.stderr and "--accept-broken" in refused.stderr
    accepted = sodiem(path, "audit", "init-key", "--accept-broken", key_file=key_file)
    assert accepted.returncode == 0, accepted.stderr
    assert "dù đã bị sửa từ mục số 2" in accepted.stderr
    verified = sodiem(path, "audit", "verify", key_file=key_file)
    assert verified.returncode == 0, verified.stderr
