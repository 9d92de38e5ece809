"""One policy decides every action for every role (requirements.md, "Access rules").

A teacher sees and edits only the classes and subjects assigned to them; the homeroom teacher sees
the whole record of their class; the leadership sees everything; exports need the right to export;
a parent sees only their own children, read-only; a student only themself, read-only. The front ends
ask ``allowed`` with ids read from the database, never with what a button claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.identity import PersonKind, PersonRef
from domain.school import Role

LEADERSHIP = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})


class Action(StrEnum):
    VIEW_CLASS = "view-class"  # the class list and the class's records
    TAKE_ATTENDANCE = "take-attendance"
    ENTER_SCORES = "enter-scores"
    VIEW_STUDENT = "view-student"
    APPROVE = "approve"  # corrections, notices, report cards, promotion lists
    LOCK_BOOK = "lock-book"
    EXPORT = "export"
    MANAGE_PEOPLE = "manage-people"
    SCHOOL_NOTICE = "school-notice"
    CLASS_NOTICE = "class-notice"
    VIEW_PROGRESS = "view-progress"
    VIEW_RESULTS = "view-results"  # a class's results, or with a subject, that subject's
    ENTER_CONDUCT = "enter-conduct"  # conduct, or primary qualities and competencies
    PREPARE_REPORT_CARDS = "prepare-report-cards"  # the class's cards, submitted for approval
    PROPOSE_YEAR_LISTS = "propose-year-lists"  # the class's year-end lists, submitted for approval
    RECORD_HEALTH = "record-health"  # the school nurse: health checks, and health notices to parents
    VIEW_HEALTH = "view-health"  # a class's health checks: the nurse, the leadership, its homeroom teacher


@dataclass(frozen=True)
class Actor:
    """A linked person with everything the policy needs, as read from the database for this update."""

    person: PersonRef
    name: str
    roles: frozenset[Role] = frozenset()
    homeroom_classes: frozenset[int] = frozenset()
    teaching: frozenset[tuple[int, int]] = frozenset()  # (class id, subject id)
    department_subjects: frozenset[int] = frozenset()
    children: frozenset[int] = frozenset()  # student ids, for a guardian (a staff member may be one too)
    language: str = "vi"
    guardian: int | None = None  # the guardian record of a parent (or of a staff member who is one)
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_staff(self) -> bool:
        return self.person.kind is PersonKind.STAFF

    @property
    def is_student(self) -> bool:
        return self.person.kind is PersonKind.STUDENT

    @property
    def own_students(self) -> frozenset[int]:
        """The students whose released record the person reads: a parent's children, a student themself."""
        return frozenset({self.person.id}) if self.is_student else self.children

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADERSHIP)

    @property
    def sees_every_class(self) -> bool:
        """The leadership, the administrator and department heads open any class's list."""
        return self.is_leader or bool(self.roles & {Role.ADMIN, Role.DEPARTMENT_HEAD})

    @property
    def taught_classes(self) -> frozenset[int]:
        return frozenset(class_id for class_id, _ in self.teaching)


@dataclass(frozen=True)
class Target:
    class_id: int | None = None
    subject_id: int | None = None
    student_id: int | None = None


def may_approve(actor: Actor | None, author_id: int | None, named: int | None = None) -> bool:
    """Corrections, notices and report cards alike: a leader approves the work of others, never their
    own. The author's goes to the other leaders (a vice-principal's, in a school with no other, to the
    principal); when no other leader is there, to the staff member the school's setting names
    (``named``, a staff id: ``sodiem school set --approver``)."""
    if actor is None or not actor.is_staff or actor.person.id == author_id:
        return False
    return allowed(actor, Action.APPROVE) or actor.person.id == named


def allowed(actor: Actor | None, action: Action, target: Target = Target()) -> bool:
    if actor is None:
        return False
    if action is Action.VIEW_STUDENT and target.student_id in actor.own_students:
        return True  # a parent's own child, whatever else they are; a student themself
    if not actor.is_staff:
        return False
    rule = RULES.get(action)
    return bool(rule and rule(actor, target))


def _leader(actor: Actor, _: Target) -> bool:
    return actor.is_leader


def _homeroom_or_leader(actor: Actor, target: Target) -> bool:
    return actor.is_leader or target.class_id in actor.homeroom_classes


def _sees_class(actor: Actor, target: Target) -> bool:
    return (
        actor.sees_every_class
        or target.class_id in actor.homeroom_classes
        or target.class_id in actor.taught_classes
    )


def _enters_scores(actor: Actor, target: Target) -> bool:
    return (target.class_id, target.subject_id) in actor.teaching


def _exports(actor: Actor, target: Target) -> bool:
    return actor.is_leader or Role.ADMIN in actor.roles or target.class_id in actor.homeroom_classes


def _manages(actor: Actor, _: Target) -> bool:
    return Role.ADMIN in actor.roles or Role.PRINCIPAL in actor.roles


def _school_notice(actor: Actor, _: Target) -> bool:
    return actor.is_leader or Role.ADMIN in actor.roles


def _results(actor: Actor, target: Target) -> bool:
    if target.subject_id is not None:
        return actor.is_leader or (target.class_id, target.subject_id) in actor.teaching
    return actor.is_leader or Role.ADMIN in actor.roles or target.class_id in actor.homeroom_classes


def _progress(actor: Actor, target: Target) -> bool:
    """Entry progress and score distributions: the leadership and the administrator see every subject; a
    department head the subjects of their department (``subject_id`` None: opening the screen at all)."""
    if actor.is_leader or Role.ADMIN in actor.roles:
        return True
    if Role.DEPARTMENT_HEAD not in actor.roles:
        return False
    return target.subject_id is None or target.subject_id in actor.department_subjects


def _nurse(actor: Actor, _: Target) -> bool:
    return Role.NURSE in actor.roles


def _sees_health(actor: Actor, target: Target) -> bool:
    """Health data is kept from every teacher but the class's homeroom teacher (issue 22)."""
    return Role.NURSE in actor.roles or actor.is_leader or target.class_id in actor.homeroom_classes


RULES = {
    Action.VIEW_CLASS: _sees_class,
    Action.VIEW_STUDENT: _sees_class,
    Action.TAKE_ATTENDANCE: lambda actor, target: target.class_id in actor.homeroom_classes,
    Action.ENTER_SCORES: _enters_scores,
    Action.APPROVE: _leader,
    Action.LOCK_BOOK: _leader,
    Action.EXPORT: _exports,
    Action.MANAGE_PEOPLE: _manages,
    Action.SCHOOL_NOTICE: _school_notice,
    Action.CLASS_NOTICE: _homeroom_or_leader,
    Action.VIEW_PROGRESS: _progress,
    Action.VIEW_RESULTS: _results,
    Action.ENTER_CONDUCT: lambda actor, target: target.class_id in actor.homeroom_classes,
    Action.PREPARE_REPORT_CARDS: lambda actor, target: target.class_id in actor.homeroom_classes,
    Action.PROPOSE_YEAR_LISTS: lambda actor, target: target.class_id in actor.homeroom_classes,
    Action.RECORD_HEALTH: _nurse,
    Action.VIEW_HEALTH: _sees_health,
}
