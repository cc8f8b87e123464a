"""Sealing on several cores: results come back in order, and one bad dossier is named without
stopping the others."""

from datetime import date
from pathlib import Path

from pypdf import PdfWriter

from appraisal.archive.contents import PersonFile, Rendition
from appraisal.archive.seal import SealJob, seal_many


def _person(code: str) -> PersonFile:
    return PersonFile(
        cycle_id=1,
        cycle_name="测试周期",
        year=2026,
        scheme_name="默认方案",
        scheme_version="1",
        scheme_sha256="0" * 64,
        code=code,
        name=f"测试{code}",
        person={"编号": code},
        result=None,
        documents=(),
    )


def _job(tmp_path: Path, code: str, *, cover_exists: bool = True) -> SealJob:
    pdf, docx = tmp_path / f"{code}-cover.pdf", tmp_path / f"{code}-cover.docx"
    if cover_exists:
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.write(pdf)
    docx.write_bytes(b"PK placeholder")
    cover = Rendition(f"AP-0001-AR-{code}", "封面", docx, pdf)
    return SealJob(
        _person(code), cover, None, tmp_path / "dossiers" / code, date(2026, 11, 22), "统战部"
    )


def test_results_in_order_and_a_bad_one_named(tmp_path: Path) -> None:
    jobs = [
        _job(tmp_path, "P1"),
        _job(tmp_path, "P2", cover_exists=False),
        _job(tmp_path, "P3"),
        _job(tmp_path, "P4"),
    ]
    results = list(seal_many(jobs, workers=2))
    assert [pf.code for pf, _ in results] == ["P1", "P2", "P3", "P4"]
    bad = results[1][1]
    assert isinstance(bad, str) and "P2-cover.pdf" in bad
    for pf, done in [results[0], results[2], results[3]]:
        assert not isinstance(done, str), done
        assert (tmp_path / "dossiers" / pf.code / "bagit.txt").is_file()
    assert not (tmp_path / "dossiers" / "P2").exists()


def test_one_worker_gives_the_same_results(tmp_path: Path) -> None:
    jobs = [_job(tmp_path, "P1"), _job(tmp_path, "P2", cover_exists=False)]
    kinds = [isinstance(done, str) for _, done in seal_many(jobs, workers=1)]
    assert kinds == [False, True]
