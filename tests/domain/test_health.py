"""Health checks as the nurse types them, and who may read them (domain/health.py, permissions)."""

from datetime import date
from decimal import Decimal

from domain.health import check_date, may_open, parse_eyesight, parse_number, read_chat_lines
from domain.identity import PersonKind, PersonRef
from domain.notices import Kind, Reach, Scope, may_write
from domain.permissions import Action, Actor, Target, allowed
from domain.school import Role


def staff(*roles: Role, homeroom=(), teaching=()) -> Actor:
    return Actor(
        PersonRef(PersonKind.STAFF, 1),
        "x",
        frozenset(roles),
        homeroom_classes=frozenset(homeroom),
        teaching=frozenset(teaching),
    )


def test_values_are_read_with_a_comma_or_a_point_and_eyesight_out_of_ten():
    assert parse_number("145,5") == Decimal("145.5") == parse_number(145.5)
    assert parse_number("1m45") is None and parse_number("nan") is None
    assert [parse_eyesight(v) for v in ("10/10", "8", " 7 / 10", "0/10", "11/10", "10/20")] == [
        "10/10",
        "8/10",
        "7/10",
        None,
        None,
        None,
    ]


def test_a_message_names_every_wrong_line_and_keeps_the_good_ones_apart():
    lines, problems = read_chat_lines("1 145 38 10/10 9/10 ghi chú dài\n2 221 7,5 10/10 10/10\nx")
    assert [(line.who, line.measures.notes) for line in lines] == [("1", "ghi chú dài")]
    assert [(p.key, p.line) for p in problems] == [
        ("health.error.implausible_height", 2),
        ("health.error.implausible_weight", 2),
        ("health.error.bad_line", 3),
    ]


def test_a_check_is_dated_in_the_school_year_and_not_in_the_future():
    start, today = date(2025, 9, 5), date(2025, 10, 14)
    assert check_date(date(2025, 10, 14), "14/10/2025", start, today) is None
    assert check_date(date(2025, 10, 15), "15/10/2025", start, today) == "health.error.future_date"
    assert check_date(date(2025, 8, 1), "01/08/2025", start, today) == "health.error.date_before_year"
    assert check_date(None, "", start, today) == "health.error.no_date"


def test_health_is_read_by_the_nurse_the_leadership_and_the_homeroom_teacher_only():
    class_6a = Target(class_id=6)
    nurse, vice = staff(Role.NURSE), staff(Role.VICE_PRINCIPAL)
    homeroom = staff(Role.TEACHER, homeroom=[6])
    subject = staff(Role.TEACHER, homeroom=[7], teaching=[(6, 1)])
    admin = staff(Role.ADMIN)
    assert [allowed(a, Action.VIEW_HEALTH, class_6a) for a in (nurse, vice, homeroom, subject, admin)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert [allowed(a, Action.RECORD_HEALTH) for a in (nurse, vice, homeroom)] == [True, False, False]
    only_subject = staff(Role.TEACHER, teaching=[(6, 1)])
    assert [may_open(a) for a in (nurse, vice, homeroom, only_subject, admin, None)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_only_the_nurse_writes_a_health_notice_and_only_it_names_one_child():
    child = Reach(Scope.CLASS, class_id=6, student_id=42)
    homeroom = staff(Role.TEACHER, homeroom=[6])
    assert may_write(staff(Role.NURSE), child, Kind.HEALTH)
    assert not may_write(homeroom, child, Kind.HEALTH)
    assert not may_write(homeroom, child), "a class notice never narrows to one child"
    assert not may_write(staff(Role.NURSE), Reach(Scope.SCHOOL), Kind.HEALTH)
