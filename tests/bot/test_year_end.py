"""The year-end review of a class of 40, through the summer, into the next school year: the homeroom
teacher proposes the lists, the vice-principal sends them back and then approves, the class's year
locks, two re-tests and a summer conduct training are entered, the summer lists are approved, and the
printed papers show both the original and the re-assessed results. Then the administrator starts
2026-2027: the class goes up to 9B without the three retained, who stay in grade 8, and next year's
class list, report cards and DBF follow."""

from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from datetime import UTC, datetime

from dbfread import DBF
from sqlalchemy import func, select

from domain.report_card import Period
from domain.year_end import Outcome, ReviewState, Stage
from exports.service import export_class
from exports.verify import verify
from locales import translator
from storage.models import ChangeRow, ClassReviewRow, RefusalRow, StudentOutcomeRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link
from tests.bot.year_end_scene import (
    ABSENT,
    BEST,
    BOTH_FAILED,
    INFORMATICS_RETEST,
    MATH_RETEST,
    NEW,
    OLD,
    SUMMER_TRAINING,
    approved_year_lists,
    at_year_end,
    choose,
    class_id,
    fill_the_year,
    retest_prompt,
    students_of,
)
from tests.cli.command import sodiem_in_process
from tests.storage.helpers import class_list_names
from tests.year_lists import approve_lists


async def test_the_review_waits_for_every_value_and_says_what_is_missing(demo_school):
    school = demo_school
    await fill_the_year(school.database, leave_out=("Toán", 2))
    await at_year_end(school)
    teacher = school.api.person(1, "Thầy Phong")
    async with school.bot_running():
        await link(school, teacher, "GV015")  # homeroom 8B
        answer = await teacher.ask("/xetlenlop")
        assert answer.text.startswith("Lớp 8B chưa nhập đủ để xét lên lớp.")
        assert "• Toán · HK 2: 40" in answer.text.splitlines()
        other = school.api.person(2, "Thầy Thành")
        await link(school, other, "GV005")  # homeroom 6C, not 8B
        other.press_data((await other.ask("/menu")).message_id, f"yr:c:{await class_id(school, '8B')}")
        assert (await other.wait_for(lambda m: "không có quyền" in m.text)).text.startswith("Xin lỗi")


async def test_a_class_of_40_from_the_last_scores_to_the_approved_lists_and_the_next_year(
    demo_school, database_url, tmp_path
):
    school = demo_school
    await fill_the_year(school.database)
    await at_year_end(school)
    names = await students_of(school)
    teacher = school.api.person(1, "Thầy Phong")
    vice = school.api.person(3, "Thầy Việt")
    principal = school.api.person(4, "Cô Lan")
    async with school.bot_running():
        await link(school, teacher, "GV015")
        await link(school, vice, "CB002")
        await link(school, principal, "CB001")

        # The homeroom teacher opens the review: the counts first.
        counts = await teacher.ask("/xetlenlop")
        assert counts.text.splitlines()[:2] == ["Xét lên lớp — lớp 8B — cuối năm", "Sĩ số: 40 học sinh"]
        assert "• Lên lớp: 35" in counts.text and "• Kiểm tra lại: 2" in counts.text
        assert "• Rèn luyện trong hè: 2" in counts.text and "• Ở lại lớp: 1" in counts.text
        assert "• Học sinh Xuất sắc: 1" in counts.text and "❓ Chờ quyết định: 1 trường hợp" in counts.text
        teacher.press("📋 Xem danh sách", counts)
        listing = await teacher.wait_for(lambda m: m.text.startswith("Xét lên lớp — lớp 8B — cuối năm\n\n1."))
        rows = listing.text.splitlines()[2:42]
        assert [row.split(". ", 1)[1].split(" — ")[0] for row in rows] == names  # Vietnamese order
        assert rows[MATH_RETEST - 1].endswith("Kiểm tra lại (Toán, Tin học)")
        assert rows[BOTH_FAILED - 1].endswith("❓")

        # A student's line; a flag with a reason; the case left to people decided with a reason.
        best = await teacher.ask(str(BEST))
        assert "Danh hiệu: Học sinh Xuất sắc" in best.text
        teacher.press("⚑ Khen thưởng đặc biệt", best)
        await teacher.wait_for(lambda m: "hãy gửi lý do" in m.text)
        flagged = await teacher.ask("Giải nhất học sinh giỏi Toán cấp huyện")
        assert "Khen thưởng đặc biệt: Giải nhất học sinh giỏi Toán cấp huyện" in flagged.text
        teacher.send_command("/xetlenlop")  # submitting with a case undecided is refused
        teacher.press("📤 Gửi Ban giám hiệu duyệt", await teacher.wait_for(lambda m: "Sĩ số" in m.text))
        refused = await teacher.wait_for(lambda m: m.text.startswith("Còn 1 trường hợp chờ quyết định"))
        assert names[BOTH_FAILED - 1] in refused.text
        marked = await teacher.ask(str(BOTH_FAILED))
        assert "❓ Quy định để người xét quyết định trường hợp này:" in marked.text
        teacher.press("➜ Rèn luyện trong hè", marked)
        await teacher.wait_for(lambda m: "hãy gửi lý do" in m.text)
        assert "ký tự" in (await teacher.ask("ừ")).text  # too short a reason: asked again
        await teacher.ask("Em tiến bộ rõ ở học kỳ 2, cho rèn luyện hè")
        teacher.send_command("/xetlenlop")
        teacher.press("📤 Gửi Ban giám hiệu duyệt", await teacher.wait_for(lambda m: "Sĩ số" in m.text))
        sent = await teacher.wait_for(lambda m: m.text.startswith("Đã gửi danh sách"))
        assert "Phan Công Việt" in sent.text and "Trần Ngọc Lan" in sent.text

        # The vice-principal: the counts, any student, then back with a comment.
        card = await vice.wait_for(lambda m: "Trần Hoàng Phong gửi danh sách" in m.text)
        assert "• Rèn luyện trong hè: 2" in card.text and "• Ở lại lớp: 1" in card.text
        vice.press("📋 Xem danh sách", card)
        await vice.wait_for(lambda m: m.text.startswith("Xét lên lớp — lớp 8B — cuối năm\n\n1."))
        line = await vice.ask(str(BOTH_FAILED))
        assert "Quyết định: Em tiến bộ rõ ở học kỳ 2, cho rèn luyện hè" in line.text
        vice.press("↩ Trả lại", card)
        await vice.wait_for(lambda m: "hãy gửi nhận xét" in m.text)
        await vice.ask("Em số 5 cũng chưa đạt học tập: xét ở lại lớp")
        back = await teacher.wait_for(lambda m: m.text.startswith("↩ Xét lên lớp — lớp 8B"))
        assert "Nhận xét: Em số 5 cũng chưa đạt học tập: xét ở lại lớp" in back.text

        # The teacher resubmits: the earlier flag is still there; the decision changes.
        again = await teacher.ask("/xetlenlop")
        assert "Ban giám hiệu đã trả lại danh sách" in again.text or "Sĩ số" in again.text
        counts = await teacher.wait_for(lambda m: "Sĩ số" in m.text)
        marked = await teacher.ask(str(BOTH_FAILED))
        teacher.press("➜ Ở lại lớp", marked)
        await teacher.wait_for(lambda m: "hãy gửi lý do" in m.text and "Ở lại lớp" in m.text)
        await teacher.ask("Học tập và rèn luyện cả năm đều chưa đạt")
        teacher.send_command("/xetlenlop")
        teacher.press("📤 Gửi Ban giám hiệu duyệt", await teacher.wait_for(lambda m: "Sĩ số" in m.text))
        await teacher.wait_for(lambda m: m.text.startswith("Đã gửi danh sách"))

        # A teacher's forged approval is refused and logged; the vice-principal approves; a second
        # approval (the principal's) changes nothing.
        card = await vice.wait_for(lambda m: "• Ở lại lớp: 2" in m.text and m.buttons)
        review_id = card.buttons[1][0]["callback_data"].split(":")[-1]
        teacher.press_data(counts.message_id, f"yr:ok:{review_id}")
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        vice.press("✅ Duyệt", card)
        await vice.wait_for(lambda m: "đã duyệt. Danh sách đã cố định" in m.text)
        await teacher.wait_for(
            lambda m: m.text.startswith("✅ Xét lên lớp — lớp 8B — cuối năm: Phan Công Việt")
        )
        late = await principal.wait_for(lambda m: "• Ở lại lớp: 2" in m.text and m.buttons)
        principal.press("✅ Duyệt", late)
        await principal.wait_for(lambda m: "Phan Công Việt đã duyệt danh sách này rồi" in m.text)

        # The class's year is locked.
        teacher.send_command("/renluyen")
        teacher.press("HK 2 •", await teacher.wait_for(lambda m: "HK 2 •" in m.button_texts))
        assert (await teacher.wait_for(lambda m: "đã khoá" in m.text)).text.startswith(
            "Danh sách cuối năm của lớp đã được duyệt"
        )

        teacher.send_command("/diemdanh")
        assert await teacher.wait_for(lambda m: "điểm danh cả năm của lớp đã khoá" in m.text)

        # The summer: two re-tests (one passes, one fails) and a summer conduct training.
        school.clock.now = datetime(2026, 7, 20, 2, 0, tzinfo=UTC)
        math, informatics = school.api.person(5, "Cô Nhi"), school.api.person(6, "Cô Vy")
        await link(school, math, "GV008")
        await link(school, informatics, "GV009")
        for person, subject in ((math, "Toán"), (informatics, "Tin học")):
            person.send_command("/nhapdiem")
            await choose(person, f"8B · {subject}")
            await choose(person, "HK 2 •")
            await choose(person, "Kiểm tra lại (hè)")
            prompt = await person.wait_for(lambda m: "Gửi giá trị của cả lớp" in m.text)
            assert prompt.text.splitlines()[-2:] == [
                f"1. {names[MATH_RETEST - 1]}",
                f"2. {names[INFORMATICS_RETEST - 1]}",
            ]  # only the two who re-test in the subject
            person.press("✅ Lưu cột điểm", await person.ask("7 3"))
            await person.wait_for(lambda m: m.text.startswith("Đã lưu"))
        teacher.send_command("/renluyen")
        await choose(teacher, "Sau hè")
        prompt = await teacher.wait_for(lambda m: m.text.startswith("Rèn luyện sau hè — lớp 8B"))
        assert prompt.text.splitlines()[-1] == f"1. {names[SUMMER_TRAINING - 1]}"
        teacher.press("✅ Lưu cột điểm", await teacher.ask("Đạt"))
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))

        # The summer lists: only the three, recomputed; submitted and approved.
        summer = await teacher.ask("/xetlenlop")
        assert summer.text.splitlines()[:2] == ["Xét lên lớp — lớp 8B — sau hè", "Sĩ số: 3 học sinh"]
        assert "• Lên lớp: 2" in summer.text and "• Ở lại lớp: 1" in summer.text
        teacher.press("📤 Gửi Ban giám hiệu duyệt", summer)
        await teacher.wait_for(lambda m: m.text.startswith("Đã gửi danh sách"))
        card = await vice.wait_for(lambda m: "lớp 8B — sau hè" in m.text and m.buttons)
        vice.press("✅ Duyệt", card)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Xét lên lớp — lớp 8B — sau hè"))
        math.send_command("/nhapdiem")
        await choose(math, "8B · Toán")
        await choose(math, "HK 2 •")
        await choose(math, "Kiểm tra lại (hè) ✓")
        assert await math.wait_for(lambda m: m.text.startswith("Danh sách sau hè của lớp đã được duyệt"))

    async with UnitOfWork(school.database) as uow:
        reviews = {r.stage: r.state for r in await uow.session.scalars(select(ClassReviewRow))}
        assert reviews == {"year": "approved", "summer": "approved"}
        lines = await uow.session.scalars(select(StudentOutcomeRow.stage))
        assert sorted(Counter(lines).items()) == [("summer", 3), ("year", 40)]  # both kept
        changes = await uow.session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.entity == "class-review")
        )
        refused = await uow.session.scalars(select(RefusalRow.action).where(RefusalRow.external_id == "1"))
        assert list(refused) == ["approve-year-lists"]  # the teacher's forged approval, recorded
        assert changes == 6  # year: submitted, returned, submitted, approved; summer: submitted, approved
        final = await uow.year_end.final_outcomes((await uow.school.year_row()).id)
        ids = [s.id for s in await uow.roster.class_list("8B", "2025-2026")]
        assert final[ids[MATH_RETEST - 1]].outcome.value == "promoted"
        assert final[ids[INFORMATICS_RETEST - 1]].outcome.value == "retained"
        assert final[ids[SUMMER_TRAINING - 1]].outcome.value == "promoted"
        assert [o.outcome.value for o in final.values()].count("retained") == 3

    # The papers: the year report card and the printed gradebook show the approved lists, the
    # original results and the re-assessed ones; `sodiem export verify` rebuilds both the same.
    cards = await exported(school.database, "reportcards", tmp_path)
    page = " ".join(next(p for p in cards if names[MATH_RETEST - 1] in p).split())
    assert "Toán 2,0 2,0 2,0 (KT lại: 7,0)" in page and "Kết quả học tập: Chưa đạt" in page
    assert "Xét lên lớp (đã duyệt): Kiểm tra lại (Toán, Tin học)" in page
    assert "Sau hè: học tập Tốt, rèn luyện Tốt — Lên lớp" in page  # re-tested: 7 and 7, the rest 8
    page = " ".join(next(p for p in cards if names[BEST - 1] in p).split())
    assert "Khen thưởng đặc biệt: Giải nhất học sinh giỏi Toán cấp huyện" in page
    book = await exported(school.database, "gradebook", tmp_path)
    summary = " ".join(next(p for p in book if "Kết quả xét lên lớp đã duyệt" in p).split())
    for row in ("1 Lên lớp 35 37", "2 Kiểm tra lại 2 0", "3 Rèn luyện trong hè 1 0", "4 Ở lại lớp 2 3"):
        assert row in summary
    status = " ".join(" ".join(book).split())
    assert f"{names[INFORMATICS_RETEST - 1]}" in status and "Chưa đạt/Tốt → Ở lại lớp" in status

    await the_next_school_year(school, names, database_url, tmp_path)


RETAINED = (INFORMATICS_RETEST, ABSENT, BOTH_FAILED)  # failed the re-test; 46 days absent; both failed


async def the_next_school_year(school, names: list[str], database_url: str, tmp_path) -> None:
    """The other classes' lists were approved as they stood (everyone promoted); the administrator
    reads the preview of 2026-2027, then carries it out."""
    await approve_lists(school.database, OLD, skip=frozenset({"8B"}))
    preview = sodiem(database_url, "year", "new", NEW, cwd=tmp_path)
    assert preview.returncode == 0, preview.stderr
    lines = preview.stdout.splitlines()
    at = lines.index("Lớp 8B (40 học sinh):")
    assert lines[at + 1] == "  37 lên lớp 9B"
    assert lines[at + 2].startswith("  3 ở lại lớp, học lớp 8B năm mới: ")
    assert all(names[n - 1] in lines[at + 2] for n in RETAINED)
    done = sodiem(database_url, "year", "new", NEW, "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    promoted = [name for n, name in enumerate(names, start=1) if n not in RETAINED]
    assert await class_list_names(school.database, "9B", NEW) == promoted  # in Vietnamese order
    eighth = await class_list_names(school.database, "8B", NEW)
    assert all(names[n - 1] in eighth for n in RETAINED) and not set(promoted) & set(eighth)
    listing = sodiem(database_url, "students", "--class", "9B", cwd=tmp_path)
    assert listing.stdout.splitlines()[0] == f"Danh sách lớp 9B — năm học {NEW} — 37 học sinh"

    # Next year's papers list 9B's 37, a card each; last year's still show the approved lists.
    cards = await exported(school.database, "reportcards", tmp_path, "9B", Period.MIDTERM_1, NEW)
    carded = [name for name in promoted if any(name in page and "9B" in page for page in cards)]
    assert carded == promoted and len([page for page in cards if page.strip()]) == 37
    async with UnitOfWork(school.database, read_only=True) as uow:
        made = await export_class(uow, "dbf", "9B", Period.SEMESTER_1, translator("vi"), NEW)
    dbf = tmp_path / made.file_name
    dbf.write_bytes(made.data)
    assert (await verify(school.database, dbf)).differences == []
    codes = {r["MAHS"] for r in DBF(dbf, encoding="utf-8")}
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert codes == {s.code for s in await uow.roster.class_list("9B", NEW)}
    old_cards = await exported(school.database, "reportcards", tmp_path, "8B", Period.YEAR, OLD)
    page = " ".join(next(p for p in old_cards if names[MATH_RETEST - 1] in p).split())
    assert "Sau hè: học tập Tốt, rèn luyện Tốt — Lên lớp" in page


def sodiem(url: str, *args: str, cwd) -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py) on the database at ``url``."""
    return sodiem_in_process(["--database", url, *args], cwd, {"SODIEM_LOCALE": "vi"})


async def exported(
    database, kind: str, tmp_path, class_name: str = "8B", period: Period = Period.YEAR, year: str = OLD
) -> list[str]:
    """A class's file, written, checked by `export verify`, and read back by pdftotext."""
    async with UnitOfWork(database, read_only=True) as uow:
        made = await export_class(uow, kind, class_name, period, translator("vi"), year)
    path = tmp_path / made.file_name
    path.write_bytes(made.data)
    assert (await verify(database, path)).differences == []
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [unicodedata.normalize("NFC", page) for page in text.split("\f")]


async def test_a_student_failing_conduct_and_learning_trains_in_the_summer_then_re_tests(
    demo_school, tmp_path
):
    school = demo_school
    await fill_the_year(school.database)
    await at_year_end(school)
    names = await students_of(school)
    note = {BEST: "Gia đình xin chuyển trường cuối hè"}  # for the leadership, not for the parents
    await approved_year_lists(school, {BOTH_FAILED: Outcome.SUMMER_TRAINING}, note)
    school.clock.now = datetime(2026, 7, 20, 2, 0, tzinfo=UTC)
    teacher, math = school.api.person(1, "Thầy Phong"), school.api.person(5, "Cô Nhi")
    informatics = school.api.person(6, "Cô Vy")
    async with school.bot_running():
        await link(school, teacher, "GV015")
        await link(school, math, "GV008")
        await link(school, informatics, "GV009")
        # Before the summer conduct: only the two who re-test straight away.
        assert await retest_prompt(math, "Toán") == [
            f"1. {names[MATH_RETEST - 1]}",
            f"2. {names[INFORMATICS_RETEST - 1]}",
        ]
        math.send_command("/huy")
        missing = await teacher.ask("/xetlenlop")
        assert "• Rèn luyện sau hè: 2" in missing.text

        # The summer conduct reaches Đạt: the student who also failed learning now re-tests.
        teacher.send_command("/renluyen")
        await choose(teacher, "Sau hè")
        await teacher.wait_for(lambda m: m.text.startswith("Rèn luyện sau hè — lớp 8B"))
        teacher.press("✅ Lưu cột điểm", await teacher.ask("Đạt Đạt"))
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
        missing = await teacher.ask("/xetlenlop")
        assert "• Kiểm tra lại môn Toán: 3" in missing.text and "Rèn luyện sau hè" not in missing.text
        for person, subject in ((math, "Toán"), (informatics, "Tin học")):
            assert (await retest_prompt(person, subject))[-1] == f"3. {names[BOTH_FAILED - 1]}"
            person.press("✅ Lưu cột điểm", await person.ask("7 3 6"))
            await person.wait_for(lambda m: m.text.startswith("Đã lưu"))

        summer = await teacher.ask("/xetlenlop")
        assert summer.text.splitlines()[:2] == ["Xét lên lớp — lớp 8B — sau hè", "Sĩ số: 4 học sinh"]
        assert "• Lên lớp: 3" in summer.text and "• Ở lại lớp: 1" in summer.text
        marked = await teacher.ask("4")  # both failed in the year: still the teacher's decision
        assert marked.text.startswith(names[BOTH_FAILED - 1])
        teacher.press("➜ Lên lớp", marked)
        await teacher.wait_for(lambda m: "hãy gửi lý do" in m.text)
        await teacher.ask("Rèn luyện hè đạt, kiểm tra lại đạt cả hai môn")
        teacher.send_command("/xetlenlop")
        teacher.press("📤 Gửi Ban giám hiệu duyệt", await teacher.wait_for(lambda m: "Sĩ số" in m.text))
        await teacher.wait_for(lambda m: m.text.startswith("Đã gửi danh sách"))
        math.send_command("/nhapdiem")  # the summer lists are waiting: the re-tests are fixed
        await choose(math, "8B · Toán")
        await choose(math, "HK 2 •")
        await choose(math, "Kiểm tra lại (hè) ✓")
        assert await math.wait_for(lambda m: m.text.startswith("Danh sách sau hè của lớp đang chờ"))

    cards = await exported(school.database, "reportcards", tmp_path)
    page = " ".join(next(p for p in cards if names[BEST - 1] in p).split())
    assert "Xét lên lớp (đã duyệt): Lên lớp" in page and "chuyển trường" not in page
    page = " ".join(next(p for p in cards if names[BOTH_FAILED - 1] in p).split())
    assert "Rèn luyện trong hè (Toán, Tin học)" in page


async def test_a_leader_cannot_approve_the_lists_they_sent_and_the_year_waits_meanwhile(demo_school):
    school = demo_school
    await fill_the_year(school.database)
    await at_year_end(school)
    await approved_year_lists(school, {BOTH_FAILED: Outcome.RETAINED}, by="CB002")  # the vice teaches 8B
    vice, principal = school.api.person(3, "Thầy Việt"), school.api.person(4, "Cô Lan")
    teacher = school.api.person(1, "Thầy Phong")
    async with school.bot_running():
        await link(school, vice, "CB002")
        await link(school, principal, "CB001")
        await link(school, teacher, "GV015")
        vice.send_command("/xetlenlop")
        card = await vice.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        vice.press("✅ Duyệt", card)
        refused = await vice.wait_for(lambda m: "không tự duyệt được" in m.text)
        assert refused.text.startswith("Bạn đã gửi danh sách này")

        teacher.send_command("/renluyen")  # waiting for approval: the class's year is fixed
        teacher.press("HK 2 •", await teacher.wait_for(lambda m: "HK 2 •" in m.button_texts))
        waiting = await teacher.wait_for(lambda m: "chờ Ban giám hiệu duyệt" in m.text)
        assert "nhờ" in waiting.text and "trả lại danh sách" in waiting.text

        principal.send_command("/xetlenlop")
        principal.press("✅ Duyệt", await principal.wait_for(lambda m: "✅ Duyệt" in m.button_texts))
        await principal.wait_for(lambda m: "đã duyệt. Danh sách đã cố định" in m.text)
    async with UnitOfWork(school.database, read_only=True) as uow:
        refusals = list(
            await uow.session.scalars(select(RefusalRow.action).where(RefusalRow.external_id == "3"))
        )
        assert refusals == ["approve-own-year-lists"]
        assert (await uow.year_end.states(await class_id(school, "8B")))[Stage.YEAR] is ReviewState.APPROVED
