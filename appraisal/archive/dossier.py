"""One dossier PDF per person and cycle: the cover with its 目录, then each stage's documents.

Page numbers are physical page numbers, the cover counted: `plan_pages` gives them before the
cover exists (the caller prints them in the 目录), and `assemble_dossier` stamps the same ones
on every page after the cover. The cover itself is not stamped: as the first pages, the number
its own template footer prints already is the physical one.

Inputs are parsed in this process: they are our own LibreOffice output and returns that passed
intake, which parses untrusted files under limits first.
"""

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias, cast
from xml.sax.saxutils import escape

import pypdf
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    Destination,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from appraisal.pdf import PdfInfoError, pdfa_claim, pdfa_claim_of
from appraisal.pdf.pdfinfo import read_fast

# pypdf's OutlineType stops at three levels, and as a list (invariant) its nested lists miss it.
_Outline: TypeAlias = Sequence["Destination | _Outline"]

COVER_TITLE = "封面及目录"
CREATOR = "appraisal"
# The archive's 页号 goes where archivists write it by hand (DA/T 22: the top right corner of
# each page's front), well clear of the "— n —" each document prints at its own foot, so the
# dossier's number never reads as a second page number of the document.
NUMBER_FORMAT = "{}"
NUMBER_SIZE = 12.0  # 小四
NUMBER_RIGHT = 42.0  # points from the visible right edge to the end of the number (~15 mm)
NUMBER_TOP = 40.0  # points from the visible top edge down to the baseline (~14 mm)
NUMBER_FONT = "LiberationSerif"
# Liberation Serif is metric-compatible with Times New Roman, which the templates use for
# Latin digits; reportlab's own Vera is the fallback so a machine without it still works.
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
)


class DossierError(RuntimeError):
    """A dossier could not be assembled; the message names the part and file at fault."""


@dataclass(frozen=True)
class Part:
    title: str  # e.g. "综合评价表" or "综合评价表（签署回件 第1版）"
    pdf: Path
    document_id: str  # e.g. "AP-0001-EV-7K3QX9M2TD-H4"; "" for the cover


@dataclass(frozen=True)
class Section:
    title: str  # stage title, e.g. "综合评价"
    parts: Sequence[Part]


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    page: int  # 1-based page in the dossier
    level: int  # 0 = stage, 1 = document


@dataclass(frozen=True)
class DossierLayout:
    pages: int
    outline: tuple[OutlineEntry, ...]
    title: str
    pdfa: bool  # whether the output claims PDF/A-2b


@dataclass(frozen=True)
class _Opened:
    part: Part
    reader: PdfReader
    digest: bytes


def _describe(part: Part) -> str:
    ident = f" ({part.document_id})" if part.document_id else ""
    return f"{part.title}{ident}，文件 {part.pdf}"


@contextmanager
def _naming(part: Part) -> Iterator[None]:
    """Any failure to read `part` becomes a DossierError that names it."""
    try:
        yield
    except (DossierError, MemoryError):
        raise
    except Exception as exc:  # pypdf reports damage with many exception types
        why = "找不到或无法读取文件" if isinstance(exc, OSError) else "无法作为 PDF 读取"
        raise DossierError(f"{_describe(part)}：{why} / not a readable PDF: {exc}") from exc


def _unlocked(part: Part, reader: PdfReader) -> PdfReader:
    if reader.is_encrypted and not reader.decrypt(""):
        raise DossierError(f"{_describe(part)}：设有密码，无法打开 / encrypted with a password")
    return reader


def _open(part: Part) -> _Opened:
    """Read and parse a part once, each page's boxes included."""
    with _naming(part):
        data = part.pdf.read_bytes()
        reader = _unlocked(part, read_fast(data))
        for page in reader.pages:
            _ = page.cropbox, page.rotation  # malformed page trees fail here, not mid-write
    return _Opened(part, reader, hashlib.sha256(data).digest())


def _page_count(part: Part) -> int:
    """A part's number of pages, read from its page tree alone: planning the 目录 needs no
    more, and assembly opens the part whole."""
    with _naming(part):
        return len(_unlocked(part, PdfReader(part.pdf, strict=False)).pages)


def _start_pages(first: int, counts: Sequence[Sequence[int]]) -> list[list[int]]:
    starts, page = [], first
    for section in counts:
        row = []
        for n in section:
            row.append(page)
            page += n
        starts.append(row)
    return starts


def _known_or_counted(part: Part, known: Mapping[Path, int]) -> int:
    pages = known.get(part.pdf)
    return _page_count(part) if pages is None else pages


def part_pages(parts: Iterable[Part]) -> dict[Path, int]:
    """The number of pages of each part that can be read; one that cannot is left out, for
    plan_pages to name when it comes to it."""
    counts: dict[Path, int] = {}
    for part in parts:
        if part.pdf not in counts:
            with suppress(DossierError):
                counts[part.pdf] = _page_count(part)
    return counts


def plan_pages(
    cover_pages: int, sections: Sequence[Section], known: Mapping[Path, int] | None = None
) -> list[list[int]]:
    """The 1-based start page of every part, per section, the cover's pages counted first.
    `known` holds page counts read earlier (part_pages), by file; the rest are read here.

    A part without pages gets the page where the next part starts (it occupies none).
    """
    known = known or {}
    counts = [[_known_or_counted(p, known) for p in s.parts] for s in sections]
    return _start_pages(cover_pages + 1, counts)


@lru_cache(maxsize=1)
def _number_font() -> str:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fallback = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    path = next((p for p in _FONT_FILES if p.is_file()), fallback)
    pdfmetrics.registerFont(TTFont(NUMBER_FONT, str(path)))
    return NUMBER_FONT


def _visual_size(page: PageObject) -> tuple[float, float]:
    box = page.cropbox
    w, h = float(box.width), float(box.height)
    return (h, w) if _rotation(page) in (90, 270) else (w, h)


def _rotation(page: PageObject) -> int:
    rotate = int(page.rotation) % 360
    return rotate if rotate in (0, 90, 180, 270) else 0


def _number_overlay(sizes: tuple[tuple[float, float], ...], first: int) -> PdfReader:
    """One page per stamped page, sized as the page looks, with its number at the top right."""
    return PdfReader(io.BytesIO(_number_pages(sizes, first)))


# Most dossiers of a cycle have A4 pages and one of a few lengths, so a sealing process makes
# the same overlay again and again; reportlab took a third of the stamping's time.
@lru_cache(maxsize=32)
def _number_pages(sizes: tuple[tuple[float, float], ...], first: int) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    font = _number_font()
    buf = io.BytesIO()
    # invariant: no timestamps or random IDs, so equal inputs give equal dossiers.
    # types-reportlab types initialFontName as a float; reportlab wants the font's name.
    canvas = Canvas(buf, invariant=True, pageCompression=1, initialFontName=font)  # type: ignore[arg-type]
    for number, (w, h) in enumerate(sizes, start=first):
        canvas.setPageSize((w, h))
        canvas.setFont(font, NUMBER_SIZE)
        canvas.drawRightString(w - NUMBER_RIGHT, h - NUMBER_TOP, NUMBER_FORMAT.format(number))
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _placement(page: PageObject) -> tuple[float, float, float, float, float, float]:
    """The matrix from upright visual coordinates (origin at the visual bottom left) to the
    page's own user space: /Rotate turns the page clockwise when shown, and the crop box may
    not start at (0, 0)."""
    box = page.cropbox
    x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
    return {
        0: (1.0, 0.0, 0.0, 1.0, x0, y0),
        90: (0.0, 1.0, -1.0, 0.0, x1, y0),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, -1.0, 1.0, 0.0, x0, y1),
    }[_rotation(page)]


def _field_type(annot: DictionaryObject) -> str | None:
    node: DictionaryObject | None = annot
    for _ in range(32):  # a field tree is shallow; a loop in a broken file must not hang us
        if node is None:
            return None
        if "/FT" in node:
            return str(node["/FT"])
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _flatten_appearance(page: PageObject, annot: DictionaryObject) -> None:
    """Draw a visible signature's appearance (an e-seal image, say) into the page itself."""
    appearance = annot.get("/AP", DictionaryObject()).get("/N")
    if int(annot.get("/F", 0)) & 2 or appearance is None:  # flag 2: hidden
        return
    form = appearance.get_object()
    if not isinstance(form, StreamObject):
        return  # appearance states (a dictionary) belong to check boxes, not signatures
    rect = [float(v) for v in annot.get("/Rect", (0, 0, 0, 0))]
    rx0, rx1 = sorted(rect[0::2])
    ry0, ry1 = sorted(rect[1::2])
    bx0, by0, bx1, by1 = (float(v) for v in form.get("/BBox", (0, 0, 0, 0)))
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", (1, 0, 0, 1, 0, 0)))
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (bx0, bx1) for y in (by0, by1)]
    tx0, tx1 = min(x for x, _ in corners), max(x for x, _ in corners)
    ty0, ty1 = min(y for _, y in corners), max(y for _, y in corners)
    if rx1 <= rx0 or ry1 <= ry0 or tx1 <= tx0 or ty1 <= ty0:
        return  # an invisible signature: nothing to keep
    # PDF 32000-1 12.5.5: the transformed bounding box is fitted onto the annotation's Rect.
    sx, sy = (rx1 - rx0) / (tx1 - tx0), (ry1 - ry0) / (ty1 - ty0)
    scratch = PdfWriter()
    stamp = scratch.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
    stamp.mediabox = page.mediabox
    stamp[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Seal"): appearance})}
    )
    ops = f"q {sx:.6f} 0 0 {sy:.6f} {rx0 - tx0 * sx:.4f} {ry0 - ty0 * sy:.4f} cm /Seal Do Q"
    content = ContentStream(None, scratch)
    content.set_data(ops.encode())
    stamp.replace_contents(content)
    page.merge_page(stamp)


def _drop_signatures(writer: PdfWriter) -> None:
    """Remove signature fields, keeping what they show.

    A signature covers the bytes of its own file, never the dossier: left in, every viewer
    would report it broken. The signed original is archived next to the dossier.
    """
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget" and _field_type(annot) == "/Sig":
                _flatten_appearance(page, annot)
            else:
                kept.append(ref)
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]
    form = writer.root_object.get("/AcroForm")
    if form is not None:
        form = form.get_object()
        fields = [f for f in form.get("/Fields", ()) if _field_type(f.get_object()) != "/Sig"]
        if fields:
            form[NameObject("/Fields")] = ArrayObject(fields)
            form.pop("/SigFlags", None)
        else:
            del writer.root_object["/AcroForm"]


def _sweep(writer: PdfWriter) -> None:
    """Forget objects nothing reachable refers to any more, such as dropped signatures.

    pypdf's own clean-up (compress_identical_objects) drops one link of an orphaned chain per
    pass (form, field, signature dictionary); one marking walk from the catalog does it all.
    """
    reachable: set[int] = set()
    info = writer._info  # the document information dictionary, referred to by the trailer
    stack: list[object] = [writer.root_object.indirect_reference, info and info.indirect_reference]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum not in reachable:
                reachable.add(obj.idnum)
                stack.append(obj.get_object())
        elif isinstance(obj, DictionaryObject):  # streams too
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    # pypdf has no public way to forget an object; this is what its own clean-up does.
    for index, obj in enumerate(writer._objects):
        if obj is not None and index + 1 not in reachable:
            writer._objects[index] = None


def _alt(value: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'


def _xmp(
    *, title: str, author: str, subject: str, keywords: str, producer: str, pdfa: bool
) -> bytes:
    """The XMP packet mirroring the document information dictionary, as PDF/A requires."""
    pdfaid = (
        "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" if pdfa else ""
    )
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title>{_alt(title)}</dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description>{_alt(subject)}</dc:description>
<pdf:Keywords>{escape(keywords)}</pdf:Keywords>
<pdf:Producer>{escape(producer)}</pdf:Producer>
<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>
{pdfaid}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


def _may_claim_pdfa(opened: _Opened) -> bool:
    # PDF/A forbids encryption, and a claim lives in the XMP: a cheap look before a re-read.
    return not opened.reader.is_encrypted and "/Metadata" in _catalog(opened.reader)


def _catalog(reader: PdfReader) -> DictionaryObject:
    # The trailer's /Root is the document catalog, a dictionary; pypdf types any entry loosely.
    return cast(DictionaryObject, reader.trailer["/Root"])


def _claims_pdfa(opened: _Opened) -> bool:
    try:
        return pdfa_claim_of(opened.reader, _describe(opened.part)) is not None
    except PdfInfoError:
        return False


def _append(writer: PdfWriter, opened: _Opened) -> None:
    try:
        # The parts' own bookmarks (LibreOffice exports headings) would bury the dossier's.
        writer.append(opened.reader, import_outline=False)
    except MemoryError:
        raise
    except Exception as exc:  # objects are parsed lazily: damage can surface only here
        raise DossierError(
            f"{_describe(opened.part)}：无法并入档案 / cannot be copied: {exc}"
        ) from exc


# The page-number font's name in a stamped page's resources: one no LibreOffice, reportlab or
# scanner writes, so it cannot take the place of a font the page draws with.
STAMP_FONT = "/AppraisalPageNumber"


@dataclass(frozen=True)
class _Stamp:
    drawing: bytes  # draws one page's number, in upright visual coordinates, with STAMP_FONT
    font: IndirectObject  # in the overlay's reader, which the reference keeps alive


@lru_cache(maxsize=32)
def _number_stamps(sizes: tuple[tuple[float, float], ...], first: int) -> tuple[_Stamp, ...]:
    """The overlay's pages, parsed once a process for each run of page sizes and first number
    (parsing reportlab's PDF again was a third of the stamping)."""
    stamps = []
    for page in _number_overlay(sizes, first).pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        fonts = cast(DictionaryObject, resources["/Font"].get_object())
        drawing = page.get_contents()
        assert drawing is not None and len(fonts) == 1  # reportlab's page: one font
        ((name, font),) = fonts.items()
        assert isinstance(font, IndirectObject)
        stamps.append(
            _Stamp(drawing.get_data().replace(f"{name} ".encode(), f"{STAMP_FONT} ".encode()), font)
        )
    return tuple(stamps)


def _stamp_numbers(writer: PdfWriter, first_index: int) -> None:
    """Draw each page's number over it. The page's own content streams stay as they are, in a
    q/Q pair, with the number drawn after them: pypdf's merge_transformed_page parsed and wrote
    out every page's content again, a tenth of the time a dossier took to seal."""
    pages = writer.pages[first_index:]
    sizes = tuple(_visual_size(p) for p in pages)
    opening = writer._add_object(_stream(b"q\n"))
    overlay: PdfReader | None = None  # this dossier's own, for pages stamped the old way
    for number, (page, stamp) in enumerate(zip(pages, _number_stamps(sizes, first_index + 1),
                                               strict=True)):  # fmt: skip
        own = page.get("/Contents")
        resources = page.get("/Resources")
        if own is None or resources is None:  # nothing drawn, or resources from the page tree
            if overlay is None:
                overlay = _number_overlay(sizes, first_index + 1)
            page.merge_transformed_page(overlay.pages[number], Transformation(_placement(page)))
            page.compress_content_streams()
            continue
        held_resources = cast(DictionaryObject, resources.get_object())
        fonts = held_resources.get("/Font")
        if fonts is None:
            fonts = held_resources[NameObject("/Font")] = DictionaryObject()
        # Cloned once a writer: every page's resources name the same copy.
        cast(DictionaryObject, fonts.get_object())[NameObject(STAMP_FONT)] = stamp.font.clone(
            writer
        )
        matrix = " ".join(f"{v:.4f}" for v in _placement(page)).encode()
        closing = _stream(b"\nQ\nq " + matrix + b" cm\n" + stamp.drawing + b"\nQ\n")
        held = own.get_object()
        if isinstance(held, ArrayObject):
            parts = list(held)
        else:  # a content stream is an indirect object, but a careless writer may inline one
            parts = [own if isinstance(own, IndirectObject) else writer._add_object(held)]
        page[NameObject("/Contents")] = ArrayObject([opening, *parts, writer._add_object(closing)])


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _file_id(opened: Sequence[_Opened], *texts: str) -> ArrayObject:
    """A /ID derived from the inputs, so that the same inputs give the same bytes."""
    digest = hashlib.sha256()
    for o in opened:
        digest.update(o.digest)
    digest.update("\0".join(texts).encode())
    ident = ByteStringObject(digest.digest()[:16])
    return ArrayObject([ident, ident])


def write_pdf_atomically(writer: PdfWriter, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    # A crash mid-write must not leave a half dossier where a whole one is expected.
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def assemble_dossier(
    cover: Path,
    sections: Sequence[Section],
    out: Path,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str = "",
) -> DossierLayout:
    """Write the dossier to `out`: cover, then every section's parts, numbered and outlined.

    Page numbers equal `plan_pages` for the same inputs. Signatures of signed parts are
    dropped (their appearance stays on the page). The result claims PDF/A-2b only when the
    cover and every part claim PDF/A and the cover carries an output intent.
    """
    opened_cover = _open(Part(COVER_TITLE, cover, ""))
    cover_pages = len(opened_cover.reader.pages)
    if cover_pages == 0:
        raise DossierError(f"{_describe(opened_cover.part)}：封面没有页面 / the cover has no pages")
    opened = [[_open(p) for p in s.parts] for s in sections]
    everything = [opened_cover, *(o for row in opened for o in row)]
    writer = PdfWriter()
    for o in everything:
        _append(writer, o)
    _drop_signatures(writer)
    _stamp_numbers(writer, cover_pages)

    starts = _start_pages(cover_pages + 1, [[len(o.reader.pages) for o in row] for row in opened])
    outline = [OutlineEntry(COVER_TITLE, 1, 0)]
    for section, row, row_starts in zip(sections, opened, starts, strict=True):
        # A part without pages has nowhere to point a bookmark at; it is left out.
        shown = [(o.part.title, s) for o, s in zip(row, row_starts, strict=True) if o.reader.pages]
        if shown:
            outline.append(OutlineEntry(section.title, shown[0][1], 0))
            outline.extend(OutlineEntry(t, s, 1) for t, s in shown)
    parent: IndirectObject | None = None
    for entry in outline:
        item = writer.add_outline_item(
            title=entry.title, page_number=entry.page - 1, parent=parent if entry.level else None
        )
        if entry.level == 0:
            parent = item
    writer.page_mode = "/UseOutlines"

    intents = _catalog(opened_cover.reader).get("/OutputIntents")
    pdfa = (
        intents is not None
        and all(_may_claim_pdfa(o) for o in everything)
        and all(_claims_pdfa(o) for o in everything)
    )
    if pdfa and intents is not None:
        writer.root_object[NameObject("/OutputIntents")] = intents.clone(writer)
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject("zh-CN")
    producer = f"pypdf {pypdf.__version__}"
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Subject": subject,
            "/Keywords": keywords,
            "/Creator": CREATOR,
            "/Producer": producer,
        }
    )
    writer.xmp_metadata = _xmp(
        title=title, author=author, subject=subject, keywords=keywords, producer=producer, pdfa=pdfa
    )
    # PDF/A wants the stream typed; pypdf leaves it bare.
    cast(StreamObject, root["/Metadata"].get_object()).update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    # pypdf writes no /ID unless asked, and its own is random; PDF/A needs one.
    writer._ID = _file_id(everything, title, author, subject, keywords)
    _sweep(writer)
    write_pdf_atomically(writer, out)
    return DossierLayout(len(writer.pages), tuple(outline), title, pdfa)


def _walk_outline(reader: PdfReader, items: _Outline, level: int) -> Iterator[OutlineEntry]:
    for item in items:
        if isinstance(item, Destination):
            page = reader.get_destination_page_number(item)
            # 0 for a bookmark to nowhere: it can never match a recorded layout
            yield OutlineEntry(str(item.title), page + 1 if page is not None else 0, level)
        else:
            yield from _walk_outline(reader, item, level + 1)


def read_layout(pdf: Path) -> DossierLayout:
    """The layout of an existing dossier, to compare with the one recorded at assembly."""
    try:
        reader = PdfReader(pdf)
        outline = tuple(_walk_outline(reader, reader.outline, 0))
        pages = len(reader.pages)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except MemoryError:
        raise
    except Exception as exc:
        raise DossierError(f"{pdf}：无法作为档案 PDF 读取 / not a readable dossier: {exc}") from exc
    try:
        pdfa = pdfa_claim(pdf) == (2, "B")
    except PdfInfoError:
        pdfa = False
    return DossierLayout(pages, outline, title, pdfa)
