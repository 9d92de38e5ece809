"""Watching the service: /metrics in Prometheus' format, whose counters move as teachers use the bot and
messages go out, seen by this machine only; /healthz that goes 503 when the database stops answering
and 200 again when it is back. Real HTTP to sodiem's own web server, a real database."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from bot import watch
from bot.app import build_application, utc_now
from bot.config import load_settings
from bot.public import PublicServer
from localapi import LocalBotApi
from localzalo import LocalZaloApi
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.conftest import POSTGRES_ADMIN_URL

TOKEN = "123456:watch-token"


@pytest.fixture
async def server(database: Database) -> AsyncIterator[PublicServer]:
    web = PublicServer(database, ("127.0.0.1", 0), lambda: datetime.now(UTC))
    await web.start()
    yield web
    await web.stop()


def address(server: PublicServer, path: str) -> str:
    host, port = server.listen
    return f"http://{host}:{port}{path}"


async def scrape(server: PublicServer) -> dict[tuple[str, tuple], float]:
    async with aiohttp.ClientSession() as http, http.get(address(server, "/metrics")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def health(server: PublicServer) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(address(server, "/healthz")) as response:
        return response.status, await response.json()


async def test_the_counters_move_as_a_teacher_joins_and_a_message_goes_out(school, server):
    before = await scrape(server)
    code = await school.invite_staff("GV01")
    toan = school.api.person(2001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        await toan.next_message()
        async with UnitOfWork(school.database) as uow:
            message = Outgoing("watch-1", "telegram", "2001", "Trần Văn Toàn", "Họp tổ chuyên môn lúc 14:00")
            await uow.outbox.enqueue([message], datetime.now(UTC) - timedelta(seconds=1))
            await uow.commit()
        await toan.wait_for(lambda m: m.text == "Họp tổ chuyên môn lúc 14:00")
        await asyncio.sleep(0.2)  # the settle is written just after the send
        after = await scrape(server)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert moved("sodiem_updates_total") >= 1
    assert moved("sodiem_update_seconds_count") == moved("sodiem_updates_total")
    assert moved("sodiem_update_errors_total") == 0
    assert moved("sodiem_update_database_seconds_count") == moved("sodiem_updates_total")
    assert 0 < moved("sodiem_update_database_seconds_sum") < moved("sodiem_update_seconds_sum")
    assert moved("sodiem_deliveries_total", channel="telegram", outcome="sent") == 1
    assert ("sodiem_outbox_waiting", (("channel", "telegram"),)) not in after  # nothing left waiting


async def test_the_outbox_backlog_is_read_from_the_database_at_each_scrape(database, server):
    waiting = [Outgoing(f"watch-wait-{n}", "zalo", str(n), "", "Thông báo") for n in range(4)]
    async with UnitOfWork(database) as uow:
        await uow.outbox.enqueue(waiting, datetime.now(UTC))
        await uow.commit()
    samples = await scrape(server)
    assert samples[("sodiem_outbox_waiting", (("channel", "zalo"),))] == 4


async def test_metrics_are_not_shown_to_requests_forwarded_by_the_proxy(database, server, caplog):
    async with aiohttp.ClientSession() as http:
        forwarded = {"X-Forwarded-For": "203.0.113.7"}
        async with http.get(address(server, "/metrics"), headers=forwarded) as response:
            assert response.status == 404
    assert "/metrics refused to 127.0.0.1" in caplog.text


async def test_healthz_says_what_answers(database, server):
    server.add_probe("telegram", _answers)
    status, body = await health(server)
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": True, "telegram": True}}
    server.add_probe("scheduler", _stopped)
    status, body = await health(server)
    assert status == 503 and body["checks"]["scheduler"] is False and body["status"] == "unhealthy"


async def _answers() -> bool:
    return True


async def _stopped() -> bool:
    return False


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
async def test_healthz_goes_unhealthy_while_postgresql_refuses_and_healthy_after(empty_database_url):
    name = make_url(empty_database_url).database
    web = PublicServer(Database(empty_database_url), ("127.0.0.1", 0), lambda: datetime.now(UTC))
    await web.start()
    try:
        assert (await health(web))[0] == 200
        await _admin(
            f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
        )
        status, body = await health(web)
        assert status == 503 and body["checks"]["database"] is False
        await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert await health(web) == (200, {"status": "ok", "checks": {"database": True}})
    finally:
        await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await web.stop()
        await web.database.dispose()


async def _admin(*statements: str) -> None:
    url = make_url(POSTGRES_ADMIN_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def test_sodiem_runs_health_asks_telegram_zalo_and_the_scheduler(database):
    async with LocalBotApi(TOKEN) as telegram, LocalZaloApi(max_poll_timeout=0.5) as zalo:
        environ = {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": telegram.base_url,
            "SODIEM_ZALO_TOKEN": zalo.token,
            "SODIEM_ZALO_API_URL": zalo.base_url,
            "SODIEM_PUBLIC_LISTEN": "127.0.0.1:0",
        }
        settings = load_settings(environ, env_file=None)
        application = build_application(settings, database)
        watch.serve(application, database, settings, utc_now)
        await application.initialize()
        await application.post_init(application)
        await application.start()
        server = application.bot_data[watch.OWN_SERVER]
        try:
            checks = {"database": True, "telegram": True, "scheduler": True, "zalo": True}
            assert await health(server) == (200, {"status": "ok", "checks": checks})
            await application.stop()
            status, body = await health(server)
            assert status == 503 and body["checks"]["scheduler"] is False
        finally:
            if application.running:
                await application.stop()
            await application.shutdown()
            await application.post_shutdown(application)
        assert server._runner is None, "the web server stops with the application"
