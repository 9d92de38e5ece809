"""A realistic primary demo school (TT27/2020): grades 1–5, two classes a grade of about 35 pupils, a
homeroom teacher per class who teaches the class's main subjects, and specialist teachers for English,
Informatics and Technology, music, fine arts and physical education. From a fixed seed, like the
lower-secondary demo school (``domain.demo``); ``sodiem demo --level primary``.

The year's values (``--fill``) follow the pupil's ability: a subject's level (T/H/C) at mid-term and end
of each semester, the periodic tests as whole scores (TT27 Điều 7: mid-term in Tiếng Việt and Toán for
grades 4–5, end of term in every tested subject), and the five qualities and ten competencies."""

from __future__ import annotations

import random

from domain.demo import STAFF_HEADERS, person, phone, roster_table
from domain.importing import Table

SCHOOL_NAME = "Trường Tiểu học Lê Văn Tám"
DISTRICT, PROVINCE = "Thành phố Buôn Ma Thuột", "Đắk Lắk"
GRADES = (1, 2, 3, 4, 5)
CLASS_LETTERS = "AB"
PUPILS_PER_CLASS = 35

# taught by the homeroom teacher in every class of the grade (code → name as the school's subjects)
HOMEROOM_SUBJECTS = {
    1: ("Tiếng Việt", "Toán", "Đạo đức", "Tự nhiên và Xã hội", "Hoạt động trải nghiệm"),
    4: ("Tiếng Việt", "Toán", "Đạo đức", "Lịch sử và Địa lí", "Khoa học", "Hoạt động trải nghiệm"),
}
# (subject, grades it is taught in) for each specialist teacher
SPECIALISTS = (
    ("Ngoại ngữ 1", (3, 4, 5)),
    ("Tin học và Công nghệ", (3, 4, 5)),
    ("Nghệ thuật (Âm nhạc)", GRADES),
    ("Nghệ thuật (Mĩ thuật)", GRADES),
    ("Giáo dục thể chất", GRADES),
)


def class_names() -> list[str]:
    return [f"{grade}{letter}" for grade in GRADES for letter in CLASS_LETTERS]


def primary_roster_table(year_name: str, seed: int = 2027) -> Table:
    return roster_table(year_name, PUPILS_PER_CLASS, seed, CLASS_LETTERS, GRADES)


def homeroom_subjects(grade: int) -> tuple[str, ...]:
    return HOMEROOM_SUBJECTS[4 if grade >= 4 else 1]


def primary_staff_table(seed: int = 2027) -> Table:
    rng = random.Random(seed)
    rows = [
        ["CB001", person(rng, True), phone(rng), "Hiệu trưởng", "", "", ""],
        ["CB002", person(rng, True), phone(rng), "Phó hiệu trưởng", "", "", ""],
        ["CB003", person(rng, False), phone(rng), "Quản trị", "", "", ""],
    ]
    for number, class_name in enumerate(class_names(), start=1):
        taught = "; ".join(f"{class_name}: {name}" for name in homeroom_subjects(int(class_name[0])))
        role = "Giáo viên, Tổ trưởng" if class_name.endswith("A") else "Giáo viên"
        department = f"Tổ khối {class_name[0]}"
        rows.append([f"GV{number:03d}", person(rng, True), phone(rng), role, department, class_name, taught])
    for number, (subject, grades) in enumerate(SPECIALISTS, start=len(class_names()) + 1):
        taught = "; ".join(f"{name}: {subject}" for name in class_names() if int(name[0]) in grades)
        role = "Giáo viên, Tổ trưởng" if subject == SPECIALISTS[0][0] else "Giáo viên"
        rows.append(
            [
                f"GV{number:03d}",
                person(rng, rng.random() < 0.6),
                phone(rng),
                role,
                "Tổ chuyên biệt",
                "",
                taught,
            ]
        )
    return Table(STAFF_HEADERS, [(line, [line - 1, *cells]) for line, cells in enumerate(rows, start=2)])


def level_near(rng: random.Random, ability: float) -> str:
    """A subject's level (T/H/C) for a pupil of that ability: mostly H and T, C now and then."""
    value = ability + rng.gauss(0, 0.4)
    return "T" if value >= 6.9 else "H" if value >= 3.7 else "C"


def test_near(rng: random.Random, ability: float) -> str:
    """A periodic test's score, a whole number from 1 to 10 (TT27 Điều 7 khoản 2)."""
    return str(min(10, max(1, round(ability + 1.2 + rng.gauss(0, 0.7)))))


def rating_near(rng: random.Random, ability: float) -> str:
    """A quality's or competency's level: Tốt, Đạt or Cần cố gắng."""
    value = ability + rng.gauss(0, 0.4)
    return "T" if value >= 6.4 else "Đ" if value >= 3.7 else "C"
