"""Class-size changes during the year (biến động sĩ số), on both databases: the class lists follow the
dates, the student's status changes, the change log says who and why, and bad input changes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from cli.demo import create_demo_school
from domain.errors import DomainError
from domain.transfers import Change
from domain.year_end import Stage
from locales import translator
from services.year_end import proposed_lines
from storage.changes import system_author
from storage.models import ChangeRow, EnrolmentRow, StudentRow
from storage.transfer_store import NewStudent
from storage.uow import UnitOfWork

YEAR = "2025-2026"
AUTHOR = system_author("test")


async def codes(database, class_name: str, on: date | None = None) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [s.code for s in await uow.roster.class_list(class_name, YEAR, on=on)]


async def snapshot(database) -> tuple:
    async with UnitOfWork(database, read_only=True) as uow:
        enrolments = await uow.session.scalar(select(func.count()).select_from(EnrolmentRow))
        changes = await uow.session.scalar(select(func.count()).select_from(ChangeRow))
        students = await uow.session.scalar(select(func.count()).select_from(StudentRow))
    return enrolments, changes, students


@pytest.fixture
async def school(database):
    await create_demo_school(database, YEAR)
    return database


async def test_a_move_in_the_middle_of_semester_one_keeps_both_class_lists_right_by_date(school):
    first_6a = (await codes(school, "6A"))[0]
    async with UnitOfWork(school) as uow:
        done = await uow.transfers.move(first_6a, "6b", date(2025, 11, 10), "xin chuyển lớp", AUTHOR)
        await uow.commit()
    assert (done.left, done.joined) == ("6A", "6B")
    assert first_6a in await codes(school, "6A", on=date(2025, 11, 9))
    assert first_6a not in await codes(school, "6A", on=date(2025, 11, 10))
    assert first_6a not in await codes(school, "6B", on=date(2025, 11, 9))
    assert first_6a in await codes(school, "6B", on=date(2025, 11, 10))
    assert first_6a in await codes(school, "6B") and first_6a not in await codes(school, "6A")
    async with UnitOfWork(school, read_only=True) as uow:
        log = (await uow.session.scalars(select(ChangeRow).where(ChangeRow.entity == "enrolment"))).all()
    assert [(c.old_value, c.new_value, c.reason) for c in log] == [("6A", "6B", "xin chuyển lớp")]


async def test_transfer_out_and_dropout_leave_the_counts_right_and_the_records(school):
    before = await codes(school, "7A")
    leaving, dropping = before[0], before[1]
    async with UnitOfWork(school) as uow:
        await uow.transfers.leave(
            Change.TRANSFER_OUT, leaving, date(2026, 2, 2), "theo gia đình", "THCS Nguyễn Du", AUTHOR
        )
        await uow.transfers.leave(
            Change.DROPOUT, dropping, date(2026, 3, 2), "hoàn cảnh khó khăn", "", AUTHOR
        )
        await uow.commit()
    assert len(await codes(school, "7A")) == len(before) - 2
    assert len(await codes(school, "7A", on=date(2026, 2, 1))) == len(before)
    assert len(await codes(school, "7A", on=date(2026, 2, 2))) == len(before) - 1
    async with UnitOfWork(school, read_only=True) as uow:
        status = dict((await uow.session.execute(select(StudentRow.code, StudentRow.status))).all())
        note = await uow.session.scalar(
            select(EnrolmentRow.note)
            .join(StudentRow, StudentRow.id == EnrolmentRow.student_id)
            .where(StudentRow.code == leaving)
        )
    assert (status[leaving], status[dropping]) == ("transferred-out", "dropped-out")
    assert note == "theo gia đình — THCS Nguyễn Du"


async def test_a_new_student_transfers_in_from_a_date(school):
    async with UnitOfWork(school) as uow:
        new = NewStudent("Lê Thị Hồng Nhung", date(2014, 4, 3))
        await uow.transfers.transfer_in(
            "HS-NEW-1", "6C", date(2025, 12, 1), "theo gia đình", "THCS Lê Quý Đôn", AUTHOR, new
        )
        await uow.commit()
    assert "HS-NEW-1" in await codes(school, "6C")
    assert "HS-NEW-1" not in await codes(school, "6C", on=date(2025, 11, 30))


async def test_a_student_who_left_comes_back_from_the_day_they_left_not_before(school):
    """Transferred out on 10/11/2025; a return recorded as from 01/11 would put them in two classes from
    01/11 to 09/11: refused with a message naming the day; from 10/11 or later it is accepted."""
    leaving = (await codes(school, "7A"))[0]
    async with UnitOfWork(school) as uow:
        await uow.transfers.leave(
            Change.TRANSFER_OUT, leaving, date(2025, 11, 10), "theo gia đình", "THCS Nguyễn Du", AUTHOR
        )
        await uow.commit()
    before = await snapshot(school)
    with pytest.raises(DomainError) as raised:
        async with UnitOfWork(school) as uow:
            await uow.transfers.transfer_in(leaving, "7B", date(2025, 11, 1), "quay lại", "", AUTHOR)
    assert translator("vi")(raised.value.key, **raised.value.params) == (
        f"Ngày 01/11/2025 không hợp lệ: học sinh {leaving} đã rời lớp 7A từ ngày 10/11/2025, nên không thể "
        "chuyển đến trước ngày đó. Hãy nhập ngày 10/11/2025 hoặc muộn hơn."
    )
    assert await snapshot(school) == before
    async with UnitOfWork(school) as uow:
        await uow.transfers.transfer_in(leaving, "7B", date(2025, 11, 10), "quay lại", "", AUTHOR)
        await uow.commit()
    assert leaving in await codes(school, "7B")
    assert leaving not in await codes(school, "7B", on=date(2025, 11, 9))
    assert leaving in await codes(school, "7A", on=date(2025, 11, 9))


@pytest.mark.parametrize(
    "attempt, key",
    [
        ("move_outside_year", "schoolyear.error.day_outside_year"),
        ("move_unknown_student", "schoolyear.error.no_student"),
        ("move_unknown_class", "school.error.no_class"),
        ("move_before_enrolment", "schoolyear.error.before_enrolment"),
        ("move_other_grade", "schoolyear.error.other_grade"),
        ("out_twice", "schoolyear.error.not_enrolled"),
        ("in_already_enrolled", "schoolyear.error.already_enrolled"),
        ("in_before_leaving", "schoolyear.error.before_leaving"),
        ("in_unknown_without_name", "schoolyear.error.new_student_needs"),
    ],
)
async def test_bad_input_gets_a_clear_message_and_changes_nothing(school, attempt, key):
    student = (await codes(school, "6A"))[0]
    async with UnitOfWork(school) as uow:
        await uow.transfers.leave(
            Change.DROPOUT, (await codes(school, "6B"))[0], date(2025, 10, 1), "x", "", AUTHOR
        )
        await uow.commit()
    gone = [
        c for c in (await codes(school, "6B", on=date(2025, 9, 30))) if c not in await codes(school, "6B")
    ][0]
    attempts = {
        "move_outside_year": lambda t: t.move(student, "6B", date(2026, 7, 1), "", AUTHOR),
        "move_unknown_student": lambda t: t.move("KHONGCO", "6B", date(2025, 10, 1), "", AUTHOR),
        "move_unknown_class": lambda t: t.move(student, "6Z", date(2025, 10, 1), "", AUTHOR),
        "move_before_enrolment": lambda t: t.move(student, "6B", date(2025, 9, 5), "", AUTHOR),
        "move_other_grade": lambda t: t.move(student, "7A", date(2025, 10, 1), "", AUTHOR),
        "out_twice": lambda t: t.leave(Change.TRANSFER_OUT, gone, date(2025, 11, 1), "", "", AUTHOR),
        "in_already_enrolled": lambda t: t.transfer_in(student, "6B", date(2025, 10, 1), "", "", AUTHOR),
        "in_before_leaving": lambda t: t.transfer_in(gone, "6B", date(2025, 9, 20), "", "", AUTHOR),
        "in_unknown_without_name": lambda t: t.transfer_in("MOI", "6B", date(2025, 10, 1), "", "", AUTHOR),
    }
    before = await snapshot(school)
    with pytest.raises(DomainError) as raised:
        async with UnitOfWork(school) as uow:
            await attempts[attempt](uow.transfers)
            await uow.commit()
    assert raised.value.key == key
    assert await snapshot(school) == before


async def test_the_year_end_leaves_a_student_who_came_from_another_school_to_people(school):
    """Nhung arrives in 6C on 01/12 from THCS Lê Quý Đôn. The 45-day limit counts the whole year, and her
    days off there are on her transfer papers, not here: her line waits for a person's decision; a
    student who was in 6C all year does not."""
    async with UnitOfWork(school) as uow:
        new = NewStudent("Lê Thị Hồng Nhung", date(2014, 4, 3))
        await uow.transfers.transfer_in(
            "HS-NEW-2", "6C", date(2025, 12, 1), "theo gia đình", "THCS Lê Quý Đôn", AUTHOR, new
        )
        await uow.commit()
    async with UnitOfWork(school, read_only=True) as uow:
        class_id = (await uow.school.class_row("6C")).id
        nhung = (await uow.transfers.student_by_code("HS-NEW-2")).id
        lines = {line.student_id: line for line in await proposed_lines(uow, class_id, Stage.YEAR)}
    reasons = [reason.key for reason in lines[nhung].open_reasons]
    assert "year_end.reason.transferred_in" in reasons and lines[nhung].awaiting_decision
    others = [line for student_id, line in lines.items() if student_id != nhung]
    assert all("year_end.reason.transferred_in" not in [r.key for r in x.open_reasons] for x in others)
