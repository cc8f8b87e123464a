"""Returned files recorded against real generated documents: every outcome, in the database."""

import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.files import sha256_file
from appraisal.gates import cycle_progress
from appraisal.identity import document_id
from appraisal.settings import get_settings
from appraisal.simulate import digitally_sign, make_demo_pki, scan_return, tamper
from appraisal.store.signoffs import waive
from models import IntakeEvent, SignOff
from models.vocab import SignOffMethod, Stage
from tests.cycle_helpers import TODAY, documents, import_pool, start
from tests.intake_helpers import blank_scan

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def nominated(
    app_env: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list, Path]:
    if shutil.which("soffice") is None and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    from flows.stages import nomination

    pki = make_demo_pki(tmp_path / "pki")
    monkeypatch.setenv("APPRAISAL_TRUST_ROOTS", str(pki.root_cert))
    get_settings.cache_clear()
    import_pool(tmp_path / "data", people=5)
    cycle_id = start()
    nomination(cycle_id, TODAY)
    return cycle_id, documents(cycle_id, Stage.NOMINATION), pki


def _encrypted(src: Path, out: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt("secret")
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_every_return_ends_in_exactly_one_place(nominated: tuple, tmp_path: Path) -> None:
    from flows.intake import intake_returns

    cycle_id, docs, pki = nominated
    pdfs = [Path(d.pdf_path) for d in docs]
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(pdfs[0], drop / "a-text-layer.pdf")
    scan_return(pdfs[1], drop / "b-scan.pdf", seed=1, signer_name="审核人", stamp_text="某单位")
    signed = digitally_sign(
        pdfs[2], tmp_path / "c.pdf", key=pki.signer_key, cert=pki.signer_cert, signer_name="审核人"
    )
    shutil.copy(signed, drop / "c-signed.pdf")
    tamper(signed, drop / "d-tampered.pdf")
    (drop / "e-photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n not really a pdf")
    _encrypted(pdfs[4], drop / "f-encrypted.pdf")
    blank_scan(drop / "g-no-id.pdf")
    other = document_id(cycle_id=cycle_id + 50, stage=Stage.NOMINATION, template_id="x",
                        person_code="P1", recipient="r")  # fmt: skip
    blank_scan(drop / f"{other}.pdf")
    (drop / "i-cut-off.pdf").write_bytes(pdfs[3].read_bytes()[: pdfs[3].stat().st_size // 2])

    outcomes = {o.file_name: o for o in intake_returns(cycle_id, drop)}
    assert not list(drop.iterdir())
    got = {name: (o.outcome, o.document_id) for name, o in outcomes.items()}
    assert got["a-text-layer.pdf"] == ("recorded", docs[0].id)
    assert got["b-scan.pdf"] == ("recorded", docs[1].id)
    assert got["c-signed.pdf"] == ("recorded", docs[2].id)
    assert got["d-tampered.pdf"] == ("recorded", docs[2].id)  # kept, as version 2
    with session_scope() as session:
        events = {e.file_name: e for e in session.exec(select(IntakeEvent))}
        signoffs = {
            s.document_id: s for s in session.exec(select(SignOff).order_by(SignOff.version))
        }
    problems = {
        name: events[name].problem for name in events if events[name].outcome == "quarantined"
    }
    assert problems == {
        "e-photo.pdf": "not_pdf",
        "f-encrypted.pdf": "encrypted",
        "g-no-id.pdf": "no_id",
        f"{other}.pdf": "other_cycle",
        "i-cut-off.pdf": "unreadable",
    }
    for name in problems:  # kept, with a reason a person can act on
        assert Path(events[name].stored_path).is_file() and events[name].reason
    assert signoffs[docs[0].id].matched_by == "text"
    assert (
        signoffs[docs[1].id].matched_by == "qr"
        and signoffs[docs[1].id].method == SignOffMethod.SCAN
    )
    first_signed = [s for s in _signoffs(docs[2].id)]
    assert first_signed[0].method == SignOffMethod.DIGITAL and first_signed[0].signature_valid
    assert first_signed[0].signature_covers_file
    assert first_signed[-1].signature_valid is False  # the tampered copy came in after it

    # The tampered return is kept but does not satisfy the gate on its own; here the valid
    # first return does. Document 3 (only a cut-off file) and 4 (encrypted) are still owed.
    with session_scope() as session:
        owed = {
            o.document_id
            for o in cycle_progress(session, cycle_id, TODAY)[Stage.NOMINATION].outstanding
        }
    assert owed == {docs[3].id, docs[4].id}

    # The same file twice is recorded once; a different return is a new version, never a
    # replacement: the first file stays byte for byte.
    v1 = _signoffs(docs[0].id)[0]
    v1_sha = sha256_file(Path(v1.file_path))
    shutil.copy(pdfs[0], drop / "a-again.pdf")
    scan_return(pdfs[0], drop / "a-rescan.pdf", seed=2, signer_name="审核人", stamp_text="某单位")
    again = {o.file_name: o for o in intake_returns(cycle_id, drop)}
    assert again["a-again.pdf"].outcome == "duplicate"
    assert again["a-rescan.pdf"].outcome == "recorded" and again["a-rescan.pdf"].version == 2
    versions = _signoffs(docs[0].id)
    assert [s.version for s in versions] == [1, 2]
    assert sha256_file(Path(v1.file_path)) == v1_sha == v1.sha256

    with session_scope() as session:
        for d in docs[3:]:
            waive(session, document_id=d.id, reason="原件已当面交回，见登记簿", actor="test")
        assert cycle_progress(session, cycle_id, TODAY)[Stage.NOMINATION].gate_open


def _signoffs(doc_id: str) -> list[SignOff]:
    with session_scope() as session:
        query = select(SignOff).where(SignOff.document_id == doc_id).order_by(SignOff.version)
        return list(session.exec(query))


def test_a_file_over_the_limit_is_quarantined_unread(
    nominated: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.intake import intake_returns

    cycle_id, docs, _ = nominated
    monkeypatch.setenv("APPRAISAL_MAX_RETURN_BYTES", "1000")
    get_settings.cache_clear()
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(docs[0].pdf_path, drop / "big.pdf")
    (outcome,) = intake_returns(cycle_id, drop)
    assert outcome.outcome == "quarantined"
    assert "too large" in outcome.message and "limit is 1 KB" in outcome.message
