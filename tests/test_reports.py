"""年度履职报告: uploaded through the person's own link or by staff on their behalf, every
version kept; who has not submitted shown to staff; the scheme's item (D11) applied to them at
the evaluation with its source on the 综合评价表; the report filed in the sealed dossier."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient
from pypdf import PdfReader, PdfWriter
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.archive.verify import verify_package
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.models import AnnualReport, Document, Dossier, Person, Result
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.scheme import SchemeError, default_scheme_path, parse_scheme
from appraisal.settings import get_settings
from appraisal.stages import EVALUATION_FORM
from appraisal.store import reports
from appraisal.store.cycles import get_cycle, set_stage
from appraisal.store.stage_runs import open_stage_run
from tests.cycle_helpers import (
    STOPS,
    TODAY,
    import_pool,
    require_soffice,
    return_all,
    sqlite_only,
    start,
)
from tests.portal_helpers import csrf_of, new_link, staff_client

ASSESSMENT_DAY = date(2026, 11, 2)


def a_pdf(path: Path, pages: int = 2) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def at_assessment(cycle_id: int) -> None:
    """The cycle moved to 组织考核 as its stage's first run records it, without its documents."""
    with session_scope() as session:
        open_stage_run(session, cycle_id, Stage.ASSESSMENT, ASSESSMENT_DAY)
        set_stage(session, get_cycle(session, cycle_id), Stage.ASSESSMENT, actor="t", reason="t")


def codes_and_names() -> list[tuple[str, str]]:
    with session_scope() as session:
        return list(session.exec(select(Person.code, Person.name).order_by(Person.code)))


def test_the_scheme_names_a_code_of_its_negative_list() -> None:
    text = default_scheme_path().read_text(encoding="utf-8")
    assert parse_scheme(text).report.missing_item == "D11"
    off = parse_scheme(text.replace('missing_item = "D11"', 'missing_item = ""'))
    assert off.report.missing_item == ""
    with pytest.raises(SchemeError, match=r"report\.missing_item"):
        parse_scheme(text.replace('missing_item = "D11"', 'missing_item = "X99"'))


def test_link_and_staff_uploads_versions_and_refusals(
    bare_cycle: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycle_id = bare_cycle
    (a, _), (b, _), (c, _) = codes_and_names()
    report = a_pdf(tmp_path / "我的履职报告.pdf", pages=3)
    at_assessment(cycle_id)
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        assert reports.due_on(session, cycle) == date(2026, 12, 2)  # the scheme's 30 days
        first = reports.submit_report(
            session, cycle=cycle, code=a, source=report, file_name=report.name,
            actor="reviewer:本人/x", on=date(2026, 11, 20), by_link=True,
        )  # fmt: skip
        assert (first.version, first.pages, first.channel) == (1, 3, reports.BY_LINK)
        second = reports.submit_report(
            session, cycle=cycle, code=a, source=a_pdf(tmp_path / "更正版.pdf", pages=4),
            file_name="更正版.pdf", actor="reviewer:本人/x", on=date(2026, 11, 21), by_link=True,
        )  # fmt: skip
        assert second.version == 2 and second.file_path != first.file_path
        with pytest.raises(reports.ReportError, match="须写明说明"):
            reports.submit_report(
                session, cycle=cycle, code=b, source=report, file_name="扫描.pdf",
                actor="staff", on=date(2026, 11, 22),
            )  # fmt: skip
        paper = reports.submit_report(
            session, cycle=cycle, code=b, source=report, file_name="扫描.pdf",
            actor="staff", on=date(2026, 11, 22), note="纸质报告扫描",
        )  # fmt: skip
        assert paper.channel == reports.BY_STAFF and paper.note == "纸质报告扫描"
        word = tmp_path / "履职报告.docx"
        word.write_bytes(b"PK\x03\x04 not a pdf")
        with pytest.raises(reports.ReportError, match=r"履职报告\.docx 不是 PDF"):
            reports.submit_report(
                session, cycle=cycle, code=c, source=word, file_name=word.name,
                actor="x", on=date(2026, 11, 22), by_link=True,
            )  # fmt: skip
    # Both versions are kept as they came, with their SHA-256.
    with session_scope() as session:
        kept = session.exec(select(AnnualReport).order_by(AnnualReport.id)).all()
        assert [r.version for r in kept] == [1, 2, 1]
        assert located(kept[0].file_path).read_bytes() == report.read_bytes()
        rows = reports.list_reports(session, get_cycle(session, cycle_id))
        assert [(r.code, r.submitted) for r in rows] == [(a, True), (b, True), (c, False)]
        people = list(session.exec(select(Person)))
        missing = reports.missing_findings(session, get_cycle(session, cycle_id), people)
        assert [f.code for f in missing.values()] == ["D11"]
        assert next(iter(missing.values())).source == reports.MISSING_SOURCE

    # Too big: refused naming the file.
    monkeypatch.setenv("APPRAISAL_MAX_RETURN_BYTES", "1000")
    get_settings.cache_clear()
    big = a_pdf(tmp_path / "很大的报告.pdf", pages=20)
    runner = CliRunner()
    refused = runner.invoke(
        app, ["reports", "upload", str(cycle_id), c, str(big), "--note", "纸质报告扫描"]
    )
    assert refused.exit_code != 0 and "很大的报告.pdf" in refused.output
    assert "上限" in refused.output
    monkeypatch.delenv("APPRAISAL_MAX_RETURN_BYTES")
    get_settings.cache_clear()
    listed = runner.invoke(app, ["reports", "list", str(cycle_id)])
    assert listed.exit_code == 0, listed.output
    assert "未提交" in listed.output and "已提交 2 人，未提交 1 人" in listed.output
    assert "截止 2026-12-02" in listed.output

    # Once the evaluation has run the cycle takes no more reports.
    with session_scope() as session:
        open_stage_run(session, cycle_id, Stage.EVALUATION, date(2026, 12, 3))
    late = runner.invoke(
        app, ["reports", "upload", str(cycle_id), c, str(report), "--note", "补交"]
    )
    assert late.exit_code != 0 and "综合评价已经开始" in late.output


def test_the_link_page_and_the_staff_page(
    bare_cycle: int, bare_portal: object, tmp_path: Path
) -> None:
    cycle_id = bare_cycle
    (_, name_a), (b, _), (c, _) = codes_and_names()
    at_assessment(cycle_id)
    staff: TestClient = staff_client(bare_portal)
    listing = staff.get(f"/cycles/{cycle_id}/reports").text
    assert "已提交 0 人，未提交 3 人" in listing and "2026-12-02" in listing
    # A link for the person, though no document is addressed to them yet.
    made = staff.post(
        f"/cycles/{cycle_id}/links",
        data={"csrf": csrf_of(listing), "reviewer": f"本人/{name_a}"},
    )
    token = re.findall(r"/r/([A-Za-z0-9_\-]+)", made.text)[0]

    person = TestClient(bare_portal)  # type: ignore[arg-type]
    inbox = person.get(f"/r/{token}").text
    assert "年度履职报告" in inbox and "未提交" in inbox and "2026-12-02" in inbox
    own = person.get("/inbox/report").text
    assert "提交年度履职报告" in own and "尚未提交" in own and "2026-12-02" in own
    pdf = a_pdf(tmp_path / "r.pdf", pages=2).read_bytes()
    done = person.post(
        "/inbox/report",
        data={"csrf": csrf_of(own)},
        files={"file": ("张的履职报告.pdf", pdf, "application/pdf")},
    )
    assert "已收到您的年度履职报告（张的履职报告.pdf，2 页，第 1 版）" in done.text
    assert "张的履职报告.pdf" in done.text and "第 1 版（有效）" in done.text
    wrong = person.post(
        "/inbox/report",
        data={"csrf": csrf_of(own)},
        files={"file": ("报告.docx", b"PK\x03\x04", "application/octet-stream")},
    )
    assert "报告.docx 不是 PDF 文件" in wrong.text

    # Another person's link (or a body's) has no report page.
    _, body_token = new_link(cycle_id, "某单位")
    body = TestClient(bare_portal)  # type: ignore[arg-type]
    body.get(f"/r/{body_token}")
    assert body.get("/inbox/report").status_code == 404

    # Staff upload on b's behalf with a note; the list shows who has and who has not.
    page = staff.get(f"/cycles/{cycle_id}/reports").text
    uploaded = staff.post(
        f"/cycles/{cycle_id}/reports/upload",
        data={"csrf": csrf_of(page), "code": b, "note": "纸质报告扫描", "on": "2026-11-25"},
        files={"file": ("扫描件.pdf", pdf, "application/pdf")},
    )
    assert f"已登记 {b} 的年度履职报告第 1 版（2 页）" in uploaded.text
    assert "已提交 2 人，未提交 1 人" in uploaded.text and "纸质报告扫描" in uploaded.text
    row = re.search(rf'<tr id="report-{c}">.*?</tr>', uploaded.text, re.S)
    assert row is not None and "未提交" in row.group(0)
    with session_scope() as session:
        rid = session.exec(
            select(AnnualReport.id).where(AnnualReport.channel == "工作人员代传")
        ).one()
    assert staff.get(f"/cycles/{cycle_id}/reports/{rid}.pdf").content == pdf


def _docx_text(path: Path) -> str:
    doc = Docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.libreoffice
@sqlite_only
def test_a_missing_report_is_deducted_and_a_report_is_sealed(
    app_env: Path, prefect_harness: None, tmp_path: Path
) -> None:
    """A whole cycle of three: two submit (one through their link, one by staff), one never
    does and has D11 deducted with its source; the reports are filed in the sealed dossiers."""
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start("2026年度综合评价")
    (a, _), (b, _), (c, _) = codes_and_names()
    for stage in STOPS:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        if stage == Stage.ASSESSMENT:
            with session_scope() as session:
                cycle = get_cycle(session, cycle_id)
                for code, by_link in ((a, True), (b, False)):
                    reports.submit_report(
                        session, cycle=cycle, code=code, source=a_pdf(tmp_path / f"{code}.pdf"),
                        file_name=f"{code}.pdf", actor="t", on=TODAY, by_link=by_link,
                        note="" if by_link else "纸质报告扫描",
                    )  # fmt: skip
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}")
    with session_scope() as session:
        results = {
            p.code: r
            for r, p in session.exec(
                select(Result, Person).join(Person).where(Result.cycle_id == cycle_id)
            )
        }
        forms = {
            d.person_id: d
            for d in session.exec(
                select(Document).where(
                    Document.cycle_id == cycle_id, Document.template_id == EVALUATION_FORM
                )
            )
        }
        ids = {code: pid for code, pid in session.exec(select(Person.code, Person.id))}
    deducted = results[c].detail["deductions"]
    assert {
        "category": "履职尽责",
        "text": "D11 未按要求提交年度履职报告",
        "source": reports.MISSING_SOURCE,
        "points": 3.0,
    } in deducted
    assert any("系统：未提交履职报告" in line for line in results[c].explanation)
    for code in (a, b):
        assert all("D11" not in d["text"] for d in results[code].detail["deductions"])
    form = _docx_text(located(forms[ids[c]].docx_path))
    assert "D11 未按要求提交年度履职报告" in form and reports.MISSING_SOURCE in form
    assert reports.MISSING_SOURCE not in _docx_text(located(forms[ids[a]].docx_path))

    outcome = archive_cycle(cycle_id, None, TODAY)
    assert len(outcome.sealed) == 3, outcome
    with session_scope() as session:
        dossiers = {
            p.code: d
            for d, p in session.exec(
                select(Dossier, Person).join(Person).where(Dossier.cycle_id == cycle_id)
            )
        }
    package = located(dossiers[a].path)
    assert verify_package(package) == []
    record = json.loads((package / "data" / "record.json").read_text(encoding="utf-8"))
    assert [(r["version"], r["channel"], r["pages"]) for r in record["reports"]] == [
        (1, reports.BY_LINK, 2)
    ]
    filed = package / "data" / record["reports"][0]["path"]
    assert filed.read_bytes() == (tmp_path / f"{a}.pdf").read_bytes()
    outline = [e["title"] for e in record["dossier"]["outline"]]
    assert any("年度履职报告（第1版，本人链接" in t for t in outline), outline
    pages = len(PdfReader(package / "data" / "dossier.pdf").pages)
    assert pages == dossiers[a].pages
    paper = json.loads((located(dossiers[b].path) / "data" / "record.json").read_text("utf-8"))
    assert paper["reports"][0]["note"] == "纸质报告扫描"
    none = json.loads((located(dossiers[c].path) / "data" / "record.json").read_text("utf-8"))
    assert "reports" not in none
