"""Between school years the school installs the new release: ``sodiem db upgrade`` backs the old
database up first, migrates it, and the change log still verifies and the papers still export. The
backup taken before the upgrade restores into the new release. The old database is a fixture made by an
older release of sodiem (fixtures/README.md)."""

import gzip
import shutil
from pathlib import Path

import pytest

from storage.migrate import head_revision
from tests.cli.test_admin_commands import sodiem

FIXTURE = Path(__file__).parent / "fixtures" / "sodiem-14d43ca.db.gz"
OLD_SCHEMA = "0008"


def old_release_database(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(FIXTURE) as packed, (folder / "sodiem.db").open("wb") as database:
        shutil.copyfileobj(packed, database)
    return folder / "sodiem.db"


def ok(*args: str, cwd: Path) -> str:
    done = sodiem(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> Path:
    """The old release's database, upgraded by this release; the folder it is in."""
    folder = tmp_path_factory.mktemp("school")
    old_release_database(folder)
    assert f"{OLD_SCHEMA} (mới nhất: {head_revision()})" in ok("db", "current", cwd=folder)
    said = ok("db", "upgrade", cwd=folder)
    assert "Đã sao lưu cơ sở dữ liệu trước khi nâng cấp: backups/sodiem-" in said
    assert f"phiên bản mới nhất ({head_revision()})" in said
    return folder


def backup_before(folder: Path) -> Path:
    (backup,) = (folder / "backups").glob("sodiem-*.db")
    return backup


def test_the_upgrade_keeps_a_verified_backup_of_the_old_release(upgraded):
    checked = ok("backup", "--verify", str(backup_before(upgraded)), cwd=upgraded)
    assert f"phiên bản {OLD_SCHEMA}, đầu chuỗi -, 66 học sinh, 3828 điểm." in checked


def test_the_upgraded_database_verifies_and_exports(upgraded):
    assert "Nhật ký thay đổi nguyên vẹn" in ok("audit", "verify", cwd=upgraded)
    assert "Đã sao lưu" not in ok("db", "upgrade", cwd=upgraded)  # a second run: nothing to back up
    assert list((upgraded / "backups").glob("sodiem-*.db")) == [backup_before(upgraded)]  # no new backup
    paper = upgraded / "6A-hk1.pdf"
    ok("export", "gradebook", "--class", "6A", "--semester", "1", "--out", str(paper), cwd=upgraded)
    ok("export", "verify", str(paper), cwd=upgraded)


def test_the_backup_from_before_the_upgrade_restores_into_the_new_release(upgraded, tmp_path):
    said = ok("restore", str(backup_before(upgraded)), cwd=tmp_path)
    assert "sodiem db upgrade" in said and OLD_SCHEMA in said
    ok("db", "upgrade", "--no-backup", cwd=tmp_path)
    assert "Nhật ký thay đổi nguyên vẹn" in ok("audit", "verify", cwd=tmp_path)
    students = ok("students", "--class", "6A", cwd=tmp_path)
    assert students == ok("students", "--class", "6A", cwd=upgraded)


def test_an_upgrade_whose_backup_fails_changes_nothing(tmp_path):
    old_release_database(tmp_path)
    (tmp_path / "backups").write_text("not a folder")
    refused = sodiem("db", "upgrade", cwd=tmp_path)
    assert refused.returncode == 1
    assert "Không nâng cấp: chưa sao lưu được cơ sở dữ liệu" in refused.stderr
    assert f"{OLD_SCHEMA} (mới nhất" in ok("db", "current", cwd=tmp_path)
