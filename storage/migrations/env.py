"""Alembic environment. The bot passes its own connection (see storage/migrate.py);
run standalone (`alembic -c storage/alembic.ini revision --autogenerate`), it
connects to LIANDONG_DATABASE_URL itself."""
from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need batch mode
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    from pathlib import Path

    from storage.db import DATABASE_FILE, Database, default_data_dir, sqlite_url

    # `alembic` run by hand: the same variables and defaults the bot reads (config/settings.py).
    data_dir = Path(os.environ.get("LIANDONG_DATA_DIR") or default_data_dir())
    db = Database(os.environ.get("LIANDONG_DATABASE_URL") or sqlite_url(data_dir / DATABASE_FILE))
    async with db.engine.begin() as conn:
        await conn.run_sync(_run)
    await db.dispose()


shared = context.config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    asyncio.run(_run_standalone())
