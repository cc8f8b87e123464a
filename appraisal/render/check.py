"""Find what would break a cycle in a set of templates, before any document is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from appraisal.render.environment import shared_environment
from appraisal.render.errors import RenderError, paragraph_at, with_places
from appraisal.render.manifest import (
    FieldSpec,
    ManifestError,
    ResolvedTemplate,
    TemplateSet,
    resolve_templates,
)
from appraisal.render.prepared import PreparedTemplate
from appraisal.render.refusals import sandbox_refusals
from appraisal.render.samples import sample_context
from appraisal.render.sources import TemplateSources, read_sources

# Raised by a filter or an operator on a value (render errors carry the original as context).
_VALUE_ERRORS = (
    TypeError, ValueError, ArithmeticError, LookupError, jinja2.UndefinedError,
)  # fmt: skip


@dataclass(frozen=True)
class TemplateProblem:
    template: str  # the template id, or the file name of a file no entry uses
    file: str
    reason: str
    field: str | None = None
    paragraph: str | None = None
    part: str | None = None
    expression: str | None = None  # the {{ ... }} or {% ... %} at fault, as written

    def __str__(self) -> str:
        text = f"{self.template} ({self.file}"
        text += f", {self.part})" if self.part else ")"
        places = {"field": self.field, "paragraph": self.paragraph, "expression": self.expression}
        return f"{text}: {with_places(self.reason, **places)}"


class TemplateCheckError(Exception):
    """Raised by ensure_templates_ok: the message lists every problem, one per line."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"模板中有 {len(problems)} 处问题 / template problem(s)：\n{lines}")


def check_templates(source: Path | TemplateSet | None = None) -> list[TemplateProblem]:
    """Problems of a template set; a folder is merged over the defaults as a staff folder."""
    if not isinstance(source, TemplateSet):
        try:
            source = resolve_templates(staff_dir=source)
        except ManifestError as exc:
            return [TemplateProblem("manifest", "manifest.toml", str(exc))]
    problems: list[TemplateProblem] = []
    for resolved in source.templates.values():
        problems += check_template(resolved, source.fields)
    used = {r.path.resolve() for r in source.templates.values()}
    # A default file replaced by a staff entry is legitimately unused; a staff file is not.
    for folder in source.folders[1:]:
        for path in sorted(folder.glob("*.docx")):
            if path.resolve() not in used and not path.name.startswith("~$"):
                problems.append(
                    TemplateProblem(
                        path.name,
                        str(path),
                        "模板清单中没有条目用到这个文件（文件名写错了？） / "
                        "no manifest entry uses this file (misspelt name?)",
                    )
                )
    return problems


def ensure_templates_ok(templates: TemplateSet) -> None:
    """Refuse to go on (TemplateCheckError) if any template of the set has a problem."""
    problems = check_templates(templates)
    if problems:
        raise TemplateCheckError(problems)


def check_template(
    resolved: ResolvedTemplate, fields: dict[str, FieldSpec]
) -> list[TemplateProblem]:
    spec, path = resolved.spec, resolved.path
    found: list[TemplateProblem] = []

    def problem(reason: str, **where: str | None) -> None:
        found.append(TemplateProblem(spec.id, str(path), reason, **where))

    for name in spec.fields:
        if name not in fields:
            problem(
                "模板条目列了这个字段，但 [fields] 中没有声明 / "
                "listed in the template entry but not declared under [fields]",
                field=name,
            )
    if not path.is_file():
        problem("找不到模板文件 / file missing")
        return found
    try:
        sources = read_sources(path, spec.id)
    except RenderError as exc:
        problem(exc.reason, part=exc.part)
        return found
    env = shared_environment(True)
    texts = [(p.name, p.source) for p in sources.parts]
    texts += [(f"{sources.core_name}:{k}", v) for k, v in sources.properties.items()]
    reported: set[str] = set()
    for part, text in texts:
        try:
            ast = env.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            problem(
                f"模板语法错误 / template syntax error: {exc.message}",
                part=part,
                paragraph=paragraph_at(text, exc.lineno),
            )
            continue
        names = meta.find_undeclared_variables(ast) - set(env.globals)
        for name in sorted(names - reported):
            reported.add(name)
            at = paragraph_at(text, _first_use(ast, name))
            if name not in fields:
                problem(f"未知字段“{name}”：模板清单中没有声明 / unknown field: not declared "
                        "in the manifest", field=name, part=part, paragraph=at)  # fmt: skip
            elif name not in spec.fields:
                problem(f"字段“{name}”没有列在这个模板的清单条目中 / field not listed in this "
                        "template's manifest entry", field=name, part=part,
                        paragraph=at)  # fmt: skip
        for loop_field, attr, lineno in _row_attributes(ast, fields):
            key = f"{loop_field}.{attr}"
            if key not in reported:
                reported.add(key)
                items = fields[loop_field].items
                problem(
                    f"{loop_field} 的各行没有“{attr}”这一项（可用的项："
                    f"{'、'.join(items) or '无，各行是纯文字'}） / "
                    f"{loop_field} rows have no attribute {attr!r} (items: "
                    f"{', '.join(items) or 'none, rows are plain text'})",
                    field=key, part=part, paragraph=paragraph_at(text, lineno),
                )  # fmt: skip
        for refusal in sandbox_refusals(ast, text):
            problem(refusal.reason, part=part, paragraph=refusal.paragraph,
                    expression=refusal.expression)  # fmt: skip
    if not found:
        found += _render_once(resolved, sources, fields)
    return found


def _render_once(
    resolved: ResolvedTemplate, sources: TemplateSources, fields: dict[str, FieldSpec]
) -> list[TemplateProblem]:
    """Load and render the template in the real sandbox with made-up values: what the static
    checks cannot see (an unsafe attribute reached by a computed name, a part whose tags leave
    broken XML) fails here as it would in a stage.

    The values are made-up text, so an error that depends on a value's type or size (a number
    filter on a text sample, a row index past the sample's three rows) is not the template's.
    """
    spec = resolved.spec
    try:
        prepared = PreparedTemplate(sources, shared_environment(True), resolved.path)
        prepared.render(sample_context(spec, fields))
    except RenderError as exc:
        if isinstance(exc.__context__, _VALUE_ERRORS):
            return []
        return [
            TemplateProblem(spec.id, str(resolved.path), exc.reason, field=exc.field,
                            paragraph=exc.paragraph, part=exc.part)
        ]  # fmt: skip
    return []


def _first_use(ast: nodes.Template, name: str) -> int | None:
    for node in ast.find_all(nodes.Name):
        if node.name == name and node.ctx == "load":
            return node.lineno
    return None


def _row_attributes(
    ast: nodes.Template, fields: dict[str, FieldSpec]
) -> list[tuple[str, str, int]]:
    """(list field, attribute, line) for every row attribute the manifest does not declare."""
    bad: list[tuple[str, str, int]] = []
    for loop in ast.find_all(nodes.For):
        if not (isinstance(loop.iter, nodes.Name) and isinstance(loop.target, nodes.Name)):
            continue
        spec = fields.get(loop.iter.name)
        if spec is None or spec.kind != "list":
            continue
        row = loop.target.name
        for node in [*loop.body, *loop.else_]:
            for used in _attributes_of(node, row):
                if used[0] not in spec.items:
                    bad.append((spec.name, *used))
    return bad


# Typed as one union, so that find_all yields either kind rather than their common base, Expr.
_ACCESSES: tuple[type[nodes.Getattr | nodes.Getitem], ...] = (nodes.Getattr, nodes.Getitem)


def _attributes_of(node: nodes.Node, var: str) -> list[tuple[str, int]]:
    out = []
    for access in node.find_all(_ACCESSES):
        target = access.node
        if not (isinstance(target, nodes.Name) and target.name == var):
            continue
        if isinstance(access, nodes.Getattr):
            out.append((access.attr, access.lineno))
        elif isinstance(access.arg, nodes.Const) and isinstance(access.arg.value, str):
            out.append((access.arg.value, access.lineno))
    return out
