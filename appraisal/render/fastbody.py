"""Write the rendered body without parsing it again, where that provably gives the same bytes.

docxtpl parses every rendered body and lets lxml serialize it. For a template whose Jinja blocks
each leave the element stack as they found it, and whose expressions all print inside <w:t>
text, the rendered text is well-formed for every context, and lxml's serialization of it differs
from it in two ways only: an element left empty becomes self-closing, and the quotes markupsafe
escapes as &#34; and &#39; appear as plain characters. Those two rewrites plus the body's
place in the document are all this module does; anything else takes the parsing path.
"""

from __future__ import annotations

import copy
import re

from jinja2 import nodes
from lxml import etree

from appraisal.render.tables import static_tables_fixed, xml_tables_need_fixing

_TAG = re.compile(r"<!--.*?-->|<\?.*?\?>|<(/?)([^\s/>!?]+)[^>]*?(/?)>", re.DOTALL)
# Possessive quantifiers: this runs over every body and must not backtrack.
_EMPTY = re.compile(r"<([A-Za-z_][\w.:-]*+)((?:\s[^<>]*+)?)(?<!/)></\1>")
_AFTER_START = re.compile(r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?(?<!/)>\s*\{[{%#]")
_BEFORE_END = re.compile(r"\}\s*</([A-Za-z_][\w.:-]*)>")
_DOCPR = re.compile(r'(<wp:docPr\s(?:[^>]*?\s)?id=")(\d*)(")')
_MARK = "APPRAISAL-BODY-MARK"
_TEXT_ELEMENT = "w:t"


class _Unverifiable(Exception):
    pass


def _feed(data: str, stack: list[str]) -> list[str]:
    """The element stack after the tags in `data`; refuses a chunk that ends inside a tag."""
    end = 0
    for m in _TAG.finditer(data):
        end = m.end()
        closing, name, empty = m.group(1), m.group(2), m.group(3)
        if name is None or empty:
            continue
        if closing:
            if not stack or stack[-1] != name:
                raise _Unverifiable(f"</{name}> closes {stack[-1] if stack else 'nothing'}")
            stack.pop()
        else:
            stack.append(name)
    if "<" in data[end:]:
        raise _Unverifiable("an expression inside a tag")
    return stack


def _walk(body: list[nodes.Node], stack: list[str]) -> list[str]:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    stack = _feed(child.data, stack)
                elif not stack or stack[-1] != _TEXT_ELEMENT:
                    raise _Unverifiable("an expression outside <w:t>")
        elif isinstance(node, nodes.If):
            branches = [node.body, *(e.body for e in node.elif_), node.else_]
            for branch in branches:
                if _walk(branch, list(stack)) != stack:
                    raise _Unverifiable("an if block that opens or closes elements")
        elif isinstance(node, nodes.For):
            for branch in (node.body, node.else_):
                if _walk(branch, list(stack)) != stack:
                    raise _Unverifiable("a for block that opens or closes elements")
        elif not isinstance(node, nodes.Assign):
            raise _Unverifiable(f"a {type(node).__name__} statement")
    return stack


def verifiable(ast: nodes.Template) -> bool:
    """True if every rendering is well-formed XML with expressions printing only into text."""
    try:
        return _walk(ast.body, []) == []
    except _Unverifiable:
        return False


def linearized(body: list[nodes.Node]) -> list[tuple[str, str]]:
    """The template's text with every block's branches taken once, blocks marked."""
    events: list[tuple[str, str]] = []
    for node in body:
        if isinstance(node, nodes.Output):
            events += [("data", c.data) for c in node.nodes if isinstance(c, nodes.TemplateData)]
        elif isinstance(node, nodes.If | nodes.For):
            branches = [node.body, node.else_]
            if isinstance(node, nodes.If):
                branches[1:1] = [e.body for e in node.elif_]
            for branch in branches:
                events += [("open", ""), *linearized(branch), ("close", "")]
    return events


class BodySplicer:
    """The document part around the body, serialized once; the rendered body goes in between."""

    def __init__(
        self, shell: etree._Element, body_source: str, ast: nodes.Template, body_tag: str
    ) -> None:
        start = body_source.index(">") + 1
        self._body_start = start
        marked = etree.fromstring(body_source[:start] + _MARK + f"</{body_tag}>")
        root = copy.copy(shell)
        root.replace(next(child for child in root if child.tag == marked.tag), marked)
        head, tail = etree.tostring(root, encoding="UTF-8", standalone=True).split(_MARK.encode())
        self._head, self._tail = head, tail
        # lxml drops a namespace declaration that repeats one in scope when the body moves into
        # the document; the splice would keep it, so such a template always parses.
        self.usable = not _redeclares(body_source[start:], dict(shell.nsmap))
        self._tables_fixed = static_tables_fixed(linearized(ast.body))
        # Only elements whose whole content is Jinja can come out empty; look for those only.
        names = set(_AFTER_START.findall(body_source)) & set(_BEFORE_END.findall(body_source))
        names |= {m[0] for m in _EMPTY.findall(body_source)}
        self._empties = [
            (f"></{n}>", re.compile(rf"<({re.escape(n)})((?:\s[^<>]*+)?)(?<!/)></{re.escape(n)}>"))
            for n in sorted(names)
        ]

    def splice(self, xml: str) -> bytes | None:
        """The document part for rendered body `xml`, or None where only parsing can tell."""
        if "\r" in xml or "\a" in xml or "\f" in xml:
            return None
        if not self._tables_fixed and "<w:tbl" in xml and xml_tables_need_fixing(xml):
            return None
        inner = xml[self._body_start : xml.rindex("</")]
        if "docPr" in inner:
            renumbered = _renumber_docpr(inner)
            if renumbered is None:
                return None
            inner = renumbered
        for closing, pattern in self._empties:
            if closing in inner:
                inner = pattern.sub(r"<\1\2/>", inner)
        if "&#" in inner:
            inner = inner.replace("&#34;", '"').replace("&#39;", "'")
        return self._head + inner.encode("utf-8") + self._tail


_XMLNS = re.compile(r'\sxmlns(?::([\w.-]+))?="([^"]*)"')


def _redeclares(xml: str, scope: dict[str | None, str]) -> bool:
    """True if an element in `xml` declares a prefix already bound to the same URI."""
    scopes = [scope]
    for m in _TAG.finditer(xml):
        closing, name, empty = m.group(1), m.group(2), m.group(3)
        if name is None:
            continue
        if closing:
            if len(scopes) > 1:
                scopes.pop()
            continue
        current = scopes[-1]
        declared = _XMLNS.findall(m.group(0))
        if any(current.get(prefix or None) == uri for prefix, uri in declared):
            return True
        if not empty:
            scopes.append(
                {**current, **{(p or None): u for p, u in declared}} if declared else current
            )
    return False


def _renumber_docpr(inner: str) -> str | None:
    # docxtpl numbers every wp:docPr id from 1001 in document order.
    opened = inner.count("<wp:docPr")
    if inner.count("docPr") != opened + inner.count("</wp:docPr>"):
        return None
    counter = iter(range(1001, 1001 + opened))
    result, found = _DOCPR.subn(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", inner)
    return result if found == opened else None
