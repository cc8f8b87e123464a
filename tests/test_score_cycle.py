"""Scoring a cycle a slice of people at a time stores what scoring the whole cohort at once gives,
the 优秀 quota included; a quota per 工作单位 moves down the right person and the 综合评价表
says which quota applied."""

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import cycle_scheme, plan_documents, render_documents, score_cycle
from appraisal.launch import launch
from appraisal.models import Person, Result
from appraisal.models.vocab import CycleKind, Grade, Stage
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import default_scheme_path
from appraisal.scoring import score_cohort, score_person
from appraisal.settings import get_settings
from appraisal.stages import EVALUATION_FORM
from appraisal.store.cycle_data import scoring_inputs
from appraisal.store.cycles import Selection, get_cycle
from tests.cycle_helpers import YEAR, everyone, import_pool, sqlite_only


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


def _evaluation_form_text(cycle_id: int, code: str, out: Path) -> str:
    """The words of the person's 综合评价表 as the evaluation stage renders it."""
    with plain_calls():
        (job,) = plan_documents(cycle_id, Stage.EVALUATION, date(2026, 11, 1),
                                date(2026, 11, 15), [code])  # fmt: skip
        template = resolve_templates(get_settings().templates_dir).get(EVALUATION_FORM)
        (rendered,) = render_documents(template.path, [job], out)
    with zipfile.ZipFile(rendered.docx) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_a_quota_per_unit_moves_down_the_second_of_a_unit(app_env: Path, tmp_path: Path) -> None:
    import_pool(tmp_path / "data", people=20)
    scheme = tmp_path / "scheme.toml"
    text = default_scheme_path().read_text(encoding="utf-8")
    # No one here hands in a 年度履职报告: without D11 the pool has people good enough for 优秀.
    text = text.replace('missing_item = "D11"', 'missing_item = ""')
    scheme.write_text(text.replace('scope = "本周期"', 'scope = "工作单位"'), "utf-8")
    cycle_id = launch(
        name="测试周期", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme,
        selection=everyone(),
    ).cycle_id  # fmt: skip
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        rules = cycle_scheme(cycle)
        raw = sorted(
            (score_person(rules, p) for p in scoring_inputs(session, cycle)),
            key=lambda s: (-(s.composite or 0), s.code),
        )
        first, second = [s.code for s in raw if s.grade is Grade.EXCELLENT][:2]
        others = [s.code for s in raw if s.grade is not Grade.EXCELLENT]
        # The two best at one 工作单位 of five people (one place); everyone else alone, where
        # a unit of one has no place at all.
        unit = {first, second, *others[:3]}
        for person in session.exec(select(Person)):
            person.employer = "滨江大学" if person.code in unit else f"{person.code}单位"
            session.add(person)
    with plain_calls():
        assert score_cycle(cycle_id) == "20 scored: 20 new, 0 changed"
    stored = {code: (grade, lines) for code, grade, _, _, lines in _stored(cycle_id)}
    quota = (
        "本单位（工作单位：滨江大学）参评 5 人，"
        "优秀名额 1 名（5 人的 15% 不足 1 名，满 5 人至少 1 名）；按综合得分在优秀人选中排第 {}"
    )
    assert stored[first][0] is Grade.EXCELLENT
    assert stored[first][1][-1] == quota.format("1 位，在名额内，等次为优秀。")
    assert stored[second][0] is Grade.COMPETENT
    assert stored[second][1][-1] == quota.format("2 位，超出名额，等次由优秀调整为称职。")
    assert [c for c, (g, _) in stored.items() if g is Grade.EXCELLENT] == [first]
    # The 综合评价表 prints the grade and the quota that set it.
    form = _evaluation_form_text(cycle_id, second, tmp_path / "docs")
    assert "优秀名额 1 名" in form and "超出名额，等次由优秀调整为称职" in form


@sqlite_only
def test_a_cycle_started_with_the_cppcc_scheme_grades_by_points(
    app_env: Path, tmp_path: Path
) -> None:
    cppcc = default_scheme_path().parent / "cppcc.toml"
    import_pool(tmp_path / "data", people=12)
    cycle_id = launch(
        name="政协委员履职", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=cppcc,
        selection=Selection(), allow_missing=True,
    ).cycle_id  # fmt: skip
    with plain_calls():
        score_cycle(cycle_id)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        scores = score_cohort(cycle_scheme(cycle), scoring_inputs(session, cycle))
    assert scores and all(s.composite == s.points.points for s in scores if not s.deductions)
    assert {s.grade for s in scores} <= {Grade.EXCELLENT, Grade.COMPETENT, Grade.INCOMPETENT}
    assert all(s.points.points >= 60 or s.grade is Grade.INCOMPETENT for s in scores)
    stored = {code: (grade, composite) for code, grade, _, composite, _ in _stored(cycle_id)}
    assert stored == {s.code: (s.grade, s.composite) for s in scores}
