"""Alembic environment: runs against the engine handed over by appraisal.db."""

from alembic import context

from appraisal import models

config = context.config
engine = config.attributes.get("engine")


def run() -> None:
    if engine is None:
        raise RuntimeError("run migrations through appraisal.db.migrate(), which passes the engine")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=models.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
