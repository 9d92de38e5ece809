"""Two students of the same name in one class: every list a teacher picks from tells them apart."""

from datetime import date

from domain.attendance import short_names
from domain.names import given_name, told_apart

CLASS = [
    ("Nguyễn Văn An", date(2014, 3, 12), "HS001"),
    ("Lê Thị Lan", date(2014, 5, 1), "HS002"),
    ("Nguyễn Văn An", date(2014, 9, 30), "HS003"),
    ("Trần Minh Đức", date(2014, 1, 2), "HS004"),
    ("Trần Minh Đức", date(2014, 1, 2), "HS005"),
]


def test_a_shared_name_gets_the_birth_date_or_the_code_and_other_names_stay_plain():
    assert told_apart(CLASS) == [
        "Nguyễn Văn An (12/03/2014)",
        "Lê Thị Lan",
        "Nguyễn Văn An (30/09/2014)",
        "Trần Minh Đức (HS004)",
        "Trần Minh Đức (HS005)",
    ]


def test_short_buttons_keep_the_mark():
    shown = told_apart(CLASS)
    assert [given_name(label) for label in shown] == [
        "An (12/03/2014)",
        "Lan",
        "An (30/09/2014)",
        "Đức (HS004)",
        "Đức (HS005)",
    ]
    assert short_names(shown) == [
        "An N.V. (12/03/2014)",
        "Lan",
        "An N.V. (30/09/2014)",
        "Đức T.M. (HS004)",
        "Đức T.M. (HS005)",
    ]
    assert len(set(short_names(shown))) == len(CLASS)
