"""Notices to parents and staff: who may write what, and the vice-principal's decision.

A notice reaches nobody until a member of the leadership approves its exact text; the text the
vice-principal edits is the text that goes out, and the author is shown it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError
from domain.permissions import Action, Actor, Target, allowed
from domain.text import visible_text

APPROVER_SETTING = "notice_approver"  # the staff id who approves when no other leader can
MAX_TEXT = 3500  # Telegram takes 4096; the header each person receives needs room


class Scope(StrEnum):
    CLASS = "class"
    GRADE = "grade"
    SCHOOL = "school"


class Audience(StrEnum):
    PARENTS = "parents"
    STAFF = "staff"
    BOTH = "both"  # parents and staff
    STUDENTS = "students"  # the students' own accounts (docs/students.md)

    @property
    def parents(self) -> bool:
        return self in (Audience.PARENTS, Audience.BOTH)

    @property
    def staff(self) -> bool:
        return self in (Audience.STAFF, Audience.BOTH)

    @property
    def students(self) -> bool:
        return self is Audience.STUDENTS


class Kind(StrEnum):
    SCHOOL = "school"
    CLASS = "class"
    REPORT_CARD = "report_card"
    HEALTH = "health"  # the school nurse's, to the parents of one child or of a class


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Reach:
    """Whom a notice is for: a class, a grade or the whole school; within a class, one child."""

    scope: Scope
    class_id: int | None = None
    grade: int | None = None
    student_id: int | None = None  # only this child's parents (a health notice)

    @property
    def kind(self) -> Kind:
        return Kind.CLASS if self.scope is Scope.CLASS else Kind.SCHOOL


@dataclass(frozen=True)
class Notice:
    id: int
    kind: Kind
    reach: Reach
    audience: Audience
    text: str
    status: Status
    edited: bool
    author_id: int | None
    period: str | None = None


def may_write(actor: Actor | None, reach: Reach, kind: Kind | None = None) -> bool:
    """A homeroom teacher writes to their class; the leadership and the administrator to anyone; the
    school nurse writes health notices to a class or one child."""
    if kind is Kind.HEALTH:
        return reach.scope is Scope.CLASS and allowed(actor, Action.RECORD_HEALTH)
    if reach.student_id is not None:
        return False
    if reach.scope is Scope.CLASS:
        return allowed(actor, Action.CLASS_NOTICE, Target(reach.class_id))
    return allowed(actor, Action.SCHOOL_NOTICE)


def may_decide(actor: Actor | None) -> bool:
    """Whether the actor decides on notices at all (each one: ``may_approve``, never their own)."""
    return allowed(actor, Action.APPROVE)


def may_see_report(actor: Actor | None, notice: Notice) -> bool:
    """The author and the leadership see to whom a notice was delivered."""
    if actor is None or not actor.is_staff:
        return False
    return actor.person.id == notice.author_id or may_decide(actor)


def clean_text(text: str) -> str:
    """The text as it will be sent (NFC, nothing invisible, trimmed), or a DomainError saying what to
    change."""
    cleaned = visible_text(text).strip()
    if not cleaned:
        raise DomainError("notices.error.empty")
    if len(cleaned) > MAX_TEXT:
        raise DomainError("notices.error.too_long", length=len(cleaned), limit=MAX_TEXT)
    return cleaned
