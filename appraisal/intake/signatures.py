"""Validate the digital signatures embedded in a returned PDF with pyHanko.

Trust comes only from the trust roots staff configure: with none configured a signature can
still be intact (nobody changed the signed bytes) but is never "trusted", and we say so. Nothing
is fetched from the network (there is none, and a hostile file could point anywhere).
"""

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import TrustRootList

from appraisal.intake.inspection import UNSIGNED, SignatureCheck, SignatureInfo

# Later signatures and archival timestamps legitimately extend an earlier signed revision.
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


def _signer_name(status: PdfSignatureStatus) -> str:
    subject = status.signing_cert.subject.native
    return str(subject.get("common_name") or status.signing_cert.subject.human_friendly)


def _summary(check: SignatureCheck, roots_configured: bool) -> str:
    who = check.signer or check.field_name
    if not check.intact:
        return (
            f"签名后文件被篡改：{who} 签署的内容已被改动，请勿接收此文件，请索要原件 / "
            f"altered after signing: the bytes signed by {who} were changed; "
            "do not accept this file, ask for the original"
        )
    if not check.valid:
        return (
            f"签名无效：{who} 的签名验证不通过 / "
            f"invalid signature by {who}: the signature does not verify"
        )
    if check.modified_after_signing:
        return (
            f"签名后文件被修改：{who} 签署后又加入了内容，所见并非签署的版本，请索要原件 / "
            f"modified after signing: content was added after {who} signed; "
            "the signed version is not what is shown, ask for the original"
        )
    coverage = (
        ("签名覆盖整个文件", "covers the whole file")
        if check.covers_whole_file
        else ("此后文件又追加了签名", "was extended by later signatures")
    )
    if not check.trusted:
        why = (
            (
                "证书不能追溯到已配置的信任根",
                "the certificate does not chain to a configured trust root",
            )
            if roots_configured
            else ("未配置信任根，无从核验证书", "no trust roots are configured")
        )
        return (
            f"签名完整但不受信任：{who} 的签名，{why[0]}；{coverage[0]} / "
            f"intact but untrusted signature by {who} ({why[1]}); {coverage[1]}"
        )
    return (
        f"签名有效且可信：{who} 的签名；{coverage[0]} / "
        f"valid, trusted signature by {who}; {coverage[1]}"
    )


def _check(
    sig: EmbeddedPdfSignature, roots: TrustRootList, roots_configured: bool
) -> SignatureCheck:
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:  # malformed signature objects raise all kinds of things
        check = SignatureCheck(
            field_name=str(sig.field_name), signer="", signed_at="", intact=False, valid=False,
            trusted=False, covers_whole_file=False, modified_after_signing=False, summary="",
        )  # fmt: skip
        return _with_summary(
            check,
            f"签名无法验证（验证时出错） / signature cannot be checked: {exc}"[:300],
        )
    level = status.modification_level
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not status.intact or (
        not whole
        and (
            status.coverage != SignatureCoverageLevel.ENTIRE_REVISION
            or level not in _HARMLESS
            or not status.docmdp_ok
        )
    )
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    check = SignatureCheck(
        field_name=str(sig.field_name),
        signer=_signer_name(status),
        signed_at=signed_at,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=whole,
        modified_after_signing=modified,
        summary="",
    )
    return _with_summary(check, _summary(check, roots_configured))


def _with_summary(check: SignatureCheck, summary: str) -> SignatureCheck:
    return SignatureCheck(**{**check.__dict__, "summary": summary})


@contextmanager
def _pyhanko_quiet() -> Iterator[None]:
    """pyHanko logs every certificate it cannot chain to a root as a warning with a traceback;
    the verdict is in our summary already, in one line."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def check_signatures(data: bytes, trust_roots: Sequence[Path] = ()) -> SignatureInfo:
    """Each embedded signature of the PDF in `data`, and the overall verdict."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    sigs = reader.embedded_regular_signatures
    if not sigs:
        return UNSIGNED
    roots = [load_cert_from_pemder(str(p)) for p in trust_roots]
    with _pyhanko_quiet():
        checks = tuple(_check(sig, roots, bool(trust_roots)) for sig in sigs)
    bad = [c for c in checks if not (c.valid and c.trusted) or c.modified_after_signing]
    summary = "; ".join(c.summary for c in (bad or checks[-1:]))
    return SignatureInfo(
        signed=True,
        signer=", ".join(dict.fromkeys(c.signer for c in checks if c.signer)),
        valid=all(c.valid for c in checks),
        trusted=all(c.trusted for c in checks),
        covers_whole_file=checks[-1].covers_whole_file,
        modified_after_signing=any(c.modified_after_signing for c in checks),
        summary=summary,
        signatures=checks,
    )
