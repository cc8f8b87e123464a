"""Made-up contexts for a template, from its manifest entry: for previews, benchmarks and tests."""

from __future__ import annotations

from typing import Any

from appraisal.render.image import Image, qr_image
from appraisal.render.manifest import FieldSpec, TemplateSpec

SAMPLE_ID = "AP-0007-EV-7K3QX9M2TD-H4"


def sample_context(
    spec: TemplateSpec, fields: dict[str, FieldSpec], rows: int = 3, seed: int = 0
) -> dict[str, Any]:
    """Every field the template lists, filled with recognisable text (`seed` varies it)."""
    context: dict[str, Any] = {}
    for name in spec.fields:
        field = fields.get(name, FieldSpec(name, ""))
        if name == "文档编号":
            context[name] = f"{SAMPLE_ID}-{seed}" if seed else SAMPLE_ID
        elif field.kind == "image":
            context[name] = qr_image(f"{SAMPLE_ID}-{seed}")
        elif field.kind == "list" and field.items:
            context[name] = [
                {item: f"{item}{i + 1}·{seed}" for item in field.items} for i in range(rows)
            ]
        elif field.kind == "list":
            context[name] = [f"{name}第{i + 1}条·{seed}" for i in range(rows)]
        else:
            context[name] = f"{name}示例·{seed}"
    return context


def images_in(context: dict[str, Any]) -> dict[str, Image]:
    return {k: v for k, v in context.items() if isinstance(v, Image)}
