"""The one error the renderer raises for a bad template, a bad value or a broken .docx file."""

from __future__ import annotations

import re
from types import TracebackType

import jinja2

_TAGS = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"'([^']+)'")
# A Jinja-compiled template's frames carry this file name (from_string templates).
_TEMPLATE_FILENAME = "<template>"


class RenderError(Exception):
    """A template could not be prepared or rendered; says which template, part and field."""

    def __init__(
        self,
        reason: str,
        *,
        template: str,
        part: str | None = None,
        field: str | None = None,
        paragraph: str | None = None,
    ) -> None:
        self.reason = reason
        self.template = template
        self.part = part
        self.field = field
        self.paragraph = paragraph
        super().__init__(self._message())

    def _message(self) -> str:
        where = self.template + (f" ({self.part})" if self.part else "")
        text = f"{where}: {self.reason}"
        if self.field:
            text += f" [field: {self.field}]"
        if self.paragraph:
            text += f" [paragraph: {self.paragraph}]"
        return text


def paragraph_at(source: str, lineno: int | None, width: int = 60) -> str | None:
    """The text of the paragraph on `lineno` of a prepared part (one paragraph per line)."""
    if not lineno:
        return None
    lines = source.splitlines()
    if not 1 <= lineno <= len(lines):
        return None
    text = _TAGS.sub("", lines[lineno - 1]).strip()
    if not text:
        return None
    return text if len(text) <= width else text[: width - 1] + "…"


def template_lineno(tb: TracebackType | None) -> int | None:
    """The template line a runtime error happened on, from Jinja's rewritten traceback."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def field_of(exc: BaseException) -> str | None:
    """The field or attribute a Jinja error is about, from its message."""
    if not isinstance(exc, jinja2.UndefinedError | jinja2.exceptions.SecurityError):
        return None
    message = str(exc)
    names: list[str] = _QUOTED.findall(message)
    if not names:
        return None
    if "has no attribute" in message or "has no element" in message:
        # "'dict object' has no attribute '职务'": the second quoted name is the field.
        return names[-1]
    # "'姓名' is undefined", "access to attribute '__class__' of 'str' object is unsafe."
    return names[0]


def from_jinja(exc: Exception, *, template: str, part: str, source: str) -> RenderError:
    """Turn a Jinja (or value) error raised while rendering one part into a RenderError."""
    lineno: int | None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        lineno = exc.lineno
    else:
        lineno = template_lineno(exc.__traceback__)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        reason = f"refused by the sandbox: {exc}"
    elif isinstance(exc, jinja2.UndefinedError):
        reason = f"undefined field: {exc}"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        reason = f"template syntax error: {exc.message}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return RenderError(
        reason,
        template=template,
        part=part,
        field=field_of(exc),
        paragraph=paragraph_at(source, lineno),
    )
