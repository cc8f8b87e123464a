"""Many filled forms of one template as one .docx: each its own section, marked for the split.

LibreOffice pays a fixed cost per document it opens and lays out; forms converted as one
document share it (see bench/convert.py). Each form keeps its own page set-up, headers and
footers (they hold the person's name) and starts at page 1 again, so its pages look as if it
had been converted alone. A hidden bookmark at each form's start (exported by LibreOffice as a
named destination) tells the splitter where each form's pages begin; counting pages per
template would break on the first form that runs a page longer.
"""

import copy
import posixpath
import zipfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# Parts that belong to one form; everything else (styles, numbering, settings, fonts, theme) is
# the template's and shared, as the forms of one template have the same.
_OWN_PARTS = {_REL_TYPES + t for t in ("header", "footer", "image")}
_EXTERNAL = "External"
# The parts the first form lends the others: forms put together must have them alike. The
# core properties become the PDF's title and author, so a template whose title names the
# person puts each form in a group of its own.
SHARED_PARTS = (
    "docProps/core.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/settings.xml",
    "word/fontTable.xml",
    "word/theme/theme1.xml",
)
# Bookmark names starting with "_" are hidden in Word; 40 characters at most.
MARKER_PREFIX = "_appraisalForm"
# Bookmark and drawing ids must be unique in the document; each form gets its own range.
_ID_STRIDE = 100_000
# Child order of w:sectPr (ECMA-376 CT_SectPr) up to pgNumType, to insert in the right place.
_BEFORE_PGNUM = frozenset(
    ("footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType")
)


class ConcatError(ValueError):
    """The forms cannot be put into one document; the message names the form."""


def marker(index: int) -> str:
    """The bookmark (and PDF named destination) at the start of form `index`."""
    return f"{MARKER_PREFIX}{index:06d}"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _parse(data: bytes) -> etree._Element:
    # The forms are our own renderer's output; no entities, no network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _section_of(sect: etree._Element) -> etree._Element:
    """The form's section properties, made to start a new page numbered 1."""
    sect = copy.deepcopy(sect)
    kind = sect.find(_w("type"))
    if kind is None:
        kind = etree.Element(_w("type"))
        refs = [c for c in sect if c.tag in (_w("headerReference"), _w("footerReference"))]
        sect.insert(len(refs), kind)
    kind.set(_w("val"), "nextPage")
    pgnum = sect.find(_w("pgNumType"))
    if pgnum is None:
        pgnum = etree.Element(_w("pgNumType"))
        after = [i for i, c in enumerate(sect) if etree.QName(c).localname in _BEFORE_PGNUM]
        sect.insert(after[-1] + 1 if after else 0, pgnum)
    pgnum.set(_w("start"), "1")
    return sect


def concatenate(docx_paths: Sequence[Path], out: Path) -> Path:
    """Write the forms (filled from one template) into `out` as one document, one section each.

    Form i's first paragraph carries the bookmark `marker(i)`. Raises ConcatError when a form
    cannot be read or has no body.
    """
    if not docx_paths:
        raise ConcatError("no forms to put together")
    with zipfile.ZipFile(docx_paths[0]) as base:
        members = {info.filename: base.read(info) for info in base.infolist()}
    main_part = "word/document.xml"
    document = _parse(members[main_part])
    body = document.find(_w("body"))
    if body is None:
        raise ConcatError(f"{docx_paths[0]}: word/document.xml has no body")
    for child in list(body):
        body.remove(child)
    rels = _parse(members[_rels_name(main_part)])
    for rel in list(rels):
        if rel.get("Type") in _OWN_PARTS:
            rels.remove(rel)
            target = posixpath.normpath(posixpath.join("word", rel.get("Target", "")))
            members.pop(target, None)
            members.pop(_rels_name(target), None)
    types = _parse(members["[Content_Types].xml"])
    overrides = {o.get("PartName", ""): o for o in types.findall(f"{{{CT}}}Override")}
    defaults = {d.get("Extension", "").lower() for d in types.findall(f"{{{CT}}}Default")}
    for name in list(overrides):
        if name.lstrip("/") not in members:
            types.remove(overrides.pop(name))

    last_sect: etree._Element | None = None
    for i, path in enumerate(docx_paths):
        try:
            with zipfile.ZipFile(path) as zf:
                form_members = {info.filename: zf.read(info) for info in zf.infolist()}
            form = _parse(form_members[main_part])
            form_rels = _parse(form_members[_rels_name(main_part)])
            form_types = _parse(form_members["[Content_Types].xml"])
        except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
            raise ConcatError(f"{path}: cannot be read as a Word document: {exc}") from exc
        form_body = form.find(_w("body"))
        if form_body is None:
            raise ConcatError(f"{path}: word/document.xml has no body")
        form_overrides = {
            o.get("PartName"): o.get("ContentType") for o in form_types.findall(f"{{{CT}}}Override")
        }
        renamed = _copy_own_parts(i, form_rels, form_members, members, rels, types, form_overrides)
        defaults |= _add_defaults(types, form_types, defaults)

        children = list(form_body)
        sect = children.pop() if children and children[-1].tag == _w("sectPr") else None
        if sect is None:
            raise ConcatError(f"{path}: the document has no section properties")
        for child in children:
            _renumber(child, i, renamed)
        _renumber(sect, i, renamed)
        _mark(children, i)
        section = _section_of(sect)
        for child in children:
            body.append(child)
        if i < len(docx_paths) - 1:
            _close_section(body, section)
        else:
            last_sect = section
    assert last_sect is not None
    body.append(last_sect)

    members[main_part] = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    members[_rels_name(main_part)] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Stored, not deflated: LibreOffice reads it once, and compressing costs more than it saves.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        # [Content_Types].xml first, as Office expects.
        zf.writestr("[Content_Types].xml", members.pop("[Content_Types].xml"))
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def _copy_own_parts(
    i: int,
    form_rels: etree._Element,
    form_members: dict[str, bytes],
    members: dict[str, bytes],
    rels: etree._Element,
    types: etree._Element,
    form_overrides: dict[str | None, str | None],
) -> dict[str, str]:
    """Copy form i's headers, footers and images under new names; old to new relationship ids."""
    renamed: dict[str, str] = {}
    for rel in form_rels:
        kind = rel.get("Type")
        old_id = rel.get("Id", "")
        if kind not in _OWN_PARTS and rel.get("TargetMode") != _EXTERNAL:
            continue
        new_id = f"f{i}{old_id}"
        renamed[old_id] = new_id
        new_rel = copy.deepcopy(rel)
        new_rel.set("Id", new_id)
        if rel.get("TargetMode") != _EXTERNAL:
            target = rel.get("Target", "")
            folder, name = posixpath.split(target)
            new_target = posixpath.join(folder, f"f{i}-{name}")
            new_rel.set("Target", new_target)
            old_part = posixpath.normpath(posixpath.join("word", target))
            new_part = posixpath.normpath(posixpath.join("word", new_target))
            members[new_part] = form_members[old_part]
            content_type = form_overrides.get("/" + old_part)
            if content_type:
                etree.SubElement(
                    types, f"{{{CT}}}Override", PartName="/" + new_part, ContentType=content_type
                )
            part_rels = form_members.get(_rels_name(old_part))
            if part_rels is not None:
                members[_rels_name(new_part)] = _copy_part_rels(
                    i, part_rels, old_part, form_members, members
                )
        rels.append(new_rel)
    return renamed


def _copy_part_rels(
    i: int, data: bytes, part: str, form_members: dict[str, bytes], members: dict[str, bytes]
) -> bytes:
    """A header's or footer's own relationships (its images), pointing at copies for form i."""
    tree = _parse(data)
    folder = posixpath.dirname(part)
    for rel in tree:
        if rel.get("TargetMode") == _EXTERNAL:
            continue
        target = rel.get("Target", "")
        sub, name = posixpath.split(target)
        new_target = posixpath.join(sub, f"f{i}-{name}")
        old = posixpath.normpath(posixpath.join(folder, target))
        members[posixpath.normpath(posixpath.join(folder, new_target))] = form_members[old]
        rel.set("Target", new_target)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _add_defaults(types: etree._Element, form_types: etree._Element, known: set[str]) -> set[str]:
    added = set()
    for d in form_types.findall(f"{{{CT}}}Default"):
        ext = d.get("Extension", "").lower()
        if ext not in known:
            types.insert(0, copy.deepcopy(d))
            added.add(ext)
    return added


def _renumber(element: etree._Element, i: int, renamed: dict[str, str]) -> None:
    """Point relationship ids at form i's copies; give bookmarks and drawings unique ids."""
    for el in element.iter():
        for attr, value in el.attrib.items():
            if attr.startswith(f"{{{R}}}") and value in renamed:
                el.set(attr, renamed[value])
        tag = el.tag
        if tag in (_w("bookmarkStart"), _w("bookmarkEnd")):
            el.set(_w("id"), str(int(el.get(_w("id"), "0")) + (i + 1) * _ID_STRIDE))
        elif tag == f"{{{WP}}}docPr":
            el.set("id", str(int(el.get("id", "0")) + (i + 1) * _ID_STRIDE))


def _mark(children: list[etree._Element], i: int) -> None:
    """Put the form's marker bookmark into its first paragraph (a table's first cell's, if the
    form opens with a table)."""
    first = next((el for child in children for el in child.iter(_w("p"))), None)
    if first is None:
        raise ConcatError(f"form {i + 1} has no paragraph to mark")
    start = etree.Element(_w("bookmarkStart"))
    start.set(_w("id"), str(i + 1))
    start.set(_w("name"), marker(i))
    end = etree.Element(_w("bookmarkEnd"))
    end.set(_w("id"), str(i + 1))
    ppr = first.find(_w("pPr"))
    at = 1 if ppr is not None else 0
    first.insert(at, start)
    first.insert(at + 1, end)


def _close_section(body: etree._Element, section: etree._Element) -> None:
    """End the form's section at its last paragraph (an extra paragraph only after a table,
    where it would add a line that could spill onto a new page)."""
    last = body[-1] if len(body) else None
    if last is None or last.tag != _w("p") or last.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
        last = etree.SubElement(body, _w("p"))
    ppr = last.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        last.insert(0, ppr)
    change = ppr.find(_w("pPrChange"))
    if change is not None:
        change.addprevious(section)
    else:
        ppr.append(section)
