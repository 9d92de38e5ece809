"""The year-end lists as the homeroom teacher proposes them: the engine's proposal per student, the
cases left to people, the teacher's flags and decisions, and the counts the leadership sees first."""

import pytest

from domain.errors import DomainError
from domain.evaluation.model import (
    GOOD,
    NOT_COMPLETED,
    PROMOTED,
    RETAINED,
    RETEST_NEEDED,
    SUMMER_TRAINING,
    RuleSet,
    StudentResult,
    because,
)
from domain.year_end import (
    Flag,
    Outcome,
    ReviewState,
    Stage,
    add_flag,
    check_submittable,
    chooses_retests,
    class_lists,
    counts,
    decide,
    outcome_of,
    retests_missing,
    student_line,
    summer_retests,
    summer_students,
    with_people,
)


def result(promotion, award=None, retest=(), review=(), learning="Khá", summer=None) -> StudentResult:
    learning_levels = {"year": learning}
    conduct = {"year": "Tốt"}
    if summer:
        learning_levels["retest"], conduct["summer"] = summer
    return StudentResult(
        RuleSet.TT22,
        {},
        learning_levels,
        conduct,
        {},
        promotion,
        tuple(retest),
        award,
        {},
        (),
        tuple(review),
        {},
    )


def test_the_engine_promotion_strings_map_to_statuses():
    assert outcome_of(PROMOTED) is Outcome.PROMOTED
    assert outcome_of(RETEST_NEEDED) is Outcome.RETEST
    assert outcome_of(SUMMER_TRAINING) is Outcome.SUMMER_TRAINING
    assert outcome_of(RETAINED) is Outcome.RETAINED
    assert outcome_of(None) is None


def test_lines_in_vietnamese_order_with_the_proposal_and_the_cases_left_to_people():
    lines = class_lists(
        [
            student_line(1, "Nguyễn Văn Bình", result(PROMOTED, GOOD), 2),
            student_line(2, "Trần Thị Ánh", result(RETEST_NEEDED, retest=("Toán",)), 0),
            student_line(3, "Lê Minh Anh", result(None), 50),
            student_line(4, "Đỗ Thu An", result(PROMOTED, review=(because("evaluation.reason.x"),)), 0),
        ]
    )
    assert [line.name for line in lines] == ["Đỗ Thu An", "Lê Minh Anh", "Trần Thị Ánh", "Nguyễn Văn Bình"]
    assert [line.marked for line in lines] == [True, True, False, False]
    assert lines[2].status is Outcome.RETEST and lines[2].retest_subjects == ("Toán",)
    assert lines[3].award == GOOD and lines[3].absences == 2


def test_primary_not_completed_is_proposed_retained_and_left_to_people():
    line = student_line(1, "An", result(NOT_COMPLETED), 0)
    assert line.proposed is Outcome.RETAINED and line.marked


def test_flags_and_decisions_need_a_reason_and_decisions_only_where_the_rules_leave_it():
    plain = student_line(1, "An", result(PROMOTED), 0)
    flagged = add_flag(plain, Flag.EXEMPLARY, "Giải nhất thi kể chuyện cấp huyện")
    assert flagged.flags == {"exemplary": "Giải nhất thi kể chuyện cấp huyện"}
    with pytest.raises(DomainError) as short:
        add_flag(plain, Flag.NOTE, "ok")
    assert short.value.key == "year_end.error.reason"
    with pytest.raises(DomainError) as not_marked:
        decide(plain, Outcome.RETAINED, "Nghỉ quá nhiều")
    assert not_marked.value.key == "year_end.error.not_marked"
    left = student_line(2, "Bình", result(None), 50)
    with pytest.raises(DomainError) as waiting:
        check_submittable([plain, left])
    assert waiting.value.params == {"count": 1, "names": "Bình"}
    decided = decide(left, Outcome.RETAINED, "Nghỉ 50 buổi, quá 45 buổi")
    check_submittable([plain, decided])
    assert decided.status is Outcome.RETAINED and decided.flags["decision"].startswith("Nghỉ 50")


def test_counts_for_the_first_view():
    lines = [
        student_line(1, "A", result(PROMOTED, GOOD), 0),
        student_line(2, "B", result(PROMOTED, GOOD), 0),
        student_line(3, "C", result(RETEST_NEEDED), 0),
        student_line(4, "D", result(SUMMER_TRAINING), 0),
        student_line(5, "E", result(None), 0),
    ]
    lines[0] = add_flag(lines[0], Flag.SPECIAL_AWARD, "Huy chương vàng Toán")
    summary = counts(lines)
    assert summary.students == 5 and summary.awaiting == 1 and summary.flagged == 1
    assert summary.by_status[Outcome.PROMOTED] == 2 and summary.by_status[Outcome.RETEST] == 1
    assert summary.by_award == {GOOD: 2}
    assert summer_students(lines) == {3, 4}


def test_a_summer_line_reads_the_reassessed_results_and_a_recomputed_line_keeps_what_people_added():
    line = student_line(1, "A", result(PROMOTED, learning="Chưa đạt", summer=("Đạt", "Khá")), 0, summer=True)
    assert (line.learning, line.conduct, line.summer) == ("Đạt", "Khá", True)
    earlier = decide(student_line(2, "B", result(None), 50), Outcome.RETAINED, "Nghỉ quá nhiều buổi")
    earlier = add_flag(earlier, Flag.NOTE, "Gia đình chuyển nhà")
    again = with_people(student_line(2, "B", result(None), 50), earlier.flags, earlier.decision)
    assert again.decision is Outcome.RETAINED and again.flags["note"] == "Gia đình chuyển nhà"
    settled = with_people(student_line(2, "B", result(PROMOTED), 0), earlier.flags, earlier.decision)
    assert settled.decision is None and "decision" not in settled.flags


def test_approved_year_lists_lock_the_class_except_the_summer_columns_until_the_summer_lists():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from domain.calendar import default_school_year
    from domain.windows import ColumnKind, WindowDecision, WindowState, entry_state

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    semester = default_school_year("2025-2026").semesters[1]
    may = datetime(2026, 5, 20, 1, tzinfo=UTC)
    opened = [WindowDecision(WindowState.OPEN, datetime(2026, 5, 1, tzinfo=UTC))]
    assert entry_state(may, semester, ColumnKind.FINAL, 6, 1, 2, opened, hcm).open
    approved = {Stage.YEAR: ReviewState.APPROVED}
    locked = entry_state(may, semester, ColumnKind.FINAL, 6, 1, 2, opened, hcm, approved)
    assert (locked.open, locked.reason) == (False, "year_end.entry.year_locked")
    waiting = entry_state(
        may, semester, ColumnKind.FINAL, 6, 1, 2, opened, hcm, {Stage.YEAR: ReviewState.SUBMITTED}
    )
    assert (waiting.open, waiting.reason) == (False, "year_end.entry.year_submitted")  # fixed once sent
    sent_back = {Stage.YEAR: ReviewState.RETURNED}
    assert entry_state(may, semester, ColumnKind.FINAL, 6, 1, 2, opened, hcm, sent_back).open
    early = entry_state(may, semester, ColumnKind.RETEST, 6, 1, 2, [], hcm)
    assert (early.open, early.reason) == (False, "year_end.entry.summer_not_yet")
    july = datetime(2026, 7, 20, 1, tzinfo=UTC)  # after the semester: the summer columns still open
    assert entry_state(july, semester, ColumnKind.RETEST, 6, 1, 2, [], hcm, approved).open
    assert entry_state(july, semester, ColumnKind.SUMMER_CONDUCT, 6, 1, None, [], hcm, approved).open
    summer_sent = {**approved, Stage.SUMMER: ReviewState.SUBMITTED}
    sent = entry_state(july, semester, ColumnKind.RETEST, 6, 1, 2, [], hcm, summer_sent)
    assert (sent.open, sent.reason) == (False, "year_end.entry.summer_submitted")
    done = entry_state(
        july, semester, ColumnKind.RETEST, 6, 1, 2, [], hcm, {**approved, Stage.SUMMER: ReviewState.APPROVED}
    )
    assert (done.open, done.reason) == (False, "year_end.entry.summer_locked")


def test_the_leadership_may_lock_or_open_the_summer_columns_the_most_specific_decision_wins():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from domain.calendar import default_school_year
    from domain.windows import ColumnKind, WindowDecision, WindowState, entry_state

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    semester = default_school_year("2025-2026").semesters[1]
    july = datetime(2026, 7, 20, 1, tzinfo=UTC)
    approved = {Stage.YEAR: ReviewState.APPROVED}
    school_locked = WindowDecision(WindowState.LOCKED, datetime(2026, 7, 1, tzinfo=UTC))
    locked = entry_state(july, semester, ColumnKind.RETEST, 8, 1, 2, [school_locked], hcm, approved)
    assert (locked.open, locked.reason) == (False, "entry.locked")
    class_open = WindowDecision(WindowState.OPEN, datetime(2026, 7, 2, tzinfo=UTC), class_id=1)
    decisions = [school_locked, class_open]
    assert entry_state(july, semester, ColumnKind.RETEST, 8, 1, 2, decisions, hcm, approved).open
    assert not entry_state(july, semester, ColumnKind.RETEST, 8, 2, 2, decisions, hcm, approved).open


def test_a_student_failing_both_conduct_and_learning_trains_first_then_re_tests_tt22_a11():
    both = student_line(
        5, "Vũ Hải", result(SUMMER_TRAINING, retest=("Toán", "Tin học"), learning="Chưa đạt"), 0
    )
    assert both.status is Outcome.SUMMER_TRAINING and both.retest_subjects == ("Toán", "Tin học")
    retest = student_line(1, "An", result(RETEST_NEEDED, retest=("Toán",)), 0)
    year = [retest, both]
    assert summer_retests(year, {}) == {1: ("Toán",)}  # no summer conduct yet: no re-test for Hải
    assert summer_retests(year, {5: "Chưa đạt"}) == {1: ("Toán",)}  # failed the training: retained
    assert summer_retests(year, {5: "Đạt"}) == {1: ("Toán",), 5: ("Toán", "Tin học")}


def test_summer_lists_are_not_submitted_while_a_status_still_waits_for_the_re_test():
    waiting = student_line(5, "Vũ Hải", result(RETEST_NEEDED, retest=("Toán",)), 0, summer=True)
    done = student_line(1, "An", result(PROMOTED), 0, summer=True)
    with pytest.raises(DomainError) as refused:
        check_submittable([done, waiting])
    assert refused.value.key == "year_end.error.unsettled" and refused.value.params["names"] == "Vũ Hải"
    check_submittable([done, student_line(5, "Vũ Hải", result(RETAINED), 0, summer=True)])
    check_submittable([student_line(5, "Vũ Hải", result(RETEST_NEEDED, retest=("Toán",)), 0)])  # year


def test_under_tt58_and_tt26_the_student_chooses_the_re_tests_so_one_is_enough():
    assert chooses_retests(RuleSet.TT58) and chooses_retests(RuleSet.TT26)
    assert not chooses_retests(RuleSet.TT22)
    retests = {1: ("Toán", "Ngữ văn"), 2: ("Toán",)}
    assert retests_missing(retests, {(1, "Ngữ văn")}, choosing=False) == {"Toán · retest": 2}
    assert retests_missing(retests, {(1, "Ngữ văn")}, choosing=True) == {"Toán · retest_any": 1}
    assert retests_missing(retests, set(), choosing=True) == {
        "Toán, Ngữ văn · retest_any": 1,
        "Toán · retest_any": 1,
    }
