"""Students' own codes: one a student, each linking that student's own account (read-only: their released
results and the notices meant for students). A parent's code never links a student's account, nor a
student's code a parent's (domain/identity.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from domain.errors import NotFound
from domain.identity import Invite, PersonKind, PersonRef, create_invite
from storage.models import StudentRow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class StudentCode:
    code: str  # the student's code in the school's records (HS001), not the invite's
    name: str
    invite: Invite


async def student_codes(
    uow: UnitOfWork, class_name: str | None, student_code: str | None, now: datetime, lifetime: timedelta
) -> list[StudentCode]:
    """A new code for each student of the class now (in class-list order), or for the one student."""
    if student_code is not None:
        row = await uow.session.scalar(select(StudentRow).where(StudentRow.code == student_code))
        if row is None:
            raise NotFound("people.error.no_student", value=student_code)
        students = [(row.id, row.code, row.full_name)]
    else:
        assert class_name is not None
        students = [(s.id, s.code, s.full_name) for s in await uow.roster.class_list(class_name)]
    found = []
    for student_id, code, name in students:
        person = PersonRef(PersonKind.STUDENT, student_id)
        found.append(
            StudentCode(code, name, await create_invite(uow.identity, person, now, lifetime=lifetime))
        )
    return found
