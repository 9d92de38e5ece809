"""Where a parent linked on several channels receives notices and report cards."""

from datetime import UTC, datetime

from domain.identity import BOTH, receiving_channels

MONDAY = datetime(2025, 10, 13, 8, tzinfo=UTC)
TUESDAY = datetime(2025, 10, 14, 8, tzinfo=UTC)


def test_without_a_choice_the_channel_linked_last_and_with_one_the_choice():
    both = {"telegram": MONDAY, "zalo": TUESDAY}
    assert receiving_channels(None, both) == {"zalo"}
    assert receiving_channels(None, {"telegram": TUESDAY, "zalo": MONDAY}) == {"telegram"}
    assert receiving_channels("telegram", both) == {"telegram"}
    assert receiving_channels(BOTH, both) == {"telegram", "zalo"}


def test_a_choice_of_a_channel_no_longer_linked_falls_back_to_the_one_linked():
    assert receiving_channels("telegram", {"zalo": MONDAY}) == {"zalo"}
    assert receiving_channels(BOTH, {"zalo": MONDAY}) == {"zalo"}
    assert receiving_channels(None, {}) == set()
