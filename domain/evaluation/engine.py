"""Evaluate one student's year under a rule set: the entry point of every feature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from types import ModuleType

from domain.evaluation import tt22, tt27, tt58
from domain.evaluation.model import (
    CHUA_DAT,
    RETEST,
    SEMESTERS,
    SUMMER,
    YEAR,
    Classification,
    Graded,
    Kind,
    PrimaryRecord,
    Reason,
    RuleSet,
    StudentRecord,
    StudentResult,
    SubjectResult,
    because,
)
from domain.evaluation.subjects import evaluate_subject
from domain.evaluation.values import FAIL, is_mark

PASS_SCORE = Decimal("5.0")
PERIODS = (*SEMESTERS, YEAR)


def evaluate_student(record: StudentRecord | PrimaryRecord, rules: RuleSet) -> StudentResult:
    """Every result of the year with its reasons; what cannot be computed yet is None and listed
    in ``incomplete``; what the rules leave to people is listed in ``review``."""
    if rules is RuleSet.TT27:
        if not isinstance(record, PrimaryRecord):
            raise TypeError("TT27 evaluates a PrimaryRecord")
        return tt27.evaluate(record)
    if not isinstance(record, StudentRecord):
        raise TypeError(f"{rules} evaluates a StudentRecord")
    return _Secondary(record, rules).evaluate()


def failed(result: SubjectResult) -> bool:
    """A year result that sends the subject to re-assessment: ĐTBmcn below 5,0 or CĐ."""
    value = result.results[YEAR]
    return is_mark(value, FAIL) or (isinstance(value, Decimal) and value < PASS_SCORE)


class _Secondary:
    def __init__(self, record: StudentRecord, rules: RuleSet) -> None:
        self.record = record
        self.rules = rules
        self.scheme: ModuleType = tt22 if rules is RuleSet.TT22 else tt58
        self.subjects = {s.name: evaluate_subject(rules, s) for s in record.subjects}
        self.explanations: dict[tuple[str, ...], tuple[Reason, ...]] = {
            ("subjects", name, period): reasons
            for name, result in self.subjects.items()
            for period, reasons in result.explanations.items()
        }
        self.incomplete = [reason for result in self.subjects.values() for reason in result.incomplete]
        self.review = [reason for result in self.subjects.values() for reason in result.review]

    def evaluate(self) -> StudentResult:
        levels = {period: self._classify(period, self._graded(period)) for period in PERIODS}
        learning = {period: c.level if c else None for period, c in levels.items()}
        averages = {period: c.average if c else None for period, c in levels.items()}
        conduct = self._conduct()
        failing = tuple(name for name, result in self.subjects.items() if failed(result))
        after = self._after_retest(learning[YEAR], failing)
        if after:
            learning[RETEST], averages[RETEST] = after.level, after.average
            self.explanations[("learning", RETEST)] = after.reasons
        if self.record.conduct.summer is not None:
            conduct[SUMMER] = self.record.conduct.summer
        self._review(learning, conduct)
        promotion, retest_subjects = self._promotion(learning, conduct, failing, after)
        award, semester_awards = self._awards(learning, conduct)
        return StudentResult(
            rules=self.rules,
            subjects=self.subjects,
            learning=learning,
            conduct=conduct,
            overall_average=averages if self.rules is not RuleSet.TT22 else dict.fromkeys(PERIODS),
            promotion=promotion,
            retest_subjects=retest_subjects,
            award=award,
            semester_awards=semester_awards,
            incomplete=tuple(self.incomplete),
            review=tuple(self.review),
            explanations=self.explanations,
        )

    def _graded(self, period: str) -> list[Graded]:
        """The results of the subjects taught in ``period``; a value is None while incomplete."""
        return [Graded(name, r.results[period]) for name, r in self.subjects.items() if period in r.results]

    def _classify(self, period: str, graded: list[Graded]) -> Classification | None:
        waiting = [g.subject for g in graded if g.value is None]
        if waiting:
            self.explanations[("learning", period)] = (
                because("evaluation.reason.waiting", subjects=", ".join(waiting)),
            )
            return None
        no_scores = not any(g.scored for g in graded)
        if not graded or (no_scores and self.rules is not RuleSet.TT22):
            return None  # TT58 needs an average of scored subjects
        classification = self._classify_graded(graded)
        self.explanations[("learning", period)] = classification.reasons
        if self.rules is not RuleSet.TT22:
            self.explanations[("overall_average", period)] = (
                because("evaluation.reason.tt58.overall_average", value=classification.average),
            )
        return classification

    def _classify_graded(self, graded: list[Graded]) -> Classification:
        if self.rules is RuleSet.TT22:
            return tt22.classify(graded)
        return tt58.classify(graded, self.rules)

    def _conduct(self) -> dict[str, str | None]:
        semesters = self.record.conduct.semesters
        key = "evaluation.incomplete.tt22.missing_conduct"
        if self.rules is not RuleSet.TT22:
            key = "evaluation.incomplete.tt58.missing_conduct"
        self.incomplete += [because(key, semester=s) for s in SEMESTERS if semesters.get(s) is None]
        if self.rules is RuleSet.TT22:
            first, second = semesters.get("1"), semesters.get("2")
            if first is None or second is None:
                return {YEAR: None}
            level, reasons = tt22.conduct_year(first, second)
        else:
            level, reasons = tt58.conduct_year(self.record.conduct)
        self.explanations[("conduct", YEAR)] = reasons
        return {YEAR: level}

    def _after_retest(self, learning: str | None, failing: tuple[str, ...]) -> Classification | None:
        """The year level with the re-assessed subjects' results in place of their year results."""
        retest = {name: value for name, value in self.record.retest.items() if name in failing}
        self.review += [
            because("evaluation.review.retest_ignored", subject=name)
            for name in self.record.retest
            if name not in failing
        ]
        if not retest or learning is None:
            return None
        for name, value in retest.items():
            result = self.subjects[name]
            self.subjects[name] = replace(result, results={**result.results, RETEST: value})
        if self.rules is RuleSet.TT22:  # every failed subject is re-assessed
            missing = [name for name in failing if name not in retest]
            self.incomplete += [
                because("evaluation.incomplete.missing_retest", subject=name) for name in missing
            ]
            if missing:
                return None
        return self._classify_graded(
            [g._replace(value=retest.get(g.subject, g.value)) for g in self._graded(YEAR)]
        )

    def _review(self, learning: Mapping[str, str | None], conduct: Mapping[str, str | None]) -> None:
        scored = sum(1 for result in self.subjects.values() if result.kind is Kind.SCORED)
        if self.rules is RuleSet.TT22 and scored < tt22.MIN_SUBJECTS:
            self.review.append(
                because("evaluation.review.fewer_than_six", count=scored, need=tt22.MIN_SUBJECTS)
            )
        if self.rules is not RuleSet.TT22 and scored == 0:
            self.review.append(because("evaluation.review.no_scored_subjects"))
        if self.rules is RuleSet.TT22 and conduct[YEAR] == CHUA_DAT and learning[YEAR] == CHUA_DAT:
            self.review.append(because("evaluation.review.conduct_and_learning_failed"))

    def _promotion(
        self,
        learning: Mapping[str, str | None],
        conduct: Mapping[str, str | None],
        failing: tuple[str, ...],
        after: Classification | None,
    ) -> tuple[str | None, tuple[str, ...]]:
        if learning[YEAR] is None or conduct[YEAR] is None:
            return None, ()
        decision = self.scheme.promotion(
            conduct[YEAR],
            learning[YEAR],
            after.level if after else None,
            self.record.conduct.summer,
            self.record.absences,
            failing,
        )
        self.explanations[("promotion",)] = decision.reasons
        return decision.promotion, decision.retest_subjects

    def _awards(
        self, learning: Mapping[str, str | None], conduct: Mapping[str, str | None]
    ) -> tuple[str | None, dict[str, str | None]]:
        semester_awards: dict[str, str | None] = {}
        if self.rules is not RuleSet.TT22:
            for semester in SEMESTERS:
                level, behaviour = learning[semester], self.record.conduct.semesters.get(semester)
                if level is not None and behaviour is not None:
                    semester_awards[semester], reasons = tt58.title(behaviour, level)
                    self.explanations[("semester_awards", semester)] = reasons
        if learning[YEAR] is None or conduct[YEAR] is None:
            return None, semester_awards
        if self.rules is RuleSet.TT22:
            award, reasons = tt22.award(conduct[YEAR], learning[YEAR], self._graded(YEAR))
        else:
            award, reasons = tt58.title(conduct[YEAR], learning[YEAR])
        self.explanations[("award",)] = reasons
        return award, semester_awards
