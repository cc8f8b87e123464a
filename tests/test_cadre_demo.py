"""The cadre kind's demo (run_cadre_demo), for `appraisal demo --kind 干部` to call: a year of
干部年度考核 in two units, scored with the 优秀 quota per unit, every 登记表 written."""

from pathlib import Path

import pytest

from appraisal.db import session_scope
from appraisal.flows.cadre_demo import UNITS, run_cadre_demo
from appraisal.store import cadre
from appraisal.store.cycles import get_cycle


def test_a_cadre_year_runs_with_its_quota_per_unit(app_env: Path, tmp_path: Path) -> None:
    demo = run_cadre_demo(tmp_path / "data", pdf=False)
    assert demo.people == sum(UNITS.values()) == 15
    assert sum(demo.grades.values()) == 15 and "未评定" not in demo.grades
    # 20% of each unit, rounded down: at most 2 of the 10 and 1 of the 5.
    assert demo.excellent_by_unit.get("市财政局", 0) == 2
    assert demo.excellent_by_unit.get("市审计局", 0) == 1
    assert len(demo.forms) == 15 and all(f.suffix == ".docx" for f in demo.forms)
    with session_scope() as session:
        rows = cadre.registration_rows(session, get_cycle(session, demo.cycle_id))
    assert all(r.done(s) for r in rows for s in cadre.SECTIONS)
    assert sum(r.form is not None and r.form.summary_channel == "本人链接" for r in rows) == 5
    assert sum(r.form is not None and r.form.agrees is False for r in rows) == 1
    assert {r.use for r in rows if r.grade and r.grade.value == "优秀"} == {
        "纳入选拔任用范围，同等条件下优先考虑"
    }


@pytest.mark.libreoffice
def test_the_demo_s_forms_convert_to_pdf(app_env: Path, tmp_path: Path, db_url: str) -> None:
    if "postgres" in db_url:
        pytest.skip("the conversion does not depend on the database; SQLite is enough")
    demo = run_cadre_demo(tmp_path / "data")
    assert len([f for f in demo.forms if f.suffix == ".pdf"]) == 15


@pytest.mark.libreoffice
def test_a_cadre_cycle_s_evaluation_makes_the_registration_forms(
    app_env: Path, tmp_path: Path, prefect_harness: None
) -> None:
    """The evaluation stage of a cycle on the cadre scheme plans a 年度考核登记表 per cadre, to
    the 考核委员会, in place of the 综合评价表 (kinds.py CADRE), and converts each to PDF."""
    from appraisal.flows.runmode import plain_calls
    from appraisal.flows.stages import run_stage
    from appraisal.kinds import CADRE_REGISTRATION
    from appraisal.models.vocab import Stage
    from tests.cycle_helpers import TODAY, documents, require_soffice

    require_soffice()
    demo = run_cadre_demo(tmp_path / "data", pdf=False)
    with plain_calls():
        counts = run_stage(demo.cycle_id, Stage.EVALUATION, TODAY)
    assert counts["planned"] == 15 and counts["failed"] == 0
    made = documents(demo.cycle_id, Stage.EVALUATION)
    assert {d.template_id for d in made} == {CADRE_REGISTRATION}
    assert {d.recipient_kind for d in made} == {"考核委员会"} and len(made) == 15
    assert all(d.pdf_path for d in made)
