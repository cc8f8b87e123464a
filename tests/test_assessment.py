"""组织考核 by dimension, on SQLite and PostgreSQL: the four ratings (entered or imported) make
the 组织考核 score under the scheme's weights and it enters the composite; the 考核材料 prints
the ratings and the written material (未录入 when missing, and the person goes ungraded); bad
workbook rows are refused naming row and column; an older sheet's total still counts; the
portal page and the CLI go through the same functions."""

import io
import re
import zipfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from sheetbuilders import write_xlsx
from sqlmodel import col, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.importing import import_records_file
from appraisal.models import AssessmentScore, AuditEntry, Cycle, Person, Result
from appraisal.models.vocab import Stage
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import SchemeError, default_scheme_path, parse_scheme
from appraisal.scoring.numbers import rounded
from appraisal.sheets import WorkbookError
from appraisal.stages import MATERIAL
from appraisal.store.assessment import parse_assessment, set_assessment
from appraisal.store.person_info import PersonInfoError
from tests.cycle_helpers import YEAR
from tests.portal_helpers import PASSWORD, STAFF, csrf_of, log_in

runner = CliRunner()
WIDE = {"COLUMNS": "240"}
HEADER = ["编号", "年度", "政治表现", "思想状况", "履行职责", "廉洁自律", "考核材料", "考核人"]
MATERIAL_TEXT = (
    "该同志政治立场坚定，在重大原则问题上态度鲜明。\n履职认真，本年度提交提案三件，一件立案。"
)


def _codes() -> list[str]:
    with session_scope() as session:
        return list(session.exec(select(Person.code).order_by(col(Person.code))))


def _ratings(political: str, thinking: str, duty: str, integrity: str) -> dict[str, str]:
    return {"政治表现": political, "思想状况": thinking, "履行职责": duty, "廉洁自律": integrity}


def _results(cycle_id: int) -> dict[str, Result]:
    with session_scope() as session:
        query = select(Result, Person.code).join(Person, col(Person.id) == col(Result.person_id))
        return {code: r for r, code in session.exec(query.where(Result.cycle_id == cycle_id))}


def _xml_text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_dimension_ratings_make_the_org_score_and_the_composite(
    bare_cycle: int, tmp_path: Path
) -> None:
    """One person rated by hand (a correction, with its reason), one by workbook, one by an
    older sheet's total: the composite counts each as the scheme says."""
    from appraisal.flows.tasks import score_cycle

    first, second, third = _codes()
    entry = parse_assessment(_ratings("92", "88", "85.5", "95"), MATERIAL_TEXT, "考核组")
    with session_scope() as session, pytest.raises(PersonInfoError, match="请说明修改依据"):
        # The demo records imported a rating already: replacing it needs a reason.
        set_assessment(session, code=first, year=YEAR, entry=entry, actor="staff:a")
    with session_scope() as session:
        diff = set_assessment(session, code=first, year=YEAR, entry=entry, actor="staff:a",
                              reason="考核组复核评分表")  # fmt: skip
    assert diff["political"][1] == 92.0 and diff["material"][1] == MATERIAL_TEXT
    with session_scope() as session:
        again = set_assessment(session, code=first, year=YEAR, entry=entry, actor="staff:a",
                               reason="重复保存")  # fmt: skip
    assert again == {}  # nothing changed, nothing logged
    book = write_xlsx(tmp_path / "records.xlsx", {"组织考核": [
        HEADER,
        [second, YEAR, 80, 70, 90, 100, "思想稳定。\n\n  履职积极。 ", "考核组"],
    ]})  # fmt: skip
    import_records_file(book, actor="staff:b")
    old = write_xlsx(tmp_path / "old.xlsx", {"组织考核": [
        ["编号", "年度", "得分", "考核人"], [third, YEAR, 81.5, "考核组"],
    ]})  # fmt: skip
    import_records_file(old, actor="staff:b")

    score_cycle.fn(bare_cycle)
    results = _results(bare_cycle)
    # 92×0.3 + 88×0.2 + 85.5×0.3 + 95×0.2 = 89.85
    assert results[first].org_score == 89.85
    lines = results[first].explanation
    said = "组织考核 = 政治表现 92×0.3 + 思想状况 88×0.2 + 履行职责 85.5×0.3 + 廉洁自律 95×0.2"
    assert f"{said} = 89.85。" in lines
    assert any(line.startswith("综合得分 = 组织考核 89.85×0.4") for line in lines)
    dims = results[first].detail["org_dimensions"]
    assert [(d["dimension"], d["rating"], d["weight"]) for d in dims] == [
        ("政治表现", 92.0, 0.3), ("思想状况", 88.0, 0.2), ("履行职责", 85.5, 0.3),
        ("廉洁自律", 95.0, 0.2),
    ]  # fmt: skip
    assert results[second].org_score == 85.0  # 24 + 14 + 27 + 20
    # The older sheet's total is the score itself, with no line of dimensions.
    assert results[third].org_score == 81.5
    assert not any(line.startswith("组织考核 =") for line in results[third].explanation)
    assert "org_dimensions" not in results[third].detail
    composite = rounded(
        Fraction(2, 5) * Fraction("81.5")
        + Fraction(3, 10) * Fraction(str(results[third].appraisal_score))
        + Fraction(3, 10) * Fraction(str(results[third].points)),
        2,
    )
    # No one here handed in a 年度履职报告: the scheme's D11 takes its 3 points from everyone.
    assert results[third].deductions == 3.0
    assert results[third].composite == float(composite - 3)

    with session_scope() as session:
        second_row = session.exec(
            select(AssessmentScore).join(Person).where(Person.code == second)
        ).one()
        assert second_row.material == "思想稳定。\n履职积极。"  # paragraphs kept, blanks dropped
        assert second_row.score is None
        logged = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "assessment_score",
                                     AuditEntry.entity_key == f"{first}/{YEAR}")
        ).all()  # fmt: skip
    assert {a.field for a in logged} >= {"political", "material"}
    assert {a.reason for a in logged} == {"考核组复核评分表"}


def test_the_material_prints_the_ratings_and_says_what_is_missing(bare_cycle: int) -> None:
    """The 考核材料 planned with the assessment stage: the ratings with their weights, the
    weighted score and the written material; a person with nothing recorded reads 未录入, and
    the evaluation leaves them ungraded as it does without a 组织考核 score."""
    from appraisal.flows.tasks import plan_documents, score_cycle

    first, second, _ = _codes()
    entry = parse_assessment(_ratings("92", "88", "85.5", "95"), MATERIAL_TEXT, "市委统战部考核组")
    with session_scope() as session:
        set_assessment(session, code=first, year=YEAR, entry=entry, actor="staff:a",
                       reason="考核组复核评分表")  # fmt: skip
        pid = session.exec(select(Person.id).where(Person.code == second)).one()
        for row in session.exec(select(AssessmentScore).where(AssessmentScore.person_id == pid)):
            session.delete(row)
    jobs = plan_documents.fn(bare_cycle, Stage.ASSESSMENT, date(2026, 11, 22), date(2026, 12, 12))
    made = {j.person_code: j for j in jobs if j.template_id == MATERIAL}
    assert set(made) == set(_codes()) and all(j.needs_signoff for j in made.values())
    job = made[first]
    assert job.recipient_kind == "考核组组长"
    assert job.context["维度评分"] == [
        {"维度": "政治表现", "权重": "30%", "评分": "92"},
        {"维度": "思想状况", "权重": "20%", "评分": "88"},
        {"维度": "履行职责", "权重": "30%", "评分": "85.5"},
        {"维度": "廉洁自律", "权重": "20%", "评分": "95"},
    ]
    assert job.context["组织考核"] == "89.85"
    template = PreparedTemplate.load(resolve_templates().get(MATERIAL).path)
    text = _xml_text(template.render({**job.context, "二维码": qr_image(job.document_id)}))
    for words in ("党外代表人士组织考核材料", "该同志政治立场坚定，在重大原则问题上态度鲜明。",
                  "履职认真，本年度提交提案三件，一件立案。", "89.85", "85.5", "30%",
                  "市委统战部考核组", "考核组组长（签字）"):  # fmt: skip
        assert words in text, words
    missing = made[second].context
    assert missing["组织考核"] == "未录入" and missing["考核材料"] == ["未录入"]
    assert {r["评分"] for r in missing["维度评分"]} == {"未录入"}

    score_cycle.fn(bare_cycle)
    result = _results(bare_cycle)[second]
    assert result.org_score is None and result.grade is None and result.composite is None
    assert "缺少组织考核得分，无综合得分，不评定等次。" in result.explanation


def test_bad_rows_are_refused_naming_row_and_column(bare_cycle: int, tmp_path: Path) -> None:
    first, second, third = _codes()
    book = write_xlsx(tmp_path / "bad.xlsx", {"组织考核": [
        [*HEADER, "得分"],
        [first, YEAR, 90, 80, None, 90, "材料", "考核组", None],  # 履行职责 missing
        [second, YEAR, 120, 80, 80, 90, "材料", "考核组", None],  # out of range
        [third, YEAR, 90, 80, 80, 90, None, "考核组", None],  # no material
        [first, YEAR, 90, 80, 80, 90, "材料", "考核组", 85],  # both total and dimensions
        [second, YEAR, None, None, None, None, "材料", "考核组", None],  # nothing rated
    ]})  # fmt: skip
    with pytest.raises(WorkbookError) as caught:
        import_records_file(book, actor="staff:a")
    found = {(i.file, i.sheet, i.row, i.column) for i in caught.value.issues}
    assert {
        ("bad.xlsx", "组织考核", 2, "履行职责"),
        ("bad.xlsx", "组织考核", 3, "政治表现"),
        ("bad.xlsx", "组织考核", 4, "考核材料"),
        ("bad.xlsx", "组织考核", 5, "得分"),
        ("bad.xlsx", "组织考核", 6, "政治表现"),
    } <= found
    reasons = " ".join(i.reason for i in caught.value.issues)
    assert "不在 0 到 100 之间" in reasons and "按维度评分时须填写考核材料" in reasons
    # A cell that is not a number is named before the rows are checked.
    typo = write_xlsx(tmp_path / "typo.xlsx", {"组织考核": [
        HEADER, [third, YEAR, 90, "良好", 80, 90, "材料", "考核组"],
    ]})  # fmt: skip
    with pytest.raises(WorkbookError) as caught:
        import_records_file(typo, actor="staff:a")
    assert [(i.file, i.row, i.column) for i in caught.value.issues] == [
        ("typo.xlsx", 2, "思想状况")
    ]
    # Nothing was written: the demo's ratings are as they were.
    with session_scope() as session:
        rows = session.exec(select(AssessmentScore)).all()
        assert all(r.material != "材料" for r in rows)


def test_entry_refuses_bad_ratings_naming_the_dimension() -> None:
    with pytest.raises(PersonInfoError, match="履行职责 评分必填"):
        parse_assessment(_ratings("90", "80", " ", "90"), "材料")
    with pytest.raises(PersonInfoError, match="廉洁自律 评分 101 不在 0 到 100 之间"):
        parse_assessment(_ratings("90", "80", "80", "101"), "材料")
    with pytest.raises(PersonInfoError, match="考核材料 必填"):
        parse_assessment(_ratings("90", "80", "80", "90"), "  \n ")


def test_the_scheme_checks_the_dimension_weights() -> None:
    text = default_scheme_path().read_text(encoding="utf-8")
    scheme = parse_scheme(text, "default")
    assert scheme.assessment is not None and sum(scheme.assessment.weights.values()) == 1
    with pytest.raises(SchemeError, match=r"assessment\.weights"):
        parse_scheme(text.replace('"廉洁自律" = 0.2', '"廉洁自律" = 0.3'), "bad sum")
    with pytest.raises(SchemeError, match="缺少权重：廉洁自律"):
        parse_scheme(text.replace('"廉洁自律" = 0.2\n', ""), "missing")
    # A scheme stored before the dimensions has no [assessment]: still parsed.
    start = text.index("[assessment.weights]")
    older = text[:start] + text[text.index("# ---", start) :]
    assert parse_scheme(older, "older").assessment is None


def test_the_cli_sets_and_shows_the_ratings(bare_cycle: int, tmp_path: Path) -> None:
    first = _codes()[0]
    material = tmp_path / "考核材料.txt"
    material.write_text(MATERIAL_TEXT, encoding="utf-8")
    args = ["assess", "set", str(bare_cycle), first, "--political", "92", "--thinking", "88",
            "--duty", "85.5", "--integrity", "95", "--material-file", str(material)]  # fmt: skip
    refused = runner.invoke(app, args, env=WIDE)
    assert refused.exit_code != 0 and "请说明修改依据" in refused.output
    done = runner.invoke(app, [*args, "--reason", "考核组复核评分表"], env=WIDE)
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["assess", "show", str(bare_cycle), first], env=WIDE)
    assert shown.exit_code == 0, shown.output
    for words in ("92", "85.5", "89.85", "该同志政治立场坚定"):
        assert words in shown.output, words
    everyone = runner.invoke(app, ["assess", "show", str(bare_cycle)], env=WIDE)
    assert everyone.exit_code == 0 and all(code in everyone.output for code in _codes())


def test_the_portal_page_lists_and_edits_the_ratings(bare_portal: object) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(bare_portal)  # type: ignore[arg-type]
    assert log_in(client, STAFF, PASSWORD).url.path == "/"
    with session_scope() as session:
        cycle_id = session.exec(select(Cycle.id)).one()
    first = _codes()[0]
    listing = client.get(f"/cycles/{cycle_id}/assessment")
    assert listing.status_code == 200 and 'id="assessment"' in listing.text
    assert f'href="/cycles/{cycle_id}/assessment/{first}"' in listing.text
    form = client.get(f"/cycles/{cycle_id}/assessment/{first}")
    assert form.status_code == 200 and 'name="material"' in form.text
    csrf = csrf_of(form.text)
    data = {"csrf": csrf, "political": "92", "thinking": "88", "duty": "85.5",
            "integrity": "95", "material": MATERIAL_TEXT, "assessor": "考核组"}  # fmt: skip
    refused = client.post(f"/cycles/{cycle_id}/assessment/{first}", data=data)
    # A replacement without its reason is refused, and what was typed is still in the form.
    assert "请说明修改依据" in refused.text and "本年度提交提案三件" in refused.text
    saved = client.post(f"/cycles/{cycle_id}/assessment/{first}",
                        data={**data, "reason": "考核组复核评分表"})  # fmt: skip
    assert saved.url.path == f"/cycles/{cycle_id}/assessment"
    assert f"已保存 {first} 的组织考核" in saved.text and "89.85" in saved.text
    with session_scope() as session:
        row = session.exec(select(AssessmentScore).join(Person).where(Person.code == first)).one()
    assert (row.political, row.duty, row.material) == (92.0, 85.5, MATERIAL_TEXT)
