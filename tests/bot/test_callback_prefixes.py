"""Every button's callback data starts with its flow's prefix; two flows with one prefix would take each
other's presses (a parent's leave request answered the linking question's "no" once)."""

import re
from collections import Counter

from telegram.ext import CallbackQueryHandler

from bot.conversations import FLOWS
from bot.handlers import people, sessions

PREFIX = re.compile(r"^\^\(?([a-z|]+)\)?:")


def prefixes() -> list[str]:
    patterns = [
        handler.pattern.pattern
        for flow in FLOWS
        for handler in flow.handlers()
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None
    ]
    patterns += [
        f"^{people.CONFIRM_PREFIX}:",
        f"^{sessions.PREFIX}:",
        "^(mine|all):",
        "^cls:",
        "^chan:",
        "^lang:",
    ]
    return [word for pattern in patterns if (found := PREFIX.match(pattern)) for word in found[1].split("|")]


def test_no_two_flows_share_a_callback_prefix():
    found = prefixes()
    assert len(found) > 20, found
    assert [prefix for prefix, count in Counter(found).items() if count > 1] == []
