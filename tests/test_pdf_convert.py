"""convert_many: many documents through warm LibreOffice, bad ones reported one by one."""

import copy
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from appraisal.pdf import ConversionError, convert_many, convert_one, pdf_text, pdfa_claim
from appraisal.pdf.office import stop_kept
from appraisal.pdf.sample import write_sample_docx

pytestmark = pytest.mark.libreoffice

NAMES = ["赵一", "钱二", "孙三", "李四", "周五"]


def _require_soffice() -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        reason = "LibreOffice or poppler-utils is not installed (make setup installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the LibreOffice tests")
        pytest.skip(reason)


def _broken_xml_docx(path: Path, good: Path) -> Path:
    """A real DOCX zip whose document.xml is cut off: LibreOffice refuses to load it."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    return path


def _huge_table_docx(path: Path, rows: int) -> Path:
    """A valid document whose layout takes LibreOffice many seconds (a long table)."""
    doc = Document()
    table = doc.add_table(rows=1, cols=4)
    for cell in table.rows[0].cells:
        cell.text = "第一行 张三 党外代表人士"
    template = table.rows[0]._tr
    for _ in range(rows - 1):
        table._tbl.append(copy.deepcopy(template))
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list, Path]:
    """One call with good documents, a same-stem pair, odd names and two bad documents."""
    _require_soffice()
    src = tmp_path_factory.mktemp("convert-src")
    out = tmp_path_factory.mktemp("convert-pdf")
    (src / "other").mkdir()
    good = [write_sample_docx(src / f"doc{i}.docx", name=n) for i, n in enumerate(NAMES[:3])]
    sources = [
        good[0],
        src / "random.docx",
        good[1],
        _broken_xml_docx(src / "broken.docx", good[0]),
        write_sample_docx(src / "other" / "doc0.docx", name=NAMES[3]),  # same stem as good[0]
        write_sample_docx(src / "-名单 2026.docx", name=NAMES[4]),  # leading dash, space
        good[2],
    ]
    (src / "random.docx").write_bytes(os.urandom(30_000))
    results = convert_many(sources, out, workers=2)
    return sources, results, out


def test_every_input_gets_one_result_in_input_order(batch) -> None:
    sources, results, _ = batch
    assert [r.source for r in results] == sources
    assert all((r.pdf is None) != (r.error is None) for r in results)


def test_good_documents_become_pdfa_named_after_their_stem(batch) -> None:
    _, results, out = batch
    for index, name in [(0, NAMES[0]), (2, NAMES[1]), (6, NAMES[2])]:
        result = results[index]
        assert result.pdf == out / f"{result.source.stem}.pdf"
        assert name in pdf_text(result.pdf)
        assert pdfa_claim(result.pdf) == (2, "B")


def test_same_stem_twice_gets_a_numbered_second_pdf(batch) -> None:
    _, results, out = batch
    assert results[0].pdf == out / "doc0.pdf"
    assert results[4].pdf == out / "doc0-2.pdf"
    # Each PDF holds its own document, not the other one's.
    assert NAMES[0] in pdf_text(results[0].pdf) and NAMES[3] not in pdf_text(results[0].pdf)
    assert NAMES[3] in pdf_text(results[4].pdf)


def test_file_names_soffice_could_mistake_for_options_work(batch) -> None:
    _, results, out = batch
    assert results[5].pdf == out / "-名单 2026.pdf"
    assert NAMES[4] in pdf_text(results[5].pdf)


def test_random_bytes_are_reported_before_libreoffice(batch) -> None:
    sources, results, _ = batch
    assert results[1].pdf is None
    assert str(sources[1]) in results[1].error
    assert "not a ZIP archive" in results[1].error


def test_a_document_libreoffice_cannot_load_is_reported(batch) -> None:
    sources, results, _ = batch
    assert results[3].pdf is None
    assert str(sources[3]) in results[3].error
    assert "LibreOffice could not load it" in results[3].error


def test_only_the_pdfs_are_left_in_the_output_folder(batch) -> None:
    _, results, out = batch
    assert sorted(p.name for p in out.iterdir()) == sorted(r.pdf.name for r in results if r.pdf)


def _soffice_processes_using(root: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(root).encode() in cmdline:
                pids.append(int(entry.name))
    return pids


def test_a_hung_conversion_is_killed_reported_and_the_rest_converted(tmp_path: Path) -> None:
    """A 1500-row table takes LibreOffice far longer than the 2 s allowed here: it stands in
    for a document that hangs. The process is killed and a new one converts the rest."""
    _require_soffice()
    profiles = tmp_path / "profiles"
    before = write_sample_docx(tmp_path / "before.docx", name="前一个")
    huge = _huge_table_docx(tmp_path / "huge.docx", rows=1500)
    after = write_sample_docx(tmp_path / "after.docx", name="后一个")
    results = convert_many(
        [before, huge, after],
        tmp_path / "out",
        workers=1,
        timeout_per_file=2,
        profile_root=profiles,
    )
    assert results[0].pdf is not None and "前一个" in pdf_text(results[0].pdf)
    assert results[1].pdf is None
    assert str(huge) in results[1].error and "within 2 s" in results[1].error
    assert results[2].pdf is not None and "后一个" in pdf_text(results[2].pdf)
    # The hung LibreOffice is gone; what is left is at most the one kept for the next call,
    # started after it (one process group: the launcher and soffice.bin).
    left = _soffice_processes_using(profiles)
    assert len({os.getpgid(pid) for pid in left}) <= 1
    stop_kept()
    assert _soffice_processes_using(profiles) == []


def test_convert_one_writes_the_exact_path(tmp_path: Path) -> None:
    _require_soffice()
    docx = write_sample_docx(tmp_path / "in.docx", name="单一")
    target = tmp_path / "nested" / "推荐表-单一.pdf"
    assert convert_one(docx, target) == target
    assert "单一" in pdf_text(target)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_convert_one_names_the_failing_document(tmp_path: Path) -> None:
    _require_soffice()
    bad = tmp_path / "坏文件.docx"
    bad.write_text("not a document")
    with pytest.raises(ConversionError, match=r"坏文件\.docx: not a DOCX file"):
        convert_one(bad, tmp_path / "bad.pdf")


def test_missing_libreoffice_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISAL_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(ConversionError, match="no-soffice is not an executable file"):
        convert_many([tmp_path / "a.docx"], tmp_path / "out")


def test_a_converter_that_cannot_start_still_answers_for_each_document(tmp_path: Path) -> None:
    _require_soffice()
    docx = write_sample_docx(tmp_path / "a.docx")
    not_a_folder = tmp_path / "profiles"
    not_a_folder.write_text("a file where the profiles folder should be")
    (result,) = convert_many([docx], tmp_path / "out", profile_root=not_a_folder)
    assert result.pdf is None
    assert str(docx) in result.error and "not converted" in result.error
