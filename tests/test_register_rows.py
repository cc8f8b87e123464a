"""The register's people and audit trail, read from the database a page at a time."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from appraisal.archive.register import AuditRow, write_register
from appraisal.db import session_scope
from appraisal.models import AuditEntry
from appraisal.store import archive_data
from appraisal.store.cycles import get_cycle
from tests.cycle_helpers import import_pool, start

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def _python_order(rows: list[AuditRow]) -> list[AuditRow]:
    def naive(at: datetime) -> datetime:
        return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at

    return sorted(rows, key=lambda a: (naive(a.at), a.entity, a.field))


def test_people_in_code_order_and_the_trail_sorted_as_python_sorts_it(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_pool(tmp_path / "data", people=7)
    cycle_id = start()
    later = T0 + timedelta(seconds=1)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        name = cycle.name
        # Entries at one instant whose order a locale's collation would change: "b" before
        # "C" when case is ignored, "C" first by code point. And one about another cycle.
        for entity in ("b-entity", "C-entity", "c entity", "B entity"):
            session.add(AuditEntry(at=T0, actor="t", entity=entity, entity_key=name, field="x"))
        session.add(AuditEntry(at=T0, actor="t", entity="cycle", entity_key="别的周期", field="x"))
        member = f"{name}/P00003"
        for field in ("z", "A", "a"):
            session.add(AuditEntry(at=later, actor="t", entity="p", entity_key=member, field=field))

    monkeypatch.setattr(archive_data, "REGISTER_PAGE", 3)  # several pages of each
    with session_scope() as session:
        rows, _stages, audit = archive_data.register_inputs(session, cycle_id, date(2026, 12, 1))
        trail = list(audit)
        people = list(rows)
        assert list(audit) == trail  # read again, the same
        path = write_register(
            tmp_path / "register.xlsx", cycle_name=name, rows=rows, stages=[], audit=audit
        )
    assert [r.code for r in people] == sorted(r.code for r in people)
    assert len(people) == 7
    assert trail == _python_order(trail)
    assert "cycle 别的周期" not in {a.entity for a in trail}
    assert [a.field for a in trail if a.entity == f"p {member}"] == ["A", "a", "z"]
    tied = [a.entity.split(f" {name}")[0] for a in trail if a.field == "x"]
    assert tied == ["B entity", "C-entity", "b-entity", "c entity"]
    assert path.stat().st_size > 0
