"""Small checks of a PDF through poppler (pdffonts, pdftotext) and pypdf (pages, PDF/A claim)."""

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from defusedxml import ElementTree
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject

_PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
_TIMEOUT = 60
_RASTER_TIMEOUT = 300  # drawing every page of a long document takes longer


class PdfInfoError(RuntimeError):
    """A PDF could not be inspected; the message names the file."""


@dataclass(frozen=True)
class FontInfo:
    """One font of a PDF as pdffonts lists it. `name` drops the subset prefix (ABCDEF+)."""

    name: str
    type: str
    embedded: bool
    subset: bool


def _poppler(args: list[str], path: Path) -> str:
    try:
        done = subprocess.run(
            [*args, str(path)] + (["-"] if args[0] == "pdftotext" else []),
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise PdfInfoError(f"{args[0]} is not installed (Debian package poppler-utils)") from exc
    except subprocess.TimeoutExpired as exc:
        raise PdfInfoError(f"{path}: {args[0]} took longer than {_TIMEOUT} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise PdfInfoError(f"{path}: {args[0]} failed: {message}")
    return done.stdout.decode("utf-8", errors="replace")


def page_images(path: Path, folder: Path, dpi: int, *, gray: bool = False) -> list[Path]:
    """Every page of the PDF as an image in `folder`, in page order: PNG, or PGM when `gray`."""
    kind = ["-gray"] if gray else ["-png"]
    try:
        subprocess.run(
            ["pdftoppm", "-q", *kind, "-r", str(dpi), str(path), str(folder / path.stem)],
            capture_output=True,
            timeout=_RASTER_TIMEOUT,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfInfoError(f"{path}: pdftoppm could not draw its pages: {exc}") from exc
    suffix = "pgm" if gray else "png"
    found = folder.glob(f"{path.stem}-*.{suffix}")
    return sorted(found, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_fonts(path: Path) -> list[FontInfo]:
    """Every font of the PDF: name, type and whether it is embedded (pdffonts)."""
    lines = _poppler(["pdffonts"], path).splitlines()
    fonts = []
    for line in lines[2:]:  # a header line and a line of dashes
        # Columns from the right: emb sub uni object-number generation; the type may
        # contain spaces ("Type 1", "CID TrueType"), the encoding never does.
        m = re.match(
            r"^(?P<name>\S+)\s+(?P<type>.+?)\s+(?P<enc>\S+)\s+(?P<emb>yes|no)\s+(?P<sub>yes|no)"
            r"\s+(?P<uni>yes|no)\s+\d+\s+\d+\s*$",
            line,
        )
        if not m:
            raise PdfInfoError(f"{path}: unexpected pdffonts line: {line!r}")
        name = m["name"].split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", m["name"]) else m["name"]
        fonts.append(FontInfo(name, m["type"], m["emb"] == "yes", m["sub"] == "yes"))
    return fonts


def pdf_text(path: Path) -> str:
    """The text of the PDF with its layout kept (pdftotext -layout)."""
    return _poppler(["pdftotext", "-layout", "-enc", "UTF-8"], path)


def read_fast(data: bytes) -> PdfReader:
    """A reader of `data` whose cross-reference table is read strictly first: a lenient read
    looks at the header of every object the table lists (some 250 a LibreOffice form), a sixth
    of the time a form took to split. A table found wanting, or any other failure of the strict
    read, and it is read the lenient way, as any PDF from elsewhere may need. Objects are then
    parsed leniently either way."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
    except MemoryError:
        raise
    except Exception:  # the lenient read below says what is wrong, if anything is
        reader = PdfReader(io.BytesIO(data), strict=False)
    reader.strict = False
    return reader


def _reader(path: Path) -> PdfReader:
    try:
        return PdfReader(path)
    except (OSError, PdfReadError, ValueError) as exc:
        raise PdfInfoError(f"{path}: not a readable PDF: {exc}") from exc


def pdf_pages(path: Path) -> int:
    """Number of pages."""
    return len(_reader(path).pages)


def pdfa_claim(path: Path) -> tuple[int, str] | None:
    """The PDF/A part and conformance the XMP metadata claims, e.g. (2, "B"); None if none.

    A claim, not a validation: it says what the producer meant to write.
    """
    return pdfa_claim_of(_reader(path), str(path))


def pdfa_claim_of(reader: PdfReader, name: str) -> tuple[int, str] | None:
    """`pdfa_claim` of a PDF already open; `name` names it in errors."""
    try:
        # The trailer's /Root is the document catalog, a dictionary; pypdf types entries loosely.
        metadata = cast(DictionaryObject, reader.trailer["/Root"]).get("/Metadata")
        if metadata is None:
            return None
        xml = metadata.get_object().get_data()
    except (PdfReadError, KeyError, ValueError) as exc:
        raise PdfInfoError(f"{name}: unreadable XMP metadata: {exc}") from exc
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise PdfInfoError(f"{name}: XMP metadata is not valid XML: {exc}") from exc
    for desc in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        # XMP allows both <pdfaid:part>2</pdfaid:part> and pdfaid:part="2".
        part = desc.get(f"{_PDFAID}part") or desc.findtext(f"{_PDFAID}part")
        conformance = desc.get(f"{_PDFAID}conformance") or desc.findtext(f"{_PDFAID}conformance")
        if part:
            return int(part.strip()), (conformance or "").strip().upper()
    return None
