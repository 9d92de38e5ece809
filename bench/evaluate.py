"""Evaluate a whole school under TT22: 1,500 students × 13 subjects (9 scored, 4 comment),
random but seeded plausible scores, built in memory. Prints students per second.

Run: .venv/bin/python bench/evaluate.py [students]"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.evaluation import (  # noqa: E402
    FAIL,
    PASS,
    Absences,
    Conduct,
    Kind,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    SubjectRecord,
    evaluate_student,
)

SCORED = {
    "Ngữ văn": 140,
    "Toán": 140,
    "Ngoại ngữ 1": 105,
    "Giáo dục công dân": 35,
    "Lịch sử và Địa lí": 105,
    "Khoa học tự nhiên": 140,
    "Công nghệ": 35,
    "Tin học": 35,
    "Tiếng dân tộc": 70,
}
COMMENT = ("Giáo dục thể chất", "Nghệ thuật", "Hoạt động trải nghiệm, hướng nghiệp", "Giáo dục địa phương")
ROUNDS = 5
CONDUCT = ("Tốt", "Tốt", "Tốt", "Khá", "Khá", "Đạt", "Chưa đạt")


def score(rng: random.Random, ability: float) -> Decimal:
    tenths = round(min(100.0, max(0.0, rng.gauss(ability, 1.5))) * 10)
    return Decimal(tenths).scaleb(-1)


def scored_subject(rng: random.Random, name: str, periods: int, ability: float) -> SubjectRecord:
    count = 2 if periods <= 35 else 3 if periods <= 70 else 4

    def semester() -> SemesterEntries:
        regular = tuple(score(rng, ability) for _ in range(count))
        return SemesterEntries(regular, (score(rng, ability),), score(rng, ability))

    return SubjectRecord(name, Kind.SCORED, {"1": semester(), "2": semester()}, periods_per_year=periods)


def comment_subject(rng: random.Random, name: str) -> SubjectRecord:
    def semester() -> SemesterEntries:
        marks = [PASS if rng.random() > 0.02 else FAIL for _ in range(4)]
        return SemesterEntries(tuple(marks[:2]), (marks[2],), marks[3])

    return SubjectRecord(name, Kind.COMMENT, {"1": semester(), "2": semester()})


def school(students: int, seed: int = 2026) -> list[StudentRecord]:
    rng = random.Random(seed)
    records = []
    for _ in range(students):
        ability = rng.uniform(4.0, 9.5)
        subjects = [scored_subject(rng, name, periods, ability) for name, periods in SCORED.items()]
        subjects += [comment_subject(rng, name) for name in COMMENT]
        conduct = Conduct({"1": rng.choice(CONDUCT), "2": rng.choice(CONDUCT)})
        absences = Absences(rng.randint(0, 30), rng.randint(0, 20))
        records.append(StudentRecord(tuple(subjects), conduct, absences))
    return records


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    records = school(count)
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        results = [evaluate_student(record, RuleSet.TT22) for record in records]
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    levels = Counter(result.learning["year"] for result in results)
    print(f"{count} students × {len(SCORED) + len(COMMENT)} subjects, {ROUNDS} rounds")
    print(f"median {median:.3f} s ({count / median:,.0f} students per second), best {min(timings):.3f} s")
    print("year learning levels:", dict(levels.most_common()))


if __name__ == "__main__":
    main()
