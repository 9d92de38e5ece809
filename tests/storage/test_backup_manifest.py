"""Backups that prove themselves: each has a signed manifest beside it and nothing else; a restore
refuses a file with one byte changed, or one whose checksum was recomputed after a change, naming why;
a good one restores, and its audit trail and values verify."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cli.demo import create_demo_school
from domain.errors import DomainError
from storage.audit import verify
from storage.audit_values import compare_values
from storage.backup import check_backup, restore_backup, take_backup
from storage.manifest import file_sha256, manifest_path
from tests.storage.helpers import YEAR

MOMENT = datetime(2025, 11, 20, 20, 0, 0)


@pytest.fixture
async def backup(database, tmp_path):
    await create_demo_school(database, YEAR)
    return await take_backup(database, tmp_path / "backups", MOMENT)


async def test_a_backup_leaves_only_itself_and_its_manifest(backup, database):
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, backup.name + ".manifest.json"]
    manifest = json.loads(manifest_path(backup).read_text())
    assert manifest["sha256"] == file_sha256(backup) and manifest["counts"]["students"] > 400
    async with database.session(read_only=True) as session:
        report = await verify(session)
    assert manifest["audit_head"] == report.head != ""
    assert check_backup(backup)["schema"] == manifest["schema"]


async def test_a_backup_with_one_byte_changed_is_refused(backup, database):
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    with pytest.raises(DomainError) as refused:
        restore_backup(database.url, backup)
    assert refused.value.key == "backup.error.changed"


async def test_a_backup_whose_checksum_was_recomputed_after_a_change_is_refused(backup, database):
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    manifest = json.loads(manifest_path(backup).read_text())
    manifest["sha256"] = file_sha256(backup)
    manifest_path(backup).write_text(json.dumps(manifest))
    with pytest.raises(DomainError) as refused:
        restore_backup(database.url, backup)
    assert refused.value.key == "backup.error.bad_signature"


async def test_a_backup_without_its_manifest_is_refused(backup, database):
    manifest_path(backup).unlink()
    with pytest.raises(DomainError) as refused:
        restore_backup(database.url, backup)
    assert refused.value.key == "backup.error.no_manifest"


async def test_a_good_backup_restores_and_verifies(backup, database):
    await database.engine.dispose()
    restore_backup(database.url, backup)
    async with database.session(read_only=True) as session:
        report = await verify(session)
        assert report.first_break is None
        assert await compare_values(session, report.logged) == []
