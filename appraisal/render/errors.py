"""The one error the renderer raises for a bad template, a bad value or a broken .docx file."""

from __future__ import annotations

import re
from types import TracebackType

import jinja2

_TAGS = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"'([^']+)'")
# Where the English of a "中文 / English" message starts (the portal splits the same way).
_GLOSS = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef）」』】]) / (?=[A-Za-z])")
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
        return f"{where}: " + with_places(self.reason, field=self.field, paragraph=self.paragraph)


_PLACES = {"field": "字段", "paragraph": "段落", "expression": "表达式"}


def with_places(reason: str, **places: str | None) -> str:
    """`reason` with "（字段：…；段落：…）" at the end of its Chinese, before any " / English",
    so that whoever reads only the Chinese still learns where the problem is. The closing "）"
    keeps the gloss findable: it only starts after a Chinese character or full-width mark."""
    chinese, *english = _GLOSS.split(reason, maxsplit=1)
    shown = [f"{_PLACES[key]}：{value}" for key, value in places.items() if value]
    if shown:
        chinese += f"（{'；'.join(shown)}）"
    return " / ".join([chinese, *english])


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
    field = field_of(exc)
    # Our own refusals (the sandbox's bounds, cn_date, pictures) already say "中文 / English".
    ours, gloss = [*_GLOSS.split(str(exc), maxsplit=1), ""][:2]
    if isinstance(exc, jinja2.exceptions.SecurityError):
        zh = f"模板被安全限制拒绝：{ours}" if gloss else "模板被安全限制拒绝"
        reason = f"{zh} / refused by the sandbox: {gloss or exc}"
    elif isinstance(exc, jinja2.UndefinedError):
        zh = f"字段“{field}”没有定义" if field else "模板用到了没有定义的字段"
        reason = f"{zh} / undefined field: {exc}"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        reason = f"模板语法错误 / template syntax error: {exc.message}"
    elif gloss:
        reason = f"{ours} / {type(exc).__name__}: {gloss}"
    else:
        reason = f"处理填入的值时出错 / {type(exc).__name__}: {exc}"
    return RenderError(
        reason,
        template=template,
        part=part,
        field=field,
        paragraph=paragraph_at(source, lineno),
    )
