"""The school moves its mid-term test week after 6A's mid-term report cards went out: the administrator is
told that the absences on those cards may now differ; moving only the end-of-term week says nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.models import NoticeRow, ReleasedCardRow
from storage.uow import UnitOfWork
from tests.cli.command import sodiem_in_process

WARNING = "Lưu ý: 1 lớp đã phát hành phiếu liên lạc giữa kỳ 1"


async def released_midterm_cards(school, class_name: str) -> None:
    """A class's semester I mid-term cards as a leader approved and released them."""
    async with UnitOfWork(school.database) as uow:
        class_id = (await uow.school.class_row(class_name)).id
        pupil = (await uow.roster.class_list(class_name, (await uow.school.year()).name))[0]
        at = datetime(2025, 11, 12, 9, tzinfo=UTC)
        notice = NoticeRow(
            kind="report_card", scope="class", audience="parents", class_id=class_id, period="mid1",
            text="", status="approved", created_at=at, decided_at=at,
        )  # fmt: skip
        uow.session.add(notice)
        await uow.session.flush()
        uow.session.add(
            ReleasedCardRow(
                notice_id=notice.id, student_id=pupil.id, language="vi", text="…", fingerprint="0"
            )
        )
        await uow.commit()


async def test_moving_the_mid_term_week_after_its_cards_went_out_is_said(school, tmp_path):
    await released_midterm_cards(school, "6A")

    def sodiem(*args: str):
        return sodiem_in_process(["--database", school.database.url, "school", "tests", *args], tmp_path, {})

    final_only = sodiem("--semester", "1", "--final", "29/12/2025-10/01/2026")
    assert final_only.returncode == 0, final_only.stderr
    assert WARNING not in final_only.stdout
    moved = sodiem("--semester", "1", "--midterm", "03/11/2025-15/11/2025")
    assert moved.returncode == 0, moved.stderr
    assert WARNING in moved.stdout and "hãy gửi duyệt lại (/phieulienlac)" in moved.stdout
