"""Reading the cells of a class list, as schools fill them in."""

from datetime import date, datetime

from domain.importing import Table, fold, parse_date, parse_phone
from domain.roster import read_roster
from domain.school import Gender


def test_headers_match_with_or_without_diacritics():
    assert fold("Họ và tên") == fold("ho va TEN") == "ho va ten"
    assert fold("Số điện thoại phụ huynh") == "so dien thoai phu huynh"


def test_dates_as_schools_write_them():
    assert parse_date("05/09/2013") == date(2013, 9, 5)
    assert parse_date("5-9-2013") == date(2013, 9, 5)
    assert parse_date("05.09.2013") == date(2013, 9, 5)
    assert parse_date(datetime(2013, 9, 5)) == date(2013, 9, 5)
    assert parse_date("31/02/2013") is None
    assert parse_date("09/25/2013") is None  # month first is not how Vietnam writes dates
    assert parse_date("5 tháng 9") is None


def test_phone_numbers_are_normalised():
    assert parse_phone("+84 912 345 678") == "0912345678"
    assert parse_phone("912345678") == "0912345678"  # the spreadsheet dropped the leading zero
    assert parse_phone(912345678.0) == "0912345678"
    assert parse_phone("0912.345.678") == "0912345678"
    assert parse_phone("") == ""
    assert parse_phone("12345") is None


def test_a_female_column_marked_with_x_gives_the_gender():
    table = Table(
        ["Mã HS", "Họ và tên", "Ngày sinh", "Lớp", "Nữ"],
        [
            (2, ["A1", "Lê Thị Hoa", "01/01/2014", "6A", "x"]),
            (3, ["A2", "Lê Văn Nam", "01/01/2014", "6A", ""]),
        ],
    )
    entries, problems = read_roster(table, date(2025, 9, 1))
    assert problems == []
    assert [entry.gender for entry in entries] == [Gender.FEMALE, Gender.MALE]


def test_blank_lines_and_row_numbers_alone_are_skipped():
    table = Table(
        ["STT", "Mã HS", "Họ và tên", "Ngày sinh", "Lớp"],
        [(2, ["1", "A1", "Lê Thị Hoa", "01/01/2014", "6A"]), (3, ["2", "", "", "", ""]), (4, [])],
    )
    entries, problems = read_roster(table, date(2025, 9, 1))
    assert problems == [] and len(entries) == 1


def test_a_future_birth_date_is_refused():
    table = Table(["Mã HS", "Họ và tên", "Ngày sinh", "Lớp"], [(2, ["A1", "Lê Thị Hoa", "01/01/2030", "6A"])])
    _, problems = read_roster(table, date(2025, 9, 1))
    assert [(p.key, p.line, p.column) for p in problems] == [
        ("import.error.implausible_date", 2, "Ngày sinh")
    ]
