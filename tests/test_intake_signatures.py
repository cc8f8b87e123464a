"""Digitally signed returns: trusted, untrusted, altered after signing, signed twice."""

from pathlib import Path

import pytest
from intake_helpers import DOC_ID, generated_pdf

from appraisal.intake import MatchedBy, inspect_return
from appraisal.simulate import DemoPKI, digitally_sign, make_demo_pki, tamper

LIMIT = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("signed")
    pki = make_demo_pki(d / "pki", signer_name="张卫东")
    other = make_demo_pki(d / "other", seed="someone else")
    second = make_demo_pki(d / "second", signer_name="刘芳")  # same seed: issued by pki's root
    pdf = digitally_sign(
        generated_pdf(d), d / "signed.pdf", key=pki.signer_key, cert=pki.signer_cert,
        signer_name=pki.signer_name,
    )  # fmt: skip
    twice = digitally_sign(
        pdf, d / "twice.pdf", key=second.signer_key, cert=second.signer_cert,
        signer_name=second.signer_name,
    )  # fmt: skip
    return {
        "pdf": pdf,
        "twice": twice,
        "updated": tamper(pdf, d / "updated.pdf"),
        "flipped": tamper(pdf, d / "flipped.pdf", how="flip"),
        "root": pki.root_cert,
        "other_root": other.root_cert,
    }


def test_demo_pki_is_deterministic(tmp_path: Path) -> None:
    a: DemoPKI = make_demo_pki(tmp_path / "a")
    b: DemoPKI = make_demo_pki(tmp_path / "b")
    assert a.signer_key.read_bytes() == b.signer_key.read_bytes()
    assert b"BEGIN CERTIFICATE" in a.root_cert.read_bytes()
    assert (
        make_demo_pki(tmp_path / "c", seed="x").signer_key.read_bytes() != a.signer_key.read_bytes()
    )


def test_signed_pdf_with_its_root_is_valid_trusted_and_whole(signed: dict[str, Path]) -> None:
    got = inspect_return(signed["pdf"], max_bytes=LIMIT, trust_roots=[signed["root"]])
    assert got.ok and (got.document_id, got.matched_by) == (DOC_ID, MatchedBy.TEXT)
    sig = got.signature
    assert (sig.signed, sig.valid, sig.trusted, sig.covers_whole_file) == (True, True, True, True)
    assert not sig.modified_after_signing
    assert sig.signer == "张卫东" and len(sig.signatures) == 1
    assert sig.signatures[0].signed_at.startswith("20")
    assert "valid, trusted" in sig.summary
    assert got.warnings == ()


def test_signed_pdf_under_another_root_is_intact_but_untrusted(signed: dict[str, Path]) -> None:
    got = inspect_return(signed["pdf"], max_bytes=LIMIT, trust_roots=[signed["other_root"]])
    sig = got.signature
    assert sig.valid and not sig.trusted and sig.covers_whole_file
    assert "does not chain to a configured trust root" in sig.summary
    assert got.warnings == (sig.summary,)


def test_without_trust_roots_a_signature_is_untrusted_and_says_why(signed: dict[str, Path]) -> None:
    sig = inspect_return(signed["pdf"], max_bytes=LIMIT).signature
    assert sig.valid and not sig.trusted
    assert "no trust roots are configured" in sig.summary


def test_content_added_after_signing_is_flagged(signed: dict[str, Path]) -> None:
    got = inspect_return(signed["updated"], max_bytes=LIMIT, trust_roots=[signed["root"]])
    assert got.ok  # flagged for staff, not quarantined: the file itself is fine to keep
    sig = got.signature
    assert sig.modified_after_signing and not sig.covers_whole_file
    assert "modified after signing" in sig.summary
    assert sig.summary in got.warnings


def test_bytes_changed_inside_the_signed_range_are_flagged(signed: dict[str, Path]) -> None:
    got = inspect_return(signed["flipped"], max_bytes=LIMIT, trust_roots=[signed["root"]])
    sig = got.signature
    assert got.document_id == DOC_ID  # the file still opens
    assert sig.signed and not sig.valid and sig.modified_after_signing
    assert not sig.signatures[0].intact
    assert "altered after signing" in sig.summary


def test_two_signatures_are_each_reported(signed: dict[str, Path]) -> None:
    got = inspect_return(signed["twice"], max_bytes=LIMIT, trust_roots=[signed["root"]])
    sig = got.signature
    first, second = sig.signatures
    assert (first.signer, second.signer) == ("张卫东", "刘芳")
    assert sig.signer == "张卫东, 刘芳"
    # The second signature extends the first file; that is not an alteration.
    assert not first.covers_whole_file and not first.modified_after_signing
    assert second.covers_whole_file
    assert sig.valid and sig.trusted and sig.covers_whole_file and not sig.modified_after_signing
