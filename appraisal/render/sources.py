"""Turn a .docx into the Jinja sources of its parts, preprocessed exactly as docxtpl does it."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from docx.opc.coreprops import CoreProperties
from docx.oxml.coreprops import CT_CoreProperties
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from appraisal.render.errors import RenderError
from appraisal.render.media import PartIds
from appraisal.render.package import (
    RT_CORE_PROPERTIES,
    RT_ENDNOTES,
    RT_FOOTER,
    RT_FOOTNOTES,
    RT_HEADER,
    RT_OFFICE_DOCUMENT,
    Member,
    find_one,
    parse_rels,
    read_members,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_BODY = f"{{{W_NS}}}body"
# docxtpl renders these document properties (the ones python-docx can write as strings).
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# python-docx's parser settings: the XML docxtpl preprocesses has lost its blank text nodes.
STORY_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
_JINJA = re.compile(r"\{[{%#]")

# docxtpl's preprocessing lives in DocxTemplate methods that never touch the instance; one bare
# instance lets us call them without loading a document through python-docx.
DOCXTPL = DocxTemplate.__new__(DocxTemplate)
DOCXTPL.docx = None

PartKind = Literal["body", "story", "raw"]


@dataclass(frozen=True)
class PartSource:
    """One Jinja-bearing part: its member name, how it is written back, its prepared source."""

    name: str
    kind: PartKind
    source: str

    @property
    def has_jinja(self) -> bool:
        return _JINJA.search(self.source) is not None


@dataclass
class TemplateSources:
    label: str
    members: dict[str, Member]
    contents: dict[str, bytes]
    parts: list[PartSource]
    shell: etree._Element  # the document element with an empty body, for the rendered body
    core_name: str | None
    core: CT_CoreProperties | None
    properties: dict[str, str]
    part_ids: dict[str, PartIds]


def for_jinja(xml: str) -> str:
    """docxtpl's patch_xml plus render_xml_part's one-paragraph-per-line split."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", DOCXTPL.patch_xml(xml))


def read_sources(path: Path, label: str | None = None) -> TemplateSources:
    label = label or Path(path).name
    members, contents = read_members(Path(path), label)
    document = find_one(parse_rels(contents, "", label), RT_OFFICE_DOCUMENT)
    if document is None or document not in contents:
        missing = (
            ".docx 文件已损坏：缺少正文部分（word/document.xml） / "
            "corrupt .docx: no main document part (word/document.xml)"
        )
        raise RenderError(missing, template=label)
    root = _parse(contents, document, label)
    body = root.find(W_BODY)
    if body is None:
        reason = ".docx 文件已损坏：文档没有正文 / corrupt .docx: the document has no body"
        raise RenderError(reason, template=label, part=document)
    parts = [PartSource(document, "body", for_jinja(etree.tostring(body, encoding="unicode")))]
    shell = copy.copy(root)
    shell.replace(shell[root.index(body)], etree.Element(W_BODY))
    part_ids = {document: _ids(root, contents, document, label)}

    doc_rels = parse_rels(contents, document, label)
    for rel in doc_rels:
        if rel.external or rel.target not in contents:
            continue
        if rel.reltype in (RT_HEADER, RT_FOOTER):
            story = _parse(contents, rel.target, label)
            source = for_jinja(etree.tostring(story, encoding="unicode"))
            parts.append(PartSource(rel.target, "story", source))
            part_ids[rel.target] = _ids(story, contents, rel.target, label)
        elif rel.reltype in (RT_FOOTNOTES, RT_ENDNOTES):
            # docxtpl renders the footnotes part's raw text, declaration included.
            raw = contents[rel.target].decode("utf-8", errors="replace")
            parts.append(PartSource(rel.target, "raw", for_jinja(raw)))
            notes = _parse(contents, rel.target, label)
            part_ids[rel.target] = _ids(notes, contents, rel.target, label)

    core_name = find_one(parse_rels(contents, "", label), RT_CORE_PROPERTIES)
    core = None
    properties: dict[str, str] = {}
    if core_name and core_name in contents:
        try:
            # python-docx's parser builds its own element class for cp:coreProperties.
            core = cast(CT_CoreProperties, parse_xml(contents[core_name]))
        except etree.XMLSyntaxError as exc:
            reason = f".docx 文件已损坏：文档属性的 XML 格式有误 / corrupt .docx: {exc}"
            raise RenderError(reason, template=label, part=core_name) from None
        props = CoreProperties(core)
        properties = {p: getattr(props, p) or "" for p in PROPERTIES}
    return TemplateSources(
        label, members, contents, parts, shell, core_name, core, properties, part_ids
    )


def _parse(contents: dict[str, bytes], name: str, label: str) -> etree._Element:
    try:
        return etree.fromstring(contents[name], STORY_PARSER)
    except etree.XMLSyntaxError as exc:
        reason = f".docx 文件已损坏：这一部分的 XML 格式有误 / corrupt .docx: {exc}"
        raise RenderError(reason, template=label, part=name) from None


def _ids(root: etree._Element, contents: dict[str, bytes], name: str, label: str) -> PartIds:
    rids = frozenset(r.rid for r in parse_rels(contents, name, label))
    # python-docx's next_id: one more than the largest plain numeric @id in the part.
    used = [int(v) for v in root.xpath("//@id") if v.isdigit()]
    return PartIds(rids, max(used) + 1 if used else 1)
