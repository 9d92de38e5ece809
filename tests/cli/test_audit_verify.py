"""``sodiem audit verify`` as the school's auditor runs it: exit 0 for an untouched school, 1 with the
student, column and both values named when data and log disagree, 2 for a database that is not whole
(a foreign file, a truncated one, a missing table), which it leaves exactly as it found it."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from domain.roster import ROSTER_COLUMNS, import_roster
from storage.db import Database
from storage.migrate import upgrade
from storage.tabular import read_table
from storage.uow import UnitOfWork
from tests.cli.command import sodiem_in_process
from tests.exports.conftest import fill_class
from tests.storage.helpers import ROWS, YEAR, set_up_school, write_csv


@pytest.fixture
async def school_file(tmp_path) -> Path:
    path = tmp_path / "school.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        table = read_table(write_csv(tmp_path / "lop.csv", ROWS), ROSTER_COLUMNS)
        await import_roster(uow.roster, YEAR, table, date(2025, 9, 5))
        await uow.commit()
    await fill_class(database, "6A", semesters=(1,))
    await database.dispose()
    return path


def sodiem(path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py) on the SQLite file at ``path``."""
    environment = {"SODIEM_DATABASE_URL": f"sqlite:///{path}", "SODIEM_LOCALE": "en", **env}
    return sodiem_in_process(list(args), Path.cwd(), environment)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_sql(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(statement)
        connection.commit()


async def test_an_untouched_school_passes_and_prints_its_head_which_is_then_confirmed(school_file):
    intact = sodiem(school_file, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "matches the last value in the log" in intact.stdout
    head = intact.stdout.split("Current head of the chain: ")[1].split()[0]
    confirmed = sodiem(school_file, "audit", "verify", "--head", head)
    assert confirmed.returncode == 0 and f"The head {head} is still in the chain" in confirmed.stdout


async def test_a_score_changed_in_sql_is_named_and_exits_1(school_file):
    run_sql(school_file, "UPDATE score SET value = '10' WHERE id = (SELECT min(id) FROM score)")
    with closing(sqlite3.connect(school_file)) as connection:
        name = connection.execute(
            "SELECT full_name FROM student"
            " WHERE id = (SELECT student_id FROM score WHERE value = '10' LIMIT 1)"
        ).fetchone()[0]
    broken = sodiem(school_file, "audit", "verify")
    assert broken.returncode == 1
    assert "1 values do NOT match the log" in broken.stderr
    assert f"{name} · score " in broken.stderr and "the data says 10, the log says" in broken.stderr


async def test_a_head_that_is_not_in_the_chain_exits_1(school_file):
    missing = sodiem(school_file, "audit", "verify", "--head", "3:0123456789ab")
    assert missing.returncode == 1 and "is NOT in the chain any more" in missing.stdout


async def test_another_key_file_is_reported_as_a_key_that_does_not_match(school_file, tmp_path):
    from storage.school_key import create_key_file

    create_key_file(tmp_path / "other.key")
    wrong = sodiem(school_file, "audit", "verify", SODIEM_AUDIT_KEY_FILE=str(tmp_path / "other.key"))
    assert wrong.returncode == 1 and "The key does not match" in wrong.stderr
    assert "changed after it was written" not in wrong.stderr


@pytest.mark.parametrize(
    "damage, said",
    [
        ("foreign", "is not an SQLite database"),
        ("truncated", "is damaged"),
        ("missing table", "The database lacks tables: absence"),
    ],
)
async def test_a_damaged_database_exits_2_and_is_left_as_it_was(school_file, damage, said):
    if damage == "foreign":
        school_file.write_bytes(b"%PDF-1.4 not a database\n" * 100)
    elif damage == "truncated":
        school_file.write_bytes(school_file.read_bytes()[: school_file.stat().st_size // 3])
    else:
        run_sql(school_file, "DROP TABLE absence")
    before = digest(school_file)
    damaged = sodiem(school_file, "audit", "verify")
    assert damaged.returncode == 2 and said in damaged.stderr
    assert digest(school_file) == before
    assert sorted(p.name for p in school_file.parent.glob("school.db*")) == ["school.db"]


async def test_a_missing_database_file_exits_2_and_is_not_created(tmp_path):
    gone = sodiem(tmp_path / "nowhere.db", "audit", "verify")
    assert gone.returncode == 2 and "There is no database file" in gone.stderr
    assert not (tmp_path / "nowhere.db").exists()


def test_init_key_makes_a_private_key_once(tmp_path):
    path = tmp_path / "keys" / "school.key"
    made = sodiem(tmp_path / "none.db", "audit", "init-key", SODIEM_AUDIT_KEY_FILE=str(path))
    assert "The school key was created" in made.stdout
    assert path.stat().st_mode & 0o777 == 0o600
    again = sodiem(tmp_path / "none.db", "audit", "init-key", SODIEM_AUDIT_KEY_FILE=str(path))
    assert again.returncode == 1 and "already exists" in again.stderr


async def test_a_backup_with_a_score_changed_and_its_checksum_recomputed_is_refused(school_file, tmp_path):
    import json

    from storage.manifest import file_sha256, manifest_path

    made = sodiem(school_file, "backup", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    assert "Its manifest" in made.stdout
    backup = next((tmp_path / "backups").glob("sodiem-*.db"))
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name, backup.name + ".manifest.json"]
    checked = sodiem(school_file, "backup", "--verify", str(backup))
    assert checked.returncode == 0 and "matches its signed manifest" in checked.stdout

    good, signed = backup.read_bytes(), manifest_path(backup).read_text()
    run_sql(backup, "UPDATE score SET value = '10' WHERE id = (SELECT min(id) FROM score)")
    manifest = json.loads(signed)
    manifest["sha256"] = file_sha256(backup)
    manifest_path(backup).write_text(json.dumps(manifest))
    refused = sodiem(school_file, "restore", str(backup), "--force")
    assert refused.returncode == 1 and "the signature of the manifest" in refused.stderr
    assert sodiem(school_file, "backup", "--verify", str(backup)).returncode == 1

    backup.write_bytes(good)
    manifest_path(backup).write_text(signed)
    run_sql(school_file, "DELETE FROM absence")
    restored = sodiem(school_file, "restore", str(backup), "--force")
    assert restored.returncode == 0, restored.stderr
    assert "matches the last value in the log" in restored.stdout
