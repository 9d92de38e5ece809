"""After the mid-term tests the vice-principal looks at how a class's scores spread: a chart, and under
it the counts and shares, which must be what the gradebook holds."""

import io
from decimal import ROUND_HALF_UP, Decimal

from PIL import Image
from sqlalchemy import select

from bot.charts import BAND_COLOURS, HEIGHT, HISTOGRAM_COLOUR, WIDTH, ChartTexts, render
from domain.distribution import Distribution
from domain.entry import Column
from domain.windows import ColumnKind
from storage.changes import Author
from storage.models import ClassRow, EnrolmentRow, ScoreRow, SubjectRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link

MIDTERM = Column(ColumnKind.MIDTERM, 1)
SCORES = [
    "2",
    "3.4",
    "3.5",
    "4.5",
    "5",
    "6",
    "6.5",
    "7",
    "7.5",
    "8",
    "8.5",
    "9",
    "10",
    "7",
    "6.5",
    "8",
    "7.5",
]
BAND_LABELS = ("0 – <3,5", "3,5 – <5", "5 – <6,5", "6,5 – <8", "8 – 10")


async def enter_midterm(school, class_name: str, subject_code: str) -> None:
    """Mid-term scores for the class: all but one student, and one waits for a make-up test ("v")."""
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        subject = (await uow.school.subject_rows())[subject_code]
        class_row = await uow.school.class_row(class_name)
        students = await uow.roster.class_list(class_name)
        values = {s.id: SCORES[n % len(SCORES)] for n, s in enumerate(students[:-2])}
        values[students[-2].id] = "v"
        await uow.gradebook.save_column(
            class_row.id, subject.id, year.id, 1, MIDTERM, values, Author(None, "test", "", school.clock())
        )
        await uow.commit()


async def stored_midterm(database, class_name: str, subject_code: str) -> tuple[list[str], int]:
    """The column's values for the students in the class now, and how many students that is: read
    straight from the tables."""
    async with database.session(read_only=True) as session:
        class_id = await session.scalar(select(ClassRow.id).where(ClassRow.name == class_name))
        enrolled = select(EnrolmentRow.student_id).where(
            EnrolmentRow.class_id == class_id, EnrolmentRow.date_out.is_(None)
        )
        values = await session.scalars(
            select(ScoreRow.value)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(
                SubjectRow.code == subject_code,
                ScoreRow.semester == 1,
                ScoreRow.kind == "midterm",
                ScoreRow.student_id.in_(enrolled),
            )
        )
        students = len((await session.scalars(enrolled)).all())
        return list(values), students


def expected_caption_lines(values: list[str]) -> list[str]:
    """The five band lines as a Vietnamese reader expects them, computed here independently."""
    scores = [float(v) for v in values if v[0].isdigit()]
    counts = [0] * 5
    for score in scores:
        counts[sum(score >= edge for edge in (3.5, 5, 6.5, 8))] += 1
    lines = []
    for label, count in zip(BAND_LABELS, counts, strict=True):
        share = (Decimal(count) * 100 / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        written = f"{share}".replace(".", ",").removesuffix(",0")
        lines.append(f"{label}: {count} ({written}%)")
    return lines


def bar_heights(png: bytes) -> list[int]:
    """The height in pixels of each band's bar: the run of its colour down the middle of the bar."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = image.load()
    heights = []
    for colour in BAND_COLOURS:
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        found = [(x, y) for x in range(0, image.width, 2) for y in range(image.height) if pixels[x, y] == rgb]
        if not found:
            heights.append(0)
            continue
        xs = sorted(x for x, _ in found)
        middle = xs[len(xs) // 2]
        heights.append(sum(1 for y in range(image.height) if pixels[middle, y] == rgb))
    return heights


def has_colour(png: bytes, colour: str) -> bool:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return rgb in {pixel for _, pixel in Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 20)}


def assert_bars_match(png: bytes, counts: list[int]) -> None:
    heights = bar_heights(png)
    tallest = max(counts)
    assert max(heights) > 100  # a chart one can read
    for height, count in zip(heights, counts, strict=True):
        assert abs(height - max(heights) * count / tallest) <= 2, (heights, counts)


async def test_the_vice_principal_sees_the_spread_of_a_class_midterm(demo_school):
    school = demo_school
    await enter_midterm(school, "6A", "TOAN")
    vice = school.api.person(41, "Phó")
    async with school.bot_running():
        await link(school, vice, "CB002")
        vice.press("📶 Phổ điểm", vice.last_message)
        for label in ("Một môn của một lớp", "6A", "Toán", "HK 1", "ĐĐGgk"):
            screen = await vice.wait_for(lambda m, label=label: label in m.button_texts)
            vice.press(label, screen)
        chart = await vice.wait_for(lambda m: m.file is not None)
        png = vice.file_bytes(chart)

    values, students = await stored_midterm(school.database, "6A", "TOAN")
    scores = [v for v in values if v[0].isdigit()]
    lines = chart.text.splitlines()
    assert lines[0] == "Phổ điểm · 6A · Toán · HK 1 · ĐĐGgk"
    assert lines[1] == f"{len(scores)} điểm; chưa có điểm: {students - len(scores)}"
    assert students - len(scores) == 2  # the one without a score and the one awaiting a make-up test
    assert lines[2:] == expected_caption_lines(values)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    counts = [int(line.split(": ")[1].split(" ")[0]) for line in lines[2:]]
    assert_bars_match(png, counts)
    assert has_colour(png, HISTOGRAM_COLOUR)


async def test_a_department_head_sees_the_department_s_subjects_only(demo_school):
    school = demo_school
    await enter_midterm(school, "7B", "TOAN")
    head = school.api.person(42, "Tổ trưởng Toán")  # GV005 heads Tổ Toán - Tin
    async with school.bot_running():
        await link(school, head, "GV005")
        head.send_command("/phodiem")
        scopes = await head.wait_for(lambda m: "Một môn của cả khối" in m.button_texts)
        assert "Cả khối, mọi môn" not in scopes.button_texts
        head.press("Một môn của cả khối", scopes)
        head.press("Khối 7", await head.wait_for(lambda m: "Khối 7" in m.button_texts))
        subjects = await head.wait_for(lambda m: "Toán" in m.button_texts)
        assert sorted(subjects.button_texts[:-1]) == ["Tin học", "Toán"]
        # Ngữ văn (subject 1); every subject of grade 7; a class of grade 6 said to be of grade 9; a grade
        # the school does not have; a column that does not exist
        for forged in (
            "pd:m:7:0:1:1:m1",
            "pd:k:7:0:0:0:0",
            "pd:l:9:1:2:1:m1",
            "pd:m:13:0:2:1:m1",
            "pd:m:7:0:2:1:r9",
        ):
            head.press_data(subjects.message_id, forged)
            await head.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        head.press("Toán", subjects)
        head.press("HK 1", await head.wait_for(lambda m: "HK 1" in m.button_texts))
        whats = await head.wait_for(lambda m: "ĐĐGgk" in m.button_texts)
        assert whats.button_texts[:4] == ["ĐĐGtx 1", "ĐĐGtx 2", "ĐĐGtx 3", "ĐĐGtx 4"]
        head.press("ĐĐGgk", whats)
        chart = await head.wait_for(lambda m: m.file is not None)
    values, students = await stored_midterm(school.database, "7B", "TOAN")
    assert chart.text.splitlines()[0] == "Phổ điểm · Khối 7 · Toán · HK 1 · ĐĐGgk"
    assert chart.text.splitlines()[2:] == expected_caption_lines(values)


def test_the_bars_are_as_tall_as_their_counts():
    scores = ["1"] * 3 + ["4"] * 6 + ["8.5"] * 12 + ["10"] * 9  # no score from 5 to below 8
    texts = ChartTexts(
        "Phổ điểm", BAND_LABELS, "Theo mức", "Từng nửa điểm", "Số điểm", "Điểm", tuple("0123456789") + ("10",)
    )
    png = render(Distribution(tuple(Decimal(s) for s in scores)), texts)
    assert Image.open(io.BytesIO(png)).size == (WIDTH, HEIGHT)
    assert_bars_match(png, [3, 6, 0, 0, 21])


async def test_the_semester_averages_of_a_whole_grade_come_from_the_engine(demo_school):
    school = demo_school
    columns = [Column(ColumnKind.REGULAR, n) for n in (1, 2, 3, 4)]
    columns += [MIDTERM, Column(ColumnKind.FINAL, 1)]
    async with UnitOfWork(school.database) as uow:  # every Toán column of 6A; one student lacks one
        year = await uow.school.year_row()
        math = (await uow.school.subject_rows())["TOAN"]
        class_row = await uow.school.class_row("6A")
        students = await uow.roster.class_list("6A")
        author = Author(None, "test", "", school.clock())
        for offset, column in enumerate(columns):
            values = {s.id: SCORES[(n + 5 * offset) % len(SCORES)] for n, s in enumerate(students)}
            if offset == 2:
                del values[students[0].id]
            await uow.gradebook.save_column(class_row.id, math.id, year.id, 1, column, values, author)
        await uow.commit()
    vice = school.api.person(43, "Phó")
    async with school.bot_running():
        await link(school, vice, "CB002")
        vice.send_command("/phodiem")
        for label in ("Cả khối, mọi môn", "Khối 6", "HK 1", "Điểm TB môn học kỳ"):
            screen = await vice.wait_for(lambda m, label=label: label in m.button_texts)
            vice.press(label, screen)
        chart = await vice.wait_for(lambda m: m.file is not None)

    async with school.database.session(read_only=True) as session:  # straight from the tables
        rows = await session.execute(
            select(ScoreRow.student_id, ScoreRow.kind, ScoreRow.value)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(SubjectRow.code == "TOAN", ScoreRow.semester == 1)
        )
        grade_six = select(ClassRow.id).where(ClassRow.grade == 6)
        in_grade = await session.scalars(
            select(EnrolmentRow.student_id).where(
                EnrolmentRow.class_id.in_(grade_six), EnrolmentRow.date_out.is_(None)
            )
        )
        in_grade = len(in_grade.all())
    weights = {"regular": 1, "midterm": 2, "final": 3}
    sums: dict[int, list[Decimal]] = {}
    for student_id, kind, value in rows:
        total = sums.setdefault(student_id, [Decimal(0), Decimal(0), Decimal(0)])
        total[0] += weights[kind] * Decimal(value)
        total[1] += weights[kind]
        total[2] += 1
    averages = [
        (total / weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for total, weight, columns_entered in sums.values()
        if columns_entered == 6
    ]
    lines = chart.text.splitlines()
    assert lines[0] == "Phổ điểm · Khối 6 · mọi môn · HK 1 · Điểm TB môn học kỳ"
    scored_subjects = 8  # of grade 6: Ngữ văn, Toán, Ngoại ngữ 1, GDCD, LS&ĐL, KHTN, Công nghệ, Tin học
    assert lines[1] == f"{len(averages)} điểm; chưa có điểm: {in_grade * scored_subjects - len(averages)}"
    assert lines[2:] == expected_caption_lines([str(a) for a in averages])
    assert_bars_match(vice.file_bytes(chart), [int(line.split(": ")[1].split(" ")[0]) for line in lines[2:]])
