"""Packages are checked against what was recorded when each file came in, not only against
themselves: sealing refuses a file that differs from its recorded return, and verify names a
package bagged from one, by record.json and by the database."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfWriter

from appraisal.archive.bag import NotAsRecorded, write_bag
from appraisal.archive.contents import (
    LETTERS_PACKAGE,
    DossierDocument,
    PersonFile,
    Rendition,
    ReturnFile,
    payload_name,
)
from appraisal.archive.seal import seal_letters, seal_person
from appraisal.archive.verify import verify_package
from appraisal.files import sha256_file
from appraisal.identity import document_id
from appraisal.models.vocab import Stage

SEALED_ON = date(2026, 12, 1)


def _pdf(path: Path, title: str) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})  # different bytes for each file
    writer.write(path)
    return path


def _document(tmp_path: Path, code: str, stage: Stage = Stage.NOMINATION) -> DossierDocument:
    doc_id = document_id(cycle_id=1, stage=stage, template_id="form", person_code=code,
                         recipient="推荐单位")  # fmt: skip
    docx = tmp_path / f"{doc_id}.docx"
    docx.write_bytes(b"PK placeholder " + doc_id.encode())
    pdf = _pdf(tmp_path / f"{doc_id}.pdf", f"{doc_id} original")
    returned = _pdf(tmp_path / f"{doc_id}-v1.pdf", f"{doc_id} signed")
    ret = ReturnFile(
        version=1, method="scan", path=returned, sha256=sha256_file(returned), pages=1,
        matched_by="qr", signer="推荐单位", signature_valid=None, signature_covers_file=None,
        reply="", reply_text="", reason="", recorded_by="test",
        recorded_at=datetime(2026, 11, 25, tzinfo=UTC),
    )  # fmt: skip
    return DossierDocument(
        document_id=doc_id, stage=stage, template_id="form", title="推荐表", recipient="推荐单位",
        docx=docx, docx_sha256=sha256_file(docx), pdf=pdf, pdf_sha256=sha256_file(pdf),
        needs_signoff=True, missing=None, returns=(ret,),
    )  # fmt: skip


def _person(tmp_path: Path) -> PersonFile:
    return PersonFile(
        cycle_id=1, cycle_name="测试周期", year=2026, scheme_name="默认方案", scheme_version="1",
        scheme_sha256="0" * 64, code="P1", name="测试", person={"编号": "P1"}, result=None,
        documents=(_document(tmp_path, "P1"),),
    )  # fmt: skip


def _seal(pf: PersonFile, tmp_path: Path) -> Path:
    cover = Rendition(
        "AP-0001-AR-COVER", "封面", tmp_path / "c.docx", _pdf(tmp_path / "c.pdf", "c")
    )
    cover.docx.write_bytes(b"PK cover")
    target = tmp_path / "dossiers" / pf.code
    seal_person(pf, cover, None, target, sealed_on=SEALED_ON, issuer="统战部")
    return target


def _rebag(package: Path, name: str, data: bytes, to: Path) -> None:
    """`package` bagged again at `to` with data/`name` holding `data`: every manifest agrees."""
    payload: dict[str, Path | bytes] = {
        str(p.relative_to(package / "data")): p.read_bytes()
        for p in (package / "data").rglob("*")
        if p.is_file()
    }
    write_bag(to, {**payload, name: data}, {"Source-Organization": "appraisal"})


def test_sealing_refuses_a_return_that_differs_from_its_record(tmp_path: Path) -> None:
    pf = _person(tmp_path)
    target = _seal(pf, tmp_path)
    assert verify_package(target) == []
    ret = pf.documents[0].returns[0]
    assert ret.path is not None
    ret.path.write_bytes(ret.path.read_bytes() + b"% changed after intake\n")
    with pytest.raises(NotAsRecorded) as refused:
        _seal(pf, tmp_path)
    name = f"data/{payload_name(pf.documents[0], ret)}"
    assert name in str(refused.value) and ret.sha256 in str(refused.value)
    assert "收到时记录的是" in str(refused.value) and "文件此后已被改动，未封存 / " in str(
        refused.value
    )
    assert verify_package(target) == []  # the package sealed before is left as it was


def test_a_package_bagged_from_a_wrong_file_fails_verify(tmp_path: Path) -> None:
    pf = _person(tmp_path)
    target = _seal(pf, tmp_path)
    doc = pf.documents[0]
    name = payload_name(doc, doc.returns[0])
    other = _pdf(tmp_path / "other.pdf", "another upload").read_bytes()
    _rebag(target, name, other, tmp_path / "rebuilt")
    problems = verify_package(tmp_path / "rebuilt")
    assert [(p.path, p.check) for p in problems] == [(f"data/{name}", "record")]
    assert doc.returns[0].sha256 in problems[0].detail
    assert (
        problems[0].detail.startswith("SHA-256 为 ")
        and "与 record.json 记录的" in problems[0].detail
    )
    assert problems[0].kind == "记录"

    # With the database consulted: it holds the cycle, and it recorded the wrong checksum.
    asked: list[tuple[str, list[str]]] = []

    def database(cycle: str, ids: list[str]) -> dict[str, str]:
        asked.append((cycle, ids))
        return {f"documents/nomination/{doc.document_id}.docx": doc.docx_sha256}

    problems = verify_package(target, recorded=database)
    assert asked == [("测试周期", [doc.document_id])]
    checks = {(p.path, p.check) for p in problems}
    assert checks == {
        (f"data/documents/nomination/{doc.document_id}.pdf", "database"),
        (f"data/{name}", "database"),
    }
    assert verify_package(target, recorded=lambda cycle, ids: None) == []  # not that cycle


def test_the_letters_package_is_checked_against_its_record(tmp_path: Path) -> None:
    letter = replace(_document(tmp_path, "ALL", Stage.SOLICITATION), shared=True)
    target = tmp_path / "dossiers" / LETTERS_PACKAGE
    assert seal_letters([letter], target, cycle_name="测试周期", sealed_on=SEALED_ON)
    assert verify_package(target) == []
    ret = letter.returns[0]
    assert ret.path is not None
    name = payload_name(letter, ret)
    _rebag(target, name, b"%PDF-1.7 not the reply that came in\n%%EOF\n", target)
    problems = verify_package(target)
    assert [(p.path, p.check) for p in problems] == [(f"data/{name}", "record")]
    ret.path.write_bytes(b"changed")
    with pytest.raises(NotAsRecorded, match=name):
        seal_letters([letter], tmp_path / "again", cycle_name="测试周期", sealed_on=SEALED_ON)
