"""The administrator prints the joining slips for a class's parents' meeting; read back with poppler and
a QR decoder, every slip's QR code opens the bot with the code printed beside it, and the codes work."""

import asyncio
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from domain.identity import redeem_invite
from storage.db import Database
from storage.uow import UnitOfWork
from tests.cli.test_admin_commands import EXAMPLES, school, sodiem  # noqa: F401 (fixture)

BOT = "truong_nguyen_du_bot"


@pytest.fixture(autouse=True)
def bot_name(monkeypatch) -> None:
    monkeypatch.setenv("SODIEM_TELEGRAM_BOT_USERNAME", BOT)


def invite_slips(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return sodiem("invite", "--guardians", *args, cwd=folder)


def qr_links(pdf: Path, folder: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(pdf), str(folder / "page")], check=True)
    links = []
    for page in sorted(folder.glob("page-*.png")):
        # the slips' QR codes (model 2) only: a line of the large printed code can pass for a 1D barcode,
        # and zxing-cpp 3 reads Micro QR and rMQR under QRCode too (numbers seen in the printed text)
        found = zxingcpp.read_barcodes(Image.open(page), formats=zxingcpp.BarcodeFormat.QRCodeModel2)
        links += [
            code.text for code in sorted(found, key=lambda c: (c.position.top_left.y, c.position.top_left.x))
        ]
    return links


def test_slips_for_the_parents_of_6a_with_a_working_qr_code_each(school, tmp_path):  # noqa: F811
    assert (
        sodiem(
            "import", "roster", str(EXAMPLES / "danh-sach-hoc-sinh.xlsx"), "--create-classes", cwd=school
        ).returncode
        == 0
    )
    out = school / "phieu-6A.pdf"
    done = invite_slips(school, "--class", "6A", "--out", str(out))
    assert done.returncode == 0, done.stderr
    printed = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    codes = re.findall(r"Mã: ([A-Z2-9]{5}-[A-Z2-9]{5})", printed)
    students = printed.count("Học sinh: ")
    assert (
        "Đã in 2 phiếu" not in done.stdout
        and f"Đã in {len(codes)} phiếu cho {students // 2} học sinh" in done.stdout
    )
    assert "Học sinh: Võ Thị Linh" in printed and "Phụ huynh: Trần Ngọc Mai" in printed
    assert len(codes) == len(set(codes)) == students  # father and mother: a slip, and a code, each
    assert printed.count("Phiếu kết nối Sổ liên lạc điện tử") == len(codes)  # the title on one line
    assert printed.count(f"@{BOT},") == len(codes)  # the way in for a parent who cannot scan
    assert "Cách 1: mở camera điện thoại, quét mã QR" in printed
    assert "Mã kiểm tra dữ liệu" not in printed  # slips carry no data to check: no empty label

    links = qr_links(out, tmp_path)
    assert sorted(links) == sorted(f"https://t.me/{BOT}?start={code.replace('-', '')}" for code in codes)

    async def redeem(code: str):
        database = Database(f"sqlite:///{school / 'sodiem.db'}")
        async with UnitOfWork(database) as uow:
            person = await redeem_invite(uow.identity, "telegram", "777", code, datetime.now(UTC))
            await uow.commit()
            actor = await uow.identity.actor("telegram", "777")
        await database.dispose()
        return person, actor

    guardians = re.findall(r"Phụ huynh: (\S+(?: \S+)*?)(?:\s{2,}|$)", printed, flags=re.M)
    person, actor = asyncio.run(redeem(codes[0]))  # the first slip links its own guardian, of one child
    assert person.kind == "guardian" and actor.name == guardians[0] and len(actor.children) == 1


def test_slips_need_a_class_and_a_file(school):  # noqa: F811
    done = invite_slips(school, "--class", "6A")
    assert done.returncode == 1 and "--out" in done.stderr
