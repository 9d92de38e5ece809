"""The result pages of a secondary gradebook: the summary (levels, conduct, absences, promotion, awards),
the counts per level, and the approved year-end lists; signed by the homeroom teacher and the principal."""

from __future__ import annotations

from collections import Counter

from domain.evaluation import RuleSet
from domain.evaluation.model import TT22_LEVELS, TT58_CONDUCT, TT58_LEARNING
from domain.report_card import ClassBook, Period
from domain.year_end import FINAL_GRADES, Outcome, Stage, StudentLine, counts, promotion_text, status_text
from exports.book_section import Section, signers_of
from exports.card_text import period_name
from exports.values import percent
from locales import Translator


def summary_page(book: ClassBook, period: Period, t: Translator, results) -> Section:
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


def counts_page(book: ClassBook, period: Period, t: Translator, results) -> Section:
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
    return Section("counts", title, [header, *rows], signers=signers_of(book), follows=True)


def _summer_cell(line: StudentLine | None, t: Translator, grade: int) -> str:
    if line is None:
        return ""
    return f"{line.learning or '—'}/{line.conduct or '—'} → {status_text(t, line, grade)}"


def lists_page(book: ClassBook, t: Translator) -> Section:
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
    return Section("lists", t("year_end.book.lists_title"), [header, *rows], signers=signers_of(book))
