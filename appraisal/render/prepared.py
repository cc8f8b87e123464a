"""A template prepared once per batch: preprocessed, compiled, then rendered per document fast."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.coreprops import CoreProperties
from jinja2 import nodes
from lxml import etree

from appraisal.files import write_atomic
from appraisal.render.environment import shared_environment
from appraisal.render.errors import RenderError, from_jinja
from appraisal.render.fastbody import BodySplicer, verifiable
from appraisal.render.image import active_placer
from appraisal.render.media import MediaSink
from appraisal.render.package import Member
from appraisal.render.sources import (
    DOCXTPL,
    STORY_PARSER,
    W_BODY,
    PartSource,
    TemplateSources,
    read_sources,
)
from appraisal.render.tables import tables_need_fixing
from appraisal.render.zipwrite import zip_bytes

_JINJA = re.compile(r"\{[{%#]")
_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
# docxtpl's way to write a literal {{ or {% in a template: {_{ and {_%.
_ESCAPED_BRACES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_DOCPR = etree.XPath(
    "//wp:docPr",
    namespaces={"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"},
)


@dataclass(frozen=True)
class _Compiled:
    part: PartSource
    template: jinja2.Template


class PreparedTemplate:
    """Load with `PreparedTemplate.load(path)`; then `render(context)` as often as needed."""

    def __init__(
        self, sources: TemplateSources, env: jinja2.Environment, path: Path | None = None
    ) -> None:
        self.path = path
        self.name = sources.label
        self._src = sources
        self._env = env
        self._prop_env = env.overlay(autoescape=False)
        self._base: dict[str, Member] = dict(sources.members)
        self._names = frozenset(sources.members)
        self._live: list[_Compiled] = []
        self._splicer: BodySplicer | None = None
        for part in sources.parts:
            body = part if part.kind == "body" else None
            compiled = _Compiled(part, self._compile(env, part.source, part.name, body))
            if part.has_jinja:
                self._live.append(compiled)
            else:
                # Nothing to fill in: render once now, copy the bytes into every document.
                self._base[part.name] = self._render_part(compiled, {}, None)
        # Property texts without Jinja are set as Jinja would render them: as they are, less
        # one trailing newline.
        self._props: dict[str, jinja2.Template | str] = {
            prop: self._compile(self._prop_env, text, f"{sources.core_name}:{prop}")
            if _JINJA.search(text)
            else text.removesuffix("\n")
            for prop, text in sources.properties.items()
        }
        self._props_live = any(not isinstance(t, str) for t in self._props.values())
        if sources.core is not None and not self._props_live:
            core = self._render_core({})
            self._base[core.name] = core

    @classmethod
    def load(
        cls, path: str | Path, *, env: jinja2.Environment | None = None, name: str | None = None
    ) -> PreparedTemplate:
        """Read and preprocess `path` once; RenderError if it is not a usable template."""
        path = Path(path)
        sources = read_sources(path, name or path.name)
        return cls(sources, env or shared_environment(True), path)

    def _compile(
        self, env: jinja2.Environment, source: str, part: str, body: PartSource | None = None
    ) -> jinja2.Template:
        try:
            ast = env.parse(source)
            if any(ast.find_all((nodes.EvalContextModifier,))):
                # {% autoescape false %} would let a value write raw XML into the document.
                reason = (
                    "模板中不允许使用 {% autoescape %} 块：填入的值一律按文字输出 / "
                    "{% autoescape %} blocks are not allowed: values always print as text"
                )
                raise RenderError(reason, template=self.name, part=part)
            code = env.compile(ast)
        except jinja2.TemplateSyntaxError as exc:
            raise from_jinja(exc, template=self.name, part=part, source=source) from None
        if body is not None and body.has_jinja and verifiable(ast):
            splicer = BodySplicer(self._src.shell, source, ast, "w:body")
            self._splicer = splicer if splicer.usable else None
        return env.template_class.from_code(env, code, env.make_globals(None))

    # -- rendering ---------------------------------------------------------------------------

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The rendered .docx as bytes; the same context always gives the same bytes."""
        if not isinstance(context, Mapping):
            raise TypeError(
                f"填入模板的数据须是映射（字典） / context must be a mapping, "
                f"got {type(context).__name__}"
            )
        sink = MediaSink(self._src.part_ids, self._names)
        rendered: dict[str, Member] = {}
        token = active_placer().set(sink)
        try:
            for compiled in self._live:
                sink.current_part = compiled.part.name
                rendered[compiled.part.name] = self._render_part(compiled, context, sink)
        finally:
            active_placer().reset(token)
        if self._props_live:
            core = self._render_core(context)
            rendered[core.name] = core
        if not sink.empty:
            for member in sink.members(self._src.contents):
                rendered[member.name] = member
        members = [rendered.get(name, m) for name, m in self._base.items()]
        members += [m for name, m in rendered.items() if name not in self._base]
        return zip_bytes(members)

    def render_to(self, path: str | Path, context: Mapping[str, Any]) -> Path:
        path = Path(path)
        write_atomic(path, self.render(context))
        return path

    def _render_part(
        self, compiled: _Compiled, context: Mapping[str, Any], sink: MediaSink | None
    ) -> Member:
        part = compiled.part
        try:
            xml = compiled.template.render(context)
        except RenderError:
            raise
        except Exception as exc:
            raise from_jinja(exc, template=self.name, part=part.name, source=part.source) from None
        xml = _after_render(xml)
        try:
            if part.kind == "body":
                data = self._body_bytes(xml, sink is not None and part.name in sink.raw_parts)
            elif part.kind == "story":
                tree = etree.fromstring(xml.encode("utf-8"), STORY_PARSER)
                data = etree.tostring(tree, encoding="UTF-8", standalone=True)
            else:
                data = xml.encode("utf-8")
        except etree.XMLSyntaxError as exc:
            raise RenderError(
                "生成的内容不是格式正确的 XML：请检查模板中的 {%p %}/{%tr %} 标记，"
                "以及填入的值里有无原样写入的 XML 标记 / "
                f"the rendered part is not well-formed XML ({exc}); check the template's "
                "{%p %}/{%tr %} tags and any raw XML in the values",
                template=self.name,
                part=part.name,
            ) from None
        return Member.deflated(part.name, data)

    def _body_bytes(self, xml: str, raw: bool) -> bytes:
        if self._splicer is not None and not raw:
            spliced = self._splicer.splice(xml)
            if spliced is not None:
                return spliced
        # The parser docxtpl's fix_tables uses (recovering), but a repaired tree is refused:
        # silently dropped text would be worse than an error.
        parser = etree.XMLParser(recover=True)
        tree = etree.fromstring(xml, parser=parser)
        if parser.error_log.filter_from_errors():
            raise etree.XMLSyntaxError(str(parser.error_log.filter_from_errors()[0]), 0, 0, 0)
        if "<w:tbl" in xml and tables_need_fixing(tree):
            # docxtpl's column repair after {%tc %} loops; it parses the string itself.
            try:
                tree = DOCXTPL.fix_tables(xml)
            except (AttributeError, TypeError, ValueError) as exc:
                raise etree.XMLSyntaxError(
                    f"a table docxtpl cannot repair: {exc}", 0, 0, 0
                ) from None
        if "docPr" in xml:
            # docxtpl renumbers every drawing id in the body from 1001, so pictures never clash.
            for number, element in enumerate(_DOCPR(tree), start=1001):
                element.attrib["id"] = str(number)
        root = copy.copy(self._src.shell)
        old_body = root.find(W_BODY)
        assert old_body is not None  # the shell keeps an empty body for this
        root.replace(old_body, tree)
        return etree.tostring(root, encoding="UTF-8", standalone=True)

    def _render_core(self, context: Mapping[str, Any]) -> Member:
        # Called only when the template has core properties: their texts come from that part.
        assert self._src.core is not None
        core = copy.copy(self._src.core)
        props = CoreProperties(core)
        name = self._src.core_name or "docProps/core.xml"
        for prop, template in self._props.items():
            try:
                # Rendered as plain text: the XML writer escapes it (docxtpl escapes it twice).
                text = template if isinstance(template, str) else template.render(context)
                setattr(props, prop, text)
            except Exception as exc:
                source = self._src.properties[prop]
                part = f"{name}:{prop}"
                raise from_jinja(exc, template=self.name, part=part, source=source) from None
        return Member.deflated(name, etree.tostring(core, encoding="UTF-8", standalone=True))


def _after_render(xml: str) -> str:
    """render_xml_part's post-processing, skipping resolve_listing when it cannot change a thing."""
    xml = xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
    if "_" in xml:
        for escaped, plain in _ESCAPED_BRACES:
            if escaped in xml:
                xml = xml.replace(escaped, plain)
    if ("\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml) and _LISTING_CHARS.search(xml):
        xml = DOCXTPL.resolve_listing(xml)
    return xml
