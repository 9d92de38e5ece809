"""Who may do what: the access rules of requirements.md, one policy for every role."""

import pytest

from domain.identity import PersonKind, PersonRef
from domain.permissions import Action, Actor, Target, allowed
from domain.school import Role

MATH, LIT = 1, 2
CLASS_6A, CLASS_6B, CLASS_7A = 10, 11, 12


def staff(*roles: Role, homeroom=(), teaching=()) -> Actor:
    return Actor(
        PersonRef(PersonKind.STAFF, 1), "X", frozenset(roles), frozenset(homeroom), frozenset(teaching)
    )


TEACHER = staff(Role.TEACHER, homeroom=[CLASS_6A], teaching=[(CLASS_6A, MATH), (CLASS_6B, MATH)])
VICE = staff(Role.VICE_PRINCIPAL)
ADMIN = staff(Role.ADMIN)
PARENT = Actor(PersonRef(PersonKind.GUARDIAN, 9), "P", children=frozenset({100}))


def test_a_subject_teacher_enters_scores_only_for_their_classes_and_subjects():
    assert allowed(TEACHER, Action.ENTER_SCORES, Target(CLASS_6B, MATH))
    assert not allowed(TEACHER, Action.ENTER_SCORES, Target(CLASS_6B, LIT))
    assert not allowed(TEACHER, Action.ENTER_SCORES, Target(CLASS_7A, MATH))
    assert not allowed(VICE, Action.ENTER_SCORES, Target(CLASS_6B, MATH))


def test_attendance_is_the_homeroom_teachers():
    assert allowed(TEACHER, Action.TAKE_ATTENDANCE, Target(CLASS_6A))
    assert not allowed(TEACHER, Action.TAKE_ATTENDANCE, Target(CLASS_6B))


def test_leadership_sees_everything_and_approves():
    assert allowed(VICE, Action.VIEW_CLASS, Target(CLASS_7A))
    assert allowed(VICE, Action.APPROVE) and allowed(VICE, Action.LOCK_BOOK)
    assert not allowed(TEACHER, Action.APPROVE) and not allowed(ADMIN, Action.APPROVE)


def test_exports_need_the_right():
    assert allowed(ADMIN, Action.EXPORT, Target(CLASS_7A))
    assert allowed(TEACHER, Action.EXPORT, Target(CLASS_6A))  # their own homeroom class
    assert not allowed(TEACHER, Action.EXPORT, Target(CLASS_6B))


@pytest.mark.parametrize("action", list(Action))
def test_a_parent_may_only_look_at_their_own_child(action):
    expected = action is Action.VIEW_STUDENT
    assert allowed(PARENT, action, Target(student_id=100)) is expected
    assert not allowed(PARENT, action, Target(student_id=101))


@pytest.mark.parametrize("action", list(Action))
def test_nobody_unlinked_may_do_anything(action):
    assert not allowed(None, action, Target(CLASS_6A, MATH, 100))


def test_results_of_a_subject_for_its_teacher_and_of_a_class_for_its_homeroom_teacher():
    assert allowed(TEACHER, Action.VIEW_RESULTS, Target(CLASS_6B, MATH))
    assert not allowed(TEACHER, Action.VIEW_RESULTS, Target(CLASS_6B, LIT))
    assert allowed(TEACHER, Action.VIEW_RESULTS, Target(CLASS_6A))  # homeroom: the whole class
    assert not allowed(TEACHER, Action.VIEW_RESULTS, Target(CLASS_6B))
    assert allowed(VICE, Action.VIEW_RESULTS, Target(CLASS_7A)) and allowed(
        ADMIN, Action.VIEW_RESULTS, Target(CLASS_7A)
    )
    assert not allowed(ADMIN, Action.VIEW_RESULTS, Target(CLASS_7A, MATH))


def test_conduct_is_the_homeroom_teachers():
    assert allowed(TEACHER, Action.ENTER_CONDUCT, Target(CLASS_6A))
    assert not allowed(TEACHER, Action.ENTER_CONDUCT, Target(CLASS_6B))
    assert not allowed(VICE, Action.ENTER_CONDUCT, Target(CLASS_6A))
