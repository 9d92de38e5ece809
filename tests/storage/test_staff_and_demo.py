"""The staff list with roles and assignments, and the demo school built from the same imports."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from cli.demo import create_demo_school
from domain import demo
from domain.calendar import default_school_year
from domain.identity import PersonKind, PersonRef
from domain.importing import ImportRejected
from domain.school import Role
from domain.staff import STAFF_COLUMNS, import_staff
from storage.models import HomeroomRow, StaffRow, StudentRow, TeachingRow
from storage.tabular import read_table
from storage.uow import UnitOfWork
from tests.storage.helpers import YEAR, class_list_names, count, set_up_school, write_xlsx

MORNING = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)
HEADERS = [
    "STT",
    "Mã cán bộ",
    "Họ và tên",
    "Số điện thoại",
    "Vai trò",
    "Tổ chuyên môn",
    "Chủ nhiệm",
    "Phân công giảng dạy",
]
STAFF = [
    [1, "CB01", "Nguyễn Thị Hạnh", "0912000001", "Hiệu trưởng", "", "", ""],
    [
        2,
        "GV01",
        "Trần Văn Toàn",
        "0912000002",
        "Giáo viên, Tổ trưởng",
        "Tổ Toán - Tin",
        "6A",
        "6A: Toán; 6B: Toán; 6A: Tin học",
    ],
    [3, "GV02", "Lê Thị Văn", "0912000003", "GVBM", "Tổ Ngữ văn", "", "6A, 6B: Ngữ văn"],
]


async def run_staff(database, path):
    async with UnitOfWork(database) as uow:
        plan = await import_staff(uow.staff, YEAR, read_table(path, STAFF_COLUMNS), date(2025, 9, 1))
        await uow.commit()
    return plan


async def test_staff_with_roles_homerooms_and_teaching(database, tmp_path):
    await set_up_school(database)
    plan = await run_staff(database, write_xlsx(tmp_path / "gv.xlsx", STAFF, HEADERS))
    assert len(plan.new_staff) == 3
    async with UnitOfWork(database, read_only=True) as uow:
        snapshot = await uow.staff.staff_snapshot(YEAR)
    assert snapshot.staff["GV01"].roles == {Role.TEACHER, Role.DEPARTMENT_HEAD}
    assert snapshot.staff["GV01"].department == "Tổ Toán - Tin"
    assert snapshot.homerooms == {"6A": "GV01"}
    assert snapshot.teaching == {
        ("6A", "TOAN"): "GV01",
        ("6B", "TOAN"): "GV01",
        ("6A", "TIN"): "GV01",
        ("6A", "NV"): "GV02",
        ("6B", "NV"): "GV02",
    }
    again = await run_staff(database, tmp_path / "gv.xlsx")
    assert not again.changes_anything


async def test_who_someone_is_names_this_years_classes_and_the_departments_subjects(database, tmp_path):
    """The identity in one query (storage/assignments.py): each list is the person's own."""
    await set_up_school(database)
    await run_staff(database, write_xlsx(tmp_path / "gv.xlsx", STAFF, HEADERS))
    async with UnitOfWork(database) as uow:
        staff = {row.code: row.id for row in await uow.session.scalars(select(StaffRow))}
        subjects = {row.code: row.id for row in await uow.school.subject_list()}
        classes = {name: row.id for name, row in (await uow.school.class_rows(YEAR)).items()}
        for code in ("GV01", "GV02"):
            await uow.identity.link_account(
                "telegram", code, PersonRef(PersonKind.STAFF, staff[code]), MORNING
            )
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        head, teacher = [await uow.identity.actor("telegram", code) for code in ("GV01", "GV02")]
    assert head.homeroom_classes == {classes["6A"]}
    assert head.teaching == {
        (classes["6A"], subjects["TOAN"]),
        (classes["6B"], subjects["TOAN"]),
        (classes["6A"], subjects["TIN"]),
    }
    assert head.department_subjects == {subjects["TOAN"], subjects["TIN"]}
    assert teacher.homeroom_classes == set() and teacher.department_subjects == {subjects["NV"]}
    async with UnitOfWork(database) as uow:  # a newer year, where nobody is assigned yet
        await uow.school.add_year(default_school_year("2026-2027"))
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        head = await uow.identity.actor("telegram", "GV01")
    assert head.homeroom_classes == set() and head.teaching == set()


async def test_a_teacher_swap_is_reported_and_applied(database, tmp_path):
    await set_up_school(database)
    await run_staff(database, write_xlsx(tmp_path / "v1.xlsx", STAFF, HEADERS))
    swapped = [row[:] for row in STAFF]
    swapped[1][7] = "6A: Toán; 6A: Tin học"
    swapped[2][7] = "6A, 6B: Ngữ văn; 6B: Toán"
    plan = await run_staff(database, write_xlsx(tmp_path / "v2.xlsx", swapped, HEADERS))
    assert plan.teaching_changes == [("6B", "TOAN", "GV01", "GV02")]


async def test_bad_staff_rows_are_all_reported_and_change_nothing(database, tmp_path):
    await set_up_school(database)
    rows = [row[:] for row in STAFF]
    rows[2][4] = "Bảo vệ"  # not a role sodiem knows
    rows[1][7] = "6A: Hóa học"  # chemistry is not taught in grade 6
    rows[2][6] = "6A"  # a second homeroom teacher for 6A
    rows[2][7] = "6A, 6E: Ngữ văn"  # there is no class 6E
    with pytest.raises(ImportRejected) as rejected:
        await run_staff(database, write_xlsx(tmp_path / "bad.xlsx", rows, HEADERS))
    assert [(p.key, p.line) for p in rejected.value.problems] == [
        ("import.error.subject_not_in_grade", 3),
        ("import.error.two_homeroom_teachers", 3),
        ("import.error.unknown_role", 4),
        ("import.error.two_homeroom_teachers", 4),
        ("import.error.unknown_class", 4),
    ]
    assert await count(database, StaffRow) == 0


async def test_the_demo_school_is_realistic_and_running_it_twice_changes_nothing(database):
    await create_demo_school(database, YEAR)
    counts = (
        await count(database, StudentRow),
        await count(database, StaffRow),
        await count(database, HomeroomRow),
        await count(database, TeachingRow),
    )
    assert 12 * 38 <= counts[0] <= 12 * 42
    assert counts[1] == 30 and counts[2] == 12
    assert counts[3] == 12 * 12  # every class has each of the 12 subjects of grades 6–9
    setup, roster, staff = await create_demo_school(database, YEAR)
    assert not (setup.school_changed or setup.year_added or roster.changes_anything or staff.changes_anything)
    assert (
        await count(database, StudentRow),
        await count(database, StaffRow),
        await count(database, HomeroomRow),
        await count(database, TeachingRow),
    ) == counts
    names = await class_list_names(database, "6A")
    assert len(names) == len([r for _, r in demo.roster_table(YEAR).rows if r[5] == "6A"])
    async with database.session(read_only=True) as session:
        principal = await session.scalar(select(StaffRow).where(StaffRow.code == "CB001"))
    assert [role.role for role in principal.roles] == ["principal"]


async def test_the_primary_demo_school_teaches_every_subject_of_each_grade_and_twice_changes_nothing(
    database,
):
    from cli.demo_primary import create_primary_demo_school
    from domain import demo_primary
    from domain.subjects import PRIMARY_SUBJECTS

    await create_primary_demo_school(database, YEAR)
    counts = [await count(database, row) for row in (StudentRow, StaffRow, HomeroomRow, TeachingRow)]
    assert 10 * 33 <= counts[0] <= 10 * 37
    assert counts[1:3] == [3 + 10 + len(demo_primary.SPECIALISTS), 10]
    taught = {grade: sum(grade in s.grades for s in PRIMARY_SUBJECTS) for grade in demo_primary.GRADES}
    assert counts[3] == 2 * sum(taught.values())  # two classes a grade, each subject of its grade once
    setup, roster, staff = await create_primary_demo_school(database, YEAR)
    assert not (setup.school_changed or setup.year_added or roster.changes_anything or staff.changes_anything)
    assert [await count(database, row) for row in (StudentRow, StaffRow, HomeroomRow, TeachingRow)] == counts
