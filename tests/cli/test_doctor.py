"""``sodiem doctor`` on a school's server: on a good installation every line is ✓ and the exit status 0;
on a broken one each fault has its own ✗ line saying how to fix it. The Telegram and Zalo stand-ins
answer getMe over real HTTP; the database is real (SQLite and PostgreSQL)."""

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from localapi import LocalBotApi
from localzalo import LocalZaloApi
from storage.migrate import upgrade
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

SODIEM = str(Path(sys.executable).with_name("sodiem"))
TOKEN = "123456:doctor-token"


async def doctor(folder: Path, url: str, lang: str = "en", **settings: str) -> tuple[int, list[str]]:
    env = {**os.environ, "SODIEM_LOCALE": lang, **settings}
    env.pop("SODIEM_DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        SODIEM, "--database", url, "doctor", cwd=folder, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode().splitlines()


async def sodiem(folder: Path, *args: str) -> None:
    process = await asyncio.create_subprocess_exec(SODIEM, *args, cwd=folder)
    assert await asyncio.wait_for(process.wait(), 60) == 0


def line(lines: list[str], label: str) -> str:
    found = [text for text in lines if text[2:].startswith(label + ":")]
    assert len(found) == 1, lines
    return found[0]


def nothing_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/sodiem"


@pytest.fixture
async def channels():
    async with LocalBotApi(TOKEN) as telegram, LocalZaloApi() as zalo:
        yield telegram, zalo


def channel_settings(telegram, zalo, token: str = TOKEN) -> dict[str, str]:
    return {
        "SODIEM_TELEGRAM_TOKEN": token,
        "SODIEM_TELEGRAM_API_URL": telegram.base_url,
        "SODIEM_ZALO_TOKEN": zalo.token,
        "SODIEM_ZALO_API_URL": zalo.base_url,
        "SODIEM_PUBLIC_URL": telegram.url,  # any web server that answers stands in for the proxy here
    }


async def test_a_good_installation_passes_every_check(empty_database_url, tmp_path, channels):
    telegram, zalo = channels
    await asyncio.to_thread(upgrade, empty_database_url)
    await sodiem(tmp_path, "--database", empty_database_url, "backup", "backups")

    status, lines = await doctor(tmp_path, empty_database_url, **channel_settings(telegram, zalo))

    assert status == 0, lines
    assert line(lines, "Settings") == "✓ Settings: every setting reads correctly"
    assert line(lines, "Database").startswith("✓ Database: reachable, migrated to revision 00")
    assert line(lines, "School key file").startswith("✓ School key file: ")
    assert line(lines, "Telegram") == "✓ Telegram: Telegram accepts the bot token (@sodiem_test_bot)"
    assert line(lines, "Zalo") == "✓ Zalo: Zalo accepts the bot token (bot.sodiem)"
    assert line(lines, "Public address") == f"✓ Public address: {telegram.url} answers"
    assert "(Asia/Ho_Chi_Minh), agrees with Telegram's/Zalo's clock" in line(lines, "Time")
    assert line(lines, "PDF fonts") == "✓ PDF fonts: 2 DejaVu fonts hold every Vietnamese letter"
    assert line(lines, "Disk space").startswith("✓ Disk space: ")
    assert line(lines, "Latest backup").endswith(", 0 hours ago")
    assert line(lines, "Message queue") == "✓ Message queue: no message is late"
    assert lines[-1] == "Every check passed."


async def test_a_broken_installation_names_each_fault_and_its_fix(tmp_path, channels):
    telegram, zalo = channels
    stale = datetime.now(UTC) + timedelta(hours=7) - timedelta(days=3)  # school time, three days ago
    backups = tmp_path / "sao-luu"  # where SODIEM_BACKUP_DIR says the nightly backups go
    backups.mkdir()
    (backups / f"sodiem-{stale:%Y%m%d-%H%M%S}.db").write_bytes(b"an old backup")
    settings = channel_settings(telegram, zalo, token="123456:revoked-token")
    settings["SODIEM_BACKUP_DIR"] = "sao-luu"
    settings["SODIEM_PUBLIC_URL"] = "http://" + nothing_listening().split("@")[1].split("/")[0]
    settings["SODIEM_AUDIT_KEY_FILE"] = str(tmp_path / "lost.key")

    status, lines = await doctor(tmp_path, nothing_listening(), **settings)

    assert status == 1
    assert line(lines, "Settings").startswith("✓")
    database = line(lines, "Database")
    assert database.startswith("✗ Database: cannot connect (") and "Check SODIEM_DATABASE_URL" in database
    key = line(lines, "School key file")
    assert key.startswith("✗") and "lost.key" in key and "sodiem audit init-key" in key
    assert line(lines, "Telegram") == (
        "✗ Telegram: Telegram refuses the bot token (error 401). "
        "Get a new one from @BotFather and put it in SODIEM_TELEGRAM_TOKEN."
    )
    assert line(lines, "Zalo").startswith("✓")
    public = line(lines, "Public address")
    assert public.startswith(f"✗ Public address: {settings['SODIEM_PUBLIC_URL']} does not answer")
    backup = line(lines, "Latest backup")
    assert backup.startswith(f"✗ Latest backup: the latest is from {stale:%d/%m/%Y %H:%M}, 72 hours ago.")
    assert "sodiem backup sao-luu" in backup
    assert line(lines, "Message queue") == "✗ Message queue: not checked: the database is not ready."
    assert lines[-1].startswith("6 checks failed")


async def test_late_messages_and_a_foreign_time_zone_fail_in_vietnamese(database, tmp_path, channels):
    telegram, zalo = channels
    late = [Outgoing(f"doctor-late-{n}", "telegram", str(n), "", "Thông báo") for n in range(3)]
    async with UnitOfWork(database) as uow:
        await uow.outbox.enqueue(late, datetime.now(UTC) - timedelta(hours=1))
        await uow.commit()
    await sodiem(tmp_path, "--database", database.url, "backup", "backups")
    settings = {**channel_settings(telegram, zalo), "SODIEM_TIMEZONE": "Asia/Bangkok"}

    status, lines = await doctor(tmp_path, database.url, lang="vi", **settings)

    assert status == 1
    assert line(lines, "Hàng đợi tin nhắn") == (
        "✗ Hàng đợi tin nhắn: 3 tin nhắn chờ gửi quá 15 phút (telegram: 3). "
        "Kiểm tra “sodiem run” đang chạy và kênh gửi kết nối được."
    )
    assert line(lines, "Giờ") == (
        "✗ Giờ: SODIEM_TIMEZONE là Asia/Bangkok; trường ở Việt Nam dùng Asia/Ho_Chi_Minh. "
        "Đặt SODIEM_TIMEZONE=Asia/Ho_Chi_Minh hoặc để trống."
    )
    assert lines[-1].startswith("2 mục chưa đạt")
