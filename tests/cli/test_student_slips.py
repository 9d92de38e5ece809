"""The administrator prints the students' own slips for 6A (read back with poppler and a QR decoder) or
lists one student's code; a student's code links that student's own account, never a parent's."""

import asyncio
import re
import subprocess
from datetime import UTC, datetime

import pytest

from domain.errors import DomainError
from domain.identity import PersonKind, redeem_invite
from storage.db import Database
from storage.uow import UnitOfWork
from tests.cli.test_admin_commands import EXAMPLES, school, sodiem  # noqa: F401 (fixture)
from tests.cli.test_guardian_slips import BOT, bot_name, qr_links  # noqa: F401 (fixture)

STUDENT = "202506101"  # Võ Thị Linh, 6A


async def redeem(folder, account: str, code: str):
    database = Database(f"sqlite:///{folder / 'sodiem.db'}")
    try:
        async with UnitOfWork(database) as uow:
            person = await redeem_invite(uow.identity, "zalo", account, code, datetime.now(UTC))
            await uow.commit()
            return person, await uow.identity.actor("zalo", account)
    except DomainError as error:
        return error.key, None
    finally:
        await database.dispose()


def test_the_students_own_slips_for_6a_and_one_students_code_listed(school, tmp_path):  # noqa: F811
    imported = sodiem(
        "import", "roster", str(EXAMPLES / "danh-sach-hoc-sinh.xlsx"), "--create-classes", cwd=school
    )
    assert imported.returncode == 0
    out = school / "phieu-hs-6A.pdf"
    done = sodiem("invite", "--students", "--class", "6A", "--out", str(out), cwd=school)
    assert done.returncode == 0, done.stderr
    printed = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    codes = re.findall(r"Mã: ([A-Z2-9]{5}-[A-Z2-9]{5})", printed)
    assert f"Đã in {len(codes)} phiếu tài khoản học sinh" in done.stdout
    assert len(codes) == len(set(codes)) == printed.count("Học sinh: ") > 1  # one slip a student
    assert printed.count("Phiếu tài khoản học sinh") == len(codes)  # the title, unbroken
    assert "Phụ huynh:" not in printed and "Học sinh: Võ Thị Linh" in printed
    links = qr_links(out, tmp_path)
    assert sorted(links) == sorted(f"https://t.me/{BOT}?start={code.replace('-', '')}" for code in codes)

    first = re.search(r"Học sinh: (\S+(?: \S+)*?)(?:\s{2,}|$)", printed, flags=re.M).group(1)
    person, actor = asyncio.run(redeem(school, "zl-1", codes[0]))
    assert person.kind is PersonKind.STUDENT and actor.name == first and actor.children == frozenset()
    assert asyncio.run(redeem(school, "zl-1", codes[0]))[0] == "link.error.used_code"

    listed = sodiem("invite", "--students", "--student", STUDENT, cwd=school)
    assert listed.returncode == 0, listed.stderr
    line = listed.stdout.splitlines()[0]
    assert re.fullmatch(
        rf"{STUDENT}\t.+\t[A-Z2-9]{{5}}-[A-Z2-9]{{5}}  https://t\.me/{BOT}\?start=\w{{10}}", line
    )
    assert "Đã tạo 1 mã cho học sinh" in listed.stdout
    parents_code = sodiem("invite", "--guardian", "--student", STUDENT, cwd=school).stdout
    parents = re.search(r"([A-Z2-9]{5}-[A-Z2-9]{5})", parents_code).group(1)
    assert asyncio.run(redeem(school, "zl-1", parents)) == ("students.link.error.student_account", None)


@pytest.mark.parametrize("args", [["--out", "x.pdf"], []])
def test_student_codes_need_a_class_or_a_student(school, args):  # noqa: F811
    done = sodiem("invite", "--students", *args, cwd=school)
    assert done.returncode == 1 and "--class" in done.stderr and "--student" in done.stderr
