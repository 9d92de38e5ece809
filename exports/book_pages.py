"""The register pages of the printed gradebook: the cover, the class list, the attendance of each month
(Sundays, holidays and the school's days off shaded, only the period's days) and one page per subject
with the columns of its rule set."""

from __future__ import annotations

import calendar
from datetime import date

from domain.attendance import absence_totals
from domain.calendar import day_off_on, is_public_holiday
from domain.evaluation import Kind, RuleSet, SubjectRecord, required_columns
from domain.report_card import ClassBook, Period, semester_columns
from domain.school import Subject, SubjectKind
from domain.windows import ColumnKind
from exports.book_section import Section, book_title, signers_of
from exports.card_text import labels, period_name
from exports.values import movement, shown
from locales import Translator

SUNDAY = 6


def cover_page(book: ClassBook, period: Period, t: Translator) -> Section:
    lines = [
        book.school.name.upper(),
        book_title(book, t),
        t("exports.book.class", name=book.class_name),
        period_name(period, t),
        t("exports.year", year=book.year.name),
        ", ".join(part for part in (book.school.district, book.school.province) if part),
    ]
    return Section("cover", book_title(book, t), [[line] for line in lines], signers=signers_of(book))


def class_list(book: ClassBook, t: Translator) -> Section:
    """The class list: who the pupils are, as the register (sổ đăng bộ) has them; landscape, for the
    places of birth."""
    keys = ("number", "name", "code", "register_number", "born", "place_of_birth", "gender", "ethnicity")
    header = [t(f"exports.col.{key}") for key in keys]
    header.append(t("schoolyear.book.note"))
    rows = [
        [
            str(n),
            s.full_name,
            s.code,
            s.register_number,
            t.date(s.date_of_birth),
            s.place_of_birth,
            t(f"exports.gender.{s.gender}") if s.gender else "",
            s.ethnicity,
            movement(s, t),
        ]
        for n, s in enumerate(book.students, start=1)
    ]
    return Section("students", t("exports.book.students"), [header, *rows], wide=True)


def months(start: date, end: date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def attendance_page(book: ClassBook, t: Translator, year: int, month: int, period: Period) -> Section:
    """The month's days within the period (a semester's book stops at its last day); Sundays are
    marked "CN", the public holidays "Lễ", the school's days off "Nghỉ", and their columns shaded."""
    start, end = book.span(period)
    days = [
        day
        for day in (date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))
        if start <= day <= end
    ]
    marks: dict[tuple[int, date], list[str]] = {}
    for absence in book.absences:
        if absence.day in days:
            marks.setdefault((absence.student_id, absence.day), []).append(absence.mark)
    header = [t("exports.col.number"), t("exports.col.name")]
    closed = {day: mark for day in days if (mark := _closed(day, book, t))}
    header += [f"{day.day}\n{closed[day]}" if day in closed else str(day.day) for day in days]
    header += [t("exports.col.excused_short"), t("exports.col.unexcused_short")]
    rows = []
    for n, student in enumerate(book.students, start=1):
        cells = ["".join(marks.get((student.id, day), [])) for day in days]
        absent = [(day, mark) for day in days for mark in marks.get((student.id, day), [])]
        totals = absence_totals(absent, book.absence_unit)
        rows.append([str(n), student.full_name, *cells, *(str(total) for total in totals)])
    title = t("exports.book.attendance", month=f"{month:02d}/{year}")
    off = tuple(2 + n for n, day in enumerate(days) if day in closed)
    return Section(f"attendance-{year}-{month:02d}", title, [header, *rows], wide=True, shaded=off)


def _closed(day: date, book: ClassBook, t: Translator) -> str:
    """«CN» for a Sunday, «Lễ» for a public holiday, «Nghỉ» for a day off of the school's, nothing for
    a school day."""
    if day.weekday() == SUNDAY:
        return t("exports.col.sunday")
    if is_public_holiday(day):
        return t("exports.col.holiday")
    return t("exports.col.day_off") if day_off_on(day, book.days_off) else ""


def subject_page(book, period, t, table, results, subject_id: int, subject: Subject) -> Section:
    semesters = (period.semester,) if period.semester else (1, 2)
    if book.primary:
        from exports.primary_book import subject_section

        return subject_section(book, period, t, subject_id, subject)
    regular_label, periodic_label, final_label = labels(book.rules)
    kind = Kind.COMMENT if subject.kind is SubjectKind.COMMENT else Kind.SCORED
    needed = required_columns(book.rules, SubjectRecord(subject.name, kind, {}, subject.periods_per_year))
    entered = {
        s: max(
            [len(semester_columns(table, st.id, subject_id, s)[0]) for st in book.students] + [needed.regular]
        )
        for s in semesters
    }
    periodic = 2 if book.rules is RuleSet.TT58 else 1
    comment = kind is Kind.COMMENT  # its result is Đ/CĐ: no average is taken
    semester_key = "exports.col.semester_result" if comment else "exports.col.semester_average"
    top = [t("exports.col.number"), t("exports.col.name")]
    second = ["", ""]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for s in semesters:
        names = [f"{regular_label}{n}" for n in range(1, entered[s] + 1)]
        names += [periodic_label + (str(n) if periodic > 1 else "") for n in range(1, periodic + 1)]
        names += [final_label, t(semester_key)]
        spans.append(((len(top), 0), (len(top) + len(names) - 1, 0)))
        top += [t(f"exports.period.{s}")] + [""] * (len(names) - 1)
        second += names
    if period is Period.YEAR:
        spans.append(((len(top), 0), (len(top), 1)))
        top.append(t("exports.col.year_result" if comment else "exports.col.year_average"))
        second.append("")
    rows = []
    for n, (student, result) in enumerate(zip(book.students, results, strict=True), start=1):
        row = [str(n), student.full_name]
        found = result.subjects[subject.name].results if result and subject.name in result.subjects else {}
        for s in semesters:
            regular, midterm, final = semester_columns(table, student.id, subject_id, s)
            regular += (None,) * (entered[s] - len(regular))
            periodic_values = table.get((student.id, subject_id, s, ColumnKind.PERIODIC.value))
            tests = [periodic_values.get(p) for p in (1, 2)] if periodic_values else [midterm, None]
            row += [shown(v, t) for v in (*regular, *tests[:periodic], final, found.get(str(s)))]
        if period is Period.YEAR:
            row.append(shown(found.get("year"), t))
        rows.append(row)
    title = t("exports.book.subject", name=subject.name)
    wide = len(top) > 12
    signer = [("exports.sign.teacher", book.teachers.get(subject_id))]
    return Section(f"subject-{subject.code}", title, [top, second, *rows], 2, wide, spans, signer)
