"""How much SQL one update costs, step by step through the busiest flows, counted with SQLAlchemy's
event hooks: a change that adds queries to a turn fails here. Transaction control (BEGIN, COMMIT) is
not counted, since SQLite and PostgreSQL issue it differently; both give the same counts.

Every turn reads the person in one query: the account with its staff member, roles, assignments,
guardian and children, open flow, the newest year with its semesters and the school's row. A menu
press adds what the screen shows (the classes with their review states, the subjects, a class list):
three or four in all, within issue 20's six. Every step stays within ten, those that save included:
they pay two for the seal (the head read and locked, then the entries in one INSERT whose trigger
moves the head) and their writes; docs/testing.md lists what they read. The outbox dispatcher
delivers a message in two statements: the row claimed and read in one UPDATE … RETURNING, then
settled."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select

from localzalo import LocalZaloApi
from notifications.channel import Message
from notifications.dispatcher import Dispatcher
from storage.models import AbsenceRow, OutboxRow, ScoreRow
from storage.outbox_store import SENT as DELIVERED
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.bot.statements import counting
from tests.bot.test_attendance import CONFIRM, SAVE, open_list, tap_student
from tests.bot.test_corrections import REGULAR, correction_scene, send_without_photo, stored
from tests.bot.test_leave import link_parent
from tests.bot.test_notice_approval import SENT, write_school_notice
from tests.bot.test_score_entry import link, open_column
from tests.bot.test_zalo import ZALO_TOKEN, both_channels_running

MENU_PRESS = {"classes taught": 3, "class list": 4, "/menu": 3}
SCORE_ENTRY = {"/nhapdiem": 4, "class": 4, "semester": 5, "column": 6, "values": 7, "save": 10}
ATTENDANCE = {"/diemdanh": 8, "tap": 6, "save": 4, "confirm": 10}
LEAVE = {"/xinnghi": 3, "days": 3, "reason": 10, "accept": 10}
CORRECTION = {
    "/suadiem": 3,
    "class": 4,
    "subject": 4,
    "semester": 5,
    "column": 6,
    "student": 6,
    "value": 5,
    "reason": 4,
    "no photo": 6,
    "send": 10,
    "approve": 10,
}
NOTICE = {"/thongbao": 4, "scope": 2, "audience": 2, "text": 3, "submit": 9, "approve": 7}
ZALO_TASK = "sodiem-zalo"
EVERY_TASK = ""
MESSAGES = 20
PER_MESSAGE = 2  # claimed (UPDATE … RETURNING), settled
PER_RUN = 5  # the interrupted rows recovered, the due rows and the first of each person's, then none due

ZALO_STEPS = {
    "help": ("Trợ giúp", "Bạn có thể gửi:"),
    "attendance": ("Điểm danh", "📋 Chuyên cần đến ngày"),
    "leave": ("Xin nghỉ", "Xin nghỉ cho Lê Minh Anh"),
    "days": ("15/10-16/10", "Lý do nghỉ?"),
    "reason": ("Cháu đi khám mắt ở bệnh viện tỉnh", "✅ Đã lưu đơn xin nghỉ #"),
}
ZALO = {"help": 1, "attendance": 3, "leave": 3, "days": 3, "reason": 10}


def within(budgets: dict[str, int], turns: list[list[str]]) -> dict[str, int]:
    """The steps whose turn ran more statements than its budget, with the count."""
    assert len(turns) == len(budgets), f"{len(turns)} turns for {len(budgets)} steps"
    counts = dict(zip(budgets, map(len, turns), strict=True))
    return {step: count for step, count in counts.items() if count > budgets[step]}


@asynccontextmanager
async def counting_for_gv01(school, account: int) -> AsyncIterator[tuple]:
    """GV01 (homeroom 6A, Toán in 6A and 6B) linked from ``account``; then the statements counted."""
    teacher = school.api.person(account, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        with counting(school.database) as statements:
            yield teacher, statements


async def test_menu_presses_read_the_person_the_year_and_the_classes_once(school):
    async with counting_for_gv01(school, 7) as (teacher, statements):
        teacher.press("📚 Lớp tôi dạy", teacher.last_message)
        choose = await teacher.wait_for(lambda m: m.text == "Chọn lớp:")
        teacher.press("6A · Toán", choose)
        await teacher.wait_for(lambda m: m.text.startswith("Lớp 6A"))
        teacher.send_command("/menu")
        await teacher.wait_for(lambda m: "📚 Lớp tôi dạy" in m.button_texts)
        turns = statements.take()
    assert within(MENU_PRESS, turns) == {}
    statements_run = [s for turn in turns for s in turn]
    assert not [s for s in statements_run if "change_log" in s], "no seal query when nothing was written"
    assert not [s for s in statements_run if s.startswith("SELECT semester")], "semesters come with the year"


async def test_each_step_of_a_score_entry_stays_within_its_budget(school):
    async with counting_for_gv01(school, 8) as (teacher, statements):
        teacher.send_command("/nhapdiem")
        review = await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1")
        review = await teacher.ask("8 9 10")
        teacher.press("✅ Lưu cột điểm", review)
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
        turns = statements.take()
    assert within(SCORE_ENTRY, turns) == {}
    assert not [s for s in turns[-1] if s.startswith("UPDATE audit_head")], "the log's INSERT moves the head"
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(ScoreRow)) == 3


async def test_each_step_of_taking_attendance_stays_within_its_budget(school):
    async with counting_for_gv01(school, 9) as (teacher, statements):
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A")
        sheet = await tap_student(teacher, sheet, 1)
        teacher.press(SAVE, sheet)
        summary = await teacher.wait_for(lambda m: CONFIRM in m.button_texts)
        teacher.press(CONFIRM, summary)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh"))
        turns = statements.take()
    assert within(ATTENDANCE, turns) == {}
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(AbsenceRow)) == 1


async def test_each_step_of_a_leave_request_stays_within_its_budget(school):
    parent = school.api.person(11, "Anh Hùng")
    async with counting_for_gv01(school, 10) as (teacher, statements):
        statements.take()
        await link_parent(school, parent, "HS001")
        statements.take()
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
        await parent.ask("15/10")
        await parent.ask("Cháu bị sốt")
        teacher.press("✅ Đồng ý", await teacher.wait_for(lambda m: m.text.startswith("🙋 Đơn xin nghỉ #")))
        await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)
        turns = statements.take()
    assert within(LEAVE, turns) == {}


async def test_each_step_of_a_correction_request_and_its_approval_stays_within_its_budget(school):
    async with correction_scene(school) as (first, teacher, deputy):
        with counting(school.database) as statements:
            card = await send_without_photo(teacher, deputy, first, "7,5")
            deputy.press("✅ Duyệt", card)
            await teacher.wait_for(lambda m: "đã được Phạm Văn Phó duyệt" in m.text)
            turns = statements.take()
    assert within(CORRECTION, turns) == {}
    assert await stored(school, REGULAR) == ["7.5", "8", "9"]


async def test_each_step_of_a_notice_and_its_approval_stays_within_its_budget(school):
    vice, principal = school.api.person(7101, "Thầy Phó"), school.api.person(7102, "Cô Hiệu trưởng")
    async with school.bot_running():
        await link(school, vice, "CB02")
        await link(school, principal, "CB01")
        with counting(school.database) as statements:
            await write_school_notice(vice, SENT)
            request = await principal.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
            principal.press("✅ Duyệt và gửi", request)
            await principal.wait_for(lambda m: m.text.startswith("✅ Đã duyệt."))
            turns = statements.take()
    assert within(NOTICE, turns) == {}


async def test_a_parents_messages_on_zalo_stay_within_their_budgets(school):
    """The Zalo front end answers one message at a time in its task: each answer's statements are
    taken when it comes."""
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        mai = zalo.person("zl-mai", "Chị Mai")
        await mai.ask(await school.invite_parent("HS003"))
        turns = []
        with counting(school.database, ZALO_TASK) as statements:
            for text, answer in ZALO_STEPS.values():
                assert (await mai.ask(text)).text.startswith(answer)
                turns.append(sum(statements.take(), []))  # one task answers every message, in turn
    assert within(ZALO, turns) == {}


@dataclass
class Collecting:
    """A channel that takes every message at once."""

    name: str = "telegram"
    per_second: float = 1000.0
    per_recipient_interval: float = 0.0
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, recipient: str, message: Message) -> None:
        self.sent.append((recipient, message.text))


async def test_the_dispatcher_delivers_a_message_in_two_statements(school):
    outgoing = [Outgoing(f"n:{n}", "telegram", str(6000 + n), "PH", f"Tin {n}") for n in range(MESSAGES)]
    async with UnitOfWork(school.database) as uow:
        await uow.outbox.enqueue(outgoing, school.clock())
        await uow.commit()
    channel = Collecting()
    with counting(school.database, EVERY_TASK) as statements:
        await Dispatcher(school.database, {channel.name: channel}).run_until_idle()
        ran = sum(map(len, statements.take()))
    assert sorted(channel.sent) == sorted((m.recipient, m.text) for m in outgoing)
    assert ran <= PER_MESSAGE * MESSAGES + PER_RUN, f"{ran} statements for {MESSAGES} messages"
    async with school.database.session(read_only=True) as session:
        statuses = (await session.scalars(select(OutboxRow.status))).all()
    assert statuses == [DELIVERED] * MESSAGES
