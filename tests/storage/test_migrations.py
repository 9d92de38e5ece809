"""Migrations go up from an empty database, down to nothing and up again, on both back ends;
a database that is not migrated is refused with the command that fixes it."""

import asyncio

import pytest
from sqlalchemy import inspect

from domain.errors import DomainError
from storage.db import Database
from storage.migrate import downgrade, ensure_migrated, upgrade
from storage.models import Base


async def table_names(url: str) -> set[str]:
    database = Database(url)
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await database.dispose()
    return names


async def test_migrations_up_down_up_from_empty(empty_database_url):
    await asyncio.to_thread(upgrade, empty_database_url)
    assert {table.name for table in Base.metadata.sorted_tables} <= await table_names(empty_database_url)
    await asyncio.to_thread(downgrade, empty_database_url, "base")
    assert await table_names(empty_database_url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, empty_database_url)
    database = Database(empty_database_url)
    await ensure_migrated(database.engine)
    await database.dispose()


async def test_an_unmigrated_database_is_refused_with_the_fix(empty_database_url):
    database = Database(empty_database_url)
    with pytest.raises(DomainError) as refused:
        await ensure_migrated(database.engine)
    await database.dispose()
    assert refused.value.key == "db.error.not_migrated"


async def test_models_and_migrations_agree(database_url):
    """Autogenerate finds nothing to do: the tables are what the models say."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    database = Database(database_url)
    async with database.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await database.dispose()
    assert diff == []
