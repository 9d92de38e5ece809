"""The school nurse (issue 22): added with `sodiem staff add --role nurse`, she records a class's health
checks in one message and imports a sheet (bad rows reported, nothing half-written), and writes a
health notice that reaches only the one child's parents once a vice-principal approves it. The
homeroom teacher reads their class's checks; a subject teacher of the class is refused, and recorded."""

import asyncio
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from domain.health import Check
from storage.models import ClassRow, OutboxRow, RefusalRow, StudentRow
from storage.models.health import HealthCheckRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import join_parents
from tests.bot.test_score_entry import link
from tests.storage.helpers import write_csv

NURSE_CODE = "YT01"
SHEET_HEADERS = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày khám",
    "Chiều cao (cm)",
    "Cân nặng (kg)",
    "Thị lực mắt trái",
    "Thị lực mắt phải",
    "Ghi chú",
]


def sodiem(url: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cli.main", "--database", url, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


async def add_nurse(school) -> None:
    added = await asyncio.to_thread(
        sodiem,
        school.database.url,
        "staff",
        "add",
        "--name",
        "Đỗ Thị Yến",
        "--role",
        "nurse",
        "--code",
        NURSE_CODE,
    )
    assert added.returncode == 0, added.stderr
    assert "Đỗ Thị Yến" in added.stdout


async def checks_in_db(database) -> dict[str, tuple]:
    async with UnitOfWork(database, read_only=True) as uow:
        rows = await uow.session.execute(
            select(StudentRow.code, HealthCheckRow).join(
                StudentRow, StudentRow.id == HealthCheckRow.student_id
            )
        )
        return {
            code: (
                row.checked_on,
                row.height_tenths,
                row.weight_tenths,
                row.eye_left,
                row.eye_right,
                row.notes,
            )
            for code, row in rows
        }


async def count_checks(database) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.session.scalar(select(func.count()).select_from(HealthCheckRow))


async def open_health(person, choice: str, class_name: str):
    person.send_command("/suckhoe")
    menu = await person.wait_for(lambda m: choice in m.button_texts)
    person.press(choice, menu)
    classes = await person.wait_for(lambda m: m.text == "Chọn lớp:" and class_name in m.button_texts)
    person.press(class_name, classes)


async def test_the_nurse_records_checks_in_chat_and_by_a_sheet_with_every_bad_row_named(
    school, tmp_path: Path
):
    await add_nurse(school)
    nurse = school.api.person(7001, "Y tế")
    async with school.bot_running():
        await link(school, nurse, NURSE_CODE)
        menu = await nurse.ask("/menu")
        assert menu.button_texts == ["🩺 Sức khỏe học sinh", "🌐 Ngôn ngữ / Language", "❓ Trợ giúp"]
        assert menu.text.startswith("Đỗ Thị Yến — Nhân viên y tế")
        await open_health(nurse, "Nhập kết quả khám", "6A")
        prompt = await nurse.wait_for(
            lambda m: m.text.startswith("Kết quả khám sức khỏe lớp 6A, ngày 14/10/2025")
        )
        assert prompt.text.endswith("1. Lê Minh Anh\n2. Trần Thị Ánh\n3. Nguyễn Văn Bình")

        refused = await nurse.ask(
            "1 1455 38 10/10 8/10\n2 140 abc 10/10 11/10\n\n9 140 35 10/10 10/10\n3 150"
        )
        assert refused.text.splitlines() == [
            "Chưa lưu gì: có 5 lỗi. Sửa rồi gửi lại cả tin nhắn.",
            "Dòng 1: chiều cao 1.455 cm khó tin: phải từ 50 đến 220 cm. Kiểm tra lại (có nhầm mét và cm?).",
            "Dòng 2: cân nặng «abc» không phải là số (ví dụ 38).",
            "Dòng 2: thị lực «11/10» không hợp lệ: viết từ 1/10 đến 10/10 (ví dụ 8/10).",
            "Dòng 4: lớp không có học sinh số (hoặc mã) «9».",
            "Dòng 5: «3 150» thiếu giá trị: cần số thứ tự, chiều cao, cân nặng, mắt trái, mắt phải.",
        ]
        assert await checks_in_db(school.database) == {}

        saved = await nurse.ask("1 145,5 38 10/10 8/10 cận nhẹ, đã báo phụ huynh\nHS001 150 42,5 9/10 9/10")
        assert saved.text.startswith(
            "✅ Đã lưu kết quả khám của 2 học sinh (2 mới, 0 thay kết quả cùng ngày)"
        )
        assert await checks_in_db(school.database) == {
            "HS003": (date(2025, 10, 14), 1455, 380, "10/10", "8/10", "cận nhẹ, đã báo phụ huynh"),
            "HS001": (date(2025, 10, 14), 1500, 425, "9/10", "9/10", ""),
        }

        bad = (
            SHEET_HEADERS,
            [
                [1, "HS003", "Lê Minh Anh", "20/10/2025", "146", "38,5", "10/10", "9/10", ""],
                [2, "HS002", "Trần Thị Ánh", "20/10/2025", "15", "36", "10/10", "10/10", ""],
                [3, "HS004", "Phạm Thu Ân", "20/10/2025", "140", "33", "10/10", "10/10", ""],
                [4, "HS001", "Nguyễn Văn Bình", "31/02/2025", "151", "160", "10/10", "10/10", ""],
            ],
        )
        sheet = write_csv(tmp_path / "kham-6A.csv", bad[1], headers=bad[0])
        result = await asyncio.to_thread(
            sodiem, school.database.url, "health", "import", str(sheet), "--class", "6a"
        )
        assert result.returncode == 2
        assert result.stderr.splitlines()[1:] == [
            "  - Dòng 3, cột «Chiều cao (cm)»: chiều cao 15 cm khó tin: phải từ 50 đến 220 cm. "
            "Kiểm tra lại (có nhầm mét và cm?).",
            "  - Dòng 4, cột «Mã học sinh»: học sinh mã HS004 không học lớp 6A.",
            "  - Dòng 5, cột «Ngày khám»: ngày khám «31/02/2025» không đọc được: viết dd/mm/yyyy.",
            "  - Dòng 5, cột «Cân nặng (kg)»: cân nặng 160 kg khó tin: phải từ 8 đến 150 kg. Kiểm tra lại.",
        ]
        assert await count_checks(school.database) == 2, "nothing of a refused sheet is written"

        good = [row for row in bad[1] if row[1] in ("HS003", "HS002")]
        good[1][4] = "139,5"
        sheet = write_csv(tmp_path / "kham-6A.csv", good, headers=SHEET_HEADERS)
        dry = await asyncio.to_thread(
            sodiem, school.database.url, "health", "import", str(sheet), "--class", "6A", "--dry-run"
        )
        assert dry.returncode == 0, dry.stderr
        assert "Sẽ nhập kết quả khám lớp 6A: 2 dòng, không có lỗi." in dry.stdout
        assert await count_checks(school.database) == 2
        done = await asyncio.to_thread(
            sodiem, school.database.url, "health", "import", str(sheet), "--class", "6A"
        )
        assert done.returncode == 0, done.stderr
        assert "Đã nhập kết quả khám lớp 6A: 2 dòng (2 mới, 0 thay kết quả cùng ngày)." in done.stdout
        assert await count_checks(school.database) == 4

        nurse.press("Nhập thêm cho lớp này", saved)  # a sheet sent in the chat, read as the command does
        await nurse.wait_for(lambda m: m.text.startswith("Kết quả khám sức khỏe lớp 6A"))
        rows = [
            [1, "HS001", "Nguyễn Văn Bình", "10/10/2025", "149", "42", "9/10", "9/10", ""],
            [2, "HS002", "Trần Thị Ánh", "15/10/2025", "139", "36", "10/10", "10/10", ""],
        ]
        sheet = write_csv(tmp_path / "chat.csv", rows, headers=SHEET_HEADERS).read_bytes()
        nurse.mark_read()
        nurse.send_document(sheet, "kham-6A.csv")
        problems = await nurse.next_message()
        assert problems.text.splitlines() == [
            "Chưa lưu gì: có 1 lỗi. Sửa rồi gửi lại cả tin nhắn.",
            "Dòng 3, cột «Ngày khám»: ngày khám 15/10/2025 là ngày chưa tới.",
        ]
        sheet = write_csv(tmp_path / "chat.csv", rows[:1], headers=SHEET_HEADERS).read_bytes()
        nurse.mark_read()
        nurse.send_document(sheet, "kham-6A.csv")
        assert (await nurse.next_message()).text.startswith("✅ Đã lưu kết quả khám của 1 học sinh (1 mới")
        assert await count_checks(school.database) == 5

        await open_health(nurse, "Xem kết quả khám", "6A")
        table = await nurse.wait_for(lambda m: m.text.startswith("🩺 Kết quả khám gần nhất — lớp 6A"))
    assert table.text.splitlines()[1:] == [
        "1. Lê Minh Anh: 20/10/2025: cao 146 cm, nặng 38,5 kg (BMI 18,1), thị lực 10/10 – 9/10",
        "2. Trần Thị Ánh: 20/10/2025: cao 139,5 cm, nặng 36 kg (BMI 18,5), thị lực 10/10 – 10/10",
        "3. Nguyễn Văn Bình: 14/10/2025: cao 150 cm, nặng 42,5 kg (BMI 18,9), thị lực 9/10 – 9/10",
    ]


async def test_a_health_notice_reaches_only_the_childs_parents_after_approval(school):
    await add_nurse(school)
    nurse = school.api.person(7001, "Y tế")
    vice = school.api.person(7002, "Phó hiệu trưởng")
    teacher = school.api.person(7003, "Cô Văn")  # GV02: homeroom 6B, teaches Ngữ văn in 6A
    text = "Kết quả khám mắt: em Bình cận thị 2 độ mắt phải. Gia đình nên đưa em đi khám chuyên khoa."
    async with school.bot_running():
        await link(school, nurse, NURSE_CODE)
        await link(school, vice, "CB02")
        await link(school, teacher, "GV02")
        parents = await join_parents(school, ["HS001", "HS002", "HS003", "HS004"], 8000)

        await open_health(nurse, "Viết thông báo sức khỏe", "6A")
        children = await nurse.wait_for(lambda m: "3. Nguyễn Văn Bình" in m.button_texts)
        assert children.button_texts[0] == "Phụ huynh cả lớp"
        nurse.press("3. Nguyễn Văn Bình", children)
        await nurse.wait_for(
            lambda m: m.text.startswith("Thông báo cho Sức khỏe — em Nguyễn Văn Bình (lớp 6A)")
        )
        preview = await nurse.ask(text)
        nurse.press("📨 Gửi Phó hiệu trưởng duyệt", preview)
        await nurse.wait_for(lambda m: m.text.startswith("Đã gửi thông báo tới"))

        request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        assert "Gửi tới: Sức khỏe — em Nguyễn Văn Bình (lớp 6A) — Phụ huynh (1 người)" in request.text
        assert request.text.endswith(text)
        approve = request.find_button("✅ Duyệt và gửi")["callback_data"]
        teacher.press_data(teacher.last_message.message_id, approve)  # forged by a teacher
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        nurse.press_data(nurse.last_message.message_id, approve)  # forged by the author
        await nurse.wait_for(lambda m: m.text.startswith("Xin lỗi") or "lãnh đạo khác" in m.text)
        await asyncio.sleep(1)
        assert not any(m.text.startswith("🩺") for p in parents for m in p.messages), (
            "nothing before approval"
        )

        vice.press("✅ Duyệt và gửi", request)
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt. Đang gửi tới 1 người"))
        await nurse.wait_for(lambda m: "đã duyệt thông báo của bạn" in m.text)
        received = await parents[0].wait_for(lambda m: m.text.startswith("🩺"))
        await school.outbox_settled()
        await asyncio.sleep(0.5)
    assert received.text == f"🩺 Thông báo sức khỏe — Trường THCS Thử\n\n{text}"
    health = [[m.text for m in p.messages if m.text.startswith("🩺")] for p in parents]
    assert health == [[received.text], [], [], []], "only Bình's parent, once"
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 1
        refusals = sorted((await uow.session.scalars(select(RefusalRow.action))).all())
    assert refusals == ["notice-decision", "notice-decision"]


async def test_the_homeroom_teacher_reads_the_class_checks_and_a_subject_teacher_is_refused(school):
    async with UnitOfWork(school.database) as uow:
        ids = dict((await uow.session.execute(select(StudentRow.code, StudentRow.id))).all())
        class_6a = await uow.session.scalar(select(ClassRow.id).where(ClassRow.name == "6A"))
        check = Check(ids["HS002"], date(2025, 10, 1), Decimal("141.5"), Decimal("35"), "7/10", "6/10", "cận")
        await uow.health.save([check], None, school.clock())
        await uow.commit()
    homeroom = school.api.person(7101, "Thầy Toàn")  # GV01: homeroom 6A
    other = school.api.person(7102, "Cô Văn")  # GV02: homeroom 6B, teaches Ngữ văn in 6A
    async with school.bot_running():
        await link(school, homeroom, "GV01")
        await link(school, other, "GV02")
        homeroom.send_command("/suckhoe")
        classes = await homeroom.wait_for(lambda m: m.text == "Chọn lớp:")
        assert classes.button_texts[0] == "6A" and "6B" not in classes.button_texts
        homeroom.press("6A", classes)
        table = await homeroom.wait_for(lambda m: m.text.startswith("🩺 Kết quả khám gần nhất — lớp 6A"))
        assert (
            "2. Trần Thị Ánh: 01/10/2025: cao 141,5 cm, nặng 35 kg (BMI 17,5), thị lực 7/10 – 6/10; cận"
            in (table.text)
        )
        assert "1. Lê Minh Anh: chưa khám" in table.text

        other.send_command("/suckhoe")
        mine = await other.wait_for(lambda m: m.text == "Chọn lớp:")
        assert "6A" not in mine.button_texts and "6B" in mine.button_texts
        other.press_data(mine.message_id, f"sk:cview:{class_6a}")  # a forged press for 6A
        await other.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        other.press_data(mine.message_id, f"sk:n:{class_6a}:{ids['HS002']}")  # a forged health notice
        await other.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        await asyncio.sleep(0.5)
    assert not any("Trần Thị Ánh" in m.text or "141,5" in m.text for m in other.messages)
    async with UnitOfWork(school.database, read_only=True) as uow:
        refusals = sorted((await uow.session.scalars(select(RefusalRow.action))).all())
    assert refusals == ["health", "health-view"]
