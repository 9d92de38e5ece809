"""One sandbox for the session, running in its own thread and event loop as ``sodiem sandbox`` runs
it (the pristine demo school takes half a minute to build); each test starts from a reset. Under
pytest-xdist (``--dist loadgroup``) every module here is marked ``xdist_group("sandbox")``
(``SANDBOX_GROUP``), so that one worker builds the sandbox once for the run."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.sandbox import fill_demo_school
from sandbox.service import Sandbox, serve
from tests.ports import free_port

READY_SECONDS = 300  # the demo school's semester on a busy two-core machine
SANDBOX_GROUP = pytest.mark.xdist_group("sandbox")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "sandbox"


class Running:
    """The sandbox in its thread: its address, and a way to run a coroutine on its loop."""

    def __init__(self, sandbox: Sandbox, port: int) -> None:
        self.sandbox = sandbox
        self.url = f"http://127.0.0.1:{port}"
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._run, args=(port,), daemon=True)

    def _run(self, port: int) -> None:
        async def main() -> None:
            self.loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
            await serve(self.sandbox, port, on_ready=self.ready.set)

        try:
            asyncio.run(main())  # as the command runs it: what is left running is cancelled at the end
        except asyncio.CancelledError:
            pass
        except BaseException as error:  # shown by start(), which waits for ready
            self.failure = error
            self.ready.set()

    def start(self) -> None:
        self._thread.start()
        if not self.ready.wait(READY_SECONDS) or self.failure:
            raise RuntimeError(f"the sandbox did not start: {self.failure!r}")

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(30)
        assert not self._thread.is_alive(), "the sandbox did not stop within 30 s"

    def call(self, coroutine: Coroutine) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            return json.load(response)

    def post(self, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def running(tmp_path_factory) -> Iterator[Running]:
    sandbox = Sandbox(fill_demo_school, tmp_path_factory.mktemp("sandbox"), language="vi")
    running = Running(sandbox, free_port())
    running.start()
    yield running
    running.stop()


@pytest.fixture
def sandbox(running: Running) -> Running:
    """The running sandbox, reset to the pristine demo school, in Vietnamese."""
    running.call(running.sandbox.set_language("vi"))
    running.post("/sandbox/reset")
    return running


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
