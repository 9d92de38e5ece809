"""A correction with a photo, all the way, driven over HTTP as the sandbox's page drives it (the Ảnh
button posts the picture to /_sim/people/{id}/photo): the teacher attaches a photo of the test paper
in /suadiem, the vice-principal sees that very picture in his chat, approves with one press, the score
changes and the picture is kept with the correction."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from storage.models import CorrectionEvidenceRow, CorrectionRow
from tests.bot.test_corrections import REGULAR, ask_for_correction, saved_scores, stored
from tests.bot.test_score_entry import link
from tests.localapi.helpers import png
from tests.storage.helpers import class_list_names

TEACHER, DEPUTY = 8101, 8102


async def press_over_http(http: aiohttp.ClientSession, user_id: int, message, label: str) -> None:
    """Presses a button as the page does: POST /_sim/people/{id}/press with the button's data."""
    data = next(key["callback_data"] for row in message.buttons for key in row if key["text"] == label)
    body = {"message_id": message.message_id, "data": data}
    async with http.post(f"/_sim/people/{user_id}/press", json=body) as answer:
        assert answer.status == 200, await answer.text()


async def test_a_photo_attached_over_http_reaches_the_vice_principal_who_approves(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    teacher, deputy = school.api.person(TEACHER, "Thầy Toàn"), school.api.person(DEPUTY, "Thầy Phó")
    paper = png(48, 36)
    async with school.bot_running(), aiohttp.ClientSession(school.api.url) as http:
        await link(school, teacher, "GV01")
        await link(school, deputy, "CB02")
        asked = await ask_for_correction(teacher, "ĐĐGtx 1", first, "7,5", "Chép nhầm từ bài")
        assert "Gửi ảnh minh chứng" in asked.text
        teacher.mark_read()
        async with http.post(f"/_sim/people/{TEACHER}/photo", data=paper) as answer:
            assert answer.status == 200 and (await answer.json())["message"]["photo"][-1]["width"] == 48
        slip = await teacher.next_message()
        assert "Minh chứng: 1 ảnh" in slip.text and "6 → 7,5" in slip.text
        await press_over_http(http, TEACHER, slip, "📨 Gửi đề nghị")
        await teacher.wait_for(lambda m: "Đã gửi phiếu chỉnh điểm #" in m.text)

        await deputy.wait_for(lambda m: m.file is not None)
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        async with http.get(f"/_sim/people/{DEPUTY}/chat") as answer:
            chat = await answer.json()
        [shown] = [m for m in chat["messages"] if m["from_bot"] and "photo" in m]
        async with http.get(shown["file_url"]) as answer:
            assert await answer.read() == paper, "the vice-principal sees the teacher's picture"
        assert "Lý do: Chép nhầm từ bài" in card.text
        await press_over_http(http, DEPUTY, card, "✅ Duyệt")
        told = await teacher.wait_for(lambda m: "đã được Phạm Văn Phó duyệt" in m.text)
        assert "Điểm đã được sửa" in told.text
    assert await stored(school, REGULAR) == ["7.5", "8", "9"]
    async with school.database.session(read_only=True) as session:
        correction = await session.scalar(select(CorrectionRow))
        evidence = await session.scalar(select(CorrectionEvidenceRow.content))
    assert correction.status == "approved" and evidence == paper
