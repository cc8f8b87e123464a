"""Intake of one returned file: how it is matched, and every reason it goes to quarantine."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from intake_helpers import DOC_ID, OTHER_ID, blank_scan, generated_pdf, operator_bomb, raw_pdf
from PIL import Image
from pypdf import PdfReader, PdfWriter

from appraisal.files import sha256_file
from appraisal.intake import (
    Inspection,
    Marks,
    MatchedBy,
    Problem,
    choose_id,
    inspect_return,
    unsigned,
)
from appraisal.intake.qr import find_qr_ids
from appraisal.simulate import digitally_sign, eseal_return, make_demo_pki, scan_return

LIMIT = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("intake")
    generated = generated_pdf(d)
    scan = scan_return(
        generated, d / "scan-0001.pdf", seed=11, signer_name="李明", stamp_text="某某市委组织部"
    )
    return {"generated": generated, "scan": scan}


def test_text_layer_pdf_is_matched_by_its_text(files: dict[str, Path]) -> None:
    got = inspect_return(files["generated"], max_bytes=LIMIT)
    assert got.ok, got.reason
    assert (got.document_id, got.matched_by, got.pages) == (DOC_ID, MatchedBy.TEXT, 2)
    assert got.text_ids == (DOC_ID,)
    assert got.qr_ids == ()  # a text-layer ID spares the rasterizing
    assert got.cycle_id == 7
    assert not got.signature.signed and got.warnings == ()


def test_scan_without_text_layer_is_matched_by_qr_code(files: dict[str, Path]) -> None:
    got = inspect_return(files["scan"], max_bytes=LIMIT)
    assert got.ok, got.reason
    assert (got.document_id, got.matched_by) == (DOC_ID, MatchedBy.QR)
    assert got.text_ids == () and got.qr_ids == (DOC_ID,)
    assert got.pages == 2


def test_scan_return_has_no_text_layer_and_a_legible_qr_code(files: dict[str, Path]) -> None:
    reader = PdfReader(files["scan"])
    assert len(reader.pages) == 2
    assert all(not (page.extract_text() or "").strip() for page in reader.pages)
    assert find_qr_ids(files["scan"], 2) == (DOC_ID,)


def test_file_name_is_the_last_resort(tmp_path: Path) -> None:
    # Hyphens replaced and lower case, as people type file names.
    name = DOC_ID.replace("-", "_").lower() + " 回执.pdf"
    got = inspect_return(blank_scan(tmp_path / name), max_bytes=LIMIT)
    assert got.ok, got.reason
    assert (got.document_id, got.matched_by) == (DOC_ID, MatchedBy.FILENAME)


def test_disagreeing_sources_prefer_the_text_and_say_so(
    files: dict[str, Path], tmp_path: Path
) -> None:
    renamed = shutil.copy(files["generated"], tmp_path / f"{OTHER_ID}.pdf")
    got = inspect_return(Path(renamed), max_bytes=LIMIT)
    assert (got.document_id, got.matched_by) == (DOC_ID, MatchedBy.TEXT)
    assert got.filename_id == OTHER_ID
    assert DOC_ID in got.id_conflict and OTHER_ID in got.id_conflict
    assert got.warnings == (got.id_conflict,)


def test_choose_id_order_and_conflicts() -> None:
    assert choose_id((), (), None) == (None, None, "")
    assert choose_id((), (DOC_ID,), DOC_ID) == (DOC_ID, MatchedBy.QR, "")
    doc_id, how, conflict = choose_id((), (OTHER_ID, DOC_ID), None)
    assert (doc_id, how) == (OTHER_ID, MatchedBy.QR) and "disagree" in conflict


def test_same_file_twice_has_the_same_checksum(files: dict[str, Path], tmp_path: Path) -> None:
    copy = Path(shutil.copy(files["scan"], tmp_path / "again.pdf"))
    first, second = (inspect_return(p, max_bytes=LIMIT) for p in (files["scan"], copy))
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    other = inspect_return(files["generated"], max_bytes=LIMIT)
    assert other.sha256 != first.sha256


# Quarantine: each reason, naming the file, in words a person can act on.


def test_png_renamed_to_pdf_is_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / f"{DOC_ID}.pdf"
    Image.new("L", (50, 50), 255).save(fake, "PNG")
    got = inspect_return(fake, max_bytes=LIMIT)
    assert got.problem is Problem.NOT_PDF
    assert got.reason.startswith("不是PDF文件 / not a PDF") and fake.name in got.reason
    assert "PNG image" in got.reason
    assert got.filename_id == DOC_ID and got.document_id is None and got.sha256


def test_encrypted_pdf_is_quarantined(files: dict[str, Path], tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=files["generated"])
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    got = inspect_return(locked, max_bytes=LIMIT)
    assert got.problem is Problem.ENCRYPTED
    assert "locked.pdf" in got.reason and "password" in got.reason


def test_truncated_pdf_is_unreadable(files: dict[str, Path], tmp_path: Path) -> None:
    data = files["generated"].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    got = inspect_return(cut, max_bytes=LIMIT)
    assert got.problem is Problem.UNREADABLE
    assert "cut.pdf" in got.reason and "truncated or damaged" in got.reason


def test_damaged_pdf_with_an_end_marker_is_unreadable(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 500 + b"\n%%EOF\n")
    got = inspect_return(damaged, max_bytes=LIMIT)
    assert got.problem is Problem.UNREADABLE and "damaged.pdf" in got.reason


def test_file_over_the_limit_is_refused_before_reading(files: dict[str, Path]) -> None:
    got = inspect_return(files["generated"], max_bytes=1000)
    assert got.problem is Problem.TOO_LARGE
    assert got.sha256 == "" and got.pages == 0
    assert "文件过大" in got.reason and re.search(r"is \d+ KB, the limit is 1 KB", got.reason)


def test_pdf_without_any_id_asks_for_a_legible_qr_code(tmp_path: Path) -> None:
    got = inspect_return(blank_scan(tmp_path / "scan0042.pdf", pages=2), max_bytes=LIMIT)
    assert got.problem is Problem.NO_ID
    assert got.pages == 2
    assert got.reason.startswith("未找到文档编号 / no document ID found in scan0042.pdf")
    assert "QR code" in got.reason and "file name" in got.reason


def test_pdf_without_pages_is_unreadable(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(
        raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    )
    got = inspect_return(empty, max_bytes=LIMIT)
    assert got.problem is Problem.UNREADABLE and "no pages" in got.reason


def test_hostile_pdf_is_stopped_by_the_time_bound(files: dict[str, Path], tmp_path: Path) -> None:
    bomb = operator_bomb(tmp_path / "bomb.pdf")
    started = time.monotonic()
    got = inspect_return(bomb, max_bytes=LIMIT, timeout_s=2, memory_mb=1024)
    elapsed = time.monotonic() - started
    assert got.problem is Problem.TIMEOUT
    assert elapsed < 5
    assert "处理超时" in got.reason and "bomb.pdf" in got.reason and "2 s" in got.reason
    # The caller lives on and the next file of the batch is read as usual.
    assert inspect_return(files["generated"], max_bytes=LIMIT).document_id == DOC_ID


def test_hostile_pdf_is_stopped_by_the_memory_bound(files: dict[str, Path], tmp_path: Path) -> None:
    # The same bound is ample for a real return, so it is the bomb that breaks it.
    assert inspect_return(files["scan"], max_bytes=LIMIT, memory_mb=160).ok
    bomb = operator_bomb(tmp_path / "bomb.pdf")
    started = time.monotonic()
    got = inspect_return(bomb, max_bytes=LIMIT, timeout_s=30, memory_mb=160)
    assert got.problem is Problem.TOO_COMPLEX
    assert time.monotonic() - started < 30
    assert "160 MB" in got.reason and "bomb.pdf" in got.reason


def test_the_reading_process_imports_no_tables(files: dict[str, Path]) -> None:
    # Intake starts this process once or twice a returned file; SQLModel and our tables would
    # cost it 0.4 s each time, more than reading a form.
    code = (
        "import runpy, sys; runpy.run_module('appraisal.intake.worker', run_name='__main__'); "
        "print([m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules], file=sys.stderr)"
    )
    fd = os.open(files["generated"], os.O_RDONLY)
    try:
        request = {"fd": fd, "memory_mb": 512, "cpu_s": 20, "trust_roots": [], "original": ""}
        done = subprocess.run(
            [sys.executable, "-c", code], input=json.dumps(request), pass_fds=(fd,),
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    finally:
        os.close(fd)
    assert json.loads(done.stdout)["text_ids"] == [DOC_ID]
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_missing_trust_root_is_a_configuration_error(
    files: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="trust root"):
        inspect_return(files["generated"], max_bytes=LIMIT, trust_roots=[tmp_path / "no.pem"])


def test_a_link_is_never_followed(files: dict[str, Path], tmp_path: Path) -> None:
    # A link swapped in after the folder was listed: refused by name, its target never read.
    link = tmp_path / f"{DOC_ID}.pdf"
    link.symlink_to(files["generated"])
    got = inspect_return(link, max_bytes=LIMIT)
    assert got.problem is Problem.NOT_REGULAR and got.sha256 == "" and got.pages == 0
    assert f"symbolic link (to {files['generated']}), not followed" in got.reason


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    found: list = []
    reader = threading.Thread(
        target=lambda: found.append(inspect_return(fifo, max_bytes=LIMIT)), daemon=True
    )
    reader.start()
    reader.join(10)
    if reader.is_alive():  # release the reader that waits for a writer, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("inspect_return waited on a FIFO")
    assert found[0].problem is Problem.NOT_REGULAR and "a FIFO" in found[0].reason


def test_a_file_gone_since_listing_is_said_so(tmp_path: Path) -> None:
    got = inspect_return(tmp_path / "moved away.pdf", max_bytes=LIMIT)
    assert got.problem is Problem.GONE
    assert "moved away.pdf was moved or deleted" in got.reason


def test_a_name_with_control_characters_is_escaped_in_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "a\nb\x1b[2J.pdf"
    path.write_bytes(b"not a pdf")
    got = inspect_return(path, max_bytes=LIMIT)
    assert got.problem is Problem.NOT_PDF
    assert "a\\nb\\x1b[2J.pdf" in got.reason and "\n" not in got.reason


# Unsigned copies: a born-digital return without a digital signature is compared with the
# generated PDF; scans and signed files are not.


def _reprinted(pdf: Path, out: Path) -> Path:
    """The same pages written anew by another program, as "print to PDF" does."""
    subprocess.run(["pdftocairo", "-pdf", str(pdf), str(out)], check=True)
    return out


def _compared(path: Path, original: Path) -> Inspection:
    return inspect_return(path, max_bytes=LIMIT, original_of=lambda _id: original)


def test_the_generated_file_or_its_pages_unchanged_are_not_a_signed_return(
    files: dict[str, Path], tmp_path: Path
) -> None:
    generated = files["generated"]
    same = _compared(generated, generated)
    assert same.text_layer and same.marks is Marks.SAME_PAGES
    refused = unsigned(same, sha256_file(generated))
    assert refused is not None and not refused.hold
    assert "未签字盖章 / not signed" in refused.reason and DOC_ID in refused.reason
    assert "sign and stamp" in refused.reason and generated.name in refused.reason

    resaved = tmp_path / "resaved.pdf"
    PdfWriter(clone_from=PdfReader(generated)).write(resaved)
    again = _compared(resaved, generated)
    assert again.sha256 != same.sha256 and again.marks is Marks.SAME_PAGES
    verdict = unsigned(again, sha256_file(generated))
    assert verdict is not None and not verdict.hold and "every page" in verdict.reason


def test_pages_written_anew_without_ink_are_held_and_a_seal_counts(
    files: dict[str, Path], tmp_path: Path
) -> None:
    generated = files["generated"]
    reprinted = _compared(_reprinted(generated, tmp_path / "printed.pdf"), generated)
    assert reprinted.marks is Marks.NO_INK, reprinted.marks_detail
    held = unsigned(reprinted, sha256_file(generated))
    assert held is not None and held.hold and "held for staff review" in held.reason

    sealed = eseal_return(generated, tmp_path / "sealed.pdf", seed=3, seal_text="某某市委组织部")
    stamped = _compared(sealed, generated)
    assert stamped.marks is Marks.ADDED and "pixels of added ink" in stamped.marks_detail
    assert unsigned(stamped, sha256_file(generated)) is None


def test_scans_and_digitally_signed_files_are_not_compared(
    files: dict[str, Path], tmp_path: Path
) -> None:
    generated = files["generated"]
    scan = _compared(files["scan"], generated)
    assert not scan.text_layer and scan.marks is None
    assert unsigned(scan, sha256_file(generated)) is None
    pki = make_demo_pki(tmp_path / "pki")
    signed = digitally_sign(generated, tmp_path / "signed.pdf", key=pki.signer_key,
                            cert=pki.signer_cert, signer_name=pki.signer_name)  # fmt: skip
    got = _compared(signed, generated)
    assert got.signature.signed and got.marks is None
    assert unsigned(got, sha256_file(generated)) is None
