"""The nightly backup of ``sodiem run``: at 02:00 school time the backup is taken and copied with its
manifest to the second place; the next morning the principal and the administrator are told when a
place lacks last night's backup (a USB disk that is not mounted), and nobody is bothered when both hold it."""

from datetime import time
from pathlib import Path

import pytest

from bot.config import load_settings
from domain.errors import DomainError
from locales import SCHOOL_TZ, translator
from storage.backup import backups_in, check_backup
from tests.bot.test_notices_scheduler import at, delivered, restart, texts
from tests.bot.test_score_entry import link

WARNING = "⚠️ Sao lưu đêm qua (sáng 03/11/2025) chưa ổn:"


def places(tmp_path: Path, copy: Path) -> dict[str, str]:
    return {"SODIEM_BACKUP_DIR": str(tmp_path / "backups"), "SODIEM_BACKUP_COPY_DIR": str(copy)}


async def link_staff(school) -> tuple:
    principal, vice, admin = (
        school.api.person(n, name) for n, name in ((61, "Hạnh"), (62, "Phó"), (63, "Trị"))
    )
    for person, code in ((principal, "CB01"), (vice, "CB02"), (admin, "CB03")):
        await link(school, person, code)
    return principal, vice, admin


async def test_the_backup_lands_in_both_places_at_two_and_nobody_is_warned(school, tmp_path):
    settings = places(tmp_path, tmp_path / "usb")
    school.clock.now = at(2, 23)  # Sunday evening: the staff join, no backups on schedule yet
    async with school.bot_running(SODIEM_BACKUP_HOUR="off"):
        principal, vice, admin = await link_staff(school)
    await restart(school, at(3, 2, 10))  # Monday 02:10: the night's run
    async with school.bot_running(**settings):
        await delivered(school)
    taken = backups_in(tmp_path / "backups")
    assert list(taken) == [at(3, 2, 10).astimezone(SCHOOL_TZ).replace(tzinfo=None)]
    (path,) = taken.values()
    copy = tmp_path / "usb" / path.name
    assert copy.read_bytes() == path.read_bytes()
    assert check_backup(copy)["counts"]["students"] == 4  # the copy's manifest came with it
    await restart(school, at(3, 7, 30))
    async with school.bot_running(**settings):
        await delivered(school)
    assert texts(principal, "⚠️") == texts(admin, "⚠️") == []


async def test_a_copy_place_that_cannot_be_written_is_reported_next_morning(school, tmp_path):
    usb = tmp_path / "usb"
    usb.write_text("a file where the USB disk should be mounted")
    settings = places(tmp_path, usb)
    school.clock.now = at(2, 23)
    async with school.bot_running(SODIEM_BACKUP_HOUR="off"):
        principal, vice, admin = await link_staff(school)
    await restart(school, at(3, 2, 10))
    async with school.bot_running(**settings):
        await delivered(school)
    assert len(backups_in(tmp_path / "backups")) == 1  # the first place has it
    await restart(school, at(3, 7, 30))  # the morning
    async with school.bot_running(**settings):
        message = await principal.wait_for(lambda m: m.text.startswith(WARNING))
        await admin.wait_for(lambda m: m.text.startswith(WARNING))
        await delivered(school)
    assert f"• {usb}: không có bản sao lưu nào dùng được." in message.text
    assert str(tmp_path / "backups") not in message.text  # that place is fine
    assert "sodiem doctor" in message.text
    assert texts(vice, "⚠️") == []  # the vice-principal does not run the server
    await restart(school, at(3, 9))  # restarted later the same morning: told once
    async with school.bot_running(**settings):
        await delivered(school)
    assert len(texts(principal, "⚠️")) == len(texts(admin, "⚠️")) == 1


def test_the_backup_settings_say_where_and_when_and_a_bad_hour_is_named():
    plan = load_settings(
        {
            "SODIEM_BACKUP_DIR": "/srv/sao-luu",
            "SODIEM_BACKUP_HOUR": "1:30",
            "SODIEM_BACKUP_COPY_DIR": "/mnt/usb",
        }
    ).backup
    assert (plan.directory, plan.copy_directory, plan.at) == (
        Path("/srv/sao-luu"),
        Path("/mnt/usb"),
        time(1, 30),
    )
    assert load_settings({}, backup_dir=Path("backups")).backup.at == time(2, 0)  # sodiem run's default
    assert load_settings({}).backup is None  # tests and tools that build the bot: no backups unless asked
    assert load_settings({"SODIEM_BACKUP_HOUR": "off"}, backup_dir=Path("backups")).backup is None
    with pytest.raises(DomainError) as refused:
        load_settings({"SODIEM_BACKUP_DIR": "b", "SODIEM_BACKUP_HOUR": "25"})
    assert refused.value.key == "config.error.bad_backup_hour"
    assert "25" in translator("vi")(refused.value.key, **refused.value.params)
