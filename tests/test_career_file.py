"""一人一档 for real: a cycle run through Prefect and LibreOffice and sealed, then one person's
growing file made from it, read back page by page and bookmark by bookmark, and refused when the
dossier it would take in has been tampered with. (One test, one cycle: a cycle takes minutes.)"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from appraisal.archive.dossier import read_layout
from appraisal.archive.verify import verify_package
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.models import Dossier, Person
from appraisal.paths import located
from tests.browser_helpers import SHOTS
from tests.cycle_helpers import (
    STOPS,
    TODAY,
    import_pool,
    require_soffice,
    return_all,
    sqlite_only,
    start,
)

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def sealed(app_env: Path, prefect_harness: None, tmp_path: Path) -> tuple[str, Path]:
    """One person's code and their sealed dossier package, after a whole cycle."""
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle

    require_soffice()
    import_pool(tmp_path / "data", people=3)
    cycle_id = start("2026年度综合评价")
    for stage in STOPS:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}")
    outcome = archive_cycle(cycle_id, None, TODAY)
    assert len(outcome.sealed) == 3, outcome
    code = sorted(outcome.sealed)[0]
    with session_scope() as session:
        person = session.exec(Person.__table__.select().where(Person.code == code)).one()
        dossier = session.exec(
            Dossier.__table__.select().where(Dossier.person_id == person.id)
        ).one()
    return code, located(dossier.path)


@sqlite_only
def test_the_growing_file_holds_the_summary_and_every_sealed_dossier(
    sealed: tuple[str, Path], tmp_path: Path
) -> None:
    code, dossier = sealed
    made = CliRunner().invoke(app, ["people", "file", code, "--out", str(tmp_path / "file")])
    assert made.exit_code == 0, made.output
    assert "含 1 份封存档案" in made.output

    package = tmp_path / "file"
    assert verify_package(package) == []
    checked = CliRunner().invoke(app, ["archive", "verify", str(package)])
    assert checked.exit_code == 0, checked.output
    pdf = package / "data" / "一人一档.pdf"
    sealed_pages = len(PdfReader(dossier / "data" / "dossier.pdf").pages)
    reader = PdfReader(pdf)
    record = json.loads((package / "data" / "career.json").read_text(encoding="utf-8"))
    assert record["编号"] == code and record["页数"] == len(reader.pages)
    summary_pages = len(reader.pages) - sealed_pages
    assert summary_pages >= 1

    # Bookmarks: the summary, the cycle, and the dossier's own stages under it, on their pages.
    top = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline if not
           isinstance(o, list)]  # fmt: skip
    assert top == [("个人档案", 0), ("2026年度综合评价考核评价档案", summary_pages)]
    own = read_layout(dossier / "data" / "dossier.pdf").outline
    nested = [m for m in record["书签"] if m["层级"] >= 1 and m["页"] > summary_pages]
    assert [(m["标题"], m["页"]) for m in nested] == [
        (e.title, summary_pages + e.page) for e in own
    ]
    # Under 个人档案, one bookmark per section of the summary, on a summary page, in order.
    sections = [m for m in record["书签"] if m["层级"] == 1 and m["页"] <= summary_pages]
    assert [m["标题"] for m in sections][:3] == ["一、基本信息", "二、简历", "三、奖惩"]
    assert "六、谈心谈话" in [m["标题"] for m in sections]
    assert [m["页"] for m in sections] == sorted(m["页"] for m in sections)

    # The summary reads as the person's file: who, their pool stay, this cycle's result.
    text = subprocess.run(
        ["pdftotext", "-l", str(summary_pages), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout.replace(" ", "")  # fmt: skip
    assert record["姓名"] in text and code in text
    headings = (
        "基本信息",
        "简历",
        "奖惩",
        "培训",
        "挂职",
        "谈心谈话",
        "提名推荐",
        "人才库经历",
        "历次考核评价",
        "人才库调整",
        "变更记录",
        "考核评价档案",
    )
    for heading in headings:
        assert heading in text, heading
    assert "2026年度综合评价" in text
    SHOTS.mkdir(parents=True, exist_ok=True)  # to look at, as a clerk would
    shown = shutil.copyfile(pdf, SHOTS / "career-file.pdf")
    # The sealed dossier is carried whole, byte for byte.
    copied = package / "data" / "dossiers" / "cycle-0001" / "dossier.pdf"
    assert copied.read_bytes() == (dossier / "data" / "dossier.pdf").read_bytes()

    # A dossier tampered with since sealing stops the file, by name; the last good file stays.
    sealed_record = dossier / "data" / "record.json"
    sealed_record.write_text(sealed_record.read_text(encoding="utf-8") + " ", encoding="utf-8")
    again = CliRunner().invoke(app, ["people", "file", code, "--out", str(package)])
    assert again.exit_code != 0
    assert "2026年度综合评价的封存档案" in again.output and "核验未通过" in again.output
    assert verify_package(package) == [] and pdf.read_bytes() == shown.read_bytes()
    # The package's own check finds a file whose bookmarks no longer match its record.
    (package / "data" / "career.json").write_text("{}", encoding="utf-8")
    assert {p.check for p in verify_package(package)} >= {"checksum", "outline"}


def test_an_unknown_person_is_named(app_env: Path) -> None:
    made = CliRunner().invoke(app, ["people", "file", "X-404"])
    assert made.exit_code != 0 and "X-404" in made.output
