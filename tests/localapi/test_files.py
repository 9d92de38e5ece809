"""Uploads (multipart), getFile and downloads, both ways."""

import aiohttp

from localapi import LocalBotApi
from tests.localapi.helpers import Client, png


def upload(field: str, content: bytes, filename: str, **params: str) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)  # UTF-8 names as they are, as httpx sends them
    for name, value in params.items():
        form.add_field(name, value)
    form.add_field(field, content, filename=filename, content_type="application/octet-stream")
    return form


async def download(client: Client, file_path: str) -> bytes:
    async with client.session.get(f"{client.api.base_file_url}{client.api.token}/{file_path}") as response:
        assert response.status == 200
        return await response.read()


async def test_a_document_goes_up_and_comes_back_down(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    content = "Họ tên,Điểm\nNguyễn Văn An,8.5\n".encode()
    form = upload("document", content, "bảng điểm.csv", chat_id="1001", caption="Bảng điểm lớp 6A")
    status, body = await client.form("sendDocument", form)
    assert status == 200, body
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "bảng điểm.csv",
        "text/csv",
        len(content),
    )
    assert lan.file_bytes(lan.last_message) == content and lan.last_message.text == "Bảng điểm lớp 6A"

    file = await client.ok("getFile", file_id=document["file_id"])
    assert await download(client, file["file_path"]) == content
    again = await client.ok("sendDocument", chat_id=1001, document=document["file_id"])
    assert again["document"]["file_unique_id"] == document["file_unique_id"]


async def test_a_photo_upload_reports_its_size(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    status, body = await client.form("sendPhoto", upload("photo", png(32, 20), "chart.png", chat_id="1001"))
    assert status == 200, body
    [size] = body["result"]["photo"]
    assert (size["width"], size["height"]) == (32, 20)


async def test_unknown_files_are_refused(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    wrong = (400, "Bad Request: wrong file identifier/HTTP URL specified")
    assert await client.refused("sendDocument", chat_id=1001, document="no-such-file") == wrong
    assert await client.refused("sendDocument", chat_id=1001, document="https://example.com/a.pdf") == wrong
    assert await client.refused("getFile", file_id="no-such-file") == (400, "Bad Request: invalid file_id")
    async with client.session.get(f"{api.base_file_url}{api.token}/documents/none.pdf") as response:
        assert response.status == 404
    status, _ = await client.form("sendDocument", upload("document", b"", "empty.txt", chat_id="1001"))
    assert status == 400


async def test_a_document_from_a_person_can_be_fetched_by_the_bot(api: LocalBotApi, client: Client):
    teacher = api.person(2001, "Cô Hoa")
    teacher.send_document(b"PK\x03\x04 spreadsheet", "danh sách lớp.xlsx", caption="Lớp 6A")
    [update] = await client.ok("getUpdates")
    document = update["message"]["document"]
    assert document["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    file = await client.ok("getFile", file_id=document["file_id"])
    assert await download(client, file["file_path"]) == b"PK\x03\x04 spreadsheet"
