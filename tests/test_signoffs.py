"""Returned files recorded against real generated documents: every outcome, in the database."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.files import sha256_file
from appraisal.identity import document_id
from appraisal.models import AuditEntry, IntakeEvent, SignOff
from appraisal.models.vocab import SignOffMethod, Stage
from appraisal.paths import located
from appraisal.settings import get_settings
from appraisal.simulate import digitally_sign, eseal_return, make_demo_pki, scan_return, tamper
from appraisal.store.progress import cycle_progress
from appraisal.store.signoffs import waive
from tests.cycle_helpers import TODAY, documents, import_pool, start
from tests.intake_helpers import blank_scan

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def nominated(
    app_env: Path, prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list, Path]:
    if shutil.which("soffice") is None and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it")
    from appraisal.flows.stages import nomination

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
    from appraisal.flows.intake import intake_returns

    cycle_id, docs, pki = nominated
    pdfs = [located(d.pdf_path) for d in docs]
    drop = tmp_path / "drop"
    drop.mkdir()
    sealed = eseal_return(pdfs[0], tmp_path / "a.pdf", seed=1, seal_text="某单位")
    shutil.copy(sealed, drop / "a-text-layer.pdf")
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
        assert located(events[name].stored_path).is_file() and events[name].reason
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
    v1_sha = sha256_file(located(v1.file_path))
    shutil.copy(sealed, drop / "a-again.pdf")
    scan_return(pdfs[0], drop / "a-rescan.pdf", seed=2, signer_name="审核人", stamp_text="某单位")
    again = {o.file_name: o for o in intake_returns(cycle_id, drop)}
    assert again["a-again.pdf"].outcome == "duplicate"
    assert again["a-rescan.pdf"].outcome == "recorded" and again["a-rescan.pdf"].version == 2
    versions = _signoffs(docs[0].id)
    assert [s.version for s in versions] == [1, 2]
    assert sha256_file(located(v1.file_path)) == v1_sha == v1.sha256

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
    from appraisal.flows.intake import intake_returns

    cycle_id, docs, _ = nominated
    monkeypatch.setenv("APPRAISAL_MAX_RETURN_BYTES", "1000")
    get_settings.cache_clear()
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(located(docs[0].pdf_path), drop / "big.pdf")
    (outcome,) = intake_returns(cycle_id, drop)
    assert outcome.outcome == "quarantined"
    assert "too large" in outcome.message and "limit is 1 KB" in outcome.message


def test_unsigned_copies_are_refused_and_unmarked_ones_held_for_staff(
    nominated: tuple, tmp_path: Path
) -> None:
    from appraisal.flows.intake import intake_returns

    cycle_id, docs, _ = nominated
    pdfs = [located(d.pdf_path) for d in docs]
    outbox = next((located(docs[1].pdf_path).parents[2] / "outbox").rglob(f"{docs[1].id}.pdf"))
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(pdfs[0], drop / "downloaded.pdf")  # as downloaded from the inbox
    shutil.copy(outbox, drop / "from-outbox.pdf")
    PdfWriter(clone_from=PdfReader(pdfs[2])).write(drop / "saved-again.pdf")
    for n in (3, 4):  # "printed to PDF": the same pages written anew, nothing added
        printed = tmp_path / f"printed-{n}.pdf"
        subprocess.run(["pdftocairo", "-pdf", str(pdfs[n]), str(printed)], check=True)
        shutil.copy(printed, drop / printed.name)
    outcomes = {o.file_name: o for o in intake_returns(cycle_id, drop)}
    assert not list(drop.iterdir())

    for name, doc in [("downloaded.pdf", docs[0]), ("from-outbox.pdf", docs[1]),
                      ("saved-again.pdf", docs[2])]:  # fmt: skip
        o = outcomes[name]
        assert (o.outcome, o.document_id) == ("quarantined", doc.id), o
        assert "not signed" in o.message and "sign and stamp" in o.message and name in o.message
    for n in (3, 4):
        o = outcomes[f"printed-{n}.pdf"]
        assert (o.outcome, o.document_id) == ("held", docs[n].id), o
        assert "held for staff review" in o.message
    with session_scope() as session:
        assert session.exec(select(SignOff)).all() == []
        events = {e.file_name: e for e in session.exec(select(IntakeEvent))}
        owed = {
            o.document_id: o.missing
            for o in cycle_progress(session, cycle_id, TODAY)[Stage.NOMINATION].outstanding
        }
    assert {events[n].problem for n in ("downloaded.pdf", "from-outbox.pdf")} == {"unsigned"}
    held = {n: events[f"printed-{n}.pdf"] for n in (3, 4)}
    assert all(located(e.stored_path).parent.name == "held" for e in held.values())
    assert "held for staff review" in owed[docs[3].id]
    assert "held" not in owed[docs[0].id]

    # The same file again is noted as waiting, not held twice.
    shutil.copy(tmp_path / "printed-3.pdf", drop / "again.pdf")
    (again,) = intake_returns(cycle_id, drop)
    assert again.outcome == "duplicate" and f"#{held[3].id}" in again.message

    # Staff look at them: one counts as signed, the other goes to quarantine; both audited.
    cli = CliRunner()
    listed = cli.invoke(app, ["signoff", "held", str(cycle_id)])
    assert listed.exit_code == 0 and f"{held[3].id}" in listed.output
    assert docs[3].id in listed.output and docs[4].id in listed.output
    no_reason = cli.invoke(app, ["signoff", "accept", str(cycle_id), str(held[3].id)])
    assert no_reason.exit_code != 0
    accepted = cli.invoke(
        app, ["signoff", "accept", str(cycle_id), str(held[3].id), "--reason", "电子签章在第2页"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert f"recorded as {docs[3].id} v1" in accepted.output
    rejected = cli.invoke(
        app, ["signoff", "reject", str(cycle_id), str(held[4].id), "--reason", "未签字盖章"]
    )
    assert rejected.exit_code == 0, rejected.output
    twice = cli.invoke(app, ["signoff", "reject", str(cycle_id), str(held[4].id), "--reason", "x"])
    assert twice.exit_code != 0 and "no return" in twice.output
    (v1,) = _signoffs(docs[3].id)
    assert sha256_file(located(v1.file_path)) == v1.sha256 == held[3].sha256
    assert located(v1.file_path).name == "v1.pdf"
    with session_scope() as session:
        decided = {e.id: e for e in session.exec(select(IntakeEvent))}
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "intake")).all()
        owed = {
            o.document_id
            for o in cycle_progress(session, cycle_id, TODAY)[Stage.NOMINATION].outstanding
        }
    assert decided[held[3].id].outcome == "accepted"
    assert decided[held[4].id].outcome == "quarantined"
    assert located(decided[held[4].id].stored_path).parent.name == "quarantine"
    assert {(a.entity_key, a.after, a.reason) for a in audit} == {
        (f"#{held[3].id}", "accepted", "电子签章在第2页"),
        (f"#{held[4].id}", "quarantined", "未签字盖章"),
    }
    assert docs[3].id not in owed and docs[4].id in owed
    held_folder = located(held[3].stored_path).parent
    assert not any(held_folder.iterdir())  # each file now lives in one place
