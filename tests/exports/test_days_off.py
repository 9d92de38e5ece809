"""The school's own days off (issue #17): the administrator records them with ``sodiem school days-off``,
bad input is refused and changes nothing, every change is in the audit trail, and the semester II book's
February page heads them «Nghỉ» on grey; the paper still verifies against the data. On both back ends,
from the demo school (which records Tết 2026 and Giỗ Tổ Hùng Vương itself)."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
from sqlalchemy import func, select

from domain import demo
from domain.calendar import DayOff, default_school_year
from domain.report_card import Period
from exports.gradebook import gradebook_pdf, sections
from exports.verify import verify
from locales import translator
from storage.changes import Author
from storage.models import ChangeRow
from storage.uow import UnitOfWork
from tests.cli.command import sodiem_in_process
from tests.conftest import DEMO_YEAR, copy_database
from tests.exports.layout import layout_faults

T = translator("vi")
TET = DayOff(date(2026, 2, 16), date(2026, 2, 22), "Tết Nguyên đán")
HUNG_KINGS = DayOff(date(2026, 4, 26), date(2026, 4, 27), "Giỗ Tổ Hùng Vương")


def sodiem(url: str, *args: str) -> subprocess.CompletedProcess:
    """``sodiem school days-off`` in this process (tests/cli/command.py) on the database at ``url``."""
    environment = {"SODIEM_LOCALE": "vi", "SODIEM_DATABASE_URL": url}
    return sodiem_in_process(["school", "days-off", *args], Path.cwd(), environment)


async def _state(database) -> tuple[dict, int]:
    """The school's settings and how many settings changes the audit trail holds."""
    async with UnitOfWork(database, read_only=True) as uow:
        changes = await uow.session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.entity == "school-settings")
        )
        return await uow.school.settings(), changes


async def test_the_administrator_records_tet_and_the_february_page_heads_it_on_grey(
    database, demo_template_url, tmp_path
):
    await copy_database(demo_template_url, database)
    async with UnitOfWork(database, read_only=True) as uow:
        assert await uow.calendar.days_off(DEMO_YEAR) == (TET, HUNG_KINGS)  # the demo's own
    removed = sodiem(database.url, "remove", "17/02/2026")
    assert removed.returncode == 0, removed.stderr
    assert "Đã xóa ngày nghỉ «Tết Nguyên đán»: 16/02/2026–22/02/2026" in removed.stdout
    added = sodiem(database.url, "add", "16/02/2026-22/02/2026", "Tết Nguyên đán")
    assert added.returncode == 0, added.stderr
    listed = sodiem(database.url, "list").stdout
    assert "16/02/2026  22/02/2026  7        Tết Nguyên đán" in listed
    assert "26/04/2026  27/04/2026  2        Giỗ Tổ Hùng Vương" in listed

    before = await _state(database)
    for args, said in (
        (("add", "20/02/2026", "Nghỉ thêm"), "Trùng với ngày nghỉ đã ghi «Tết Nguyên đán»"),
        (("add", "30/02/2026", "Nghỉ"), 'Ngày "30/02/2026" chưa đúng'),
        (("add", "2026-03-10", "Nghỉ"), 'Ngày "2026-03-10" chưa đúng'),
        (
            ("add", "10/03/2026-09/03/2026", "Nghỉ"),
            "Ngày kết thúc 09/03/2026 ở trước ngày bắt đầu 10/03/2026",
        ),
        (("add", "01/06/2026", "Hè"), "phải nằm trong năm học 2025-2026 (từ 05/09/2025 đến 31/05/2026)"),
        (("add", "10/03/2026", " "), "Cần một tên ngắn cho ngày nghỉ"),
        (("remove", "10/03/2026"), "Ngày 10/03/2026 không có ngày nghỉ nào được ghi"),
    ):
        refused = sodiem(database.url, *args)
        assert refused.returncode == 1 and said in refused.stderr, (args, refused.stderr)
    assert await _state(database) == before  # nothing changed, nothing logged
    assert before[1] >= 3  # the demo's record, the removal and the addition

    async with UnitOfWork(database) as uow:  # an absence on a day that then becomes a day off
        class_row = await uow.school.class_row("6A")
        pupil = (await uow.roster.class_list("6A", DEMO_YEAR))[0]
        first = pupil.id
        author = Author(None, "test", "", datetime(2026, 3, 10, 8, tzinfo=UTC))
        await uow.attendance.save_day(class_row.id, date(2026, 3, 10), 0, [first], {first: "P"}, author)
        await uow.commit()
    noted = sodiem(database.url, "add", "10/03/2026", "Nghỉ đột xuất")
    assert noted.returncode == 0 and "đã có 1 lượt vắng ghi vào những ngày này" in noted.stdout

    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book("6A")
    february = next(p for p in sections(book, Period.SEMESTER_2, T) if p.key == "attendance-2026-02")
    header = february.rows[0]
    for day in range(16, 22):  # Monday to Saturday; the 22nd is a Sunday
        assert header.index(f"{day}\nNghỉ") in february.shaded
    assert header.index("22\nCN") in february.shaded and "23" in header
    assert sum(cell.endswith("Nghỉ") for cell in header) == 6
    march = next(p for p in sections(book, Period.SEMESTER_2, T) if p.key == "attendance-2026-03")
    column = march.rows[0].index("10\nNghỉ")
    row = next(row for row in march.rows if row[1] == pupil.full_name)
    assert column in march.shaded and row[column] == "P" and row[-2] == "1"  # kept and counted

    data = gradebook_pdf(book, Period.SEMESTER_2, T)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = next(p for p in pdf.pages if "THÁNG 02/2026" in (p.extract_text() or ""))
        words = [w for w in page.extract_words() if w["text"] == "Nghỉ"]
        grey = [r for r in page.rects if r["fill"] and r["non_stroking_color"] not in (None, (1,), [1])]
        assert len(words) == 6
        for word in words:
            middle = (word["x0"] + word["x1"]) / 2
            assert any(r["x0"] <= middle <= r["x1"] and r["top"] <= word["top"] for r in grey), word
    assert layout_faults(data) == []
    path = tmp_path / "so-diem-6A.pdf"
    path.write_bytes(data)
    assert (await verify(database, path)).differences == []
    assert sodiem(database.url, "remove", "20/02/2026").returncode == 0
    assert (await verify(database, path)).differences != []  # the paper shows days off no longer recorded

    async with UnitOfWork(database) as uow:  # the year closed (sodiem year new): its papers stay as printed
        (await uow.school.year_row(DEMO_YEAR)).closed = True
        await uow.commit()
    closed = sodiem(database.url, "remove", "26/04/2026")
    assert closed.returncode == 1 and "Năm học 2025-2026 đã khóa sổ" in closed.stderr


def test_the_demo_records_no_absence_on_its_days_off():
    days_off = demo.demo_days_off(default_school_year(DEMO_YEAR))
    days = demo.school_days(date(2026, 1, 19), date(2026, 5, 31), days_off)
    assert not [d for d in days if date(2026, 2, 16) <= d <= date(2026, 2, 22) or d == date(2026, 4, 27)]
    assert date(2026, 2, 13) in days and date(2026, 2, 23) in days and date(2026, 4, 28) in days
