"""The archive for real: a whole cycle run through Prefect and LibreOffice, then sealed, checked,
tampered with and checked again."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.archive.bag import find_bags, write_bag
from appraisal.archive.contents import LETTERS_PACKAGE, record_bytes
from appraisal.archive.dossier import read_layout
from appraisal.archive.verify import verify_package
from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.files import sha256_file
from appraisal.models import Cycle, Document, Dossier, Person, SignOff
from appraisal.models.vocab import Stage
from appraisal.paths import located, pdf_cache_dir
from appraisal.settings import get_settings
from appraisal.simulate import digitally_sign, make_demo_pki
from appraisal.stages import WORK_STAGES
from tests.cycle_helpers import (
    TODAY,
    documents,
    import_pool,
    require_soffice,
    return_all,
    sqlite_only,
    start,
)

pytestmark = pytest.mark.libreoffice
STAGE_TITLES = ["推荐", "考核", "综合评价", "征求意见", "结果通知"]


@pytest.fixture
def pool(app_env: Path, prefect_harness: None, tmp_path: Path) -> Path:
    require_soffice()
    import_pool(tmp_path / "data", people=3)
    return app_env


def _people(dossiers: Path) -> list[Path]:
    return [b for b in find_bags(dossiers) if b.name != LETTERS_PACKAGE]


@sqlite_only
def test_seal_verify_tamper(pool: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from appraisal.flows.archive import archive_cycle
    from appraisal.flows.cycle import run_cycle

    pki = make_demo_pki(tmp_path / "pki")
    monkeypatch.setenv("APPRAISAL_TRUST_ROOTS", str(pki.root_cert))
    # Stages and the archive work one person at a time (letters still cover everyone).
    monkeypatch.setenv("APPRAISAL_SLICE_PEOPLE", "1")
    get_settings.cache_clear()
    # Two nominating bodies: 动员部署 writes to them, and its letters concern no one person.
    cycle_id = start(bodies={"民革市委": "民主党派", "市工商联": "非公经济"})
    held_back = ""
    for stage in WORK_STAGES:
        assert run_cycle(cycle_id, TODAY).stage == stage.value
        keep: set[str] = set()
        if stage == Stage.NOMINATION:
            # One reviewer signs digitally instead of scanning.
            first = documents(cycle_id, stage)[0]
            drop = tmp_path / f"drop-{stage.value}"
            drop.mkdir()
            digitally_sign(located(first.pdf_path), drop / "signed.pdf", key=pki.signer_key,
                           cert=pki.signer_cert, signer_name=pki.signer_name)  # fmt: skip
            keep = {first.id}
        if stage == Stage.NOTIFICATION:
            notice = next(d for d in documents(cycle_id, stage) if d.template_id == "result_notice")
            held_back = notice.id
            keep = {notice.id}
        return_all(cycle_id, stage, tmp_path / f"drop-{stage.value}", keep=keep)
    with session_scope() as session:
        late = session.get(Document, held_back)
        assert late is not None and late.person_id is not None
        waiting = session.exec(select(Cycle.stage).where(Cycle.id == cycle_id)).one()
    assert waiting == Stage.NOTIFICATION  # the held-back receipt keeps the gate closed

    # Every stage has run: the two people whose returns are all in seal, the third is refused.
    cached = set(pdf_cache_dir(cycle_id).glob("*.pdf"))
    outcome = archive_cycle(cycle_id, None, TODAY)
    assert len(outcome.refused) == 1 and len(outcome.sealed) == 2, outcome
    # Each conversion was of a document kept: the first cover, made with the extracts to learn
    # the covers' length, is the cover recorded, not one more.
    made = set(pdf_cache_dir(cycle_id).glob("*.pdf")) - cached
    assert len(made) == len(documents(cycle_id, Stage.ARCHIVE)) == 4, made
    ((refused_code, gaps),) = outcome.refused.items()
    assert any(held_back in g and "签署回件" in g for g in gaps), gaps
    dossiers = Path(outcome.dossiers)
    assert sorted(p.name for p in _people(dossiers)) == sorted(outcome.sealed)

    # Sealing again changes nothing.
    stamps = {c: (dossiers / c / "data" / "dossier.pdf").stat().st_mtime_ns for c in outcome.sealed}
    again = archive_cycle(cycle_id, None, TODAY)
    assert again.sealed == [] and sorted(again.unchanged) == sorted(outcome.sealed)
    assert stamps == {
        c: (dossiers / c / "data" / "dossier.pdf").stat().st_mtime_ns for c in outcome.sealed
    }

    # The late receipt arrives: the last person seals and the cycle closes.
    return_all(cycle_id, Stage.NOTIFICATION, tmp_path / "drop-late", only=held_back)
    assert run_cycle(cycle_id, TODAY).stage == "archive"
    sealed = CliRunner().invoke(app, ["archive", str(cycle_id), "--person", refused_code])
    assert sealed.exit_code == 0, sealed.output
    assert f"已封存 {refused_code}" in sealed.output and "现处于完成阶段" in sealed.output
    with session_scope() as session:
        rows = session.exec(select(Dossier).where(Dossier.cycle_id == cycle_id)).all()
        digital = session.exec(select(SignOff).where(SignOff.method == "digital")).all()
    assert len(rows) == 3 and all(r.pages > 5 for r in rows)
    assert digital, "the digitally signed return was recorded"

    # Each package verifies, with the demo root trusted; the dossier has a bookmark per stage
    # (none for 动员部署, whose letters are about no one and are filed with the other letters).
    assert verify_package(dossiers / LETTERS_PACKAGE) == []
    filed = [p.name for p in (dossiers / LETTERS_PACKAGE).rglob("*.pdf")]
    notices = [d.id for d in documents(cycle_id, Stage.MOBILIZATION) if d.needs_signoff]
    assert len(notices) == 2 and all(f"{n}.pdf" in filed for n in notices), filed
    for bag in _people(dossiers):
        assert verify_package(bag, [pki.root_cert]) == [], bag
        record = json.loads((bag / "data" / "record.json").read_text(encoding="utf-8"))
        assert record["letters"], "the solicitation letters are cited, filed apart"
        layout = read_layout(bag / "data" / "dossier.pdf")
        stages = [e.title for e in layout.outline if e.level == 0]
        assert stages[1:] == STAGE_TITLES, stages
        # The letters filed apart are listed on one extract, in the 征求意见 section, whose
        # letters all concern many people.
        section, under = "", dict[str, list[str]]()
        for e in layout.outline:
            if e.level == 0:
                section = e.title
            else:
                under.setdefault(section, []).append(e.title)
        listed = [t for titles in under.values() for t in titles if "公函登记表" in t]
        assert listed == ["致单位公函登记表"], under
        assert "致单位公函登记表" in under["征求意见"], under
        assert (bag / "manifest-sha512.txt").is_file() and (
            bag / "tagmanifest-sha256.txt"
        ).is_file()
    # Sealing made a cover and one extract a person, none more; the 目录 lists the extract, not
    # each letter it lists.
    made = [d for d in documents(cycle_id, Stage.ARCHIVE) if d.person_id is not None]
    kinds = sorted(d.template_id for d in made)
    assert kinds == ["dossier_cover"] * 3 + ["letters_extract"] * 3, kinds
    for cover in (d for d in made if d.template_id == "dossier_cover"):
        text = "".join(p.extract_text() for p in PdfReader(located(cover.pdf_path)).pages)
        assert "致单位公函登记表" in text and "另卷" not in text, text

    # The register: a row per person, a chart, regenerated.
    register = dossiers.parent / "register.xlsx"
    book = load_workbook(register)
    sheet = book.worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(r.name for r in _people(dossiers))
    with zipfile.ZipFile(register) as zf:
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())

    # A copy of the packages where one was bagged again from another file, its manifests and
    # then its record.json made to agree: the record, and then only the database, knows better.
    forged = tmp_path / "forged"
    shutil.copytree(dossiers, forged)
    bag = forged / refused_code
    rec = json.loads((bag / "data" / "record.json").read_text(encoding="utf-8"))
    ret = next(r for d in rec["documents"] for r in d["returns"] if r["method"] == "scan")
    other = tmp_path / "other.pdf"
    shutil.copy(located(documents(cycle_id, Stage.NOMINATION)[0].pdf_path), other)
    _rebag(bag, {ret["path"]: other.read_bytes()})
    assert [(p.path, p.check) for p in verify_package(bag)] == [(f"data/{ret['path']}", "record")]
    ret["sha256"] = sha256_file(other)
    _rebag(bag, {ret["path"]: other.read_bytes(), "record.json": record_bytes(rec)})
    assert verify_package(bag) == []  # consistent with itself and with its record
    result = CliRunner().invoke(app, ["archive", "verify", str(forged)])
    assert result.exit_code == 1 and f"有问题 {bag}" in result.output.replace("\n", "")
    flat = result.output.replace("\n", "")
    assert f"data/{ret['path']}：数据库：SHA-256 为 " in flat, result.output
    assert "与数据库记录的" in flat and "/ its SHA-256 differs from the one the database" in flat
    assert "已核验 4 个档案包，1 个有问题" in result.output
    # The cycle is done: a corrected receipt is quarantined, not recorded, until staff reopen
    # the cycle; then it is recorded, and the archive reseals that dossier alone.
    from appraisal.flows.intake import intake_returns

    drop = tmp_path / "drop-corrected"
    drop.mkdir()
    digitally_sign(located(late.pdf_path), drop / "corrected.pdf", key=pki.signer_key,
                   cert=pki.signer_cert, signer_name=pki.signer_name)  # fmt: skip
    (frozen,) = intake_returns(cycle_id, drop)
    assert frozen.outcome == "quarantined" and "已办结归档" in frozen.message, frozen
    reopen = CliRunner().invoke(app, ["cycle", "reopen", str(cycle_id), "--reason", "回执更正"])
    assert reopen.exit_code == 0, reopen.output
    digitally_sign(located(late.pdf_path), drop / "corrected.pdf", key=pki.signer_key,
                   cert=pki.signer_cert, signer_name=pki.signer_name)  # fmt: skip
    (recorded,) = intake_returns(cycle_id, drop)
    assert recorded.outcome == "recorded" and recorded.version == 2, recorded
    resealed = archive_cycle(cycle_id, None, TODAY)
    assert resealed.sealed == [refused_code] and len(resealed.unchanged) == 2, resealed
    assert resealed.stage == "done"
    assert verify_package(dossiers / refused_code, [pki.root_cert]) == []

    # Tampering is always found, and named.
    victim = dossiers / refused_code
    pdf = victim / "data" / "dossier.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    problems = verify_package(victim)
    assert any(p.path == "data/dossier.pdf" and p.check == "checksum" for p in problems)

    other = next(b for b in _people(dossiers) if b.name != refused_code)
    removed = next((other / "data" / "returns").iterdir())
    removed.unlink()
    assert any(p.path == f"data/returns/{removed.name}" for p in verify_package(other))
    third = next(b for b in _people(dossiers) if b.name not in {refused_code, other.name})
    (third / "data" / "notes.txt").write_text("added later")
    assert any(p.path == "data/notes.txt" for p in verify_package(third))

    result = CliRunner().invoke(app, ["archive", "verify", str(dossiers)])
    assert result.exit_code == 1
    assert "data/dossier.pdf" in result.output and "data/notes.txt" in result.output
    flat = result.output.replace("\n", "")
    assert "data/dossier.pdf：校验值不符：SHA-256 为 " in flat, result.output
    assert "data/notes.txt：多出：data/notes.txt 不在清单中 / is not in the manifest" in flat
    assert f"data/returns/{removed.name}：缺失：" in flat
    assert "已核验 4 个档案包，3 个有问题" in result.output

    # Sealing copies each return checking it against the database: a kept return that changed
    # since intake fails that person's dossier, naming the file.
    with session_scope() as session:
        kept = session.exec(select(SignOff).where(SignOff.method == "digital")).first()
        assert kept is not None
        owner = session.get(Document, kept.document_id)
        assert owner is not None and owner.person_id is not None
        code = session.get(Person, owner.person_id).code  # type: ignore[union-attr]
    located(kept.file_path).write_bytes(located(kept.file_path).read_bytes() + b"% edited\n")
    shutil.rmtree(dossiers / code)  # sealed again, from the changed file
    failed = archive_cycle(cycle_id, [code], TODAY).failed
    assert list(failed) == [code] and f"{kept.document_id}-v{kept.version}.pdf" in failed[code]
    assert kept.sha256 in failed[code]


def _rebag(bag: Path, changes: dict[str, bytes]) -> None:
    """Bag `bag` again with some of its data/ files replaced: every manifest agrees."""
    payload: dict[str, Path | bytes] = {
        str(f.relative_to(bag / "data")): f.read_bytes() for f in (bag / "data").rglob("*")
        if f.is_file()
    }  # fmt: skip
    info = dict(line.split(": ", 1) for line in (bag / "bag-info.txt").read_text().splitlines())
    write_bag(bag, {**payload, **changes}, info)
