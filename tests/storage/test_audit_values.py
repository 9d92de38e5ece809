"""An auditor's day: the values a school prints are compared with their history. A score changed in
SQL, an absence deleted, a conduct level slipped in, the end of the log cut with its head fixed, the
whole chain re-sealed with another key, a printed head no longer in the chain: each is found and named."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest
from sqlalchemy import select, text

from domain.errors import DomainError
from storage.audit import (
    CHAIN_PURPOSE,
    RESEAL,
    check_key,
    current_head,
    head_in_chain,
    key_check,
    resealed,
    verify,
)
from storage.audit_values import compare_values
from storage.models import ChangeRow, StudentRow
from tests.exports.conftest import fill_class
from tests.storage.helpers import set_up_school

CLASS = "6A"


@pytest.fixture
async def school(database, tmp_path):
    from domain.roster import ROSTER_COLUMNS, import_roster
    from storage.tabular import read_table
    from storage.uow import UnitOfWork
    from tests.storage.helpers import ROWS, YEAR, write_csv

    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        table = read_table(write_csv(tmp_path / "lop.csv", ROWS), ROSTER_COLUMNS)
        await import_roster(uow.roster, YEAR, table, date(2025, 9, 5))
        await uow.commit()
    await fill_class(database, CLASS, semesters=(1,))
    return database


async def audit(database):
    async with database.session(read_only=True) as session:
        report = await verify(session)
        mismatches = await compare_values(session, report.logged) if report.first_break is None else []
    return report, mismatches


async def run_sql(database, *statements: str) -> None:
    async with database.session() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()


async def test_an_untouched_school_passes(school):
    report, mismatches = await audit(school)
    assert report.first_break is None and report.entries > 100
    assert mismatches == []


async def test_a_score_changed_in_sql_is_named_with_student_column_and_both_values(school):
    async with school.session(read_only=True) as session:
        score = (
            await session.execute(text("SELECT id, student_id, value FROM score ORDER BY id LIMIT 1"))
        ).one()
        name = await session.scalar(select(StudentRow.full_name).where(StudentRow.id == score.student_id))
    changed = "10" if score.value != "10" else "9"
    await run_sql(school, f"UPDATE score SET value = '{changed}' WHERE id = {score.id}")
    report, mismatches = await audit(school)
    assert report.first_break is None  # the log itself is whole: only the values tell
    assert [(m.entity, m.student, m.data, m.log) for m in mismatches] == [
        ("score", name, changed, score.value)
    ]
    assert mismatches[0].column.startswith("score ")


async def test_a_deleted_absence_and_an_inserted_conduct_row_are_named(school):
    async with school.session(read_only=True) as session:
        absence = (await session.execute(text("SELECT id, mark FROM absence ORDER BY id LIMIT 1"))).one()
        student = await session.scalar(text("SELECT min(id) FROM student"))
        year = await session.scalar(text("SELECT min(id) FROM school_year"))
    await run_sql(
        school,
        f"DELETE FROM absence WHERE id = {absence.id}",
        "INSERT INTO conduct (student_id, year_id, semester, aspect, level, entered_at)"
        f" VALUES ({student}, {year}, 2, 'conduct', 'Tốt', '2026-01-05 10:00:00')",
    )
    _, mismatches = await audit(school)
    found = {(m.entity, m.data, m.log) for m in mismatches}
    assert found == {("absence", None, absence.mark), ("conduct", "Tốt", None)}


async def test_the_last_five_entries_cut_with_the_head_fixed_are_found_by_the_values_and_the_paper(school):
    async with school.session(read_only=True) as session:
        printed = await current_head(session)
        last = await session.scalar(select(ChangeRow.seq).order_by(ChangeRow.seq.desc()).limit(1))
    kept = last - 5
    await run_sql(
        school,
        f"DELETE FROM change_log WHERE seq > {kept}",
        f"UPDATE audit_head SET seq = {kept}, hash = (SELECT hash FROM change_log WHERE seq = {kept})",
    )
    report, mismatches = await audit(school)
    assert report.first_break is None and report.entries == kept
    assert mismatches and all(m.log != m.data for m in mismatches)
    async with school.session(read_only=True) as session:
        assert not await head_in_chain(session, printed)
        assert await head_in_chain(session, await current_head(session))


async def test_a_chain_resealed_with_another_key_is_told_apart_as_a_key_that_does_not_match(school):
    other = hmac.new(b"x" * 32, CHAIN_PURPOSE.encode(), hashlib.sha256).digest()
    async with school.session() as session:
        rows = (await session.execute(select(ChangeRow.__table__).order_by(ChangeRow.seq))).all()
        updates = list(resealed(rows, other))
        await session.execute(RESEAL, updates)
        last = updates[-1]["new_hash"]
        await session.execute(
            text("UPDATE audit_head SET hash = :h, key_check = :k"), {"h": last, "k": key_check(other)}
        )
        await session.commit()
    report, _ = await audit(school)
    assert report.first_break.why == "audit.break.wrong_key"
    with pytest.raises(DomainError) as refused:
        await check_key(school)
    assert refused.value.key == "audit.error.wrong_key"


async def test_a_chain_resealed_without_changing_the_key_check_is_altered_at_its_first_entry(school):
    other = b"y" * 32
    async with school.session() as session:
        rows = (await session.execute(select(ChangeRow.__table__).order_by(ChangeRow.seq))).all()
        await session.execute(RESEAL, list(resealed(rows, other)))
        await session.commit()
    report, _ = await audit(school)
    assert report.first_break.seq == 1 and report.first_break.why == "audit.break.altered"


async def test_a_missing_key_file_stops_start_up_naming_the_setting(school, tmp_path, monkeypatch):
    monkeypatch.setenv("SODIEM_AUDIT_KEY_FILE", str(tmp_path / "gone.key"))
    with pytest.raises(DomainError) as stopped:
        await check_key(school)
    assert stopped.value.key == "key.error.missing"
    assert stopped.value.params["name"] == "SODIEM_AUDIT_KEY_FILE"


async def test_a_head_that_is_not_one_is_refused_with_its_form(school):
    async with school.session(read_only=True) as session:
        with pytest.raises(DomainError) as refused:
            await head_in_chain(session, "12-abc")
    assert refused.value.key == "audit.error.bad_head"
