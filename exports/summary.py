"""The district's summary spreadsheet (.xlsx): per class, how many students reached each learning and
conduct level, were promoted (or re-tested, trained in the summer, kept back) and won each award, for
a semester or the year; a total row for the school. Levels are the circulars' words."""

from __future__ import annotations

import io
from collections import Counter
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from domain.evaluation.model import (
    ADVANCED,
    EXCELLENT,
    EXEMPLARY,
    GOOD,
    PROMOTED,
    RETAINED,
    RETEST_NEEDED,
    SUMMER_TRAINING,
    TT22_LEVELS,
    TT58_CONDUCT,
    TT58_LEARNING,
    RuleSet,
)
from domain.report_card import ClassBook, Period, evaluate_class
from domain.year_end import FINAL_GRADES, promotion_text
from exports.primary_summary import primary_summary_rows
from exports.values import fingerprint, percent
from locales import Translator

PROMOTIONS = (PROMOTED, RETEST_NEEDED, SUMMER_TRAINING, RETAINED)
AWARDS = (EXCELLENT, GOOD, ADVANCED, EXEMPLARY)
FIRST_ROW = 2  # of the table, under the title
HEADING_HEIGHT = 92  # points: eight lines of a wrapped heading (a long award)
COLUMN_WIDTH = 12  # characters
NAME_WIDTH = 22  # characters: "Tỉ lệ toàn trường"
SIGNATURE_WIDTH = 5  # columns under the principal's signature, at the table's right
LAST_GRADE = 9  # of lower-secondary school: its promotion completes the programme


def _scales(books: list[ClassBook]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The learning and conduct levels of the rule sets the classes use, best first."""
    learning, conduct = [], []
    for book in books:
        tt22 = book.rules is RuleSet.TT22
        learning += [lv for lv in (TT22_LEVELS if tt22 else TT58_LEARNING) if lv not in learning]
        conduct += [lv for lv in (TT22_LEVELS if tt22 else TT58_CONDUCT) if lv not in conduct]
    return tuple(learning), tuple(conduct)


def summary_rows(books: list[ClassBook], period: Period, t: Translator) -> list[list]:
    """Two header rows; a row per secondary class (primary classes are not classified this way) and a
    subtotal after each grade; the school's total, and its shares of the students. Conduct (rèn luyện,
    TT22 Điều 8) comes before learning (Điều 9)."""
    books = sorted((book for book in books if not book.primary), key=lambda book: book.grade)
    learning_levels, conduct_levels = _scales(books)
    pending = t("exports.summary.pending")
    groups = [t("exports.col.class_name"), t("exports.summary.students")]
    levels = ["", ""]
    for group, names in (
        (t("exports.summary.conduct"), [*conduct_levels, pending]),
        (t("exports.summary.learning"), [*learning_levels, pending]),
    ):
        groups += [group] + [""] * (len(names) - 1)
        levels += names
    completes = period is Period.YEAR and any(book.grade in FINAL_GRADES for book in books)
    if period is Period.YEAR:
        decisions = [PROMOTED, *([promotion_text(t, PROMOTED, LAST_GRADE)] if completes else [])]
        decisions += [*PROMOTIONS[1:], pending]
        groups += [t("exports.summary.promotion")] + [""] * (len(decisions) - 1)
        levels += decisions
    groups += [t("exports.summary.awards")] + [""] * (len(AWARDS) - 1)
    levels += list(AWARDS)
    rows = [groups, levels]
    total = [t("exports.summary.total")] + [0] * (len(levels) - 1)
    for grade, grade_books in groupby(books, key=lambda book: book.grade):
        subtotal = [t("exports.summary.grade", grade=grade)] + [0] * (len(levels) - 1)
        for book in grade_books:
            row = _class_row(book, period, learning_levels, conduct_levels, completes)
            rows.append(row)
            subtotal = _added(subtotal, row)
        rows.append(subtotal)
        total = _added(total, subtotal)
    shares = [t("exports.summary.share"), ""] + [percent(count, total[1], t) for count in total[2:]]
    return rows + [total, shares]


def _added(sums: list, row: list) -> list:
    return [sums[0]] + [a + b for a, b in zip(sums[1:], row[1:], strict=True)]


def _class_row(book: ClassBook, period: Period, learning_levels, conduct_levels, completes: bool) -> list:
    """The class's counts; with ``completes`` (a grade 9 in the school) the year's promotions of grade 9
    counted as «Hoàn thành chương trình THCS», beside the other grades' «lên lớp»."""
    key = period.result_key or "year"
    results = evaluate_class(book)
    learning = Counter(r.learning.get(key) for r in results)
    if key == "year":
        conduct = Counter(r.conduct.get("year") for r in results)
    else:
        conduct = Counter(book.conduct.get(s.id, {}).get(int(key)) for s in book.students)
    row = [book.class_name, len(book.students)]
    row += [conduct[lv] for lv in conduct_levels] + [conduct[None]]
    row += [learning[lv] for lv in learning_levels] + [learning[None]]
    if period is Period.YEAR:
        promotion = Counter(r.promotion for r in results)
        promoted = [promotion[PROMOTED]]
        if completes:
            promoted = [0, promoted[0]] if book.grade in FINAL_GRADES else [promoted[0], 0]
        row += promoted + [promotion[p] for p in PROMOTIONS[1:]] + [promotion[None]]
        awards = Counter(r.award for r in results)
    else:
        awards = Counter(r.semester_awards.get(key) for r in results)
    return row + [awards[a] for a in AWARDS]


def _print_as_a_table(sheet, rows: list[list]) -> None:
    """As the district office prints it: A4 landscape, one page wide; the table under a grid, each group
    heading over its columns, the headings wrapped inside their cells."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW + 1}"
    line = Side(style="thin")
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + len(rows) - 1, max_col=len(rows[0])):
        for cell in row:
            cell.border = Border(left=line, right=line, top=line, bottom=line)
            cell.alignment = Alignment(horizontal="left" if cell.column == 1 else "center", indent=0)
    for row in (FIRST_ROW, FIRST_ROW + 1):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = HEADING_HEIGHT
    groups = rows[0]
    for start, title in enumerate(groups):
        end = start
        while end + 1 < len(groups) and groups[end + 1] == "" and rows[1][end + 1] != "":
            end += 1
        if title and rows[1][start] == "" and end == start:  # a heading over both rows
            sheet.merge_cells(
                start_row=FIRST_ROW, start_column=start + 1, end_row=FIRST_ROW + 1, end_column=start + 1
            )
        elif title and end > start:
            sheet.merge_cells(
                start_row=FIRST_ROW, start_column=start + 1, end_row=FIRST_ROW, end_column=end + 1
            )
    sheet.column_dimensions["A"].width = NAME_WIDTH
    for column in range(2, len(groups) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTH


def summary_xlsx(books: list[ClassBook], period: Period, t: Translator) -> tuple[bytes, str]:
    """The workbook's bytes and the fingerprint of its rows."""
    primary = bool(books) and all(book.primary for book in books)
    rows = primary_summary_rows(books, period, t) if primary else summary_rows(books, period, t)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("exports.summary.sheet")
    school = books[0].school.name if books else ""
    year = books[0].year.name if books else ""
    sheet.append(
        [f"{school} · {t('exports.summary.title')} · {t(f'exports.period.{period.value}')} · {year}"]
    )
    sheet["A1"].font = Font(bold=True, size=12)
    for row in rows:
        sheet.append(row)
    _print_as_a_table(sheet, rows)
    principal = books[0].principal if books else None
    place = books[0].school.district or books[0].school.province if books else ""
    sheet.append([])
    signature_column = max(len(rows[0]) - SIGNATURE_WIDTH, 1) if rows else 1
    for line in (
        t("exports.sign.date", place=place),
        t("exports.sign.principal"),
        t("exports.sign.stamp"),
        "",
        "",
        principal or "",
    ):
        sheet.append([""] * signature_column + [line])
        sheet.cell(sheet.max_row, signature_column + 1).alignment = Alignment(horizontal="center")
    workbook.properties.keywords = f"sodiem kind=summary year={year} period={period.value} lang={t.language}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), fingerprint(rows)
