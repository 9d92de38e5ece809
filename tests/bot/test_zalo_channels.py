"""Parents on Zalo, second part: the report card as a picture the platform fetches from sodiem's web
server, a parent's choice of channel (Telegram, Zalo or both), and the Zalo front end behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import select

from bot import zalo as zalo_front
from bot.config import load_settings
from domain.errors import DomainError
from domain.identity import PersonKind, PersonRef, create_invite, redeem_invite
from localzalo import LocalZaloApi
from storage.models import AccountRow, ChangeRow, StudentRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import HEADER_6A, student_codes, write_class_notice
from tests.bot.test_notices_report_cards import child
from tests.bot.test_score_entry import link
from tests.bot.test_zalo import CARD, ZALO_TOKEN, both_channels_running, guardian_of, invite_now
from tests.exports.conftest import fill_class
from tests.ports import free_port
from tests.storage.helpers import ROWS

SECRET = "zalo-webhook-s3cret"


async def release_midterm_cards(teacher, vice) -> None:
    teacher.send_command("/phieulienlac")
    teacher.press("Giữa học kỳ I", await teacher.wait_for(lambda m: "Giữa học kỳ I" in m.button_texts))
    prepared = await teacher.wait_for(
        lambda m: m.text.startswith("Phiếu liên lạc lớp 6A — Giữa học kỳ I:"), timeout=60
    )
    teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
    vice.press("✅ Duyệt và gửi phụ huynh", await vice.wait_for(lambda m: m.text.startswith("🗂 Phiếu")))
    await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))


async def approve_notice(teacher, vice, text: str) -> None:
    await write_class_notice(teacher, text)
    vice.press("✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt")))
    await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))


async def test_a_parent_on_zalo_receives_the_card_as_text_and_as_a_picture_fetched_from_the_school(
    demo_school,
):
    school = demo_school
    await fill_class(school.database, "6A", semesters=(1,))
    code = (await student_codes(school.database, "6A"))[0]
    _, lan_child, score = await child(school.database, code)
    teacher = school.api.person(1, "Cô chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = {"SODIEM_PUBLIC_URL": public, "SODIEM_PUBLIC_LISTEN": f"127.0.0.1:{port}"}
    async with (
        LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits) as zalo,
        both_channels_running(school, zalo, settings),
        aiohttp.ClientSession() as http,
    ):
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        lan = zalo.person("zl-lan", "Chị Lan")
        assert (await lan.ask(await school.invite_parent(code))).text.startswith("Đã liên kết!")
        only_zalo = await lan.ask("kenh")
        assert only_zalo.text.startswith("Bạn đang nhận thông báo và phiếu liên lạc trên Zalo. Khi liên kết")

        await release_midterm_cards(teacher, vice)
        card = await lan.wait_for(lambda m: m.text.startswith(CARD), timeout=30)
        assert f"Họ và tên: {lan_child}" in card.text
        picture = await lan.wait_for(lambda m: m.photo is not None, timeout=30)
        assert picture.seq > card.seq  # the text first, then the picture
        assert picture.text == f"Phiếu liên lạc của {lan_child} — Giữa học kỳ I"
        assert picture.photo.startswith(f"{public}/cards/") and len(picture.photo.rsplit("/", 1)[1]) == 36

        image = Image.open(io.BytesIO(picture.photo_bytes))  # what the stand-in fetched, as Zalo would
        assert image.format == "PNG" and image.width == 1000 and image.height > 400
        grey = image.convert("L")
        dark = sum(1 for value in grey.get_flattened_data() if value < 128)
        assert 0.01 < dark / (image.width * image.height) < 0.5  # a card, not a blank page
        top = grey.crop((0, 0, image.width, 60))  # the title is drawn at the top
        assert top.getextrema()[0] < 100

        async with http.get(picture.photo) as answer:
            assert answer.status == 200 and answer.content_type == "image/png"
            assert await answer.read() == picture.photo_bytes
        guessed = picture.photo[:-10] + "AAAAAA.png"
        async with http.get(guessed) as answer:
            assert answer.status == 404
        school.clock.now += timedelta(days=31)  # pictures are served for 30 days
        async with http.get(picture.photo) as answer:
            assert answer.status == 404
        school.clock.now -= timedelta(days=31)
        await school.outbox_settled()  # every copy sent: none more can come

    pictures = [m for m in zalo.sent_messages("zl-lan") if m.photo]
    assert len(pictures) == 1 and len([m for m in lan.messages if m.text.startswith(CARD)]) == 1
    assert f"ĐĐGgk: {score}" in card.text
    assert zalo.calls["sendPhoto"] == 1 and [r for r in zalo.refusals if not r.injected] == []


async def test_a_parent_on_both_channels_chooses_both_then_zalo(demo_school):
    school = demo_school
    code = (await student_codes(school.database, "6A"))[1]
    async with UnitOfWork(school.database, read_only=True) as uow:
        binh_child = await uow.session.scalar(select(StudentRow.full_name).where(StudentRow.code == code))
    teacher = school.api.person(1, "Cô chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    on_telegram = school.api.person(300, "Anh Bình")
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        on_telegram.send_command(f"/start {await school.invite_parent(code)}")
        await on_telegram.wait_for(lambda m: len(m.buttons) > 0)
        async with UnitOfWork(school.database) as uow:  # a second slip for the same parent, for Zalo
            guardian = PersonRef(PersonKind.GUARDIAN, await guardian_of(school.database, "telegram", "300"))
            school.clock.now = school.clock.now.replace(minute=5)
            slip = await create_invite(uow.identity, guardian, school.clock())
            await uow.commit()
        on_zalo = zalo.person("zl-binh", "Anh Bình")
        assert (await on_zalo.ask(slip.code)).text.startswith("Đã liên kết!")

        def copies(person, text: str) -> int:
            return sum(
                1 for m in person.messages if m.text.startswith(HEADER_6A) and f"\n\n{text}" in m.text
            )  # Zalo: the receipt after

        first = "Thứ Hai 20/10 học sinh mặc áo dài."
        await approve_notice(teacher, vice, first)
        await on_zalo.wait_for(lambda m: first in m.text, timeout=30)
        await school.outbox_settled()  # every copy sent: none more can come
        assert (copies(on_telegram, first), copies(on_zalo, first)) == (0, 1)  # one copy by default

        choices = await on_zalo.ask("Kênh")
        assert choices.text == (
            "Bạn đang nhận thông báo và phiếu liên lạc trên Zalo. "
            "Gửi 1 để nhận trên Telegram, 2 trên Zalo, 3 trên cả Telegram và Zalo."
        )
        assert (await on_zalo.ask("4")).text == (
            "Hãy gửi 1 (Telegram), 2 (Zalo) hoặc 3 (cả Telegram và Zalo), hoặc kenh để xem lại."
        )
        chosen = await on_zalo.ask("3")
        assert chosen.text == "Đã chọn. Từ nay bạn nhận thông báo và phiếu liên lạc trên cả Telegram và Zalo."

        second = "Thứ Sáu 24/10 nghỉ học để tập huấn giáo viên."
        await approve_notice(teacher, vice, second)
        await on_telegram.wait_for(lambda m: second in m.text, timeout=30)
        await on_zalo.wait_for(lambda m: second in m.text, timeout=30)
        await school.outbox_settled()  # a copy arrives a moment before its row is marked sent
        told = await teacher.wait_for(lambda m: "đã duyệt thông báo của bạn" in m.text and second in m.text)
        teacher.press("📊 Tình hình gửi", told)
        report = await teacher.wait_for(lambda m: m.text.startswith("Thông báo số"))
        lines = report.text.splitlines()
        assert any(f"({binh_child}) (Telegram): đã gửi" in line for line in lines)
        assert any(f"({binh_child}) (Zalo): đã gửi" in line for line in lines)

        on_telegram.send_command("/kenh")
        offered = await on_telegram.wait_for(lambda m: "Cả hai" in m.button_texts)
        assert offered.text.startswith("Bạn đang nhận thông báo và phiếu liên lạc trên cả Telegram và Zalo.")
        assert offered.button_texts == ["Telegram", "Zalo", "Cả hai"]
        on_telegram.press("Zalo", offered)
        await on_telegram.wait_for(lambda m: m.text.endswith("phiếu liên lạc trên Zalo."))

        third = "Thứ Hai 27/10 kiểm tra sức khỏe định kỳ."
        await approve_notice(teacher, vice, third)
        await on_zalo.wait_for(lambda m: third in m.text, timeout=30)
        await school.outbox_settled()  # every copy sent: none more can come
        for text, expected in ((first, (0, 1)), (second, (1, 1)), (third, (0, 1))):
            assert (copies(on_telegram, text), copies(on_zalo, text)) == expected, text

        teacher.send_command("/kenh")  # staff receive on Telegram only: nothing to choose
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền làm việc này."))

    async with UnitOfWork(school.database, read_only=True) as uow:  # each choice is in the change log
        log = await uow.session.scalars(
            select(ChangeRow).where(ChangeRow.entity == "guardian_channels").order_by(ChangeRow.id)
        )
        choices = [(c.entity_key, c.old_value, c.new_value, c.channel, c.account) for c in log]
    key = str(guardian.id)
    assert choices == [(key, None, "both", "zalo", "zl-binh"), (key, "both", "zalo", "telegram", "300")]


async def test_a_parent_on_zalo_and_the_web_is_offered_exactly_those_and_chooses_the_web(demo_school):
    school = demo_school
    code = (await student_codes(school.database, "6A"))[2]
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        on_zalo = zalo.person("zl-hoa", "Chị Hoa")
        assert (await on_zalo.ask(await school.invite_parent(code))).text.startswith("Đã liên kết!")
        async with UnitOfWork(school.database) as uow:  # she signs in on the web with a second slip
            guardian = PersonRef(PersonKind.GUARDIAN, await guardian_of(school.database, "zalo", "zl-hoa"))
            school.clock.now = school.clock.now.replace(minute=5)
            slip = await create_invite(uow.identity, guardian, school.clock())
            await redeem_invite(uow.identity, "web", "123456789012345", slip.code, school.clock())
            await uow.commit()

        choices = await on_zalo.ask("kenh")
        assert choices.text == (
            "Bạn đang nhận thông báo và phiếu liên lạc trên trang web. "
            "Gửi 1 để nhận trên Zalo, 2 trên trang web, 3 trên cả Zalo và trang web."
        )
        assert (await on_zalo.ask("4")).text == (
            "Hãy gửi 1 (Zalo), 2 (trang web) hoặc 3 (cả Zalo và trang web), hoặc kenh để xem lại."
        )
        zalo_only = await on_zalo.ask("1")
        assert zalo_only.text == "Đã chọn. Từ nay bạn nhận thông báo và phiếu liên lạc trên Zalo."
        await on_zalo.ask("kenh")
        chosen = await on_zalo.ask("2")
        assert chosen.text == "Đã chọn. Từ nay bạn nhận thông báo và phiếu liên lạc trên trang web."

    async with UnitOfWork(school.database, read_only=True) as uow:
        assert await uow.identity.guardian_channels(guardian.id) == ("web", {"zalo", "web"})


@contextlib.asynccontextmanager
async def behind_a_webhook(school):
    """The Zalo front end of ``sodiem run`` behind a webhook on a free port: (local Zalo, HTTP, hook URL)."""
    port = free_port()
    hook = f"http://127.0.0.1:{port}/zalo-updates"
    async with LocalZaloApi(ZALO_TOKEN) as zalo, aiohttp.ClientSession() as http:
        settings = load_settings(
            {
                "SODIEM_ZALO_TOKEN": ZALO_TOKEN,
                "SODIEM_ZALO_API_URL": zalo.base_url,
                "SODIEM_ZALO_WEBHOOK_URL": hook,
                "SODIEM_ZALO_WEBHOOK_SECRET": SECRET,
                "SODIEM_PUBLIC_LISTEN": f"127.0.0.1:{port}",
                "SODIEM_DATABASE_URL": school.database.url,
            }
        )
        running = asyncio.create_task(zalo_front.run_alone(settings, school.database, asyncio.Event()))
        try:
            for _ in range(100):
                if zalo.webhook:
                    break
                await asyncio.sleep(0.05)
            yield zalo, http, hook
        finally:
            running.cancel()  # as Ctrl+C ends sodiem run
            with contextlib.suppress(asyncio.CancelledError):
                await running


async def test_behind_a_webhook_updates_arrive_by_post_and_a_wrong_secret_is_refused(school, caplog):
    async with behind_a_webhook(school) as (zalo, http, hook):
        assert zalo.webhook == {"url": hook, "secret_token": SECRET}
        async with http.post(f"{zalo.base_url}{zalo.token}/getUpdates", json={"timeout": 0}) as answer:
            assert answer.status == 409  # polling and a webhook exclude each other

        lan = zalo.person("zl-lan", "Chị Lan")
        linked = await lan.ask(await invite_now(school, None, ROWS[0][1]))
        assert linked.text.startswith("Đã liên kết!")
        assert (await lan.ask("tro giup")).text.startswith("Bạn có thể gửi:")
        assert zalo.webhook_posts == [200, 200] and zalo.calls["getUpdates"] == 1

        forged = {
            "event_name": "message.text.received",
            "message": {
                "message_id": "x1",
                "from": {"id": "zl-mallory", "display_name": "?", "is_bot": False},
                "chat": {"id": "zl-mallory", "chat_type": "PRIVATE"},
                "date": 0,
                "text": await invite_now(school, None, ROWS[1][1]),
            },
        }
        zalo.person("zl-mallory", "?")
        with caplog.at_level(logging.WARNING, logger="sodiem.zalo"):
            for headers in ({"X-Bot-Api-Secret-Token": "wrong-secret"}, {}):
                async with http.post(hook, json=forged, headers=headers) as answer:
                    assert answer.status == 403
        assert sum("without the right secret" in r.getMessage() for r in caplog.records) == 2
        await asyncio.sleep(1.0)
        assert zalo.sent_messages("zl-mallory") == []  # nothing answered, nobody linked
        async with UnitOfWork(school.database, read_only=True) as uow:
            accounts = await uow.session.scalars(select(AccountRow.external_id))
            assert "zl-mallory" not in set(accounts)


def test_the_public_address_and_webhook_settings(caplog):
    base = {"SODIEM_ZALO_TOKEN": ZALO_TOKEN}
    settings = load_settings({**base, "SODIEM_PUBLIC_URL": "https://truong.edu.vn/sodiem/"})
    assert settings.public_url == "https://truong.edu.vn/sodiem" and settings.public_listen == (
        "127.0.0.1",
        8090,
    )
    assert settings.zalo_webhook_url is None
    for bad in (
        {"SODIEM_ZALO_WEBHOOK_URL": "https://truong.edu.vn/zalo"},  # no secret
        {"SODIEM_ZALO_WEBHOOK_URL": "https://truong.edu.vn/zalo", "SODIEM_ZALO_WEBHOOK_SECRET": "short"},
        {"SODIEM_PUBLIC_LISTEN": "8090"},
        {"SODIEM_PUBLIC_URL": "truong.edu.vn"},
    ):
        with pytest.raises(DomainError) as refused:
            load_settings({**base, **bad})
        assert refused.value.params["name"] in bad or refused.value.params["name"].endswith("SECRET")
    with caplog.at_level(logging.WARNING, logger="sodiem.zalo"):
        channel, _, server = zalo_front._parts(load_settings(base), None, lambda: datetime.now(UTC))
    assert not channel.sends_pictures and server is None
    assert any("SODIEM_PUBLIC_URL is not set" in r.getMessage() for r in caplog.records)
