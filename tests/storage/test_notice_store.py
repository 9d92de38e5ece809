"""Who a notice reaches, and decisions settled once, on both back ends."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.identity import PersonKind, PersonRef
from domain.importing import Table
from domain.notices import Audience, Reach, Scope, Status
from domain.roster import import_roster
from domain.staff import import_staff
from storage.models import ClassRow, GuardianLinkRow, StaffRow, StudentRow
from storage.uow import UnitOfWork
from tests.bot.conftest import STAFF, STAFF_HEADERS
from tests.storage.helpers import HEADERS, ROWS, YEAR, set_up_school

NOW = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)


async def school_with_accounts(database) -> dict[str, int]:
    """The small school; GV01 and both parents of HS001 (who is also HS004's guardian) on Telegram."""
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        today = date(2025, 10, 14)
        await import_roster(uow.roster, YEAR, Table(HEADERS, list(enumerate(ROWS, start=2))), today)
        await import_staff(uow.staff, YEAR, Table(STAFF_HEADERS, list(enumerate(STAFF, start=2))), today)
        ids = {
            code: sid
            for code, sid in (await uow.session.execute(select(StudentRow.code, StudentRow.id))).all()
        }
        links = (
            await uow.session.execute(select(GuardianLinkRow.guardian_id, GuardianLinkRow.student_id))
        ).all()
        father = next(g for g, s in links if s == ids["HS001"])
        uow.session.add(GuardianLinkRow(guardian_id=father, student_id=ids["HS004"], relation="father"))
        await uow.identity.link_account("telegram", "501", PersonRef(PersonKind.GUARDIAN, father), NOW)
        teacher = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
        await uow.identity.link_account("telegram", "601", PersonRef(PersonKind.STAFF, teacher), NOW)
        classes = {
            name: cid for name, cid in (await uow.session.execute(select(ClassRow.name, ClassRow.id))).all()
        }
        await uow.commit()
    return {"6A": classes["6A"], "6B": classes["6B"], "GV01": teacher}


async def test_a_parent_of_two_children_in_the_school_gets_one_message(database):
    known = await school_with_accounts(database)
    async with UnitOfWork(database, read_only=True) as uow:
        school_wide = await uow.recipients.recipients(Reach(Scope.SCHOOL), Audience.PARENTS)
        class_6b = await uow.recipients.recipients(Reach(Scope.CLASS, known["6B"]), Audience.BOTH)
        grade_staff = await uow.recipients.recipients(Reach(Scope.GRADE, grade=6), Audience.STAFF)
    assert [(r.account, r.person) for r in school_wide] == [
        ("501", "Nguyễn Văn Hùng (Phạm Thu Ân, Nguyễn Văn Bình)")
    ]
    assert sorted(r.account for r in class_6b) == ["501", "601"]  # GV01 teaches Toán in 6B
    assert [r.person for r in grade_staff] == ["Trần Văn Toàn"]


async def test_a_decision_is_taken_once_and_an_approved_text_no_longer_changes(database):
    known = await school_with_accounts(database)
    async with UnitOfWork(database) as uow:
        notice = await uow.notices.add(
            Reach(Scope.CLASS, known["6A"]), Audience.PARENTS, "Họp", known["GV01"], NOW
        )
        assert await uow.notices.edit(notice, "Họp phụ huynh")
        assert await uow.notices.decide(notice, Status.APPROVED, known["GV01"], NOW)
        assert not await uow.notices.decide(notice, Status.REJECTED, known["GV01"], NOW)  # the second press
        assert not await uow.notices.edit(notice, "Đổi sau khi duyệt")
        stored = await uow.notices.get(notice)
    assert (stored.status, stored.text, stored.edited) == (Status.APPROVED, "Họp phụ huynh", True)
