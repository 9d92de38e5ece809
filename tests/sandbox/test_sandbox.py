"""The sandbox over HTTP, as its page uses it (no browser needed): the five people are linked, a
subject teacher enters a column of scores and the tour ticks it off from the database, the language
switch reaches the bot, a reset forgets everything; and the command stops cleanly or says plainly
that its port is taken."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from locales import has_message, translator
from sandbox.personas import PERSONAS
from sandbox.tour import TOUR
from sandbox.web import page_keys
from storage.models import ChangeRow
from tests.sandbox.conftest import SANDBOX_GROUP, free_port

pytestmark = SANDBOX_GROUP

SUBJECT = 7001  # Đặng Hữu Phong, Toán in 6B, 7C and 9A


def chat_until(running, user_id: int, predicate, timeout: float = 30) -> dict:
    """The person's chat, long-polled until ``predicate(chat)`` holds."""
    deadline, seq = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        chat = running.get(f"/_sim/people/{user_id}/chat?after={seq}&timeout=5")
        if predicate(chat):
            return chat
        seq = chat["seq"]
    raise AssertionError(f"waited {timeout} s; the chat ends with {chat['messages'][-2:]}")


def buttons(message: dict) -> list[dict]:
    return [key for row in message.get("reply_markup", {}).get("inline_keyboard", []) for key in row]


def press(running, user_id: int, label: re.Pattern) -> dict:
    """Waits for a bot message with a button whose label matches, and presses it."""
    chat = chat_until(
        running, user_id, lambda c: any(label.search(b["text"]) for m in c["messages"] for b in buttons(m))
    )
    message = next(m for m in reversed(chat["messages"]) if any(label.search(b["text"]) for b in buttons(m)))
    key = next(b for b in buttons(message) if label.search(b["text"]))
    body = {"message_id": message["message_id"], "data": key["callback_data"]}
    return running.post(f"/_sim/people/{user_id}/press", body)


def bot_texts(chat: dict) -> list[str]:
    return [m.get("text", "") for m in chat["messages"] if m["from_bot"]]


def last_bot_text(chat: dict) -> str:
    texts = bot_texts(chat)
    return texts[-1] if texts else ""


def tasks(running, persona: str) -> dict[str, bool]:
    shown = running.get("/sandbox/tour")["tasks"][persona]
    return {task["key"].removeprefix("sandbox.tour."): task["done"] for task in shown}


def test_the_five_people_are_linked_to_the_demo_school_each_in_their_own_chat(sandbox):
    state = sandbox.get("/sandbox/state")
    assert [p["key"] for p in state["personas"]] == [
        "subject",
        "homeroom",
        "vice_principal",
        "parent",
        "admin",
    ]
    names = {p["key"]: p["name"] for p in state["personas"]}
    assert names["subject"] == "Đặng Hữu Phong" and names["parent"].endswith("(6A)")
    for persona in PERSONAS:
        chat = chat_until(sandbox, persona.user_id, lambda c: any(buttons(m) for m in c["messages"]))
        mine = [m["text"] for m in chat["messages"] if not m["from_bot"]]
        assert len(mine) == 1 and mine[0].startswith("/start ")  # the invite, redeemed by the sandbox
        assert "Tài khoản đã được liên kết" in bot_texts(chat)[0]
    assert state["texts"]["sandbox.page.reset"] == "Làm lại từ đầu"


def test_a_column_of_scores_entered_in_the_chat_ticks_the_task_off_from_the_database(sandbox):
    assert tasks(sandbox, "subject")["subject.scores"] is False
    sandbox.post(f"/_sim/people/{SUBJECT}/text", {"text": "/nhapdiem"})
    press(sandbox, SUBJECT, re.compile(r"^6B · Toán"))
    press(sandbox, SUBJECT, re.compile(r"^HK 1"))
    choice = chat_until(
        sandbox, SUBJECT, lambda c: any("ĐĐGtx" in b["text"] for b in buttons(c["messages"][-1]))
    )
    labels = [b["text"] for b in buttons(choice["messages"][-1])]
    assert labels[:4] == ["ĐĐGtx 1 ✓", "ĐĐGtx 2 ✓", "ĐĐGtx 3 ✓", "ĐĐGtx 4"]  # a semester under way
    assert "ĐĐGck" in labels  # the end-of-term test is still to come
    press(sandbox, SUBJECT, re.compile(r"^ĐĐGtx 4$"))
    prompt = chat_until(sandbox, SUBJECT, lambda c: "Gửi giá trị của cả lớp" in last_bot_text(c))
    count = sum(1 for line in last_bot_text(prompt).splitlines() if re.match(r"^\d+\. ", line))
    sandbox.post(f"/_sim/people/{SUBJECT}/text", {"text": " ".join(["7,5"] * count)})
    press(sandbox, SUBJECT, re.compile(r"Lưu cột điểm"))
    saved = chat_until(
        sandbox, SUBJECT, lambda c: last_bot_text(c).startswith("Đã lưu 6B · Toán · HK 1 · ĐĐGtx 4")
    )
    assert f"{count} điểm mới, 0 không đổi" in last_bot_text(saved)

    async def changes_by_the_teacher() -> int:
        async with sandbox.sandbox.database.session(read_only=True) as session:
            staff_id = sandbox.sandbox.members["subject"].staff_id
            query = select(func.count()).where(ChangeRow.entity == "score", ChangeRow.staff_id == staff_id)
            return await session.scalar(query.select_from(ChangeRow))

    assert sandbox.call(changes_by_the_teacher()) == count
    assert tasks(sandbox, "subject")["subject.scores"] is True
    assert tasks(sandbox, "homeroom") == {
        "homeroom.menu": False,
        "homeroom.attendance": False,
        "homeroom.conduct": False,
    }


def test_the_homeroom_teachers_conduct_levels_tick_the_conduct_task_off(sandbox):
    homeroom = 7002
    sandbox.post(f"/_sim/people/{homeroom}/text", {"text": "/renluyen"})
    press(sandbox, homeroom, re.compile(r"^HK 1"))
    prompt = chat_until(sandbox, homeroom, lambda c: last_bot_text(c).startswith("Rèn luyện lớp 6A · HK 1"))
    count = sum(1 for line in last_bot_text(prompt).splitlines() if re.match(r"^\d+\. ", line))
    assert count == 42  # conduct is not entered yet: the semester is under way
    sandbox.post(f"/_sim/people/{homeroom}/text", {"text": " ".join(["t"] * count)})
    press(sandbox, homeroom, re.compile(r"Lưu"))
    chat_until(sandbox, homeroom, lambda c: last_bot_text(c).startswith("Đã lưu Rèn luyện lớp 6A · HK 1"))
    assert tasks(sandbox, "homeroom") == {
        "homeroom.menu": False,
        "homeroom.attendance": False,
        "homeroom.conduct": True,
    }


def test_the_tour_ticks_off_what_each_person_did_in_the_chat_and_nothing_else(sandbox):
    vi = translator("vi")
    vice_principal, parent, admin = 7003, 7004, 7005
    sandbox.post(f"/_sim/people/{SUBJECT}/text", {"text": "/lop"})
    press(sandbox, vice_principal, re.compile(re.escape(vi("bot.menu.all_classes"))))
    sandbox.post(f"/_sim/people/{parent}/text", {"text": "/ngonngu"})
    answered = press(sandbox, admin, re.compile(re.escape(vi("bot.menu.accounts"))))
    assert answered["callback_query_id"]
    chat_until(sandbox, parent, lambda c: len(bot_texts(c)) >= 3)
    assert tasks(sandbox, "subject") == {
        "subject.menu": False,
        "subject.my_classes": True,
        "subject.scores": False,
        "subject.ask_correction": False,
    }
    assert tasks(sandbox, "vice_principal") == {
        "vice_principal.all_classes": True,
        "vice_principal.results": False,
        "vice_principal.approve_correction": False,
    }
    assert tasks(sandbox, "parent") == {"parent.children": False, "parent.language": True}
    assert tasks(sandbox, "admin") == {"admin.accounts": True, "admin.help": False}


def test_the_language_switch_reaches_the_page_and_the_bot(sandbox):
    sandbox.post("/sandbox/language", {"language": "en"})
    state = sandbox.get("/sandbox/state")
    assert state["language"] == "en" and state["texts"]["sandbox.page.reset"] == "Start over"
    assert state["personas"][0]["label"] == "Subject teacher"
    sandbox.post(f"/_sim/people/{SUBJECT}/text", {"text": "/help"})
    chat = chat_until(
        sandbox, SUBJECT, lambda c: last_bot_text(c).startswith(translator("en")("bot.help.title"))
    )
    assert "/nhapdiem /scores" in last_bot_text(chat)


def test_a_reset_forgets_every_chat_and_change(sandbox):
    sandbox.post(f"/_sim/people/{SUBJECT}/text", {"text": "/menu"})
    chat_until(sandbox, SUBJECT, lambda c: len(bot_texts(c)) >= 3)
    assert tasks(sandbox, "subject")["subject.menu"] is True
    before = sandbox.get("/sandbox/state")["generation"]
    assert sandbox.post("/sandbox/reset")["generation"] == before + 1
    chat = chat_until(sandbox, SUBJECT, lambda c: len(bot_texts(c)) >= 2)
    assert [m["text"] for m in chat["messages"] if not m["from_bot"]][0].startswith("/start ")
    assert "/menu" not in [m["text"] for m in chat["messages"]]
    assert tasks(sandbox, "subject")["subject.menu"] is False
    assert [p.name for p in sandbox.sandbox.workdir.glob("school-*.db")] == [f"school-{before + 1}.db"]


def test_sodiem_audit_verify_finds_the_sandbox_school_whole(sandbox):
    """The pristine school's semester under way is logged, so the auditor's check passes on a copy."""
    copy = sandbox.sandbox.database.url
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("sodiem")), "audit", "verify"],
        env={**os.environ, "SODIEM_DATABASE_URL": str(copy), "SODIEM_LOCALE": "vi"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
    assert translator("vi")("audit.values.agree") in checked.stdout


def test_every_text_of_the_page_and_the_tour_is_in_both_languages():
    keys = set(page_keys()) | {p.label_key for p in PERSONAS}
    keys |= {task.key for tasks in TOUR.values() for task in tasks}
    assert "sandbox.page.reset" in keys and "sandbox.page.resetting" in keys
    for language in ("vi", "en"):
        assert [key for key in sorted(keys) if not has_message(key, language)] == []


def sodiem(*args: str, env: dict | None = None) -> subprocess.Popen:
    command = [str(Path(sys.executable).with_name("sodiem")), *args]
    environ = {**os.environ, **(env or {})}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)


def test_a_port_in_use_is_named_with_what_to_do():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for language in ("vi", "en"):
            process = sodiem("--lang", language, "sandbox", "--port", str(port))
            out, err = process.communicate(timeout=60)
            assert process.returncode == 1
            assert err.strip() == translator(language)("sandbox.error.port_in_use", port=port)
    assert "8090" in err  # how to choose another


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_the_sandbox_cleanly_and_the_configured_database_is_never_touched(tmp_path, stop):
    """Ctrl-C at a terminal, SIGTERM from systemd or docker: the same goodbye, the temporary folder gone."""
    real = tmp_path / "real.db"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    env = {"SODIEM_DATABASE_URL": f"sqlite:///{real}", "TMPDIR": str(temporary)}
    process = sodiem("sandbox", "--port", str(port), env=env)
    try:
        assert process.stdout.readline().strip() == translator("vi")("sandbox.cli.preparing")
        url = f"http://127.0.0.1:{port}"
        assert process.stdout.readline().strip() == translator("vi")("sandbox.cli.ready", url=url)
        with urllib.request.urlopen(url, timeout=30) as page:
            assert b'<script src="/static/sandbox.js">' in page.read()
        assert len(list(temporary.glob("sodiem-sandbox-*/school-1.db"))) == 1
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out.strip() == translator("vi")("sandbox.cli.stopped")
    assert "Traceback" not in err
    assert not real.exists() and list(temporary.iterdir()) == []


def test_a_teacher_attaches_a_photo_and_the_bot_receives_it(sandbox):
    """The page's Ảnh button posts the picture as the phone would send it and the bot gets a photo (here,
    outside a correction, it points to the menu; in a correction it is the evidence)."""
    assert "sandbox.page.photo" in page_keys()
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, format="PNG")
    request = urllib.request.Request(
        f"{sandbox.url}/_sim/people/{SUBJECT}/photo", data=picture.getvalue(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        sent = json.load(answer)["message"]
    assert sent["photo"][-1]["width"] == 40
    use_menu = translator("vi")("bot.use_menu")
    chat_until(sandbox, SUBJECT, lambda c: last_bot_text(c) == use_menu)
    refused = urllib.request.Request(f"{sandbox.url}/_sim/people/{SUBJECT}/photo", data=b"not a picture")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(refused, timeout=60)
    assert error.value.code == 400
