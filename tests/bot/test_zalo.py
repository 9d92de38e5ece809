"""Parents on Zalo: a parent links with the code from their slip, receives the approved class notice and
the report card as text (in pieces within 2,000 characters), asks ``ketqua`` and sees only their own
child's released results; a parent linked on Telegram and then on Zalo receives one copy, on Zalo."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import zalo as zalo_front
from bot.app import build_application
from bot.config import load_settings
from domain.errors import DomainError
from domain.identity import PersonKind, PersonRef, create_invite, hash_code
from localzalo import LocalZaloApi
from storage.models import AccountRow, RefusalRow, StaffRow, StudentRow
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.bot.conftest import TOKEN
from tests.bot.test_notices import HEADER_6A, student_codes, write_class_notice
from tests.bot.test_notices_report_cards import child
from tests.bot.test_score_entry import link
from tests.exports.conftest import fill_class
from tests.storage.helpers import ROWS

ZALO_TOKEN = "5566778899:ZALO-test-token"
CARD = "PHIẾU LIÊN LẠC · Giữa học kỳ I"


@asynccontextmanager
async def both_channels_running(
    school, zalo: LocalZaloApi, extra: dict[str, str] | None = None
) -> AsyncIterator[None]:
    """The bot as ``sodiem run`` starts it with both tokens set (and ``extra`` settings): one process,
    both channels."""
    settings = load_settings(
        {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": school.api.base_url,
            "SODIEM_ZALO_TOKEN": ZALO_TOKEN,
            "SODIEM_ZALO_API_URL": zalo.base_url,
            "SODIEM_DATABASE_URL": school.database.url,
            **(extra or {}),
        }
    )
    application = build_application(settings, school.database, school.clock, school.pacing)
    application.bot_data[zalo_front.FRONT_END_KEY].poll_seconds = 1
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def guardian_of(database, channel: str, account: str) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.session.scalar(
            select(AccountRow.guardian_id).where(
                AccountRow.channel == channel, AccountRow.external_id == account
            )
        )


async def test_a_parent_on_zalo_links_receives_the_notice_and_card_and_asks_for_results(demo_school):
    school = demo_school
    await fill_class(school.database, "6A", semesters=(1,))
    codes = (await student_codes(school.database, "6A"))[:3]
    (_, lan_child, score), (_, other_child, _) = [await child(school.database, c) for c in codes[:2]]
    teacher = school.api.person(1, "Cô chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    both = school.api.person(300, "Anh Bình")  # on Telegram first, then on Zalo
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        lan = zalo.person("zl-lan", "Chị Lan")
        assert (await lan.ask("xin chào")).text.startswith("Chào bạn! Đây là Sổ điểm điện tử")
        linked = await lan.ask(await school.invite_parent(codes[0]))
        assert linked.text.startswith(
            f"Đã liên kết! Từ nay bạn nhận trên Zalo thông báo và phiếu liên lạc của {lan_child}.\n\n"
        )
        assert (await lan.ask("ketqua")).text.startswith("Nhà trường chưa công bố kết quả nào")
        assert (await lan.ask("Trợ giúp")).text.startswith("Bạn có thể gửi:")
        absences = await lan.ask("Điểm danh")
        assert absences.text.startswith("📋 Chuyên cần đến ngày")
        assert f"• {lan_child}: cả năm học vắng có phép" in absences.text and other_child not in absences.text
        assert (await lan.ask("ABCDE-FGH23")).text.startswith("Mã này không đúng")

        both.send_command(f"/start {await school.invite_parent(codes[1])}")
        await both.wait_for(lambda m: len(m.buttons) > 0)
        async with UnitOfWork(school.database) as uow:
            guardian = PersonRef(PersonKind.GUARDIAN, await guardian_of(school.database, "telegram", "300"))
            school.clock.now = school.clock.now.replace(minute=5)  # linked on Zalo after Telegram
            second_slip = await create_invite(uow.identity, guardian, school.clock())
            await uow.commit()
        binh = zalo.person("zl-binh", "Anh Bình")
        assert f"phiếu liên lạc của {other_child}." in (await binh.ask(second_slip.code)).text
        assert await guardian_of(school.database, "zalo", "zl-binh") == guardian.id

        long_notice = "Kế hoạch tham quan cuối tuần.\n" + "\n".join(
            f"{n}. Các em mang theo nước uống, mũ nón và giấy bút để ghi chép." for n in range(1, 45)
        )
        assert 2000 < len(long_notice) <= 3500
        await write_class_notice(teacher, long_notice)
        vice.press(
            "✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        )
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))
        last_line = long_notice.splitlines()[-1]
        for parent in (lan, binh):
            await parent.wait_for(lambda m: last_line in m.text, timeout=30)
            received = [m.text for m in parent.messages][-2:]
            assert all(len(text) <= 2000 for text in received)
            body, receipt = "".join(received).rsplit("\n\n", 1)  # Zalo has no button: the words to send
            assert receipt.startswith("Khi đã đọc, xin trả lời: da xem ")
            assert body.replace(f"{HEADER_6A}\n\n", "") == long_notice
            assert received[0].startswith(HEADER_6A)
        await school.outbox_settled()  # every copy sent: none more can come
        assert not any(m.text.startswith(HEADER_6A) for m in both.messages)  # one copy: on Zalo

        teacher.send_command("/phieulienlac")
        teacher.press("Giữa học kỳ I", await teacher.wait_for(lambda m: "Giữa học kỳ I" in m.button_texts))
        prepared = await teacher.wait_for(
            lambda m: m.text.startswith("Phiếu liên lạc lớp 6A — Giữa học kỳ I:")
        )
        teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
        request = await vice.wait_for(lambda m: m.text.startswith("🗂 Phiếu liên lạc chờ duyệt"))
        vice.press("✅ Duyệt và gửi phụ huynh", request)
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))

        card = await lan.wait_for(lambda m: m.text.startswith(CARD), timeout=30)
        assert f"Họ và tên: {lan_child}" in card.text and other_child not in card.text
        toan = next(line for line in card.text.splitlines() if line.startswith("• Toán — "))
        assert toan.endswith(f"ĐĐGgk: {score}")
        assert all(len(m.text) <= 2000 for m in lan.messages)
        await binh.wait_for(lambda m: m.text.startswith(CARD) and other_child in m.text, timeout=30)
        await school.outbox_settled()  # every copy sent: none more can come
        assert not any(m.file is not None or m.text.startswith("PHIẾU") for m in both.messages[-3:])

        choices = await lan.ask("ketqua")
        assert choices.text == "Gửi 1 để xem Giữa học kỳ I."
        again = await lan.ask("1")
        assert again.text.startswith(CARD) and f"Họ và tên: {lan_child}" in again.text
        assert other_child not in again.text
        assert (await lan.ask("7")).text.startswith("Hãy gửi một số từ 1 đến 1")

        async with UnitOfWork(school.database) as uow:  # as if the choices had been another child's
            dialog = await uow.identity.dialog("zalo", "zl-lan")
            other_id = (await child(school.database, codes[1]))[0]
            await uow.identity.save_dialog(
                "zalo",
                "zl-lan",
                dialog.flow,
                dialog.step,
                {"items": [[other_id, dialog.data["items"][0][1]]]},
                school.clock(),
            )
            await uow.commit()
        assert (await lan.ask("1")).text.startswith("Kết quả này không còn xem được")
        async with UnitOfWork(school.database, read_only=True) as uow:
            refused = await uow.session.scalar(select(RefusalRow).where(RefusalRow.channel == "zalo"))
        assert refused.action == "released-results"

        vice.send_command("/thongbao")
        await asyncio.sleep(0.5)

    copies = [m for m in zalo.sent_messages("zl-lan") if m.text.startswith(CARD)]
    assert len(copies) == 2  # the delivered card and the one asked for
    assert zalo.calls["sendPhoto"] == 0  # no SODIEM_PUBLIC_URL: the card as text only
    assert [r for r in zalo.refusals if not r.injected] == []


async def invite_now(school, staff_code: str | None, student_code: str | None = None) -> str:
    """A code valid by the wall clock, which a process of its own runs on."""
    async with UnitOfWork(school.database) as uow:
        if staff_code:
            staff_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == staff_code))
            invite = await create_invite(
                uow.identity, PersonRef(PersonKind.STAFF, staff_id), datetime.now(UTC)
            )
        else:
            student_id = await uow.session.scalar(
                select(StudentRow.id).where(StudentRow.code == student_code)
            )
            invite = await create_invite(uow.identity, None, datetime.now(UTC), student_id)
        await uow.commit()
    return invite.code


async def test_sodiem_run_with_only_a_zalo_token_serves_parents_on_zalo(school):
    """``sodiem run`` in a process of its own with SODIEM_ZALO_TOKEN and no Telegram token: a parent
    links and receives what the outbox holds for them; a staff member's code is left for Telegram."""
    async with LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits) as zalo:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SODIEM_")}
        env.update(
            SODIEM_ZALO_TOKEN=ZALO_TOKEN,
            SODIEM_ZALO_API_URL=zalo.base_url,
            SODIEM_DATABASE_URL=school.database.url,
            SODIEM_AUDIT_KEY_FILE=os.environ["SODIEM_AUDIT_KEY_FILE"],  # start-up needs the school key
        )
        command = [str(Path(sys.executable).with_name("sodiem")), "run"]
        process = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.PIPE)
        try:
            started = await asyncio.wait_for(process.stdout.readline(), 60)
            assert zalo.base_url.split("/bot")[0] in started.decode()
            lan = zalo.person("zl-lan", "Chị Lan")
            code = await invite_now(school, None, ROWS[0][1])
            assert (await lan.ask(code, timeout=40)).text.startswith("Đã liên kết!")
            staff_code = await invite_now(school, "GV01")
            assert (await lan.ask(staff_code)).text.startswith("Trên Zalo, Sổ điểm chỉ phục vụ phụ huynh")
            async with UnitOfWork(school.database) as uow:
                outgoing = Outgoing("zalo-alone", "zalo", "zl-lan", "Chị Lan", "Lịch họp phụ huynh 18/10")
                await uow.outbox.enqueue([outgoing], datetime.now(UTC))
                await uow.commit()
            await lan.wait_for(lambda m: m.text == "Lịch họp phụ huynh 18/10", timeout=10)
        finally:
            process.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(process.wait(), 30) == 0

    async with UnitOfWork(school.database, read_only=True) as uow:  # the code still works on Telegram
        assert not (await uow.identity.find_invite(hash_code(staff_code, uow.identity.code_key))).used


def test_zalo_settings_are_read_and_a_malformed_one_is_named():
    settings = load_settings({"SODIEM_ZALO_TOKEN": ZALO_TOKEN})
    assert settings.token is None and settings.zalo_token == ZALO_TOKEN
    assert settings.zalo_api_url == "https://bot-api.zaloplatforms.com/bot"
    for name, value in (("SODIEM_ZALO_TOKEN", "no-colon"), ("SODIEM_ZALO_API_URL", "ftp://x")):
        with pytest.raises(DomainError) as refused:
            load_settings({"SODIEM_ZALO_TOKEN": ZALO_TOKEN, name: value})
        assert refused.value.params["name"] == name
