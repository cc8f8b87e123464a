"""Proofs of the templates: each filled with its longest realistic values, converted as a cycle
converts, and its pages read back for what a clerk would call machine-made."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appraisal.pdf import convert_many
from appraisal.pdf.layout import layout_problems
from appraisal.render.long_values import long_context, printed_words
from appraisal.render.manifest import TemplateSet, TemplateSpec
from appraisal.render.prepared import PreparedTemplate

# Names a signature block prints, besides its 签字/盖章 and date lines.
SIGNERS = ("发文机关", "主送机关", "推荐单位")


@dataclass(frozen=True)
class Proof:
    spec: TemplateSpec
    pdf: Path | None
    problems: list[str]  # in Chinese; a failed conversion is one of them


def proof_templates(templates: TemplateSet, folder: Path, rows: int = 12) -> list[Proof]:
    """Every template of the set rendered into `folder`, converted and checked, in set order.
    `rows` fills each list field: enough to run a table over a page."""
    folder.mkdir(parents=True, exist_ok=True)
    filled = []
    for t in templates.templates.values():
        context = long_context(t.spec, templates.fields, rows=rows)
        path = folder / f"{t.spec.id}.docx"
        PreparedTemplate.load(t.path).render_to(path, context)
        signers = [str(context[name]) for name in SIGNERS if name in context]
        filled.append((t, path, printed_words(context, t.path), signers))
    converted = convert_many([path for _, path, _, _ in filled], folder / "pdf")
    proofs = []
    for (t, _, words, signers), result in zip(filled, converted, strict=True):
        if result.pdf is None:
            proofs.append(Proof(t.spec, None, [f"无法转换为 PDF：{result.error}"]))
        else:
            proofs.append(Proof(t.spec, result.pdf, layout_problems(result.pdf, words, signers)))
    return proofs
