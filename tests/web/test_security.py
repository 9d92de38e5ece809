"""The web chat as a web application must be: signed in with a one-time code, sessions in HttpOnly
cookies and bound to the person, CSRF tokens, ids checked on the server, security headers, everything
escaped. Real HTTP to sodiem's web server, the real bot behind the web gateway, a real database."""

from __future__ import annotations

import aiohttp
from sqlalchemy import func, select
from yarl import URL

from storage.models import RefusalRow
from storage.models.web import WebSessionRow
from storage.uow import UnitOfWork


async def refusals(front, action: str) -> list[RefusalRow]:
    async with UnitOfWork(front.school.database, read_only=True) as uow:
        rows = await uow.session.scalars(
            select(RefusalRow).where(RefusalRow.channel == "web", RefusalRow.action == action)
        )
        return list(rows)


async def session_count(front) -> int:
    async with UnitOfWork(front.school.database, read_only=True) as uow:
        return await uow.session.scalar(select(func.count()).select_from(WebSessionRow))


async def test_without_a_session_every_page_leads_to_the_sign_in_page(front):
    browser = front.browser()
    try:
        async with browser.http.get("/", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/signin"
        async with browser.http.get("/") as page:
            html = await page.text()
            assert page.url.path == "/signin" and 'name="code"' in html and "Mã mời" in html
            device = page.cookies["sodiem_device"]
            assert device["httponly"] and device["samesite"] == "Lax"
        async with browser.http.get("/api/chat") as api:
            assert api.status == 401
        async with browser.http.post("/api/text", json={"text": "/menu"}) as api:
            assert api.status == 401
    finally:
        await browser.close()


async def test_a_teacher_signs_in_with_a_code_and_uses_the_menu(front):
    code = await front.school.invite_staff("GV01")
    browser = front.browser()
    try:
        response = await browser.sign_in(code)
        assert response.status == 303
        cookie = response.cookies["sodiem_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 30 * 86400
        assert not cookie["secure"], "plain http only because SODIEM_PUBLIC_URL is http://127.0.0.1"
        await browser.say("/menu")
        menu = await browser.wait_for(lambda m: bool(m.get("reply_markup")))
        assert menu["text"]
        async with UnitOfWork(front.school.database, read_only=True) as uow:
            session = (await uow.session.scalars(select(WebSessionRow))).one()
        assert cookie.value not in session.token_hash and len(session.token_hash) == 64
        assert session.device == "Chrome / Android"
    finally:
        await browser.close()


async def test_the_session_cookie_is_secure_behind_https(front):
    from web.config import WEB_CONFIG, WebConfig

    config = front.server.app[WEB_CONFIG]
    assert WebConfig(config.database, config.clock, "https://sodiem.thcs-nguyendu.edu.vn").secure_cookie


async def test_wrong_codes_are_answered_and_throttled_as_in_chat(front):
    browser = front.browser()
    try:
        statuses = []
        for _ in range(6):
            async with browser.http.get("/signin") as page:
                token = (await page.text()).split('name="csrf" value="')[1].split('"')[0]
            form = {"code": "ABCDEFGHJK", "csrf": token, "language": "en"}
            async with browser.http.post("/signin", data=form, allow_redirects=False) as response:
                statuses.append(response.status)
                html = await response.text()
        assert statuses == [400] * 5 + [429]
        assert "minutes" in html
        assert "sodiem_session" not in browser.http.cookie_jar.filter_cookies(URL(front.url))
    finally:
        await browser.close()


async def test_a_request_without_the_csrf_token_is_refused_and_changes_nothing(front):
    code = await front.school.invite_staff("GV01")
    browser = front.browser()
    try:
        await browser.sign_in(code)
        refused = await browser.post("/api/text", {"text": "/menu"}, csrf=False)
        assert refused.status == 403
        browser.csrf = "0" * 64
        assert (await browser.post("/api/text", {"text": "/menu"})).status == 403
        assert (await browser.post("/signout", {})).status == 403
        chat = await browser.chat()
        assert chat["messages"] == [], "nothing reached the bot"
        assert await session_count(front) == 1
    finally:
        await browser.close()


async def test_a_sign_in_without_the_pages_token_is_refused(front):
    code = await front.school.invite_staff("GV01")
    async with aiohttp.ClientSession(base_url=front.url) as attacker:
        form = {"code": code, "csrf": "forged"}
        async with attacker.post("/signin", data=form, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/signin"
    assert await session_count(front) == 0


async def test_another_persons_ids_are_refused_and_recorded(front):
    teacher, parent = front.browser(), front.browser()
    try:
        await teacher.sign_in(await front.school.invite_staff("GV01"))
        await parent.sign_in(await front.school.invite_parent("HS001"))
        await parent.say("/menu")
        menu = await parent.wait_for(lambda m: bool(m.get("reply_markup")))
        # the teacher's chat has a message 1; the parent names it (a message of another chat)
        await teacher.say("/menu")
        await teacher.wait_for(lambda m: bool(m.get("reply_markup")))
        # a class's list by its id, which the parent may not see: the same handler as on Telegram refuses
        response = await parent.post("/api/press", {"message_id": menu["message_id"], "data": "cls:1:menu"})
        assert response.status == 200
        await parent.wait_for(lambda m: m["message_id"] > menu["message_id"])
        assert [r.detail for r in await refusals(front, "view-class")] == ["cls:1:menu"]
        # a file id that is not in the parent's chat
        async with parent.http.get("/api/files/DOC-000001-local") as response:
            assert response.status == 404
        assert [r.detail for r in await refusals(front, "web-file")] == ["DOC-000001-local"]
        # a message id of no message in the parent's chat
        response = await parent.post("/api/press", {"message_id": 999, "data": "menu"})
        assert response.status == 404
        assert [r.detail for r in await refusals(front, "web-press")] == ["999:menu"]
    finally:
        await teacher.close()
        await parent.close()


async def test_a_revoked_persons_session_is_signed_out_at_once(front):
    browser = front.browser()
    try:
        await browser.sign_in(await front.school.invite_staff("GV01"))
        assert (await browser.chat())["messages"] == []
        await front.school.revoke("GV01")
        async with browser.http.get("/api/chat") as response:
            assert response.status == 401
        async with browser.http.get("/", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/signin"
        assert await session_count(front) == 0
    finally:
        await browser.close()


async def test_signing_out_ends_the_session(front):
    browser = front.browser()
    try:
        await browser.sign_in(await front.school.invite_staff("GV01"))
        assert (await browser.post("/signout", {})).status == 200
        assert await session_count(front) == 0
        async with browser.http.get("/api/chat") as response:
            assert response.status == 401
    finally:
        await browser.close()


async def test_security_headers_and_escaping(front):
    async with (
        aiohttp.ClientSession(base_url=front.url) as http,
        http.get("/signin?code=<script>alert(1)</script>") as response,
    ):
        html = await response.text()
        headers = response.headers
    assert "<script>alert" not in html and 'value="&lt;script&gt;alert(1)&lt;/sc"' in html
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    for script in ("<script>", "style="):
        assert script not in html, "no inline script or style: the CSP forbids them"


async def test_after_an_upgrade_a_phone_runs_the_new_script_not_its_cached_copy(front):
    """The chat page is never cached and its scripts are asked for again on every load: a phone that
    kept last version's chat.js would leave the new page's composer disabled."""
    async with aiohttp.ClientSession(base_url=front.url) as http:
        async with http.get("/static/chat.js") as first:
            assert first.status == 200 and first.headers["Cache-Control"] == "no-cache"
            etag = first.headers["ETag"]
        async with http.get("/static/chat.js", headers={"If-None-Match": etag}) as again:
            assert again.status == 304, "unchanged: nothing is downloaded again"


async def test_request_size_limits(front):
    browser = front.browser()
    try:
        await browser.sign_in(await front.school.invite_staff("GV01"))
        assert (await browser.post("/api/text", {"text": "x" * 20000})).status == 413
        big = b"\xff\xd8" + b"0" * (11 * 1024 * 1024)
        async with browser.http.post(
            "/api/photo", data=big, headers={"X-CSRF-Token": browser.csrf}
        ) as response:
            assert response.status == 413
    finally:
        await browser.close()


def test_session_tokens_and_sign_in_codes_never_reach_a_log_line():
    import io
    import logging

    from bot import logs

    stream = io.StringIO()
    out = logs.handler("text", stream)
    record = logging.LogRecord("aiohttp", logging.INFO, __file__, 1, "GET %s Cookie: %s", None, None)
    record.args = ("/signin?code=ABCDEFGH23&lang=vi", "sodiem_session=s3cr3t-token; sodiem_device=1")
    out.handle(record)
    line = stream.getvalue()
    assert "s3cr3t" not in line and "ABCDEFGH23" not in line
    assert "sodiem_session=***" in line and "code=***" in line


async def test_a_guardian_unlinked_from_the_web_account_is_signed_out(front):
    from sqlalchemy import update

    from storage.models import AccountRow

    browser = front.browser()
    try:
        await browser.sign_in(await front.school.invite_parent("HS001"))
        async with UnitOfWork(front.school.database) as uow:
            await uow.session.execute(update(AccountRow).values(guardian_id=None))
            await uow.commit()
        async with browser.http.get("/api/chat") as response:
            assert response.status == 401
    finally:
        await browser.close()


async def test_the_app_is_installable_and_has_an_offline_page(front):
    async with aiohttp.ClientSession(base_url=front.url) as http:
        async with http.get("/manifest.webmanifest") as response:
            manifest = await response.json(content_type=None)
        async with http.get("/sw.js") as response:
            worker = await response.text()
        async with http.get("/offline.html", headers={"Accept-Language": "en"}) as response:
            offline = await response.text()
        async with http.get("/static/icon-512.png") as response:
            icon = await response.read()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    assert "/offline.html" in worker and 'importScripts("/static/push-sw.js")' in worker
    assert "No connection" in offline
    assert icon[:8] == b"\x89PNG\r\n\x1a\n"
