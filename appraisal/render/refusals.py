"""What the sandbox would refuse, found in a parsed template before anything is rendered.

The sandbox decides per object at render time; here the object is unknown, so the rules are the
sandbox's own taken conservatively: any attribute or constant key starting with `_`, the names it
treats as internal on any type, and a call of a method that changes a list, dict or set.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    modifies_known_mutable,
)

from appraisal.render.errors import paragraph_at

# "mro" is internal on a type (is_internal_attribute); the others on functions and generators.
_INTERNAL = frozenset(
    {"mro"}
    | UNSAFE_FUNCTION_ATTRIBUTES
    | UNSAFE_METHOD_ATTRIBUTES
    | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES
    | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
)
_MUTABLES: tuple[object, ...] = ([], {}, set(), deque())
# The renderer has no loader: a template that names another fails whatever its values.
_LOADS: dict[type[nodes.Node], tuple[str, str]] = {
    nodes.Include: ("include", "include"),
    nodes.Import: ("import", "import"),
    nodes.FromImport: ("from … import", "import"),
    nodes.Extends: ("extends", "extends"),
}
_TAGS = re.compile(r"<[^>]+>")
_EXPRESSIONS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


@dataclass(frozen=True)
class Refusal:
    reason: str
    lineno: int
    expression: str | None  # the {{ ... }} or {% ... %} as written, when it can be found
    paragraph: str | None


def _mutates(name: str) -> bool:
    return any(modifies_known_mutable(value, name) for value in _MUTABLES)


def _const_str(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def _accessed(node: nodes.Node) -> str | None:
    """The attribute name `node` reaches for: x.name, x["name"], x|attr("name")."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem):
        return _const_str(node.arg)
    if isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
        return _const_str(node.args[0])
    return None


def _findings(ast: nodes.Template) -> list[tuple[str, str, int]]:
    """(reason, the name to look for in the source, line) for each refused construct."""
    found: list[tuple[str, str, int]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name = _accessed(node)
        if name is not None and (name.startswith("_") or name in _INTERNAL):
            reason = (
                f"模板访问了内部属性 / refused by the sandbox: attribute {name!r} is internal "
                "(names starting with _ and Python's internals are never reachable from a template)"
            )
            found.append((reason, name, node.lineno))
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Getattr) and _mutates(call.node.attr):
            method = call.node.attr
            reason = (
                f"模板不得修改数据 / refused by the sandbox: .{method}() would change a value; "
                "templates only read their fields"
            )
            found.append((reason, method, call.lineno))
    for load in ast.find_all(tuple(_LOADS)):
        tag, needle = _LOADS[type(load)]
        reason = (
            f"模板不得引用其他模板 / not allowed: {{% {tag} %}}; a template is one .docx file "
            "and loads no other"
        )
        found.append((reason, needle, load.lineno))
    return found


def _expression_at(source: str, lineno: int, needle: str) -> str | None:
    lines = source.splitlines()
    if not 1 <= lineno <= len(lines):
        return None
    for match in _EXPRESSIONS.finditer(_TAGS.sub("", lines[lineno - 1])):
        if needle in match.group(0):
            return match.group(0)
    return None


def sandbox_refusals(ast: nodes.Template, source: str) -> list[Refusal]:
    """Each expression in `ast` (parsed from `source`) the sandbox would refuse, in source order.

    `a.__class__.__mro__` is one refusal, of `__class__`: the innermost access, the one the
    renderer stops at (the walk meets outer nodes first, so later findings replace earlier).
    """
    by_expression: dict[tuple[int, str], Refusal] = {}
    for reason, needle, lineno in _findings(ast):
        expression = _expression_at(source, lineno, needle)
        refusal = Refusal(reason, lineno, expression, paragraph_at(source, lineno))
        by_expression[(lineno, expression or reason)] = refusal
    return sorted(by_expression.values(), key=lambda r: r.lineno)
