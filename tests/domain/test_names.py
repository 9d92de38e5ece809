"""Class lists in the order Vietnamese schools write them."""

from hypothesis import given
from hypothesis import strategies as st

from domain.names import clean_name, sort_by_name, split_name


def test_given_name_decides_first_then_middle_then_family():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn An", "Trần An", "Phạm Đức Anh"]
    assert sort_by_name(names) == ["Trần An", "Trần Thị An", "Lê Văn An", "Phạm Đức Anh", "Nguyễn Văn Bình"]


def test_vietnamese_letters_follow_the_vietnamese_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư — and đ comes after every d-word
    names = [
        "Lê Văn Âu",
        "Lê Văn Ăn",
        "Lê Văn An",
        "Lê Văn Đông",
        "Lê Văn Dũng",
        "Lê Văn Ơn",
        "Lê Văn Ôn",
        "Lê Văn On",
        "Lê Văn Ưng",
        "Lê Văn Uy",
    ]
    assert sort_by_name(names) == [
        "Lê Văn An",
        "Lê Văn Ăn",
        "Lê Văn Âu",
        "Lê Văn Dũng",
        "Lê Văn Đông",
        "Lê Văn On",
        "Lê Văn Ôn",
        "Lê Văn Ơn",
        "Lê Văn Uy",
        "Lê Văn Ưng",
    ]


def test_tones_come_after_the_bare_letter_in_their_order():
    # none, huyền, hỏi, ngã, sắc, nặng
    names = ["Lê Thị Mạ", "Lê Thị Má", "Lê Thị Mã", "Lê Thị Mả", "Lê Thị Mà", "Lê Thị Ma"]
    assert sort_by_name(names) == [
        "Lê Thị Ma",
        "Lê Thị Mà",
        "Lê Thị Mả",
        "Lê Thị Mã",
        "Lê Thị Má",
        "Lê Thị Mạ",
    ]


def test_letters_decide_before_tones():
    assert sort_by_name(["Vũ Thị Ánh", "Vũ Thị Anh", "Vũ Thị An"]) == [
        "Vũ Thị An",
        "Vũ Thị Anh",
        "Vũ Thị Ánh",
    ]


def test_decomposed_input_sorts_like_composed():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Trần Thị Ánh")
    assert sort_by_name([decomposed, "Trần Thị Anh"]) == ["Trần Thị Anh", decomposed]


def test_names_are_cleaned_and_split():
    assert clean_name("  nguyễn   THỊ  minh anh ") == "Nguyễn Thị Minh Anh"
    assert split_name("Nguyễn Thị Minh Anh") == ("Nguyễn", "Thị Minh", "Anh")
    assert split_name("Lan") == ("", "", "Lan")
    assert clean_name("NGUYỄN VĂN AN") == "Nguyễn Văn An"
    assert clean_name("h'nie đức khang") == "H'Nie Đức Khang"
    assert clean_name("H'Nie Đức Khang") == "H'Nie Đức Khang"


@given(
    st.lists(
        st.sampled_from(["An", "Ánh", "Ân", "Đức", "Dũng", "Ơn", "Ưng", "Bình", "Hà", "Hạ"]),
        min_size=3,
        max_size=3,
    ).map(" ".join),
    st.lists(st.text("abcdeghiklmnopqrstuvxyăâđêôơư", min_size=1), max_size=6),
)
def test_order_does_not_depend_on_the_input_order(first, others):
    names = [first, *others]
    assert sort_by_name(names) == sort_by_name(list(reversed(names)))
