"""The printed gradebook of a class for a semester or the year, A4: "Sổ theo dõi và đánh giá học sinh
(theo lớp)" under TT22, "Sổ gọi tên và ghi điểm" under TT58/TT26 (regulations.md §4).

Sections, each a list of table rows (``sections(book, period, t)``), each printed with its fingerprint:
the cover, the class list, the attendance of each month, one page per subject with the columns of its
rule set and the averages, the summary (levels, conduct, absences, promotion, awards). Signature blocks:
the subject teacher under each subject, the homeroom teacher and the principal under the summary.
``gradebook_pdf(book, period, t)`` renders them; ``export verify`` reads the same rows back."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer

from domain.evaluation import Kind, RuleSet, SubjectRecord, required_columns
from domain.evaluation.model import TT22_LEVELS, TT58_CONDUCT, TT58_LEARNING
from domain.report_card import ClassBook, Period, evaluate_class, semester_columns
from domain.school import School, Subject, SubjectKind
from domain.windows import ColumnKind
from domain.year_end import FINAL_GRADES, Outcome, Stage, StudentLine, counts, promotion_text, status_text
from exports.pdf import BOLD, HEADING, TITLE, Mark, Meta, grid, landscape, portrait, render, text
from exports.report_cards import heading_block, labels, period_name, signatures
from exports.values import fingerprint, movement, percent, shown
from locales import Translator

SUNDAY = 6
PORTRAIT_WIDTH, LANDSCAPE_WIDTH = 186 * mm, 273 * mm
TAIL_ROWS = 3  # the last rows of a signed table, printed on the page of the signatures


@dataclass(frozen=True)
class Section:
    """One part of the book: a title, table rows (headers first), how it is laid out and signed."""

    key: str  # "cover", "students", "attendance-2025-09", "subject-TOAN", "summary"
    title: str
    rows: list[list[str]]
    header_rows: int = 1
    wide: bool = False  # landscape
    spans: list[tuple] = field(default_factory=list)  # ((col, row), (col, row)) header cells merged
    signers: list[tuple[str, str | None]] = field(default_factory=list)
    follows: bool = False  # printed on the page of the section before it
    shaded: tuple[int, ...] = ()  # columns printed on grey (the attendance's Sundays)

    @property
    def fingerprint(self) -> str:
        return fingerprint([[self.title], *self.rows])


def book_title(book: ClassBook, t: Translator) -> str:
    scheme = "tt22" if book.rules is RuleSet.TT22 else "tt27" if book.primary else "tt58"
    return t(f"exports.book.title.{scheme}")


def sections(book: ClassBook, period: Period, t: Translator) -> list[Section]:
    """Every section of the book for ``period`` (a semester or the year), in printing order."""
    results = evaluate_class(book)
    table = book.value_table()
    parts = [_cover(book, period, t), _students(book, t)]
    parts += [_attendance(book, t, year, month, period) for year, month in _months(*book.span(period))]
    parts += [_subject(book, period, t, table, results, sid, subject) for sid, subject in book.subjects]
    if book.primary:
        from exports.primary_book import summary_sections

        parts += summary_sections(book, period, t, results)
    else:
        parts += [_summary(book, period, t, results), _counts(book, period, t, results)]
    if period is Period.YEAR and Stage.YEAR in book.lists:
        parts.append(_lists(book, t))
    return parts


def gradebook_pdf(book: ClassBook, period: Period, t: Translator) -> bytes:
    return render_sections(book, period, t, sections(book, period, t))


def book_fingerprint(parts: list[Section]) -> str:
    """The fingerprint of the whole book: of its sections' fingerprints, in order."""
    return fingerprint([[part.fingerprint] for part in parts])


def render_sections(book: ClassBook, period: Period, t: Translator, parts: list[Section]) -> bytes:
    story: list = []
    for number, part in enumerate(parts):
        if number and not part.follows:
            story += landscape() if part.wide else portrait()
        story += _render(part, t, book.school)
    meta = Meta(
        title=f"{book_title(book, t)} · {book.class_name}",
        subject=f"{book.class_name} · {period_name(period, t)} · {t('exports.year', year=book.year.name)}",
        keywords=keywords("gradebook", book, period, t),
        header=t(
            "exports.pdf.header",
            school=book.school.name,
            class_name=book.class_name,
            year=book.year.name,
            period=period_name(period, t),
        ),
    )
    return render(story, t, meta)


def keywords(kind: str, book: ClassBook, period: Period, t: Translator) -> str:
    """What ``export verify`` needs to rebuild the file: written in the PDF's keywords."""
    return (
        f"sodiem kind={kind} class={book.class_name} year={book.year.name} period={period.value} "
        f"lang={t.language}"
    )


def _render(part: Section, t: Translator, school: School) -> list:
    if part.key.startswith("primary-"):
        from exports import primary_book

        return primary_book.story(part, t, school)
    story: list = [Mark(part.fingerprint)]
    if part.key == "cover":
        story += [
            heading_block(school, t),
            Spacer(1, 30 * mm),
            *(text(row[0], TITLE if i == 1 else HEADING) for i, row in enumerate(part.rows)),
        ]
        story += [Spacer(1, 20 * mm), signatures(t, part.signers, school)]
        return story
    size = 6.5 if part.wide else 7.5
    widths = column_widths(part, LANDSCAPE_WIDTH if part.wide else PORTRAIT_WIDTH, size)
    style = [("SPAN", *span) for span in part.spans] + [("ALIGN", (1, part.header_rows), (1, -1), "LEFT")]
    style += [("BACKGROUND", (column, 0), (column, -1), colors.lightgrey) for column in part.shaded]
    story += [Spacer(1, 4 * mm)] if part.follows else []
    story += [text(part.title, HEADING), Spacer(1, 3 * mm)]
    if not part.signers:
        return story + [grid(part.rows, widths, part.header_rows, size, style)]
    # the signatures stay with the last rows they certify: never alone on a page
    body, tail = part.rows[: -TAIL_ROWS or None], part.rows[-TAIL_ROWS:]
    if len(body) <= part.header_rows:
        body, tail = part.rows, []
    story.append(grid(body, widths, part.header_rows, size, style))
    signed = [grid(tail, widths, 0, size, [("ALIGN", (1, 0), (1, -1), "LEFT")])] if tail else []
    if part.key.startswith("subject-"):  # one line, so the page holds the whole class
        for role, name in part.signers:
            signed += [Spacer(1, 3 * mm), text(t("exports.sign.line", role=t(role), name=name or ""))]
    else:
        signed += [Spacer(1, 6 * mm), signatures(t, part.signers, school)]
    return story + [KeepTogether(signed)]


def column_widths(part: Section, width: float, size: float) -> list[float]:
    """Each column as wide as its longest text (the merged top header aside), the room left shared
    out equally; when the texts need more than the page, every column gives up the same share."""
    rows = part.rows[part.header_rows - 1 :]
    natural = [
        max(stringWidth(line, BOLD, size) for row in rows for line in str(row[column]).split("\n")) + 6
        for column in range(len(part.rows[0]))
    ]
    spare = width - sum(natural)
    if spare >= 0:
        return [w + spare / len(natural) for w in natural]
    return [w * width / sum(natural) for w in natural]


def _cover(book: ClassBook, period: Period, t: Translator) -> Section:
    lines = [
        book.school.name.upper(),
        book_title(book, t),
        t("exports.book.class", name=book.class_name),
        period_name(period, t),
        t("exports.year", year=book.year.name),
        ", ".join(part for part in (book.school.district, book.school.province) if part),
    ]
    return Section("cover", book_title(book, t), [[line] for line in lines], signers=_signers(book))


def _students(book: ClassBook, t: Translator) -> Section:
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


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _attendance(book: ClassBook, t: Translator, year: int, month: int, period: Period) -> Section:
    """The month's days within the period (a semester's book stops at its last day); Sundays are
    marked "CN" and their column left empty."""
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
    sunday = t("exports.col.sunday")
    header = [t("exports.col.number"), t("exports.col.name")]
    header += [f"{day.day}\n{sunday}" if day.weekday() == SUNDAY else str(day.day) for day in days]
    header += [t("exports.col.excused_short"), t("exports.col.unexcused_short")]
    rows = []
    for n, student in enumerate(book.students, start=1):
        cells = ["".join(marks.get((student.id, day), [])) for day in days]
        joined = "".join(cells)
        rows.append([str(n), student.full_name, *cells, str(joined.count("P")), str(joined.count("K"))])
    title = t("exports.book.attendance", month=f"{month:02d}/{year}")
    sundays = tuple(2 + n for n, day in enumerate(days) if day.weekday() == SUNDAY)
    return Section(f"attendance-{year}-{month:02d}", title, [header, *rows], wide=True, shaded=sundays)


def _subject(book, period, t, table, results, subject_id: int, subject: Subject) -> Section:
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
    top = [t("exports.col.number"), t("exports.col.name")]
    second = ["", ""]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for s in semesters:
        names = [f"{regular_label}{n}" for n in range(1, entered[s] + 1)]
        names += [periodic_label + (str(n) if periodic > 1 else "") for n in range(1, periodic + 1)]
        names += [final_label, t("exports.col.semester_average")]
        spans.append(((len(top), 0), (len(top) + len(names) - 1, 0)))
        top += [t(f"exports.period.{s}")] + [""] * (len(names) - 1)
        second += names
    if period is Period.YEAR:
        spans.append(((len(top), 0), (len(top), 1)))
        top.append(t("exports.col.year_average"))
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


def _summary(book: ClassBook, period: Period, t: Translator, results) -> Section:
    """Per student the conduct (rèn luyện, TT22 Điều 8) then the learning (học tập, Điều 9) of each
    semester and the year, the absences, and the year's promotion and award (a semester's title only
    where the rules give one: TT58)."""
    scheme = "tt22" if book.rules is RuleSet.TT22 else "tt58"
    keys = ("1", "2", "year") if period is Period.YEAR else (period.value,)
    header = [t("exports.col.number"), t("exports.col.name")]
    for key in keys:
        when = t(f"exports.period.{key}")
        header += [
            f"{t(f'exports.col.conduct.{scheme}')} {when}",
            f"{t(f'exports.col.learning.{scheme}')} {when}",
        ]
    header += [t("exports.col.excused"), t("exports.col.unexcused")]
    approved = book.lists.get(Stage.YEAR, {}) if period is Period.YEAR else {}
    summer = book.lists.get(Stage.SUMMER, {}) if approved else {}
    semester_awards = period is not Period.YEAR and book.rules is RuleSet.TT58
    if period is Period.YEAR:
        completes = book.grade in FINAL_GRADES
        header += [
            t("exports.col.completed" if completes else "exports.col.promotion"),
            t("exports.col.award"),
        ]
        header += [t("year_end.book.col.summer")] if summer else []
    elif semester_awards:
        header.append(t("exports.col.award"))
    rows = []
    for n, (student, result) in enumerate(zip(book.students, results, strict=True), start=1):
        row = [str(n), student.full_name]
        for key in keys:
            row += [_conduct(book, student.id, result, key) or "", _learning(result, key) or ""]
        row += [str(count) for count in book.absences_of(student.id, period)]
        if period is Period.YEAR and student.id in approved:
            line = approved[student.id]
            row += [status_text(t, line, book.grade), line.award or ""]
            row += [_summer_cell(summer.get(student.id), t, book.grade)] if summer else []
        elif period is Period.YEAR:
            promotion = promotion_text(t, result.promotion, book.grade) if result else ""
            row += [promotion, (result.award or "") if result else ""]
            row += [""] if summer else []
        elif semester_awards:
            row.append((result.semester_awards.get(period.value) or "") if result else "")
        rows.append(row)
    title = t("exports.book.summary", period=period_name(period, t))
    return Section("summary", title, [header, *rows], wide=period is Period.YEAR)


def _conduct(book: ClassBook, student_id: int, result, key: str) -> str | None:
    if key == "year":
        return result.conduct.get("year") if result else None
    return book.conduct.get(student_id, {}).get(int(key))


def _learning(result, key: str) -> str | None:
    return result.learning.get(key) if result else None


def _counts(book: ClassBook, period: Period, t: Translator, results) -> Section:
    """How many students reached each level, and what share of the class, in the summary's order."""
    scheme = "tt22" if book.rules is RuleSet.TT22 else "tt58"
    conduct_levels, learning_levels = (
        (TT22_LEVELS, TT22_LEVELS) if book.rules is RuleSet.TT22 else (TT58_CONDUCT, TT58_LEARNING)
    )
    key = period.result_key or "year"
    students = [s.id for s in book.students]
    conduct = Counter(_conduct(book, sid, result, key) for sid, result in zip(students, results, strict=True))
    learning = Counter(_learning(result, key) for result in results)
    total = len(students)
    header = [t("exports.col.number"), t("exports.col.aspect"), t("exports.col.level_name")]
    header += [t("exports.col.count"), t("exports.col.percent")]
    rows = []
    for aspect, levels, counted in (
        (t(f"exports.col.conduct.{scheme}"), conduct_levels, conduct),
        (t(f"exports.col.learning.{scheme}"), learning_levels, learning),
    ):
        for level in (*levels, None):
            label = level or t("exports.summary.pending")
            rows.append(
                [str(len(rows) + 1), aspect, label, str(counted[level]), percent(counted[level], total, t)]
            )
    title = t("exports.book.counts", period=period_name(period, t))
    return Section("counts", title, [header, *rows], signers=_signers(book), follows=True)


def _signers(book: ClassBook) -> list[tuple[str, str | None]]:
    return [("exports.sign.homeroom", book.homeroom_teacher), ("exports.sign.principal", book.principal)]


def _summer_cell(line: StudentLine | None, t: Translator, grade: int) -> str:
    if line is None:
        return ""
    return f"{line.learning or '—'}/{line.conduct or '—'} → {status_text(t, line, grade)}"


def _lists(book: ClassBook, t: Translator) -> Section:
    """The approved lists' counts: at the end of the year, and after the summer (the year's lines with
    the summer's in place of theirs)."""
    year = book.lists[Stage.YEAR]
    after = {**year, **book.lists.get(Stage.SUMMER, {})}
    first, final = counts(year.values()), counts(after.values())
    header = [
        t("exports.col.number"),
        t("year_end.book.col.status"),
        t("year_end.book.col.year"),
        t("year_end.book.col.after_summer"),
    ]
    rows = [
        [
            str(n),
            t(f"year_end.outcome.{outcome.value}"),
            str(first.by_status[outcome]),
            str(final.by_status[outcome]),
        ]
        for n, outcome in enumerate(Outcome, start=1)
    ]
    awards = sorted(set(first.by_award) | set(final.by_award))
    rows += [
        [str(len(rows) + n), award, str(first.by_award.get(award, 0)), str(final.by_award.get(award, 0))]
        for n, award in enumerate(awards, start=1)
    ]
    return Section("lists", t("year_end.book.lists_title"), [header, *rows], signers=_signers(book))
