"""Cycle kinds (appraisal/kinds.py): each walks its own stages and fills its own templates. The
CPPCC kind, planned and then run for real: no 十百千 tier, 委员履职情况 at the evaluation and the
履职情况通报 to the member, their 推荐单位, 工作单位 and 界别活动组."""

import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from appraisal.documents.duty_contexts import duty_counts
from appraisal.documents.plan import StageInputs, has_letters, has_person_documents, plan_stage
from appraisal.kinds import DUTY_BRIEFING, DUTY_REPORT, first_stage, next_stage, profile
from appraisal.models.vocab import CycleKind, DutyKind, DutyOutcome, Stage
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import load_scheme
from appraisal.scoring.inputs import DutyItem
from appraisal.stages import STAGE_ORDER, WORK_STAGES
from tests.test_documents_plan import CYCLE, PEOPLE, RESULT, _inputs

CPPCC_CYCLE = replace(CYCLE, name="2026年度政协委员履职评价", kind=CycleKind.CPPCC.value)


def _cppcc_inputs() -> StageInputs:
    return replace(
        _inputs(),
        cycle=CPPCC_CYCLE,
        notify=["本人", "推荐单位", "工作单位", "界别活动组"],
        duty_counts={p.code: {"会议": 3, "提案": 1} for p in PEOPLE},
        rule_source="《政协方案》（2026.1版）",
    )


def test_each_kind_walks_its_own_stages_to_the_archive() -> None:
    assert first_stage(CycleKind.NON_PARTY) is Stage.MOBILIZATION
    walked = [Stage.MOBILIZATION]
    while walked[-1] is not Stage.DONE:
        walked.append(next_stage(CycleKind.NON_PARTY, walked[-1]))
    assert tuple(walked) == STAGE_ORDER  # the 党外 cycle: every stage, as before

    assert first_stage(CycleKind.CPPCC) is Stage.EVALUATION
    assert next_stage(CycleKind.CPPCC, Stage.EVALUATION) is Stage.APPROVAL
    assert next_stage(CycleKind.CPPCC, Stage.APPROVAL) is Stage.NOTIFICATION
    assert next_stage(CycleKind.CPPCC, Stage.NOTIFICATION) is Stage.ARCHIVE
    assert next_stage(CycleKind.CPPCC, Stage.ARCHIVE) is Stage.DONE
    assert next_stage(CycleKind.CPPCC, Stage.DONE) is Stage.DONE
    # A stage the kind skips (a cycle moved by hand): on to its next own stage.
    assert next_stage(CycleKind.CPPCC, Stage.SOLICITATION) is Stage.APPROVAL

    assert first_stage(CycleKind.CADRE) is Stage.ASSESSMENT
    assert next_stage(CycleKind.CADRE, Stage.ASSESSMENT) is Stage.EVALUATION
    assert next_stage(CycleKind.CADRE, Stage.NOTIFICATION) is Stage.ARCHIVE
    for kind in CycleKind:
        assert set(profile(kind).stages) <= set(WORK_STAGES)


def test_the_cppcc_evaluation_makes_one_duty_report_per_member() -> None:
    jobs = plan_stage(Stage.EVALUATION, _cppcc_inputs())
    assert [(j.template_id, j.person_code) for j in jobs] == [(DUTY_REPORT, p.code) for p in PEOPLE]
    assert {j.recipient_kind for j in jobs} == {"委员联络室负责人"}
    ctx = jobs[0].context
    assert ctx["履职明细"] == [{"类别": "会议", "次数": "3", "得分": "50", "上限": "50"}]
    assert ctx["等次"] == "称职" and ctx["计分依据"] == "《政协方案》（2026.1版）"
    assert not has_letters(Stage.EVALUATION, CycleKind.CPPCC)


def test_the_cppcc_briefing_goes_to_the_member_and_their_units() -> None:
    jobs = plan_stage(Stage.NOTIFICATION, _cppcc_inputs())
    assert {j.template_id for j in jobs} == {DUTY_BRIEFING}  # no 结果通知书, no 情况通报
    own = [j for j in jobs if j.person_code is not None]
    assert [(j.recipient_kind, j.recipient_name) for j in own] == [("本人", p.name) for p in PEOPLE]
    assert own[0].context["主送机关"] == "人P1同志" and own[0].context["履职明细"]
    assert own[0].context["本人结果"] == "你的履职积分88分，等次为称职，各类履职情况如下："
    units = {(j.recipient_kind, j.recipient_name): j.people for j in jobs if j.person_code is None}
    assert units == {
        ("推荐单位", "民建"): ("P3",),
        ("推荐单位", "民盟"): ("P1",),
        ("推荐单位", "教育界"): ("P2",),
        ("工作单位", "乙公司"): ("P3",),
        ("工作单位", "甲大学"): ("P1", "P2"),
        ("界别活动组", "教育界界别活动组"): ("P1", "P2", "P3"),
    }
    letter = next(j for j in jobs if j.recipient_name == "甲大学")
    assert [r["姓名"] for r in letter.context["履职通报名单"]] == ["人P1", "人P2"]
    assert letter.context["履职明细"] == []  # a unit's copy lists no one's detail
    assert has_person_documents(Stage.NOTIFICATION, CycleKind.CPPCC)


def test_a_member_held_or_decided_gets_no_briefing_of_their_own() -> None:
    inputs = _cppcc_inputs()
    held = replace(RESULT, approved=False, briefed=False)
    inputs = replace(inputs, results={**inputs.results, "P2": held})
    jobs = plan_stage(Stage.NOTIFICATION, inputs)
    assert "P2" not in {j.person_code for j in jobs}
    row = next(
        r
        for j in jobs
        if j.recipient_name == "甲大学"
        for r in j.context["履职通报名单"]
        if r["姓名"] == "人P2"
    )
    assert row["等次"] == "—" and row["备注"] == "暂缓，待审定"


def test_the_cppcc_documents_render_with_every_declared_field() -> None:
    templates = resolve_templates()
    for stage in (Stage.EVALUATION, Stage.NOTIFICATION):
        for job in plan_stage(stage, _cppcc_inputs()):
            spec = templates.get(job.template_id).spec
            assert not set(spec.fields) - set(job.context) - {"二维码"}, job.template_id
            tpl = PreparedTemplate.load(templates.get(job.template_id).path)
            data = tpl.render({**job.context, "二维码": qr_image(job.document_id)})
            package = zipfile.ZipFile(io.BytesIO(data))
            xml = "".join(
                package.read(n).decode() for n in package.namelist() if n.endswith(".xml")
            )
            assert job.document_id in xml


def test_duty_counts_by_the_scheme_s_categories() -> None:
    scheme = load_scheme(Path("appraisal/schemes/cppcc.toml"))
    duties = [
        DutyItem(DutyKind("全会")),
        DutyItem(DutyKind("提案")),
        DutyItem(DutyKind("提案")),
        DutyItem(DutyKind("调研")),
    ]
    assert duty_counts(scheme.points, duties) == {"会议": 1, "提案": 2, "活动": 1}


def test_the_党外_plans_are_what_they_were() -> None:
    """The kind's own planners never reach a 党外 cycle: its evaluation and notification plan
    the 综合评价表, the 结果通知书 and the 情况通报."""
    assert {j.template_id for j in plan_stage(Stage.EVALUATION, _inputs())} == {"evaluation_form"}
    assert {j.template_id for j in plan_stage(Stage.NOTIFICATION, _inputs())} == {
        "result_notice",
        "result_briefing",
    }


# ---- the CPPCC cycle for real: Prefect, LibreOffice, SQLite and PostgreSQL -------------------


@pytest.mark.libreoffice
def test_a_cppcc_cycle_walks_to_the_archive_with_its_own_documents(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    from appraisal.db import session_scope
    from appraisal.flows.cycle import run_cycle
    from appraisal.launch import launch
    from appraisal.models import Cycle, CycleMember
    from appraisal.store.cycles import Selection
    from tests.cycle_helpers import (
        TODAY,
        YEAR,
        approve_all,
        documents,
        import_pool,
        require_soffice,
        return_all,
    )

    require_soffice()
    import_pool(tmp_path / "data", people=4)
    # No --scheme: the kind's shipped scheme; the 名人 too, as no tier is looked at.
    started = launch(
        name="2026年度政协委员履职评价", kind=CycleKind.CPPCC, year=YEAR, scheme_path=None,
        selection=Selection(), allow_missing=True,
    )  # fmt: skip
    cycle_id = started.cycle_id
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None and cycle.stage is Stage.EVALUATION
        assert cycle.scheme_name.startswith("政协委员年度履职积分方案")
        tiers = list(session.exec(select(CycleMember.tier).where(CycleMember.cycle_id == cycle_id)))
    assert len(tiers) == 4 and set(tiers) == {None}

    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.ran == ["evaluation"] and outcome.stage == "evaluation"
    reports = documents(cycle_id, Stage.EVALUATION)
    assert {d.template_id for d in reports} == {DUTY_REPORT} and len(reports) == 4
    assert all(d.recipient_kind == "委员联络室负责人" for d in reports)

    return_all(cycle_id, Stage.EVALUATION, tmp_path / "drop")
    assert run_cycle(cycle_id, TODAY).stage == "approval"
    approve_all(cycle_id)
    outcome = run_cycle(cycle_id, TODAY)
    assert outcome.ran == ["approval", "notification"] or "notification" in outcome.ran
    assert outcome.stage == "archive"  # the 通报 wants no 回执: its gate opens at once

    told = documents(cycle_id, Stage.NOTIFICATION)
    assert {d.template_id for d in told} == {DUTY_BRIEFING}
    own = [d for d in told if d.person_id is not None]
    assert len(own) == 4 and {d.recipient_kind for d in own} == {"本人"}
    kinds = {d.recipient_kind for d in told if d.person_id is None}
    assert kinds == {"推荐单位", "工作单位", "界别活动组"}
    # Nothing of the 党外 cycle's: no 推荐表, 测评票, 综合评价表, 征求意见函, 结果通知书.
    assert all(documents(cycle_id, s) == [] for s in (Stage.NOMINATION, Stage.SOLICITATION))


def test_the_demo_names_the_kinds_it_has_and_refuses_the_others() -> None:
    from typer.testing import CliRunner

    from appraisal.cli import app
    from appraisal.commands.demo import demo_kind

    assert demo_kind("政协") is CycleKind.CPPCC and demo_kind("党外") is CycleKind.NON_PARTY
    assert demo_kind("干部年度考核") is CycleKind.CADRE
    runner = CliRunner()
    unknown = runner.invoke(app, ["demo", "--kind", "人大"])
    assert unknown.exit_code == 1 and "没有考核种类“人大”" in unknown.output, unknown.output


def test_a_points_only_scheme_grades_without_org_score_or_ballots() -> None:
    """cppcc.toml weighs 组织考核 and 民主测评 0: the 履职积分 alone gives the grade, and what it
    does not weigh is neither needed before the start nor explained."""
    from appraisal.scoring import PersonInput, score_person
    from appraisal.scoring.readiness import NO_ORG_SCORE, missing_inputs

    scheme = load_scheme(Path("appraisal/schemes/cppcc.toml"))
    member = PersonInput(
        code="W1",
        name="委员",
        duties=(
            DutyItem(DutyKind("全会")),
            DutyItem(DutyKind("提案"), outcome=DutyOutcome("重点")),
            DutyItem(DutyKind("提案"), outcome=DutyOutcome("立案")),
            DutyItem(DutyKind("社情民意"), outcome=DutyOutcome("采用")),
        ),
    )
    assert NO_ORG_SCORE not in missing_inputs(scheme, member)
    score = score_person(scheme, member)
    assert score.composite == score.points.points and score.grade is not None
    assert not any("民主测评" in line or "组织考核" in line for line in score.explanation)
    # The 党外 scheme still wants both.
    non_party = load_scheme(Path("appraisal/schemes/default.toml"))
    assert NO_ORG_SCORE in missing_inputs(non_party, member)
    assert score_person(non_party, member).grade is None


def test_the_cadre_demo_runs_from_the_command_line(tmp_path: Path) -> None:
    """`appraisal demo --kind 干部`, in a process of its own (a demo points the settings at its
    folder): two units' 登记表 made, the 优秀 quota kept per unit."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("APPRAISAL_")}
    done = subprocess.run(
        [sys.executable, "-m", "appraisal", "demo", "--kind", "干部", "--output",
         str(tmp_path / "demo")],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "市财政局 优秀 2 人 / 10 人，市审计局 优秀 1 人 / 5 人" in done.stdout, done.stdout
    assert "年度考核登记表：15 份" in done.stdout
    assert len(list((tmp_path / "demo").glob("cycle-*/cadre/年度考核登记表-*.pdf"))) == 15


def test_the_cppcc_demo_runs_a_year_from_the_command_line(tmp_path: Path) -> None:
    """`appraisal demo --kind 政协`: the year recorded by two departments, a claim accepted and
    one declined before the evaluation, then the cycle to its sealed 履职档案."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("APPRAISAL_")}
    done = subprocess.run(
        [sys.executable, "-m", "appraisal", "demo", "--kind", "政协", "--people", "6",
         "--output", str(tmp_path / "demo")],
        capture_output=True, text=True, env=env, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "委员联络室登记会议和活动 5 次，提案委员会登记提案 3 件" in said, said
    assert "（已采纳）" in said and "（不予采纳，理由已告知）" in said
    assert "政协委员年度履职档案" in said and "界别活动组" in said
    sealed = list((tmp_path / "demo").glob("cycle-0001/dossiers/*"))
    assert len(sealed) >= 6, sealed
