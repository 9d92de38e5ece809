"""Signing speed: every class book (year) of the demo school, drawn, then signed with the school's
certificate — a PKCS#12 file, and a SoftHSM2 token through PKCS#11 when softhsm2 is installed. The
signing time is measured apart from the drawing. The demo school is filled as bench/export_files.py fills it,
in a throwaway SQLite database; the test CA of tests/signing/ca.py issues the certificate.
Target: signing under 1 s a book beyond the time to draw it.

Run: .venv/bin/python bench/signing.py"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.export_files import filled_demo_school  # noqa: E402
from domain.report_card import Period  # noqa: E402
from exports.service import export_class  # noqa: E402
from exports.signed_papers import signed_bytes  # noqa: E402
from exports.signing_setting import Setting  # noqa: E402
from locales import translator  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.signing.ca import (  # noqa: E402
    KEY,
    PASSWORD,
    PIN,
    TOKEN,
    SchoolCA,
    softhsm_module,
    softhsm_token,
    write_pkcs12,
)


async def drawn_books(url: str) -> list:
    database = Database(url)
    classes = await filled_demo_school(database)
    books, start = [], time.perf_counter()
    for name in classes:
        async with UnitOfWork(database, read_only=True) as uow:
            books.append(await export_class(uow, "gradebook", name, Period.YEAR, translator("vi")))
    drawn = time.perf_counter() - start
    print(f"drawing {len(books)} year class books: {drawn:.2f} s ({drawn / len(books):.2f} s a book)")
    await database.dispose()
    return books


def sign_all(label: str, books: list, setting: Setting) -> None:
    t = translator("vi")
    times = []
    for book in books:
        start = time.perf_counter()
        signed_bytes(book, setting, t)
        times.append(time.perf_counter() - start)
    median, slowest = statistics.median(times), max(times)
    print(
        f"signing with {label}: {sum(times):.2f} s for {len(books)} books, median {median:.2f} s,"
        f" slowest {slowest:.2f} s a book (target < 1 s a book)"
    )


def main(folder: Path) -> None:
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    upgrade(url)
    books = asyncio.run(drawn_books(url))
    authority = SchoolCA.make()
    key, cert = authority.issue()
    p12 = write_pkcs12(folder / "school.p12", key, cert, authority)
    sign_all("a PKCS#12 file", books, Setting("pkcs12", str(p12), secret=PASSWORD))
    if softhsm_module() is None:
        print("signing with a PKCS#11 token: skipped, softhsm2 is not installed")
        return
    module, env = softhsm_token(folder, key, cert)
    os.environ.update(env)
    sign_all("a SoftHSM2 token (PKCS#11)", books, Setting("pkcs11", module, TOKEN, KEY, PIN))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        main(Path(tmp))
