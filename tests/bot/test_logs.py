"""The log a school's technician collects: one JSON line per event with the time, the account number and
the update id; nobody's name, code or message at INFO."""

import io
import json
import logging
import re
from datetime import datetime

import pytest

from bot.logs import handler
from domain.errors import DomainError


@pytest.fixture
def collected():
    stream = io.StringIO()
    out = handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(out)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(out)
    root.setLevel(level)


async def test_each_update_is_one_json_line_with_account_and_update_and_no_personal_data(school, collected):
    code = await school.invite_staff("GV01")
    toan = school.api.person(2001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        await toan.next_message()  # the greeting
        await toan.next_message()  # the menu
        toan.press("👥 Lớp chủ nhiệm 6A")
        await toan.wait_for(lambda m: m.text.startswith("Lớp 6A"))

    lines = [json.loads(line) for line in collected.getvalue().splitlines()]
    handled = [line for line in lines if line["message"].startswith("update handled in ")]
    assert len(handled) == 2
    assert [line["account"] for line in handled] == ["2001", "2001"]
    assert handled[0]["update"] < handled[1]["update"]
    for line in handled:
        assert datetime.fromisoformat(line["time"]).tzinfo is not None
        assert line["level"] == "INFO" and line["logger"] == "bot.processor"
        assert re.fullmatch(r"update handled in \d+ ms \(database \d+ ms\)", line["message"])
    told = " ".join(line["message"] for line in lines if line["level"] == "INFO")
    for personal in ("Trần Văn Toàn", "Toàn", code, "Lê Minh Anh", "6A"):
        assert personal not in told


def test_the_text_format_names_account_and_update_and_a_wrong_format_is_refused():
    stream = io.StringIO()
    record = logging.LogRecord("bot.processor", logging.INFO, __file__, 1, "update handled", None, None)
    handler(None, stream).handle(record)
    assert "INFO bot.processor [account= update=None] update handled" in stream.getvalue()
    with pytest.raises(DomainError) as refused:
        handler("xml")
    assert refused.value.key == "config.error.bad_log_format"
