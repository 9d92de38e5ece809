"""A leader never approves what they wrote: a vice-principal's notice goes to the principal (the school
has no other vice-principal), pressing Approve on one's own is refused and recorded; and what cannot
be seen (a right-to-left override, zero-width spaces) never reaches a parent."""

from __future__ import annotations

from sqlalchemy import select

from domain.notices import APPROVER_SETTING
from domain.school import Role
from storage.models import NoticeRow, RefusalRow, StaffRoleRow, StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link

TYPED = "Họp\u200b phụ huynh \u202eT7 18/10\u202c lúc 7g30.\ufeff"
SENT = "Họp phụ huynh T7 18/10 lúc 7g30."


async def test_a_vice_principals_notice_is_approved_by_the_principal_never_by_its_author(school):
    vice, principal = school.api.person(7101, "Thầy Phó"), school.api.person(7102, "Cô Hiệu trưởng")
    async with school.bot_running():
        await link(school, vice, "CB02")
        await link(school, principal, "CB01")
        preview, submit, submitted = await write_school_notice(vice, TYPED)
        assert f"\n\n{SENT}\n\n" in preview
        assert submit == "📨 Gửi Hiệu trưởng duyệt", "his button names who approves"
        assert "Nguyễn Thị Hạnh" in submitted.text and "Phạm Văn Phó" not in submitted.text
        request = await principal.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        assert request.text.endswith(SENT)
        notice_id = (await _notice(school)).id
        own = await vice.ask("/thongbao")
        assert not [label for label in own.button_texts if label.startswith("🕓")], "nothing of his to decide"
        vice.press_data(own.message_id, f"nt:ok:{notice_id}")
        assert (await vice.next_message()).text.startswith("Đây là việc của chính bạn")
        assert (await _notice(school)).status == "pending"
        principal.press("✅ Duyệt và gửi", request)
        await principal.wait_for(lambda m: m.text.startswith("✅ Đã duyệt."))
    notice = await _notice(school)
    assert (notice.status, notice.text) == ("approved", SENT)
    async with school.database.session() as session:
        refused = await session.scalar(
            select(RefusalRow.detail).where(RefusalRow.action == "notice-decision")
        )
    assert refused == f"own:{notice_id}"


async def write_school_notice(author, text: str):
    """The author writes a notice to every parent and submits it: (the preview's text, the submit
    button's label, the answer)."""
    author.send_command("/thongbao")
    author.press("Toàn trường", await author.wait_for(lambda m: "Toàn trường" in m.button_texts))
    author.press("Phụ huynh", await author.wait_for(lambda m: "Phụ huynh" in m.button_texts))
    await author.wait_for(lambda m: m.text.startswith("Thông báo cho Toàn trường — Phụ huynh."))
    author.send_text(text)  # a leader may be sent an approval request meanwhile: wait for the preview
    preview = await author.wait_for(lambda m: any(label.startswith("📨") for label in m.button_texts))
    shown = preview.text  # the message is replaced by the answer once submitted
    submit = next(label for label in preview.button_texts if label.startswith("📨"))
    author.press(submit, preview)
    return shown, submit, await author.wait_for(lambda m: m.text.startswith("Đã gửi thông báo tới"))


async def _notice(school) -> NoticeRow:
    async with school.database.session() as session:
        return await session.scalar(select(NoticeRow))


async def test_a_principal_alone_has_the_notice_approved_by_whom_the_school_names(school):
    principal, admin = school.api.person(7111, "Cô Hiệu trưởng"), school.api.person(7112, "Thầy Quản trị")
    async with UnitOfWork(school.database) as uow:
        admin_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "CB03"))
        await uow.school.change_settings(**{APPROVER_SETTING: admin_id})
        await uow.commit()
    async with school.bot_running():
        await link(school, principal, "CB01")  # the vice-principal does not use the bot
        await link(school, admin, "CB03")
        _, submit, submitted = await write_school_notice(principal, SENT)
        assert submit == "📨 Gửi Đỗ Quản Trị duyệt"
        assert "Đỗ Quản Trị" in submitted.text and "Nguyễn Thị Hạnh" not in submitted.text
        request = await admin.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        admin.press("✅ Duyệt và gửi", request)
        await admin.wait_for(lambda m: m.text.startswith("✅ Đã duyệt."))
    assert (await _notice(school)).status == "approved"


async def test_a_vice_principals_submit_button_names_another_vice_principal(school):
    vice, other = school.api.person(7121, "Thầy Phó"), school.api.person(7122, "Thầy Quản trị")
    async with UnitOfWork(school.database) as uow:
        admin_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "CB03"))
        uow.session.add(StaffRoleRow(staff_id=admin_id, role=Role.VICE_PRINCIPAL.value))
        await uow.commit()
    async with school.bot_running():
        await link(school, vice, "CB02")
        await link(school, other, "CB03")
        _, submit, submitted = await write_school_notice(vice, SENT)
        assert submit == "📨 Gửi Phó hiệu trưởng khác duyệt"
        assert "Đỗ Quản Trị" in submitted.text and "Phạm Văn Phó" not in submitted.text
        _, submit, _ = await write_school_notice(other, SENT)
        assert submit == "📨 Gửi Phó hiệu trưởng khác duyệt"
