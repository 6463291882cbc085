"""Alembic environment: runs migrations on the URL the register was given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from rekisteri.adapters.db import make_engine
from rekisteri.adapters.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
