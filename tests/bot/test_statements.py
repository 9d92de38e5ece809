"""How much SQL one update costs, step by step through the busiest flows, counted with SQLAlchemy's
event hooks: a change that adds queries to a turn fails here. Transaction control (BEGIN, COMMIT) is
not counted, since SQLite and PostgreSQL issue it differently.

A menu press stays within issue 20's six statements: the person (account, staff and roles in one
query, assignments in another), the year with its semesters once, and what the screen shows. The
steps of score entry and attendance are held to what they cost now. The flow state and the subjects
are read once per turn and the columns' ✓ marks in one query; still above the issue's ten: a saving
step (each value written, logged and sealed, the class list read twice), opening the attendance
sheet (the class, its month, its review, the school's settings, the list, the marks, the accepted
leave requests of the day, the flow)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select

from storage.models import AbsenceRow, ScoreRow
from tests.bot.statements import counting
from tests.bot.test_attendance import CONFIRM, SAVE, open_list, tap_student
from tests.bot.test_leave import link_parent
from tests.bot.test_score_entry import link, open_column

MENU_PRESS = 6
SCORE_ENTRY = {"/nhapdiem": 7, "class": 7, "semester": 8, "column": 10, "values": 12, "save": 24}
ATTENDANCE = {"/diemdanh": 13, "tap": 9, "save": 7, "confirm": 18}
LEAVE = {"/xinnghi": 8, "days": 8, "reason": 20, "accept": 23}


def within(budgets: dict[str, int], turns: list[list[str]]) -> dict[str, int]:
    """The steps whose turn ran more statements than its budget, with the count."""
    assert len(turns) == len(budgets), f"{len(turns)} turns for {len(budgets)} steps"
    counts = dict(zip(budgets, map(len, turns), strict=True))
    return {step: count for step, count in counts.items() if count > budgets[step]}


@asynccontextmanager
async def counting_for_gv01(school, account: int) -> AsyncIterator[tuple]:
    """GV01 (homeroom 6A, Toán in 6A and 6B) linked from ``account``; then the statements counted."""
    teacher = school.api.person(account, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        with counting(school.database) as statements:
            yield teacher, statements


async def test_menu_presses_read_the_person_the_year_and_the_classes_once(school):
    async with counting_for_gv01(school, 7) as (teacher, statements):
        teacher.press("📚 Lớp tôi dạy", teacher.last_message)
        choose = await teacher.wait_for(lambda m: m.text == "Chọn lớp:")
        teacher.press("6A · Toán", choose)
        await teacher.wait_for(lambda m: m.text.startswith("Lớp 6A"))
        teacher.send_command("/menu")
        await teacher.wait_for(lambda m: "📚 Lớp tôi dạy" in m.button_texts)
        turns = statements.take()
    assert within({"classes taught": MENU_PRESS, "class list": MENU_PRESS, "/menu": MENU_PRESS}, turns) == {}
    statements_run = [s for turn in turns for s in turn]
    assert not [s for s in statements_run if "change_log" in s], "no seal query when nothing was written"
    assert not [s for s in statements_run if s.startswith("SELECT semester")], "semesters come with the year"


async def test_each_step_of_a_score_entry_stays_within_its_budget(school):
    async with counting_for_gv01(school, 8) as (teacher, statements):
        teacher.send_command("/nhapdiem")
        review = await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1")
        review = await teacher.ask("8 9 10")
        teacher.press("✅ Lưu cột điểm", review)
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
        turns = statements.take()
    assert within(SCORE_ENTRY, turns) == {}
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(ScoreRow)) == 3


async def test_each_step_of_taking_attendance_stays_within_its_budget(school):
    async with counting_for_gv01(school, 9) as (teacher, statements):
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A")
        sheet = await tap_student(teacher, sheet, 1)
        teacher.press(SAVE, sheet)
        summary = await teacher.wait_for(lambda m: CONFIRM in m.button_texts)
        teacher.press(CONFIRM, summary)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh"))
        turns = statements.take()
    assert within(ATTENDANCE, turns) == {}
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(AbsenceRow)) == 1


async def test_each_step_of_a_leave_request_stays_within_its_budget(school):
    parent = school.api.person(11, "Anh Hùng")
    async with counting_for_gv01(school, 10) as (teacher, statements):
        statements.take()
        await link_parent(school, parent, "HS001")
        statements.take()
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
        await parent.ask("15/10")
        await parent.ask("Cháu bị sốt")
        teacher.press("✅ Đồng ý", await teacher.wait_for(lambda m: m.text.startswith("🙋 Đơn xin nghỉ #")))
        await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)
        turns = statements.take()
    assert within(LEAVE, turns) == {}
