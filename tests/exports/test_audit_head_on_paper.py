"""The head leaves the building: every page of an exported paper prints the audit chain's head as it
was when the data was read, and ``audit verify --head`` recognises it afterwards."""

from __future__ import annotations

import re
import subprocess

from domain.report_card import Period
from exports.service import export_class
from locales import translator
from storage.audit import current_head, head_in_chain
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS

HEAD = re.compile(r"Đầu chuỗi nhật ký khi in: (\d+:[0-9a-f]{12})")


def page_texts(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return [page for page in done.stdout.split("\f") if page.strip()]


async def test_every_page_of_a_gradebook_and_of_report_cards_carries_the_head(filled, tmp_path):
    async with UnitOfWork(filled, read_only=True) as uow:
        head = await current_head(uow.session)
        papers = [
            await export_class(uow, kind, CLASS, Period.SEMESTER_1, translator("vi"))
            for kind in ("gradebook", "reportcards")
        ]
        assert await head_in_chain(uow.session, head)
    assert re.fullmatch(r"\d+:[0-9a-f]{12}", head)
    for paper in papers:
        pages = page_texts(paper.data, tmp_path)
        assert pages and all(HEAD.findall(page) == [head] for page in pages), paper.file_name
