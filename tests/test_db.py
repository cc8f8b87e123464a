"""The schema migrates on both databases and holds the constraints the engine relies on."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from appraisal.db import migrate
from appraisal.models import Person
from appraisal.models.vocab import Tier


def _person(code: str) -> Person:
    return Person(
        code=code,
        name="张三",
        gender="男",
        ethnicity="汉族",
        birth_date=date(1975, 3, 1),
        party="民盟",
        sector="教育界",
        employer="某大学",
        post="教授",
        tier=Tier.RISING,
    )


def test_migrating_twice_is_harmless(engine: sa.Engine) -> None:
    migrate(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"person", "cycle", "document", "signoff", "auditentry", "result"} <= tables


def test_enum_values_are_stored_as_the_words_staff_see(engine: sa.Engine) -> None:
    with Session(engine) as s:
        s.add(_person("P1"))
        s.commit()
    with engine.connect() as conn:
        assert conn.execute(sa.text("select tier from person")).scalar_one() == "精英"
    with Session(engine) as s:
        assert s.exec(select(Person)).one().tier is Tier.RISING


def test_person_code_is_unique(engine: sa.Engine) -> None:
    with Session(engine) as s:
        s.add(_person("P1"))
        s.commit()
        s.add(_person("P1"))
        with pytest.raises(sa.exc.IntegrityError):
            s.commit()


def test_migrations_match_the_models(engine: sa.Engine) -> None:
    """A table changed without a new Alembic revision would make this list non-empty."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from appraisal import models

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.metadata)
    assert diff == []
