"""The vice-principal looks at how far score entry has come, mid-October: who is behind comes first."""

from sqlalchemy import func, select

from bot.conversations.progress import paginate
from bot.handlers.common import MESSAGE_LIMIT, telegram_length
from domain.entry import Column
from domain.windows import ColumnKind
from locales import translator
from services.progress import progress_summary
from storage.changes import Author
from storage.models import RefusalRow, StaffRoleRow, StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link

# due by 14/10 (39 of the 108 days before the end-of-term tests): the first regular column of the
# subjects with three or four of them
DUE_SUBJECTS = ("NV", "TOAN", "NN1", "LSDL", "KHTN")
FIRST_REGULAR = Column(ColumnKind.REGULAR, 1)


async def enter_first_regular_columns(school, skip: set[tuple[str, str]]) -> None:
    """The first regular column of every due subject in 6A and 6B, but for (class, student code) pairs
    of Ngữ văn in ``skip``."""
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        subjects = await uow.school.subject_rows()
        author = Author(None, "test", "", school.clock())
        for class_name in ("6A", "6B"):
            class_row = await uow.school.class_row(class_name)
            students = await uow.roster.class_list(class_name)
            for code in DUE_SUBJECTS:
                values = {s.id: "8" for s in students if code != "NV" or (class_name, s.code) not in skip}
                await uow.gradebook.save_column(
                    class_row.id, subjects[code].id, year.id, 1, FIRST_REGULAR, values, author
                )
        await uow.commit()


async def test_the_vice_principal_sees_the_class_furthest_behind_first(school):
    # Ngữ văn: nothing yet in 6B (one student), one student of 6A still without a score
    await enter_first_regular_columns(school, skip={("6A", "HS003"), ("6B", "HS004")})
    vice = school.api.person(21, "Phó")
    async with school.bot_running():
        await link(school, vice, "CB02")
        menu = vice.last_message
        vice.press("📈 Tiến độ nhập điểm", menu)
        report = await vice.wait_for(lambda m: m.text.startswith("Tiến độ nhập điểm"))
        help_text = (await vice.ask("/trogiup")).text
    assert "/tiendo /progress — Tiến độ nhập điểm theo lớp, môn, giáo viên" in help_text
    assert "/phodiem /distribution — Phổ điểm" in help_text
    lines = report.text.splitlines()
    assert lines[0] == "Tiến độ nhập điểm · HK 1 (từ 05/09/2025 đến 14/10/2025)"
    assert lines[1:4] == [
        "Đã nhập 18/20 giá trị cần có đến nay (90%); 8/10 môn–lớp đã đủ.",
        "",
        "Chậm nhất xếp trước:",
    ]
    assert lines[4:6] == [
        "1. 6B · Ngữ văn · Lê Thị Văn: 0/1 (0%)",
        "2. 6A · Ngữ văn · Lê Thị Văn: 2/3 (66,7%)",
    ]
    assert lines[6] == "3. 6A · Khoa học tự nhiên · chưa phân công: 3/3 (100%)"
    assert len(lines) == 4 + 10 and report.button_texts == ["⬅ Quay lại"]

    async with UnitOfWork(school.database, read_only=True) as uow:
        summary = await progress_summary(uow, translator("vi"), school.clock())
    assert "Các môn–lớp chậm nhất:\n1. 6B · Ngữ văn · Lê Thị Văn: 0/1 (0%)\n2. 6A · Ngữ văn" in summary
    assert "3. " not in summary and summary.endswith("Xem đầy đủ: /tiendo")


async def test_a_department_head_sees_only_the_department_and_a_subject_teacher_is_refused(school):
    await enter_first_regular_columns(school, skip=set())
    async with UnitOfWork(school.database) as uow:  # GV01 heads the Toán - Tin department
        staff_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
        uow.session.add(StaffRoleRow(staff_id=staff_id, role="department-head"))
        await uow.commit()
    head, teacher = school.api.person(31, "Toàn"), school.api.person(32, "Văn")
    async with school.bot_running():
        await link(school, head, "GV01")
        await link(school, teacher, "GV02")
        assert "📈 Tiến độ nhập điểm" not in teacher.last_message.button_texts
        assert "📈 Tiến độ nhập điểm" in head.last_message.button_texts
        head.send_command("/tiendo")
        report = await head.wait_for(lambda m: m.text.startswith("Tiến độ nhập điểm"))
        assert [line.split(":")[0] for line in report.text.splitlines()[4:]] == [
            "1. 6A · Toán · Trần Văn Toàn",
            "2. 6B · Toán · Trần Văn Toàn",
        ]
        teacher.send_command("/tiendo")
        refused = await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        teacher.press_data(refused.message_id, "td:pg:0")  # a forged page button
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
    async with school.database.session(read_only=True) as session:
        refusals = await session.scalar(
            select(func.count()).select_from(RefusalRow).where(RefusalRow.action == "progress")
        )
    assert refusals == 2


async def test_a_department_head_outside_any_department_is_told_why_there_is_nothing(school):
    async with UnitOfWork(school.database) as uow:
        staff = await uow.session.scalar(select(StaffRow).where(StaffRow.code == "GV02"))
        staff.department_id = None
        uow.session.add(StaffRoleRow(staff_id=staff.id, role="department-head"))
        await uow.commit()
    head = school.api.person(33, "Văn")
    async with school.bot_running():
        await link(school, head, "GV02")
        answer = await head.ask("/tiendo")
    assert answer.text.startswith("Chưa có môn nào để bạn theo dõi")
    assert "cột «Tổ chuyên môn»" in answer.text


def test_pages_fit_a_telegram_message_however_long_the_names():
    lines = [f"{n}. 6A · {'Giáo dục công dân ' * 6} · {'Nguyễn Thị Thanh Hương ' * 5}" for n in range(60)]
    pages = paginate("Tiến độ nhập điểm\n", lines)
    assert all(telegram_length(page) <= MESSAGE_LIMIT for page in pages)
    assert sum(page.count("\n") for page in pages) >= 60 and all(p.startswith("Tiến độ") for p in pages)
