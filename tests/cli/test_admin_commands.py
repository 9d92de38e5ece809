"""The administrator's set-up, as typed at the command line before the school year starts."""

import re
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.names import sort_by_name
from domain.school import Semester
from domain.windows import ColumnKind, default_span
from tests.cli.command import sodiem_in_process
from tests.storage.helpers import ROWS, write_csv

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "docs" / "examples"


def sodiem(*args: str, cwd: Path, lang: str = "vi") -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py), on ./sodiem.db of ``cwd``: the default."""
    return sodiem_in_process(list(args), cwd, {"SODIEM_LOCALE": lang, "SODIEM_DATABASE_URL": None})


def example_rows() -> list[tuple]:
    sheet = load_workbook(EXAMPLES / "danh-sach-hoc-sinh.xlsx").active
    return list(sheet.iter_rows(min_row=3, values_only=True))


@pytest.fixture
def school(tmp_path) -> Path:
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    done = sodiem(
        "school",
        "init",
        "--name",
        "Trường THCS Lê Lợi",
        "--level",
        "secondary",
        "--year",
        "2025-2026",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_a_database_that_is_not_migrated_is_refused_with_the_fix(tmp_path):
    done = sodiem("students", "--class", "6A", cwd=tmp_path)
    assert done.returncode == 1
    assert "sodiem db upgrade" in done.stderr


def test_set_up_import_the_example_and_list_a_class(school):
    done = sodiem(
        "import", "roster", str(EXAMPLES / "danh-sach-hoc-sinh.xlsx"), "--create-classes", cwd=school
    )
    assert done.returncode == 0, done.stderr
    assert "học sinh mới" in done.stdout
    again = sodiem("import", "roster", str(EXAMPLES / "danh-sach-hoc-sinh.xlsx"), cwd=school)
    assert "Không có gì thay đổi" in again.stdout
    staff = sodiem("import", "staff", str(EXAMPLES / "danh-sach-can-bo.xlsx"), cwd=school)
    assert staff.returncode == 0, staff.stderr
    listing = sodiem("students", "--class", "6a", cwd=school)
    lines = listing.stdout.splitlines()
    in_file = [row[2] for row in example_rows() if row[5] == "6A"]
    assert lines[0] == f"Danh sách lớp 6A — năm học 2025-2026 — {len(in_file)} học sinh"
    listed = [re.split(r"\s{2,}", line) for line in lines[3:]]
    assert [int(row[0]) for row in listed] == list(range(1, len(in_file) + 1))
    assert [row[2] for row in listed] == sort_by_name(in_file)


def test_a_bad_file_gets_a_report_in_the_persons_language_and_exit_status_2(school):
    rows = [row[:] for row in ROWS]
    rows[0][3] = "2014-31-12"
    path = write_csv(school / "bad.csv", rows)
    done = sodiem("import", "roster", str(path), cwd=school)
    assert done.returncode == 2
    assert "Dòng 2, cột «Ngày sinh»: «2014-31-12» không phải ngày hợp lệ" in done.stderr
    english = sodiem("--lang", "en", "import", "roster", str(path), cwd=school)
    assert "Line 2, column “Ngày sinh”: “2014-31-12” is not a valid date" in english.stderr


def test_backup_and_restore_from_the_command_line(school):
    sodiem("import", "roster", str(EXAMPLES / "danh-sach-hoc-sinh.xlsx"), "--create-classes", cwd=school)
    done = sodiem("backup", "backups", cwd=school)
    assert done.returncode == 0, done.stderr
    backup = next((school / "backups").glob("sodiem-*.db"))
    refused = sodiem("restore", str(backup), cwd=school)
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = sodiem("restore", str(backup), "--force", cwd=school)
    assert forced.returncode == 0, forced.stderr
    damaged = school / "damaged.db"
    damaged.write_bytes(backup.read_bytes()[:4096])
    assert sodiem("restore", str(damaged), "--force", cwd=school).returncode == 1


def test_the_demo_school_twice(tmp_path):
    sodiem("db", "upgrade", cwd=tmp_path)
    first = sodiem("demo", cwd=tmp_path)
    assert first.returncode == 0 and "Đã tạo trường mẫu" in first.stdout
    second = sodiem("demo", cwd=tmp_path)
    assert "không thay đổi gì" in second.stdout


def test_run_without_a_token_explains_how_to_get_one(tmp_path):
    sodiem("db", "upgrade", cwd=tmp_path)
    done = sodiem("run", cwd=tmp_path)
    assert done.returncode == 1
    assert "@BotFather" in done.stderr and "SODIEM_TELEGRAM_TOKEN" in done.stderr


def test_run_with_a_malformed_setting_names_it(tmp_path):
    (tmp_path / ".env").write_text("SODIEM_TELEGRAM_TOKEN=abc\n")
    done = sodiem("run", cwd=tmp_path)
    assert done.returncode == 1 and "SODIEM_TELEGRAM_TOKEN" in done.stderr


def test_staff_add_invite_and_revoke(school):
    added = sodiem(
        "staff",
        "add",
        "--name",
        "Võ Thị Hằng",
        "--role",
        "vice-principal",
        "--phone",
        "0912000111",
        cwd=school,
    )
    assert added.returncode == 0, added.stderr
    assert "Võ Thị Hằng" in added.stdout and "CB001" in added.stdout
    invite = sodiem("invite", "--staff", "CB001", cwd=school)
    assert invite.returncode == 0, invite.stderr
    assert "SODIEM_TELEGRAM_BOT_USERNAME" in invite.stdout and "<bot>" not in invite.stdout  # no bot name
    revoked = sodiem("staff", "revoke", "CB001", cwd=school)
    assert revoked.returncode == 0 and "huỷ 1 mã mời chưa dùng" in revoked.stdout, "the code printed above"
    approver = sodiem("school", "set", "--approver", "CB001", cwd=school)
    assert (
        "Người duyệt thông báo khi không còn thành viên Ban giám hiệu nào khác: Võ Thị Hằng."
        in approver.stdout
    )
    assert "nào khác: -." in sodiem("school", "set", "--approver", "-", cwd=school).stdout
    assert sodiem("invite", "--staff", "NOBODY", cwd=school).returncode == 1


def test_a_school_adjusts_its_subjects(school):
    changed = sodiem("subjects", "set", "TIN", "--periods", "70", cwd=school)
    assert changed.returncode == 0 and "70" in changed.stdout
    added = sodiem(
        "subjects",
        "set",
        "TDT",
        "--name",
        "Tiếng dân tộc thiểu số",
        "--kind",
        "scored",
        "--periods",
        "105",
        "--grades",
        "6-9",
        cwd=school,
    )
    assert added.returncode == 0, added.stderr
    listing = sodiem("subjects", cwd=school).stdout
    assert re.search(r"TIN\s+Tin học\s+Điểm số\s+70\s+6,7,8,9", listing)
    assert re.search(r"TDT\s+Tiếng dân tộc thiểu số\s+Điểm số\s+105", listing)
    again = sodiem(
        "school",
        "init",
        "--name",
        "Trường THCS Lê Lợi",
        "--level",
        "secondary",
        "--year",
        "2025-2026",
        cwd=school,
    )
    assert "Đã thêm 0 môn học" in again.stdout
    assert re.search(r"TIN\s+Tin học\s+Điểm số\s+70", sodiem("subjects", cwd=school).stdout), (
        "kept the change"
    )
    bad = sodiem("subjects", "set", "TIN", "--grades", "6-15", cwd=school)
    assert bad.returncode == 1 and "6-15" in bad.stderr


def test_the_demo_school_filled_with_a_first_semester_twice(tmp_path):
    sodiem("db", "upgrade", cwd=tmp_path)
    first = sodiem("demo", "--fill", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    pattern = r"Học kỳ I mẫu: (\d+) điểm, (\d+) mức rèn luyện, (\d+) lượt vắng, (\d+) lời nhận xét"
    values, conduct, absences, comments = map(int, re.search(pattern, first.stdout).groups())
    students = int(re.search(r"(\d+) học sinh", first.stdout)[1])
    assert comments == students * 8  # the eight scored subjects of grades 6–9
    assert conduct == students and absences > students // 4
    assert values > students * 50  # every column of every subject of semester I
    second = sodiem("demo", "--fill", cwd=tmp_path)
    assert "Học kỳ I mẫu: 0 điểm, 0 mức rèn luyện, 0 lượt vắng, 0 lời nhận xét" in second.stdout


def test_the_first_year_takes_the_schools_own_dates_and_wrong_ones_are_refused(tmp_path):
    """The province's plan for 2026-2027: school from 07/09/2026, semester II from 11/01/2027, the last
    day 28/05/2027. Semester I ends the day before semester II: no school day is in neither."""
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    init = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2026-2027")
    wrong = sodiem(*init, "--start", "07/09/2026", "--semester2", "01/09/2026", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "Các ngày của năm học 2026-2027 không theo thứ tự: bắt đầu 07/09/2026" in wrong.stderr
    typo = sodiem(*init, "--end", "31/02/2027", cwd=tmp_path)
    assert typo.returncode == 1 and "31/02/2027" in typo.stderr
    done = sodiem(
        *init, "--start", "07/09/2026", "--semester2", "11/01/2027", "--end", "28/05/2027", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "sodiem.db") as db:
        semesters = db.execute('SELECT number, start, "end" FROM semester ORDER BY number').fetchall()
        schools = db.execute("SELECT count(*) FROM school").fetchone()[0]
    assert semesters == [(1, "2026-09-07", "2027-01-10"), (2, "2027-01-11", "2027-05-28")]
    assert schools == 1


def test_the_schools_test_weeks_open_the_columns_and_wrong_weeks_change_nothing(school):
    """Lê Lợi holds its semester I mid-term tests 03/11–15/11/2025 and end-of-term tests 29/12/2025–
    10/01/2026, not the Ministry's usual weeks: the mid-term column opens on 03/11."""
    shown = sodiem("school", "tests", cwd=school)
    assert "Học kỳ 1 năm học 2025-2026 (05/09/2025–17/01/2026): kiểm tra giữa kỳ 27/10/2025–08/11/2025" in (
        shown.stdout
    )
    changed = sodiem(
        "school", "tests", "--semester", "1", "--midterm", "03/11/2025-15/11/2025",
        "--final", "29/12/2025-10/01/2026", cwd=school,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert "kiểm tra giữa kỳ 03/11/2025–15/11/2025, kiểm tra cuối kỳ 29/12/2025–10/01/2026" in changed.stdout
    for args, said in (
        (("--semester", "1", "--midterm", "20/12/2025-31/12/2025"), "Tuần kiểm tra của học kỳ 1 chưa hợp lệ"),
        (
            ("--semester", "2", "--final", "01/05/2026-01/06/2026"),
            "phải nằm trong học kỳ (18/01/2026–31/05/2026)",
        ),
        (("--midterm", "03/11/2025-15/11/2025"), "thêm --semester 1 hoặc --semester 2"),
        (("--semester", "1", "--midterm", "3/11-15/11"), 'Ngày "3/11-15/11" chưa đúng'),
    ):
        refused = sodiem("school", "tests", *args, cwd=school)
        assert refused.returncode == 1 and said in refused.stderr, (args, refused.stderr)
    with sqlite3.connect(school / "sodiem.db") as db:
        semester = db.execute(
            "SELECT midterm_start, midterm_end, final_start, final_end FROM semester WHERE number = 1"
        ).fetchone()
        logged = db.execute("SELECT count(*) FROM change_log WHERE entity = 'semester'").fetchone()[0]
    assert semester == ("2025-11-03", "2025-11-15", "2025-12-29", "2026-01-10") and logged == 1
    stored = Semester(1, date(2025, 9, 5), *map(date.fromisoformat, semester), date(2026, 1, 17))
    assert default_span(stored, ColumnKind.MIDTERM)[0] == date(2025, 11, 3)


def test_a_day_in_no_semester_is_named_and_closed_by_moving_semester_twos_first_day(tmp_path):
    """A database made before semester II began the day after semester I: 18/01/2027, a Monday, was in
    neither. The listing names it and says the command; moving semester II's first day closes it."""
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    init = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2026-2027")
    assert sodiem(*init, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "sodiem.db") as db:
        db.execute("UPDATE semester SET start = '2027-01-19' WHERE number = 2")
    gap = "Từ 18/01/2027 đến 18/01/2027 không thuộc học kỳ nào"
    listed = sodiem("school", "tests", cwd=tmp_path)
    assert gap in listed.stdout and "sodiem school tests --semester2 18/01/2027" in listed.stdout
    fixed = sodiem("school", "tests", "--semester2", "18/01/2027", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert gap not in fixed.stdout and "Học kỳ 2 năm học 2026-2027 (18/01/2027–31/05/2027)" in fixed.stdout
    wrong = sodiem("school", "tests", "--semester2", "01/06/2027", cwd=tmp_path)
    assert wrong.returncode == 1 and "không theo thứ tự" in wrong.stderr
    with sqlite3.connect(tmp_path / "sodiem.db") as db:
        logged = db.execute("SELECT entity_key FROM change_log WHERE entity = 'semester'").fetchall()
    assert logged == [("2026-2027:2",)]


def test_school_settings(school):
    done = sodiem("school", "set", "--sessions-per-day", "2", "--regular-reentry", "yes", cwd=school)
    assert done.returncode == 0, done.stderr
    assert "2 buổi/ngày" in done.stdout and "khi sổ mở: có" in done.stdout
    assert "khi xét lên lớp được tính theo ngày (một ngày vắng, dù một hay hai buổi, là một)" in done.stdout
    by_session = sodiem("school", "set", "--absence-unit", "session", cwd=school)
    assert "được tính theo buổi (mỗi buổi vắng là một)" in by_session.stdout
    assert "Trường học cả thứ Bảy." in by_session.stdout
    five_days = sodiem("school", "set", "--saturdays", "closed", cwd=school)
    assert "Trường không học thứ Bảy: đơn xin nghỉ không tính thứ Bảy" in five_days.stdout
    unknown = sodiem("school", "set", "--absence-unit", "tuần", cwd=school)
    assert unknown.returncode == 2 and "tuần" in unknown.stderr and "session" in unknown.stderr


def test_settings_and_subject_changes_are_in_the_audit_trail(school):
    sodiem("school", "set", "--sessions-per-day", "2", cwd=school)
    sodiem("school", "set", "--sessions-per-day", "2", cwd=school)  # no change, no entry
    sodiem("subjects", "set", "TIN", "--periods", "70", cwd=school)
    with sqlite3.connect(school / "sodiem.db") as db:
        settings = db.execute(
            "SELECT old_value, new_value FROM change_log WHERE entity = 'school-settings'"
        ).fetchall()
        subject = db.execute(
            "SELECT old_value, new_value FROM change_log WHERE entity = 'subject' AND entity_key = 'TIN' "
            "ORDER BY id"
        ).fetchall()
    assert settings == [("{}", '{"sessions_per_day": 2}')]
    assert subject[0][0] is None  # set up at init
    assert '"periods_per_year": 70' in subject[-1][1]
    assert '"periods_per_year": 70' not in subject[-1][0]
    verified = sodiem("audit", "verify", cwd=school)
    assert verified.returncode == 0, verified.stdout + verified.stderr
