"""Scoring a cycle a slice of people at a time stores what scoring the whole cohort at once gives,
the 优秀 quota included."""

from pathlib import Path

import pytest
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import cycle_scheme, score_cycle
from appraisal.launch import launch
from appraisal.models import Person, Result
from appraisal.models.vocab import CycleKind
from appraisal.scheme import default_scheme_path
from appraisal.scoring import score_cohort
from appraisal.settings import get_settings
from appraisal.store.cycle_data import scoring_inputs
from appraisal.store.cycles import Selection, get_cycle
from tests.cycle_helpers import YEAR, import_pool


def _stored(cycle_id: int) -> list[tuple[str, object, object, object, list[str]]]:
    with session_scope() as session:
        rows = session.exec(
            select(Person.code, Result.grade, Result.band, Result.composite, Result.explanation)
            .join(Person, col(Person.id) == col(Result.person_id))
            .where(Result.cycle_id == cycle_id)
            .order_by(Person.code)
        )
        return [
            (code, grade, band, composite, list(lines))
            for code, grade, band, composite, lines in rows
        ]


def test_scoring_in_slices_stores_the_whole_cohorts_results(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_pool(tmp_path / "data", people=60)
    # A tight quota (59 people in the cycle, the 名人 left out: 2 优秀) so that it moves people
    # down across slices.
    scheme = tmp_path / "scheme.toml"
    text = default_scheme_path().read_text(encoding="utf-8")
    scheme.write_text(text.replace("excellent_percent = 15", "excellent_percent = 5"), "utf-8")
    cycle_id = launch(
        name="测试周期", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme,
        selection=Selection(),
    ).cycle_id  # fmt: skip
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        whole = score_cohort(cycle_scheme(cycle), scoring_inputs(session, cycle))
    monkeypatch.setenv("APPRAISAL_SLICE_PEOPLE", "7")
    get_settings.cache_clear()
    with plain_calls():
        assert score_cycle(cycle_id) == "59 scored: 59 new, 0 changed"
        assert score_cycle(cycle_id) == "59 scored: 0 new, 0 changed"
    expected = [(s.code, s.grade, s.band, s.composite, list(s.explanation)) for s in whole]
    assert _stored(cycle_id) == expected
    # The quota moved someone down, and did so from standings across slices.
    assert any("优秀名额" in line for row in expected for line in row[4])
