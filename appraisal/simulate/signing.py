"""Simulated digital sign-off: a demo certificate authority, PAdES signing, and tampering.

The demo root is what staff would configure as a trust root; a real office uses its own CA (or
the one its e-seal provider runs). Keys derive from a seed, so the same seed gives the same keys.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from pyhanko.sign.signers import PdfSignatureMetadata

_NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_NOT_AFTER = dt.datetime(2045, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class DemoPKI:
    root_cert: Path  # configure this as a trust root
    signer_cert: Path
    signer_key: Path
    signer_name: str


def _key(seed: str) -> ec.EllipticCurvePrivateKey:
    secret = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big") >> 1
    return ec.derive_private_key(secret, ec.SECP256R1())


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(**on: bool) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{n: on.get(n, False) for n in names})


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def make_demo_pki(
    directory: Path,
    *,
    signer_name: str = "演示审核人",
    organisation: str = "演示市委统战部",
    seed: str = "appraisal-demo",
) -> DemoPKI:
    """A root CA and one signer certificate it issued, as PEM files in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    root_key, signer_key = _key(f"{seed}/root"), _key(f"{seed}/signer/{signer_name}")
    root_name = _name(f"{organisation} 演示根证书 demo root", organisation)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(1)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    serial = int.from_bytes(hashlib.sha256(signer_name.encode()).digest()[:8], "big") | 1 << 64
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, organisation))
        .issuer_name(root_name)
        .public_key(signer_key.public_key())
        .serial_number(serial)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = signer_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DemoPKI(
        root_cert=_write(directory / "demo-root.pem", root.public_bytes(pem)),
        signer_cert=_write(directory / "signer.pem", signer.public_bytes(pem)),
        signer_key=_write(directory / "signer-key.pem", key_pem),
        signer_name=signer_name,
    )


def digitally_sign(
    pdf: Path, out: Path, *, key: Path, cert: Path, signer_name: str, chain: Sequence[Path] = ()
) -> Path:
    """`pdf` signed as a PAdES baseline (B-B) signature, written to `out`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(
        str(key), str(cert), ca_chain_files=[str(c) for c in chain] or None
    )
    if signer is None:
        raise ValueError(f"cannot load the signing key {key} or certificate {cert}")
    with pdf.open("rb") as src, out.open("wb") as dst:
        writer = IncrementalPdfFileWriter(src, strict=False)
        field_name = f"Signature{len(writer.prev.embedded_signatures) + 1}"
        signers.sign_pdf(writer, _metadata(field_name, signer_name), signer, output=dst)
    return out


def _metadata(field_name: str, signer_name: str) -> "PdfSignatureMetadata":
    from pyhanko.sign import fields, signers

    return signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer_name,
        reason="审核签署 / signed off",
    )


def tamper(pdf: Path, out: Path, *, how: Literal["update", "flip"] = "update") -> Path:
    """A copy of a signed PDF altered after signing, as a forger would.

    "update" appends an incremental update that blacks out a line of the first page (the
    signature stays intact, the shown content changes); "flip" changes one byte inside the signed
    range, in the binary comment that viewers ignore, so the file still opens.
    """
    if how == "flip":
        data = bytearray(pdf.read_bytes())
        end = data.index(b"\n", data.index(b"%PDF-"))
        pos = end + 2 if data[end + 1 : end + 2] == b"%" else data.index(b"%PDF-") + 7
        data[pos] ^= 0x01
        out.write_bytes(bytes(data))
        return out
    from pypdf import PdfWriter

    writer = PdfWriter(pdf, incremental=True)
    page = writer.pages[0]
    contents = page.get_contents()
    if contents is None:
        raise ValueError(f"{pdf}: first page has no content to alter")
    box = page.mediabox
    bar = f"\nq 0 0 0 rg 72 {float(box.top) - 160:.0f} 300 20 re f Q\n".encode()
    contents.set_data(contents.get_data() + bar)
    page.replace_contents(contents)
    with out.open("wb") as f:
        writer.write(f)
    return out
