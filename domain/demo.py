"""A realistic demo school: a lower-secondary school (grades 6–9, three classes a grade, about 40
students a class) with plausible Vietnamese names, guardians, and about 30 staff with homeroom and
teaching assignments. Generated from a fixed seed, so the same school comes out every time and
importing it twice changes nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.calendar import DayOff, day_off, is_closed, with_day_off
from domain.errors import DomainError
from domain.importing import Table
from domain.school import School, SchoolYear, parse_year_name

SCHOOL_NAME = "Trường THCS Nguyễn Du"
DISTRICT, PROVINCE = "Thành phố Buôn Ma Thuột", "Đắk Lắk"
GRADES = (6, 7, 8, 9)


class RealSchoolPresent(DomainError):
    """The database holds a school that is not the demo: the demo would rename it and add its people."""


def check_room_for_demo(existing: School | None, demo_name: str = SCHOOL_NAME) -> None:
    """The demo goes only into an empty database or one that holds that demo already."""
    if existing is not None and existing.name != demo_name:
        raise RealSchoolPresent("demo.error.real_school", name=existing.name)


CLASS_LETTERS = ("A", "B", "C")

FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 3),
    ("Phan", 4),
    ("Vũ", 3),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("H'Nie", 1),
]
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Quốc", "Hoàng", "Gia", "Thành", "Anh", "Hữu", "Công", "Bảo", "Trung"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Khánh", "Phương", "Bảo", "Hoài", "Thùy", "Mai"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Huy",
    "Hùng",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Long",
    "Lâm",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Vũ",
    "Ân",
    "Đông",
    "Phong",
]
FEMALE_GIVEN = [
    "An",
    "Anh",
    "Ánh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hân",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Ngọc",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thư",
    "Trang",
    "Trâm",
    "Uyên",
    "Vy",
    "Yến",
    "Ân",
    "Ý",
]
ETHNICITIES = [("Kinh", 90), ("Ê Đê", 6), ("Tày", 2), ("Nùng", 2)]

# (department, subject code, number of teachers); each class's HĐTN is taught by its homeroom teacher
TEACHING_PLAN = [
    ("Tổ Ngữ văn", "NV", 4),
    ("Tổ Toán - Tin", "TOAN", 4),
    ("Tổ Toán - Tin", "TIN", 1),
    ("Tổ Ngoại ngữ", "NN1", 3),
    ("Tổ Khoa học tự nhiên", "KHTN", 4),
    ("Tổ Khoa học tự nhiên", "CN", 1),
    ("Tổ Xã hội", "LSDL", 3),
    ("Tổ Xã hội", "GDCD", 1),
    ("Tổ Xã hội", "GDDP", 1),
    ("Tổ Nghệ thuật - Thể chất", "GDTC", 3),
    ("Tổ Nghệ thuật - Thể chất", "NT", 2),
]
SUBJECT_NAMES = {
    "NV": "Ngữ văn",
    "TOAN": "Toán",
    "TIN": "Tin học",
    "NN1": "Ngoại ngữ 1",
    "KHTN": "Khoa học tự nhiên",
    "CN": "Công nghệ",
    "LSDL": "Lịch sử và Địa lí",
    "GDCD": "Giáo dục công dân",
    "GDDP": "Nội dung giáo dục của địa phương",
    "GDTC": "Giáo dục thể chất",
    "NT": "Nghệ thuật",
    "HDTN": "Hoạt động trải nghiệm, hướng nghiệp",
}

ROSTER_HEADERS = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Lớp",
    "Dân tộc",
    "Họ tên cha",
    "Họ tên mẹ",
    "Số điện thoại phụ huynh",
    "Nơi sinh",
    "Số đăng bộ",
]
BIRTHPLACES = (  # where the demo pupils were born (taken in turn, so that the other values stay as they were)
    "Phường Tân Lợi, TP. Buôn Ma Thuột, Đắk Lắk",
    "Xã Hòa Thắng, TP. Buôn Ma Thuột, Đắk Lắk",
    "Thị trấn Ea Drăng, huyện Ea H'leo, Đắk Lắk",
    "Xã Krông Jing, huyện M'Đrắk, Đắk Lắk",
    "Phường Thành Nhất, TP. Buôn Ma Thuột, Đắk Lắk",
    "Xã Ea Tu, TP. Buôn Ma Thuột, Đắk Lắk",
)
STAFF_HEADERS = [
    "STT",
    "Mã cán bộ",
    "Họ và tên",
    "Số điện thoại",
    "Vai trò",
    "Tổ chuyên môn",
    "Chủ nhiệm",
    "Phân công giảng dạy",
]


def class_names(letters: str = "".join(CLASS_LETTERS)) -> list[str]:
    return [f"{grade}{letter}" for grade in GRADES for letter in letters]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[w for _, w in weighted])[0]


def person(rng: random.Random, female: bool, family: str | None = None) -> str:
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    return f"{family or _pick(rng, FAMILY)} {middle} {given}"


def phone(rng: random.Random) -> str:
    return rng.choice(["09", "03", "08", "07"]) + f"{rng.randrange(10**8):08d}"


def roster_table(
    year_name: str,
    students_per_class: int = 40,
    seed: int = 2025,
    letters: str = "".join(CLASS_LETTERS),
    grades: tuple[int, ...] = GRADES,
) -> Table:
    """The class lists of the school; more ``letters`` make a bigger school (benchmarks)."""
    first_year, _ = parse_year_name(year_name)
    rng = random.Random(seed)
    rows = []
    for grade in grades:
        for index, letter in enumerate(letters, start=1):
            size = students_per_class + rng.randint(-2, 2)
            for number in range(1, size + 1):
                rows.append(_student_row(rng, first_year, grade, index, letter, number))
    return Table(ROSTER_HEADERS, [(line, cells) for line, cells in enumerate(rows, start=2)])


def _student_row(rng, first_year: int, grade: int, class_index: int, letter: str, number: int) -> list:
    female = rng.random() < 0.5
    family = _pick(rng, FAMILY)
    born = date(first_year - grade - 5, rng.randint(1, 12), rng.randint(1, 28))
    code = f"{first_year - grade + 6}{grade:02d}{class_index:02d}{number:02d}"
    entered = first_year - grade + (1 if grade <= 5 else 6 if grade <= 9 else 10)  # the school's first grade
    return [
        number,
        code,
        person(rng, female, family),
        born.strftime("%d/%m/%Y"),
        "Nữ" if female else "Nam",
        f"{grade}{letter}",
        _pick(rng, ETHNICITIES),
        person(rng, False, family),
        person(rng, True),
        phone(rng),
        BIRTHPLACES[(class_index + number) % len(BIRTHPLACES)],
        f"{class_index:02d}{number:02d}/{entered}",
    ]


def staff_table(seed: int = 2025) -> Table:
    rng = random.Random(seed + 1)
    rows = [
        ["CB001", person(rng, True), phone(rng), "Hiệu trưởng", "", "", ""],
        ["CB002", person(rng, False), phone(rng), "Phó hiệu trưởng", "", "", ""],
        ["CB003", person(rng, False), phone(rng), "Quản trị", "", "", ""],
    ]
    homerooms = iter(class_names())
    for number, (department, taught, head) in enumerate(_teachers(), start=1):
        homeroom = next(homerooms, "") if number % 2 == 1 else ""
        if homeroom:
            taught.append((homeroom, SUBJECT_NAMES["HDTN"]))
        rows.append(
            [
                f"GV{number:03d}",
                person(rng, rng.random() < 0.7),
                phone(rng),
                "Giáo viên, Tổ trưởng" if head else "Giáo viên",
                department,
                homeroom,
                "; ".join(f"{class_name}: {subject}" for class_name, subject in taught),
            ]
        )
    return Table(STAFF_HEADERS, [(line, [line - 1, *cells]) for line, cells in enumerate(rows, start=2)])


def _teachers() -> list[tuple[str, list[tuple[str, str]], bool]]:
    """(department, [(class, subject)], is department head) for every subject teacher."""
    classes = class_names()
    heads_done: set[str] = set()
    teachers = []
    for department, subject, count in TEACHING_PLAN:
        for share in range(count):
            taught = [(class_name, SUBJECT_NAMES[subject]) for class_name in classes[share::count]]
            teachers.append((department, taught, department not in heads_done))
            heads_done.add(department)
    return teachers


# --- a plausible first semester (sodiem demo --fill) --------------------------------------------

# The days off the demo school records, by the calendar year of semester II: the Tết break around the
# lunar new year (Ất Tỵ 29/01/2025, Bính Ngọ 17/02/2026, Đinh Mùi 06/02/2027) and Giỗ Tổ Hùng Vương
# (10/3 lunar; on a Sunday in 2026, so with the Monday in lieu). Other years: none (not computed).
LUNAR_DAYS_OFF = {
    2025: (("27/01/2025-02/02/2025", "Tết Nguyên đán"), ("07/04/2025", "Giỗ Tổ Hùng Vương")),
    2026: (("16/02/2026-22/02/2026", "Tết Nguyên đán"), ("26/04/2026-27/04/2026", "Giỗ Tổ Hùng Vương")),
    2027: (("04/02/2027-10/02/2027", "Tết Nguyên đán"), ("16/04/2027", "Giỗ Tổ Hùng Vương")),
}
CONDUCT_SHARE = [("Tốt", 70), ("Khá", 22), ("Đạt", 7), ("Chưa đạt", 1)]
ABSENCE_RATE = 0.012  # about one absence a student a month


def student_ability(rng: random.Random) -> float:
    return min(9.6, max(3.5, rng.gauss(7.0, 1.2)))


def score_near(rng: random.Random, ability: float, whole: bool = False) -> str:
    """A score around the student's level, in halves (or wholes), as text with one decimal."""
    step = 1.0 if whole else 0.5
    value = min(10.0, max(0.0, round((ability + rng.gauss(0, 1.0)) / step) * step))
    return f"{value:.1f}"


def comment_mark(rng: random.Random, ability: float) -> str:
    return "Đ" if rng.random() < (0.99 if ability >= 5 else 0.8) else "CĐ"


def conduct_level(rng: random.Random, levels: tuple[str, ...]) -> str:
    level = _pick(rng, CONDUCT_SHARE)
    return level if level in levels else levels[min(1, len(levels) - 1)]


def absence_mark(rng: random.Random) -> str | None:
    """None (present) most days; P (excused) or K (unexcused) now and then."""
    if rng.random() >= ABSENCE_RATE:
        return None
    return "P" if rng.random() < 0.75 else "K"


def school_days(first: date, last: date, days_off: tuple[DayOff, ...] = ()) -> list[date]:
    """Monday to Friday between two dates, but the public holidays and the school's ``days_off``."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and not is_closed(day, days_off)]


def demo_days_off(year: SchoolYear) -> tuple[DayOff, ...]:
    """The days off the demo school records for the year (LUNAR_DAYS_OFF), checked as an administrator's."""
    recorded: tuple[DayOff, ...] = ()
    for days, name in LUNAR_DAYS_OFF.get(year.end.year, ()):
        recorded = with_day_off(recorded, day_off(days, name), year)
    return recorded


async def record_days_off(store, year: SchoolYear) -> None:
    """The demo's days off of the year (a SqlSchoolStore), unless the school has recorded its own."""
    recorded = demo_days_off(year)
    if recorded and not await store.days_off(year.name):
        await store.save_days_off(year.name, recorded)


def comment_key(rng: random.Random, ability: float) -> str:
    """A common comment for a student of that level (catalog keys of the quick picks)."""
    if ability >= 8:
        return "comments.pick.good"
    if ability >= 6.5:
        return rng.choice(["comments.pick.progress", "comments.pick.good"])
    return rng.choice(["comments.pick.try_harder", "comments.pick.homework"])
