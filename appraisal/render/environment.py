"""The one Jinja environment every template renders in: sandboxed, strict, autoescaped."""

from __future__ import annotations

import datetime as dt
import operator
import re
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from appraisal.render.image import active_placer

# Characters XML 1.0 forbids; a stray one from a spreadsheet would make Word refuse the file.
# Tab, newline, \a and \f stay: docxtpl turns them into tabs, breaks, paragraphs and page breaks.
_ILLEGAL_XML = re.compile(r"[\x00-\x06\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's in-cell line break (\v) and Windows line ends become the newline docxtpl turns into
# a line break; a lone \r would otherwise reach the XML, where a parser reads it as \n.
_NEWLINES = re.compile(r"\r\n?|\x0b")
_MAX_POWER = 64
_MAX_REPEAT = 100_000


def cn_date(value: dt.date | dt.datetime | str) -> str:
    """2026-11-22 → 2026年11月22日, the form official documents use (no leading zeros)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise ValueError(f"cn_date：{value!r} 不是日期 / not a date: {value!r}") from exc
    if not isinstance(value, dt.date):
        raise ValueError(f"cn_date：{value!r} 不是日期 / not a date: {value!r}")
    return f"{value.year}年{value.month}月{value.day}日"


def dotted_date(value: dt.date) -> str:
    """2026-12-02 → 2026.12.02, the form registers and lists write in a narrow column: one word,
    so it never wraps inside."""
    return f"{value.year}.{value.month:02d}.{value.day:02d}"


def _finalize(value: Any) -> Any:
    # None prints as an empty cell, not the word "None".
    if value is None:
        return ""
    if type(value) is str:
        if value.isprintable():  # the common case, without a regex
            return value
        return _ILLEGAL_XML.sub("", _NEWLINES.sub("\n", value))
    if hasattr(value, "__html__"):
        placer = active_placer().get()
        if placer is not None:
            placer.mark_raw()
    return value


class _Environment(ImmutableSandboxedEnvironment):
    """Immutable sandbox (no list.append from a template) that also bounds `**` and `*`."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_POWER:
                raise SecurityError(f"乘方的指数 {right} 过大 / exponent {right} is too large")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and len(seq) * count > _MAX_REPEAT:
                    raise SecurityError("重复得到的结果过长 / repetition result is too long")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def make_environment(*, autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """A fresh sandboxed environment; autoescape off only for plain-text parts (properties)."""
    env = _Environment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=_finalize,
    )
    env.filters["cn_date"] = cn_date
    return env


@lru_cache(maxsize=2)
def shared_environment(autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """The process-wide environment: templates compiled in it share its caches."""
    return make_environment(autoescape=autoescape)
