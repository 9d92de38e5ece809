"""The district's summary spreadsheet (.xlsx): per class, how many students reached each learning and
conduct level, were promoted (or re-tested, trained in the summer, kept back) and won each award, for
a semester or the year; a total row for the school. Levels are the circulars' words."""

from __future__ import annotations

import io
from collections import Counter

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

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
from exports.values import fingerprint
from locales import Translator

PROMOTIONS = (PROMOTED, RETEST_NEEDED, SUMMER_TRAINING, RETAINED)
AWARDS = (EXCELLENT, GOOD, ADVANCED, EXEMPLARY)


def _scales(books: list[ClassBook]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The learning and conduct levels of the rule sets the classes use, best first."""
    learning, conduct = [], []
    for book in books:
        tt22 = book.rules is RuleSet.TT22
        learning += [lv for lv in (TT22_LEVELS if tt22 else TT58_LEARNING) if lv not in learning]
        conduct += [lv for lv in (TT22_LEVELS if tt22 else TT58_CONDUCT) if lv not in conduct]
    return tuple(learning), tuple(conduct)


def summary_rows(books: list[ClassBook], period: Period, t: Translator) -> list[list]:
    """Two header rows, a row per secondary class (primary classes are not classified this way), the total."""
    books = [book for book in books if not book.primary]
    learning_levels, conduct_levels = _scales(books)
    key = period.result_key or "year"
    pending = t("exports.summary.pending")
    groups = [t("exports.col.class_name"), t("exports.summary.students")]
    levels = ["", ""]
    for group, names in (
        (t("exports.summary.learning"), [*learning_levels, pending]),
        (t("exports.summary.conduct"), [*conduct_levels, pending]),
    ):
        groups += [group] + [""] * (len(names) - 1)
        levels += names
    if period is Period.YEAR:
        groups += [t("exports.summary.promotion")] + [""] * len(PROMOTIONS)
        levels += [*PROMOTIONS, pending]
    groups += [t("exports.summary.awards")] + [""] * (len(AWARDS) - 1)
    levels += list(AWARDS)
    rows = [groups, levels]
    total = [t("exports.summary.total"), 0] + [0] * (len(levels) - 2)
    for book in books:
        results = evaluate_class(book)
        learning = Counter(r.learning.get(key) for r in results)
        if key == "year":
            conduct = Counter(r.conduct.get("year") for r in results)
        else:
            conduct = Counter(book.conduct.get(s.id, {}).get(int(key)) for s in book.students)
        row = [book.class_name, len(book.students)]
        row += [learning[lv] for lv in learning_levels] + [learning[None]]
        row += [conduct[lv] for lv in conduct_levels] + [conduct[None]]
        if period is Period.YEAR:
            promotion = Counter(r.promotion for r in results)
            row += [promotion[p] for p in PROMOTIONS] + [promotion[None]]
            awards = Counter(r.award for r in results)
        else:
            awards = Counter(r.semester_awards.get(key) for r in results)
        row += [awards[a] for a in AWARDS]
        rows.append(row)
        total = [total[0]] + [a + b for a, b in zip(total[1:], row[1:], strict=True)]
    rows.append(total)
    return rows


def summary_xlsx(books: list[ClassBook], period: Period, t: Translator) -> tuple[bytes, str]:
    """The workbook's bytes and the fingerprint of its rows."""
    rows = summary_rows(books, period, t)
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
    for cell in (*sheet[2], *sheet[3]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 12
    workbook.properties.keywords = f"sodiem kind=summary year={year} period={period.value} lang={t.language}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), fingerprint(rows)
