"""干部年度考核 (the cadre kind): its scheme, the 优秀 quota per 工作单位, the use of each grade,
and the 年度考核登记表's sections collected on SQLite and PostgreSQL, audited, with reasons for
changes; the form's context and its template."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from sheetbuilders import person, roster_file
from sqlmodel import col, select
from typer.testing import CliRunner

from appraisal.cadre.marks import indicator_score, result_use
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.importing import import_roster_file
from appraisal.kinds import CADRE_REGISTRATION
from appraisal.launch import launch
from appraisal.models import AssessmentScore, AuditEntry, Cycle, Person, Result
from appraisal.models.vocab import CycleKind, Grade, RaterGroup, Stage
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import SchemeError, default_scheme_path, load_scheme, parse_scheme
from appraisal.scoring import PersonInput, Tally, score_cohort
from appraisal.store import cadre
from appraisal.store.cycle_data import scoring_inputs
from tests.cycle_helpers import YEAR, everyone

WIDE = {"COLUMNS": "220"}
CADRE_SCHEME = Path(__file__).resolve().parent.parent / "appraisal" / "schemes" / "cadre.toml"


def _all_excellent(n: int = 10) -> Tally:
    return Tally(RaterGroup.LEADERS, due=n, issued=n, returned=n, excellent=n, competent=0,
                 basic=0, incompetent=0)  # fmt: skip


def test_the_cadre_scheme_loads_and_the_default_scheme_has_no_cadre_rules() -> None:
    scheme = load_scheme(CADRE_SCHEME)
    assert scheme.cadre is not None
    assert list(scheme.cadre.indicators) == ["平时工作", "专项工作"]
    assert [g.grade for g in scheme.grades] == [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC,
                                                Grade.INCOMPETENT]  # fmt: skip
    assert scheme.quota.scope == "工作单位" and scheme.quota.excellent_percent == 20
    assert scheme.report.missing_item == ""  # no 履职报告 deduction for cadres
    assert load_scheme(default_scheme_path()).cadre is None


def test_a_cadre_scheme_whose_weights_or_uses_are_wrong_is_refused_by_key() -> None:
    text = CADRE_SCHEME.read_text(encoding="utf-8")
    with pytest.raises(SchemeError) as bad:
        parse_scheme(text.replace("weight = 0.4", "weight = 0.5"), "cadre.toml")
    assert "cadre.indicators" in str(bad.value) and "权重之和须为 1" in str(bad.value)
    with pytest.raises(SchemeError) as missing:
        parse_scheme(text.replace('"称职" = "按规定正常使用"\n', ""), "cadre.toml")
    assert "cadre.uses" in str(missing.value) and "称职" in str(missing.value)


def test_each_grade_is_marked_for_selection_or_admonishment_in_the_scheme_s_words() -> None:
    scheme = load_scheme(CADRE_SCHEME)
    assert "选拔任用" in result_use(scheme, Grade.EXCELLENT)
    assert "提醒谈话" in result_use(scheme, "基本称职")
    assert "诫勉" in result_use(scheme, Grade.INCOMPETENT)
    assert "调整" in result_use(scheme, Grade.INCOMPETENT)
    assert result_use(scheme, None) == ""
    own = parse_scheme(
        CADRE_SCHEME.read_text(encoding="utf-8").replace(
            "纳入选拔任用范围，同等条件下优先考虑", "列入后备干部人选"
        )
    )
    assert result_use(own, Grade.EXCELLENT) == "列入后备干部人选"


def test_indicator_scores_weigh_regular_and_ad_hoc_work() -> None:
    scheme = load_scheme(CADRE_SCHEME)
    made = indicator_score(scheme, {"平时工作": 90, "专项工作": 80})
    assert made.score == 86  # 90 × 0.6 + 80 × 0.4
    assert "平时工作 90×0.6 + 专项工作 80×0.4 = 86" in made.line
    with pytest.raises(ValueError, match="专项工作 未评分"):
        indicator_score(scheme, {"平时工作": 90})
    with pytest.raises(ValueError, match="未知的考核指标：加班"):
        indicator_score(scheme, {"平时工作": 90, "专项工作": 80, "加班": 100})


def test_the_excellent_quota_is_counted_per_unit() -> None:
    """One unit of 10 all scoring 优秀 keeps 2 (20%); a unit of 5 is counted apart and keeps 1;
    a unit of 3 keeps none (20% of 3 rounds down to 0)."""
    scheme = load_scheme(CADRE_SCHEME)

    def cadre_input(code: str, unit: str, org: float) -> PersonInput:
        return PersonInput(code=code, name=code, org_score=org, tallies=(_all_excellent(),),
                           employer=unit)  # fmt: skip

    big = [cadre_input(f"A{i:02d}", "市财政局", 99 - i) for i in range(10)]
    five = [cadre_input(f"B{i:02d}", "市审计局", 95 - i) for i in range(5)]
    three = [cadre_input(f"C{i:02d}", "市档案馆", 96) for i in range(3)]
    scores = {s.code: s for s in score_cohort(scheme, [*big, *five, *three])}
    excellent = sorted(code for code, s in scores.items() if s.grade is Grade.EXCELLENT)
    assert excellent == ["A00", "A01", "B00"]
    assert scores["A02"].grade is Grade.COMPETENT
    assert any("本单位（工作单位：市财政局）参评 10 人，优秀名额 2 名" in line
               for line in scores["A02"].explanation)  # fmt: skip
    assert all(scores[f"C{i:02d}"].grade is Grade.COMPETENT for i in range(3))


def _cadre_cycle(tmp_path: Path) -> int:
    rows = [
        person("G001", "王强", employer="市财政局 科长"),
        person("G002", "李敏", employer="市财政局 副科长"),
        person("G003", "赵刚", employer="市审计局 科员"),
    ]
    import_roster_file(roster_file(tmp_path / "cadres.xlsx", rows), actor="tester")
    return launch(
        name="2026年度干部年度考核", kind=CycleKind.CADRE, year=YEAR, scheme_path=CADRE_SCHEME,
        selection=everyone(), allow_missing=True,  # their 组织考核 comes from the committee
    ).cycle_id  # fmt: skip


def _cycle(cycle_id: int) -> Cycle:
    with session_scope() as session:
        found = session.get(Cycle, cycle_id)
        assert found is not None
        return found


def _audit(field: str) -> list[tuple[str, str | None, str | None, str]]:
    with session_scope() as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == cadre.ENTITY, AuditEntry.field == field)
            .order_by(col(AuditEntry.id))
        )
        return [(a.entity_key, a.before, a.after, a.reason) for a in rows]


def test_the_registration_s_sections_are_collected_audited_and_changed_with_reasons(
    app_env: Path, tmp_path: Path
) -> None:
    cycle_id = _cadre_cycle(tmp_path)
    cycle = _cycle(cycle_id)
    with session_scope() as session:
        rows = cadre.registration_rows(session, cycle)
    assert [(r.code, r.employer, r.post) for r in rows] == [
        ("G001", "市财政局", "科长"), ("G002", "市财政局", "副科长"), ("G003", "市审计局", "科员"),
    ]  # fmt: skip
    assert not any(r.done(s) for r in rows for s in cadre.SECTIONS)

    with session_scope() as session:
        cadre.record_summary(session, cycle=cycle, code="G001", actor="本人链接 王强",
                             text="全年完成预算编制工作。\n\n牵头完成专项审计整改。",
                             by_link=True)  # fmt: skip
        cadre.record_comment(session, cycle=cycle, code="G001", text="工作扎实，成效明显。",
                             commenter="陈局长", proposed="优秀", actor="staff")  # fmt: skip
        cadre.record_committee(session, cycle=cycle, code="G001", text="同意评为优秀。",
                               ratings={"平时工作": 95, "专项工作": 90}, actor="staff")  # fmt: skip
    with session_scope() as session:
        row = cadre.registration(session, cycle, "G001")
        assert row.form is not None
        assert row.form.summary == "全年完成预算编制工作。\n牵头完成专项审计整改。"
        assert row.form.summary_channel == "本人链接"
        assert row.form.proposed_grade is Grade.EXCELLENT and row.form.commenter == "陈局长"
        assert [row.done(s) for s in cadre.SECTIONS] == [True, True, True, False]
        # The indicators' weighted sum is the 组织考核 total the evaluation scores on.
        score = session.exec(select(AssessmentScore.score)).one()
        assert score == 93  # 95 × 0.6 + 90 × 0.4
        g001 = next(p for p in scoring_inputs(session, cycle) if p.code == "G001")
        assert g001.org_score == 93 and g001.employer == "市财政局"

    # A section on record changes only with a reason; the same text again changes nothing.
    with session_scope() as session, pytest.raises(cadre.CadreError, match="修改须说明依据"):
        cadre.record_summary(session, cycle=cycle, code="G001", text="改写", actor="staff")
    with session_scope() as session:
        assert (
            cadre.record_comment(
                session,
                cycle=cycle,
                code="G001",
                text="工作扎实，成效明显。",
                commenter="陈局长",
                proposed="优秀",
                actor="staff",
            )
            == {}
        )
        cadre.record_summary(session, cycle=cycle, code="G001", text="全年完成预算编制工作。",
                             actor="staff", reason="本人要求删去第二段")  # fmt: skip
    changes = _audit("个人总结.summary")
    assert changes[0][0] == "G001/2026" and changes[0][3] == "录入个人总结"
    assert changes[-1][1] == "全年完成预算编制工作。\n牵头完成专项审计整改。"
    assert changes[-1][3] == "本人要求删去第二段"

    # Bad input is named: a grade off the scale, an unknown indicator, someone not in the cycle.
    with session_scope() as session:
        with pytest.raises(cadre.CadreError, match="建议等次应为 优秀、称职、基本称职、不称职"):
            cadre.record_comment(session, cycle=cycle, code="G002", text="好", commenter="陈",
                                 proposed="良好", actor="staff")  # fmt: skip
        with pytest.raises(cadre.CadreError, match="G002：未知的考核指标：加班"):
            cadre.record_committee(session, cycle=cycle, code="G002", text="同意",
                                   ratings={"平时工作": 90, "专项工作": 80, "加班": 1},
                                   actor="staff")  # fmt: skip
        with pytest.raises(cadre.CadreError, match="X999 不在第"):
            cadre.record_summary(session, cycle=cycle, code="X999", text="无", actor="staff")
        with pytest.raises(cadre.CadreError, match="个人总结 必填"):
            cadre.record_summary(session, cycle=cycle, code="G002", text="  \n ", actor="staff")
    # 本人意见 waits for a result; disagreeing needs words.
    with session_scope() as session, pytest.raises(cadre.CadreError, match="尚无考核等次"):
        cadre.record_opinion(session, cycle=cycle, code="G001", agrees=True, text="",
                             actor="本人")  # fmt: skip
    _give_result(cycle_id, "G001", Grade.EXCELLENT)
    with session_scope() as session:
        with pytest.raises(cadre.CadreError, match="本人意见 必填"):
            cadre.record_opinion(session, cycle=cycle, code="G001", agrees=False, text="",
                                 actor="本人")  # fmt: skip
        cadre.record_opinion(session, cycle=cycle, code="G001", agrees=True, text="",
                             actor="本人链接 王强", by_link=True)  # fmt: skip
        row = cadre.registration(session, cycle, "G001")
        assert row.grade is Grade.EXCELLENT and "选拔任用" in row.use
        assert row.done(cadre.OPINION)
    # After 审定 the committee's sections are closed.
    with session_scope() as session:
        closed = session.get(Cycle, cycle_id)
        assert closed is not None
        closed.stage = Stage.NOTIFICATION
        session.add(closed)
    with session_scope() as session, pytest.raises(cadre.CadreError, match="审定已经完成"):
        cadre.record_comment(session, cycle=_cycle(cycle_id), code="G002", text="好",
                             commenter="陈", proposed="称职", actor="staff")  # fmt: skip


def _give_result(cycle_id: int, code: str, grade: Grade) -> None:
    """A result as the evaluation stores it (the stage itself is tested elsewhere)."""
    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == code)).one()
        session.add(Result(cycle_id=cycle_id, person_id=pid, points=0, org_score=93,
                           appraisal_score=100, composite=95.1, grade=grade))  # fmt: skip


def test_a_non_cadre_cycle_has_no_registration(app_env: Path, tmp_path: Path) -> None:
    import_roster_file(roster_file(tmp_path / "r.xlsx", [person("P001")]), actor="tester")
    cycle_id = launch(name="党外", kind=CycleKind.NON_PARTY, year=YEAR, scheme_path=None,
                      selection=everyone(), allow_missing=True).cycle_id  # fmt: skip
    with session_scope() as session, pytest.raises(cadre.CadreError, match="不是干部年度考核方案"):
        cadre.registration_rows(session, _cycle(cycle_id))


def test_the_registration_form_prints_every_section_and_the_use_of_the_grade(
    app_env: Path, tmp_path: Path
) -> None:
    """The 年度考核登记表 rendered from what the store holds: particulars, 个人总结, the
    indicators and their score, both opinions with the grades, the use of the grade and the
    person's 本人意见; a cadre with nothing yet shows what is missing."""
    cycle_id = _cadre_cycle(tmp_path)
    cycle = _cycle(cycle_id)
    with session_scope() as session:
        cadre.record_summary(session, cycle=cycle, code="G003", text="完成审计项目12个。",
                             actor="staff")  # fmt: skip
        cadre.record_comment(session, cycle=cycle, code="G003", text="敢于碰硬。",
                             commenter="陈局长", proposed="优秀", actor="staff")  # fmt: skip
        cadre.record_committee(
            session,
            cycle=cycle,
            code="G003",
            text="经考核委员会研究，同意。",
            ratings={"平时工作": 92, "专项工作": 88.5},
            actor="staff",
        )
    _give_result(cycle_id, "G003", Grade.EXCELLENT)
    with session_scope() as session:
        cadre.record_opinion(session, cycle=cycle, code="G003", agrees=False,
                             text="专项工作评分偏低", actor="staff")  # fmt: skip
        contexts = cadre.registration_contexts(session, cycle)
    template = PreparedTemplate.load(resolve_templates().get(CADRE_REGISTRATION).path)
    filled = _xml_text(template.render({**contexts["G003"], "文档编号": "X-1",
                                        "二维码": qr_image("X-1")}))  # fmt: skip
    printed = ("干部年度考核登记表", "2026年度", "赵刚", "市审计局", "科员", "完成审计项目12个。",
               "平时工作", "60%", "92", "专项工作", "40%", "88.5", "90.6", "敢于碰硬。",
               "建议等次：优秀", "陈局长", "经考核委员会研究，同意。", "考核等次：优秀",
               "纳入选拔任用范围，同等条件下优先考虑", "不同意：专项工作评分偏低")  # fmt: skip
    for words in printed:
        assert words in filled, words
    empty = _xml_text(template.render({**contexts["G001"], "文档编号": "X-2",
                                       "二维码": qr_image("X-2")}))  # fmt: skip
    assert "未提交" in empty and "未评分" in empty and "未评定" in empty and "未录入" in empty


def _xml_text(data: bytes) -> str:
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = package.read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_the_cli_records_and_lists_the_sections(app_env: Path, tmp_path: Path) -> None:
    cycle_id = _cadre_cycle(tmp_path)
    run = CliRunner().invoke
    said = run(app, ["cadre", "summary", str(cycle_id), "G002", "--text", "完成年度工作任务。"],
               env=WIDE)  # fmt: skip
    assert said.exit_code == 0 and "已记录 G002 的个人总结" in said.output
    said = run(app, ["cadre", "committee", str(cycle_id), "G002", "--text", "同意。",
                     "--rating", "平时工作=80", "--rating", "专项工作=75"], env=WIDE)  # fmt: skip
    assert said.exit_code == 0, said.output
    bad = run(app, ["cadre", "committee", str(cycle_id), "G002", "--text", "同意。",
                    "--rating", "平时工作"], env=WIDE)  # fmt: skip
    assert bad.exit_code != 0 and "应写成 指标=评分" in bad.output
    again = run(app, ["cadre", "summary", str(cycle_id), "G002", "--text", "改"], env=WIDE)
    assert again.exit_code != 0 and "修改须说明依据" in again.output
    listed = run(app, ["cadre", "list", str(cycle_id)], env=WIDE)
    assert listed.exit_code == 0 and "个人总结：1/3 人已录入" in listed.output
    shown = run(app, ["cadre", "show", str(cycle_id), "G002"], env=WIDE)
    assert "完成年度工作任务。" in shown.output and "平时工作 80、专项工作 75" in shown.output


def test_the_indicator_total_counts_beside_dimension_ratings_of_another_kind() -> None:
    """A person rated by dimension in a 党外 cycle of the same year keeps their cadre total: the
    cadre scheme weighs no dimensions, so the total the indicators made is the 组织考核 score."""
    from appraisal.models.vocab import Dimension
    from appraisal.scoring.assessment import org_score

    scheme = load_scheme(CADRE_SCHEME)
    both = PersonInput(code="G1", name="G1", org_score=93,
                       org_ratings={d: 80.0 for d in Dimension})  # fmt: skip
    assert org_score(scheme, both).score == 93
    only_ratings = PersonInput(code="G2", name="G2", org_ratings={d: 80.0 for d in Dimension})
    assert org_score(scheme, only_ratings).score is None
