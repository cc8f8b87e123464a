"""动员部署, a cycle's first stage: a 工作通知 (with its 回执) and the 实施方案 to every nominating
body the scheme lists, a gate that waits for the 回执, and none at all when it lists no body."""

from datetime import date
from pathlib import Path

import docx
import pytest
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.documents.plan import StageInputs, plan_stage
from appraisal.documents.views import CycleView, Office
from appraisal.files import sha256_file
from appraisal.gates import StageProgress
from appraisal.launch import launch
from appraisal.models import Cycle, Document
from appraisal.models.vocab import CycleKind, Stage
from appraisal.nomination_checks import Candidate, Facts, check_nominations
from appraisal.paths import located
from appraisal.scheme import SchemeError, default_scheme_path, load_scheme, parse_scheme
from appraisal.stages import IMPLEMENTATION_PLAN, WORK_NOTICE
from appraisal.store.archive_data import stages_not_run
from appraisal.store.cycle_data import bodies, procedure
from appraisal.store.progress import cycle_progress
from appraisal.store.signoffs import waive
from appraisal.store.stage_runs import finish_stage_run, open_stage_run, stage_finished
from tests.cycle_helpers import (
    TODAY,
    YEAR,
    documents,
    everyone,
    import_pool,
    require_soffice,
    return_all,
    scheme_with_bodies,
    start,
)

DEFAULT = default_scheme_path().read_text(encoding="utf-8")
THREE = {"民革市委": "民主党派", "市工商联": "非公经济", "市侨联": "港澳台海外社团"}


def _with_bodies(listed: dict[str, str]) -> str:
    return scheme_with_bodies(listed)


def _inputs(scheme_text: str) -> StageInputs:
    scheme = parse_scheme(scheme_text)
    office = Office("中共滨江市委统战部", "滨统评", "干部科 李明", "8021")
    return StageInputs(
        cycle=CycleView(3, "2026年度党外代表人士综合评价", "党外综合评价", YEAR, office),
        people=[],
        issued_on=date(2026, 3, 2),
        due_on=date(2026, 3, 12),
        signoff={WORK_NOTICE: True, IMPLEMENTATION_PLAN: False},
        bodies=bodies(scheme),
        procedure=procedure(scheme),
    )


# ---- the plan, pure -----------------------------------------------------------------------


def test_every_body_of_the_default_scheme_gets_a_notice_and_the_plan() -> None:
    scheme = load_scheme(default_scheme_path())
    assert scheme.nomination is not None and len(scheme.nomination.bodies) >= 2
    jobs = plan_stage(Stage.MOBILIZATION, _inputs(DEFAULT))
    notices = [j for j in jobs if j.template_id == WORK_NOTICE]
    plans = [j for j in jobs if j.template_id == IMPLEMENTATION_PLAN]
    assert [j.recipient_name for j in notices] == list(scheme.nomination.bodies)
    assert [j.recipient_name for j in plans] == list(scheme.nomination.bodies)
    assert all(j.needs_signoff for j in notices) and not any(j.needs_signoff for j in plans)
    assert all("-DB-" in j.document_id and j.person_code is None and not j.people for j in jobs)
    assert len({j.document_id for j in jobs}) == len(jobs)
    # The same inputs plan the same documents.
    assert plan_stage(Stage.MOBILIZATION, _inputs(DEFAULT)) == jobs


def test_the_notice_and_the_plan_say_what_the_scheme_says() -> None:
    jobs = plan_stage(Stage.MOBILIZATION, _inputs(_with_bodies(THREE)))
    notice = jobs[0].context
    assert notice["主送机关"] == "民革市委" and notice["周期类别"] == "党外综合评价"
    assert notice["回复期限"] == "2026年3月12日"
    # Nominations are due when 提名推荐 is planned to end: 10 days of 动员部署, then 15.
    assert notice["推荐期限"] == "2026年3月27日"
    assert notice["文号"] == "滨统评〔2026〕34号"
    plan = jobs[1].context
    assert plan["推荐单位名单"] == "民革市委、市工商联、市侨联"
    assert "推荐为代表人士的不超过60周岁" in plan["年龄条件"] and "年满25周岁" in plan["年龄条件"]
    assert plan["对象类别"].count("、") >= 11  # the twelve kinds (two of them hold a 、)
    steps = plan["工作程序"]
    assert [s["阶段"] for s in steps[:3]] == ["动员部署", "提名推荐", "组织考核"]
    assert steps[0]["开始日期"] == "2026年3月2日" and steps[1]["开始日期"] == "2026年3月12日"
    assert steps[1]["截止日期"] == notice["推荐期限"]


def test_no_bodies_no_documents_and_an_open_gate_once_run() -> None:
    assert plan_stage(Stage.MOBILIZATION, _inputs(_with_bodies({}))) == []
    assert not StageProgress(Stage.MOBILIZATION).gate_open  # not run yet
    assert StageProgress(Stage.MOBILIZATION, finished=True).gate_open


# ---- the scheme ---------------------------------------------------------------------------


def test_a_body_of_an_unknown_field_is_named_by_its_key() -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(_with_bodies({"市工商联": "工商"}), "s.toml")
    assert "字段 nomination.bodies.市工商联：应为以下之一" in str(caught.value)
    assert "非公经济" in str(caught.value)
    with pytest.raises(SchemeError, match=r"nomination\.bodies\. 市侨联：推荐单位名称前后"):
        parse_scheme(_with_bodies({" 市侨联": "港澳台海外社团"}), "s.toml")


def test_mobilization_needs_a_time_limit_only_when_it_writes_to_someone() -> None:
    without = DEFAULT.replace("mobilization = 10    # 动员部署（回执）\n", "")
    assert without != DEFAULT
    with pytest.raises(SchemeError, match="deadlines：缺少天数：mobilization"):
        parse_scheme(without, "s.toml")
    parse_scheme(_with_bodies({}).replace("mobilization = 10    # 动员部署（回执）\n", ""))


def test_a_body_not_written_to_may_nominate_and_staff_are_told() -> None:
    rules = load_scheme(default_scheme_path()).nomination
    base = {"tier": "精英", "name": "林晓", "birth_date": date(1990, 5, 1)}
    listed, unlisted = check_nominations(
        [Candidate(body="民革市委", **base), Candidate(body="滨江大学", **base)],  # type: ignore[arg-type]
        rules,
        Facts(year=YEAR),
    )
    assert not any("工作通知" in w for w in listed.warnings)
    assert "推荐单位“滨江大学”不在本方案所列的推荐单位中（未向其发出工作通知）" in unlisted.warnings
    assert not any("推荐单位" in p for p in unlisted.problems)


# ---- the data -----------------------------------------------------------------------------


def test_a_cycle_that_began_before_mobilization_is_not_missing_it(
    app_env: Path, tmp_path: Path
) -> None:
    import_pool(tmp_path / "data", people=3)
    cycle_id = start()
    with session_scope() as session:
        assert session.get(Cycle, cycle_id).stage == Stage.MOBILIZATION  # type: ignore[union-attr]
        assert Stage.MOBILIZATION in stages_not_run(session, cycle_id)
        # As the migration left cycles started earlier: 提名推荐 run, 动员部署 never.
        open_stage_run(session, cycle_id, Stage.NOMINATION, TODAY)
        finish_stage_run(session, cycle_id, Stage.NOMINATION)
    with session_scope() as session:
        missing = stages_not_run(session, cycle_id)
    assert Stage.MOBILIZATION not in missing and Stage.NOMINATION not in missing


# ---- the flows, for real --------------------------------------------------------------------


@pytest.fixture
def pool(app_env: Path, prefect_harness: None, tmp_path: Path) -> Path:
    import_pool(tmp_path / "data", people=3)
    return app_env


def test_no_bodies_the_stage_runs_empty_and_its_gate_opens(pool: Path) -> None:
    from appraisal.flows.stages import mobilization

    cycle_id = start()  # the default scheme without its bodies
    counts = mobilization(cycle_id, TODAY)
    assert counts["planned"] == 0 and documents(cycle_id, Stage.MOBILIZATION) == []
    with session_scope() as session:
        assert stage_finished(session, cycle_id, Stage.MOBILIZATION)
        assert cycle_progress(session, cycle_id, TODAY)[Stage.MOBILIZATION].gate_open


@pytest.mark.libreoffice
def test_the_bodies_returns_open_the_way_to_nomination(pool: Path, tmp_path: Path) -> None:
    from appraisal.flows.cycle import run_cycle
    from appraisal.flows.stages import mobilization

    require_soffice()
    scheme = tmp_path / "three-bodies.toml"
    scheme.write_text(_with_bodies(THREE), encoding="utf-8")
    cycle_id = launch(name="动员周期", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=scheme,
                      selection=everyone()).cycle_id  # fmt: skip

    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.ran == ["mobilization"] and outcome.stage == "mobilization"
    docs = documents(cycle_id, Stage.MOBILIZATION)
    notices = [d for d in docs if d.template_id == WORK_NOTICE]
    plans = [d for d in docs if d.template_id == IMPLEMENTATION_PLAN]
    assert sorted(d.recipient_name for d in notices) == sorted(THREE)
    assert sorted(d.recipient_name for d in plans) == sorted(THREE)
    assert all(d.needs_signoff and d.person_id is None and d.people == [] for d in notices)
    assert not any(d.needs_signoff for d in plans)
    assert all(located(d.pdf_path).is_file() and d.delivered_at for d in docs)
    text = "\n".join(p.text for p in docx.Document(str(located(notices[0].docx_path))).paragraphs)
    assert f"{notices[0].recipient_name}：" in text and "提名推荐工作的通知" in text
    assert outcome.blocked is not None and len(outcome.blocked["outstanding"]) == 3

    # Running it again makes the same documents, byte for byte, and no new row.
    before = {d.id: d.docx_sha256 for d in docs}
    assert mobilization(cycle_id, TODAY)["changed"] == 0
    assert {d.id: d.docx_sha256 for d in documents(cycle_id, Stage.MOBILIZATION)} == before
    assert all(sha256_file(located(d.docx_path)) == d.docx_sha256 for d in docs)

    # Two 回执 in, one still out: the cycle stays.
    return_all(cycle_id, Stage.MOBILIZATION, tmp_path / "drop", keep=[notices[0].id])
    assert run_cycle(cycle_id, TODAY).ran == [] and run_cycle(cycle_id, TODAY).stage == (
        "mobilization"
    )
    # The last one waived with a reason: nomination starts.
    with session_scope() as session:
        waive(session, document_id=notices[0].id, reason="已电话确认收到，回执后补", actor="t")
    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.ran == ["nomination"] and outcome.stage == "nomination"
    with session_scope() as session:
        rows = session.exec(select(Document).where(Document.stage == Stage.MOBILIZATION)).all()
    assert len(rows) == 6
