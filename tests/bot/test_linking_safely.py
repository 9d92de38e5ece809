"""Linking safely: a greeting is not a wrong code, on Telegram and on Zalo; revoking a teacher cancels
the codes they have not used; codes kept before keyed hashes existed still link after the upgrade."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import select, update

from domain.identity import hash_code
from localzalo import LocalZaloApi
from storage.migrate import downgrade, upgrade
from storage.models import InviteRow, LinkAttemptRow
from storage.uow import UnitOfWork
from tests.bot.test_zalo import both_channels_running

CHATTER = ("xin chào", "cảm ơn", "alo", "?", "Cảm ơn cô nhiều ạ", "ok")


async def test_greetings_are_answered_with_how_to_link_and_never_lock_anyone_out(school):
    code = await school.invite_parent("HS001")
    zalo_code = await school.invite_parent("HS002")
    mother = school.api.person(6001, "Mẹ Anh")
    async with LocalZaloApi("5566778899:ZALO-test-token") as zalo, both_channels_running(school, zalo):
        father = zalo.person("zl-bo", "Bố Ánh")
        mother.send_command("/start")
        assert (await mother.next_message()).text.startswith("Xin chào! Bạn chưa được liên kết")
        for text in CHATTER * 2:
            assert (await mother.ask(text)).text.startswith("Xin chào! Bạn chưa được liên kết"), text
            assert (await father.ask(text)).text.startswith("Chào bạn! Đây là Sổ điểm điện tử"), text
        assert "phụ huynh của Nguyễn Văn Bình" in (await mother.ask(code)).text
        assert (await father.ask(zalo_code)).text.startswith("Đã liên kết!")
        both = await father.ask(await school.invite_parent("HS003"))  # a second child, on Zalo too
        assert "Trần Thị Ánh" in both.text and "Lê Minh Anh" in both.text
    async with school.database.session() as session:
        assert await session.scalar(select(LinkAttemptRow.id).where(LinkAttemptRow.ok.is_(False))) is None


async def test_revoking_a_teacher_cancels_the_codes_they_have_not_used(school):
    used, spare = await school.invite_staff("GV01"), await school.invite_staff("GV01")
    teacher, stranger = school.api.person(6101, "Toàn"), school.api.person(6102, "Người lạ")
    async with school.bot_running():
        teacher.send_command(f"/start {used}")
        assert (await teacher.next_message()).text.startswith("Xin chào Trần Văn Toàn!")
        await school.revoke("GV01")
        assert (await stranger.ask(spare)).text.startswith("Mã này đã hết hạn.")
        assert (await teacher.ask("/menu")).text.startswith("Xin chào! Bạn chưa được liên kết")


async def test_codes_kept_as_plain_hashes_still_link_after_the_upgrade(school):
    old_code = await school.invite_staff("CB02")
    async with UnitOfWork(school.database) as uow:  # as the code was kept before keyed hashes
        plain = hashlib.sha256(old_code.encode()).hexdigest()
        keyed = hash_code(old_code, uow.identity.code_key)
        await uow.session.execute(
            update(InviteRow).where(InviteRow.code_hash == keyed).values(code_hash=plain)
        )
        await uow.commit()
    await asyncio.to_thread(downgrade, school.database.url, "0008")
    await asyncio.to_thread(upgrade, school.database.url)
    async with school.database.session() as session:
        stored = list(await session.scalars(select(InviteRow.code_hash)))
        assert stored == [keyed], "the plain hash is gone, the keyed one is in its place"
    pho = school.api.person(6201, "Phó")
    async with school.bot_running():
        pho.send_command(f"/start {old_code}")
        assert (await pho.next_message()).text.startswith("Xin chào Phạm Văn Phó!")
