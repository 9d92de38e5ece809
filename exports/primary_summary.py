"""The district's summary for a primary school (TT27/2020): per class and per grade, how many pupils
reached each education result, completed the programme and won each award, and how many ratings of the
qualities and competencies and how many subject levels are T, H (Đ) or C. A school total at the end.
The results, completion and awards are the year's; the ratings and the subject levels those of the
period's end (semester II's for the year). The last row gives each count's share: of the pupils (results,
completion, awards), of the ratings given (five qualities, ten competencies a pupil) and of the subject
levels entered."""

from __future__ import annotations

from collections import Counter

from domain.evaluation.model import CHT, EXCELLENT, EXEMPLARY, HT, HTT, HTXS, NOT_COMPLETED, PROMOTED
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import ClassBook, Period, evaluate_class, semester_columns
from exports.primary_values import year_outcome
from exports.values import percent
from locales import Translator

RESULTS = (HTXS, HTT, HT, CHT)
AWARDS = (EXCELLENT, EXEMPLARY)
RATINGS = ("T", "Đ", "C")
LEVELS = ("T", "H", "C")


def primary_summary_rows(books: list[ClassBook], period: Period, t: Translator) -> list[list]:
    """Two header rows, then per grade its classes and the grade's subtotal, then the school's total."""
    groups = [t("exports.col.class_name"), t("exports.summary.students")]
    names = ["", ""]
    of_pupils: set[int] = set()  # where the groups whose shares are of the pupils (not of their count) start

    def group(title: str, columns: list[str], pupils: bool = False) -> None:
        if pupils:
            of_pupils.add(len(names))
        groups.extend([title] + [""] * (len(columns) - 1))
        names.extend(columns)

    year = period is Period.YEAR
    pending = t("exports.summary.pending")
    if year:
        group(t("exports.primary.col.result"), [*RESULTS, pending], pupils=True)
        group(
            t("exports.primary.summary.completion"),
            [t("exports.primary.completed.yes"), t("exports.primary.completed.no")],
            pupils=True,
        )
        group(t("exports.summary.awards"), list(AWARDS), pupils=True)
    group(t("exports.primary.summary.qualities"), list(RATINGS))
    group(t("exports.primary.summary.competencies"), list(RATINGS))
    group(t("exports.primary.summary.levels"), list(LEVELS))
    rows = [groups, names]
    total = [t("exports.summary.total")] + [0] * (len(names) - 1)
    for grade in sorted({book.grade for book in books}):
        subtotal = [t("exports.primary.summary.grade", grade=grade)] + [0] * (len(names) - 1)
        for book in (b for b in books if b.grade == grade):
            row = [book.class_name, len(book.students), *_counts(book, period)]
            rows.append(row)
            subtotal = [subtotal[0]] + [a + b for a, b in zip(subtotal[1:], row[1:], strict=True)]
        rows.append(subtotal)
        total = [total[0]] + [a + b for a, b in zip(total[1:], subtotal[1:], strict=True)]
    rows.append(total)
    return rows + [_shares(groups, total, of_pupils, t)]


def _shares(groups: list, total: list, of_pupils: set[int], t: Translator) -> list:
    """Each count of the school's total as a share: of the pupils, or of its group's count (the ratings
    given, the levels entered)."""
    starts = [n for n, title in enumerate(groups) if title and n >= 2] + [len(groups)]
    shares = [t("exports.summary.share"), ""]
    for start, end in zip(starts, starts[1:], strict=False):
        whole = total[1] if start in of_pupils else sum(total[start:end])
        shares += [percent(count, whole, t) for count in total[start:end]]
    return shares


def _counts(book: ClassBook, period: Period) -> list[int]:
    cells: list[int] = []
    results = evaluate_class(book)
    if period is Period.YEAR:
        outcomes = [year_outcome(book, s.id, r) for s, r in zip(book.students, results, strict=True)]
        levels = Counter(level or None for level, _ in outcomes)
        promotions = Counter(r.promotion for r in results)
        awards = Counter(award for _, award in outcomes)
        cells += [levels[r] for r in RESULTS] + [levels[None]]
        cells += [promotions[PROMOTED], promotions[NOT_COMPLETED]]
        cells += [awards[a] for a in AWARDS]
    rated = [book.ratings_at(s.id, period) for s in book.students]
    qualities = Counter(r.get(name) for r in rated for name in QUALITIES)
    competencies = Counter(r.get(name) for r in rated for name in COMPETENCIES)
    cells += [qualities[level] for level in RATINGS] + [competencies[level] for level in RATINGS]
    table = book.value_table()
    semester = period.semester or 2
    levels = Counter(
        semester_columns(table, s.id, subject_id, semester)[2]
        for s in book.students
        for subject_id, _ in book.subjects
    )
    return cells + [levels[level] for level in LEVELS]
