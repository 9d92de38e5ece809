"""The primary school's book (TT27/2020, "Sổ theo dõi chất lượng giáo dục"): the subject pages and the
class's year table ("Bảng tổng hợp kết quả đánh giá giáo dục của lớp"), drawn for the gradebook
(``exports.gradebook`` dispatches here for primary classes).

A subject page gives per semester the mid-term and end-of-term level (T/H/C) and the periodic tests: the
mid-term test in Tiếng Việt and Toán for grades 4–5, the end-of-term test in every tested subject. The
year table gives per pupil each subject's level and test, the five qualities and ten competencies, the
education result, the award, and whether the pupil completed the class's programme ("Hoàn thành chương
trình tiểu học" in grade 5). Test scores are whole numbers (TT27 Điều 7): "8", never "8,0"."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from domain.columns import PRIMARY_MIDTERM_TEST_CODES, PRIMARY_TESTED_MIDTERM_GRADES
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import ClassBook, Period, semester_columns
from domain.school import School, Subject
from domain.windows import ColumnKind
from exports.book_section import LANDSCAPE_WIDTH, PORTRAIT_WIDTH, Section
from exports.card_text import period_name
from exports.pdf import BOLD, HEADING, REGULAR, Mark, grid, text
from exports.primary_values import completion_text, whole, year_outcome
from exports.report_cards import signatures
from exports.values import shown
from locales import Translator

GENERAL_COMPETENCIES = 3  # the first three competencies are general, the other seven specific
NUMBER_WIDTH, NAME_WIDTH, WIDE_NAME_WIDTH = 7 * mm, 42 * mm, 36 * mm  # a long name wraps
TAIL_ROWS = 3  # rows kept on the page of the signature block


def midterm_tested(book: ClassBook, subject: Subject) -> bool:
    return (
        subject.has_periodic_test
        and book.grade in PRIMARY_TESTED_MIDTERM_GRADES
        and subject.code in PRIMARY_MIDTERM_TEST_CODES
    )


def test_of(table: dict, student_id: int, subject_id: int, semester: int, position: int):
    return table.get((student_id, subject_id, semester, ColumnKind.TEST.value), {}).get(position)


def subject_section(book: ClassBook, period: Period, t: Translator, subject_id: int, subject: Subject):
    """One subject's page: per semester the levels and tests, as the book records them."""
    table = book.value_table()
    semesters = (period.semester,) if period.semester else (1, 2)
    names = [t("exports.primary.col.level_mid")]
    names += [t("exports.primary.col.test_mid")] if midterm_tested(book, subject) else []
    names += [t("exports.primary.col.level_end")]
    names += [t("exports.primary.col.test_end")] if subject.has_periodic_test else []
    top = [t("exports.col.number"), t("exports.col.name")]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for s in semesters:
        spans.append(((len(top), 0), (len(top) + len(names) - 1, 0)))
        top += [t(f"exports.period.{s}")] + [""] * (len(names) - 1)
    rows = [top, ["", ""] + names * len(semesters)]
    for n, student in enumerate(book.students, start=1):
        row = [str(n), student.full_name]
        for s in semesters:
            _, midterm, final = semester_columns(table, student.id, subject_id, s)
            tests = [whole(test_of(table, student.id, subject_id, s, p), t) for p in (1, 2)]
            row.append(shown(midterm, t))
            row += tests[:1] if midterm_tested(book, subject) else []
            row.append(shown(final, t))
            row += tests[1:] if subject.has_periodic_test else []
        rows.append(row)
    signer = [("exports.sign.teacher", book.teachers.get(subject_id))]
    title = t("exports.book.subject", name=subject.name)
    return Section(f"primary-subject-{subject.code}", title, rows, 2, False, spans, signer)


def summary_sections(book: ClassBook, period: Period, t: Translator, results) -> list[Section]:
    """The class's table: the subjects' levels and tests; then the qualities, competencies and, for the
    year, the result, award and completion. The ratings are those of the semester's end (the year: the
    year-end ones, semester II's)."""
    parts = [_subjects_table(book, period, t), _ratings_table(book, period, t, results)]
    signers = [("exports.sign.homeroom", book.homeroom_teacher), ("exports.sign.principal", book.principal)]
    last = parts[-1]
    parts[-1] = Section(last.key, last.title, last.rows, last.header_rows, True, last.spans, signers)
    return parts


def _subjects_table(book: ClassBook, period: Period, t: Translator) -> Section:
    semester = period.semester or 2
    table = book.value_table()
    top, second = [t("exports.col.number"), t("exports.col.name")], ["", ""]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for _, subject in book.subjects:
        if subject.has_periodic_test:
            spans.append(((len(top), 0), (len(top) + 1, 0)))
            top += [subject.name, ""]
            second += [t("exports.primary.col.level_short"), t("exports.primary.col.test_short")]
        else:
            spans.append(((len(top), 0), (len(top), 1)))
            top.append(subject.name)
            second.append("")
    rows = [top, second]
    for n, student in enumerate(book.students, start=1):
        row = [str(n), student.full_name]
        for subject_id, subject in book.subjects:
            row.append(shown(semester_columns(table, student.id, subject_id, semester)[2], t))
            if subject.has_periodic_test:
                row.append(whole(test_of(table, student.id, subject_id, semester, 2), t))
        rows.append(row)
    title = t("exports.primary.year_table", period=period_name(period, t))
    return Section("primary-summary-subjects", title, rows, 2, True, spans)


def completion_heading(book: ClassBook, t: Translator) -> str:
    return t("exports.primary.col.completed_primary" if book.grade == 5 else "exports.primary.col.completed")


def _ratings_table(book: ClassBook, period: Period, t: Translator, results) -> Section:
    groups = (
        ("exports.primary.qualities", QUALITIES),
        ("exports.primary.general", COMPETENCIES[:GENERAL_COMPETENCIES]),
        ("exports.primary.specific", COMPETENCIES[GENERAL_COMPETENCIES:]),
    )
    top, second = [t("exports.col.number"), t("exports.col.name")], ["", ""]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for key, names in groups:
        spans.append(((len(top), 0), (len(top) + len(names) - 1, 0)))
        top += [t(key)] + [""] * (len(names) - 1)
        second += [name[:1].upper() + name[1:] for name in names]
    year = period is Period.YEAR
    if year:
        for heading in (t("exports.primary.col.result"), t("exports.col.award"), completion_heading(book, t)):
            spans.append(((len(top), 0), (len(top), 1)))
            top.append(heading)
            second.append("")
    rows = [top, second]
    for n, (student, result) in enumerate(zip(book.students, results, strict=True), start=1):
        rated = book.ratings_at(student.id, period)
        row = [str(n), student.full_name, *(rated.get(name, "") for name in QUALITIES + COMPETENCIES)]
        if year:
            level, award = year_outcome(book, student.id, result)
            row += [level, award, completion_text(result.promotion if result else None, t)]
        rows.append(row)
    key = "exports.primary.ratings_table_year" if year else "exports.primary.ratings_table"
    title = t(key, period=period_name(period, t))
    return Section("primary-summary-ratings", title, rows, 2, True, spans)


def _widths(part: Section) -> list[float]:
    """The number and the name, the rest shared; in the ratings table the qualities and the general
    competencies (long names) wider, and the year's result, award and completion (words) wider still."""
    width = LANDSCAPE_WIDTH if part.wide else PORTRAIT_WIDTH
    columns = len(part.rows[0])
    weights = [1.0] * (columns - 2)
    if part.key == "primary-summary-ratings":
        general = len(QUALITIES)
        weights[:general] = [1.25] * general
        weights[general : general + GENERAL_COMPETENCIES] = [1.5] * GENERAL_COMPETENCIES
        if columns > 2 + len(QUALITIES + COMPETENCIES):
            weights[-3:] = [3.0, 2.6, 2.6]
    name = WIDE_NAME_WIDTH if part.wide else NAME_WIDTH
    unit = (width - NUMBER_WIDTH - name) / sum(weights)
    return [NUMBER_WIDTH, name, *(unit * w for w in weights)]


def story(part: Section, t: Translator, school: School) -> list:
    """The part drawn: the headings wrapped inside their cells, the names wrapped in theirs, and the last
    rows kept with the signature block (under the header again when they go to a page of their own)."""
    size = 6.5 if part.wide else 7.5
    spans = [("SPAN", *span) for span in part.spans]
    if part.wide:  # a class of 45 on one landscape page
        spans += [("TOPPADDING", (0, 0), (-1, -1), 0.4), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.4)]
    widths = _widths(part)

    def table(first: int, last: int, headed: bool = True) -> Table:
        rows = _cells(part, size, first, last)
        if headed:
            return grid(_header(part, size) + rows, widths, part.header_rows, size, spans)
        return grid(rows, widths, 1, size, [("FONT", (0, 0), (-1, 0), REGULAR, size)])

    count = len(part.rows) - part.header_rows
    tail = TAIL_ROWS if part.signers and count > TAIL_ROWS else 0
    flowables: list = [Mark(part.fingerprint), text(part.title, HEADING), Spacer(1, 3 * mm)]
    flowables.append(table(0, count - tail))
    signature = _signature(part, t, school)
    if not signature:
        return flowables
    if not tail:
        return [*flowables, KeepTogether(signature)]
    under = _stack([table(count - tail, count, headed=False), *signature], sum(widths))
    headed = _stack([table(count - tail, count), *_signature(part, t, school)], sum(widths))
    return [*flowables, _Tail(under, headed)]


def _header(part: Section, size: float) -> list[list]:
    head = _style(size, BOLD)
    return [[text(c, head) if c else "" for c in row] for row in part.rows[: part.header_rows]]


def _cells(part: Section, size: float, first: int, last: int) -> list[list]:
    """Body rows ``first`` to ``last``: the name, and any word longer than a level, wrap in their cells."""
    name, words = _style(size, REGULAR, left=True), _style(size, REGULAR)
    return [
        [row[0], text(row[1], name), *(text(c, words) if len(c) > 3 else c for c in row[2:])]
        for row in part.rows[part.header_rows + first : part.header_rows + last]
    ]


def _signature(part: Section, t: Translator, school: School) -> list:
    if part.key.startswith("primary-subject-"):  # one line, so the page holds the whole class
        lines = [text(t("exports.sign.line", role=t(role), name=name or "")) for role, name in part.signers]
        return [Spacer(1, 3 * mm), *lines] if lines else []
    return [Spacer(1, 3 * mm), signatures(t, part.signers, school)] if part.signers else []


def _stack(flowables: list, width: float) -> Table:
    table = Table([[f] for f in flowables], colWidths=[width])
    padding = ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
    table.setStyle(
        TableStyle([*((p, (0, 0), (-1, -1), 0) for p in padding), ("ALIGN", (0, 0), (-1, -1), "LEFT")])
    )
    return table


class _Tail(Flowable):
    """The last rows and the signature: right under the table where they fit on its page, else at the
    top of the next page under the header again (a loose page still says what its columns are)."""

    def __init__(self, under: Flowable, headed: Flowable) -> None:
        super().__init__()
        self._under, self._headed, self._chosen = under, headed, None
        self.hAlign = "CENTER"  # as the table above it

    def wrap(self, width: float, height: float) -> tuple[float, float]:
        if self._chosen is None:
            size = self._under.wrap(width, height)
            self._chosen = self._under if size[1] <= height else self._headed
        self.width, self.height = self._chosen.wrap(width, height)
        return self.width, self.height

    def draw(self) -> None:
        self._chosen.drawOn(self.canv, 0, 0)


def _style(size: float, font: str, left: bool = False) -> ParagraphStyle:
    name = f"primary-{font}-{size}-{left}"
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size + 1.5, alignment=0 if left else 1)
