"""A cycle document staff ask for rather than one a stage plans and sends (the 推荐人选汇总表, the
滚动调整审批表): its ID from the stage that lists it (stages.py `on_demand`), the ID and QR in its
context, rendered from the configured template and written whole."""

from pathlib import Path
from typing import Any

from appraisal.files import write_atomic
from appraisal.identity import document_id
from appraisal.render.image import qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.render.prepared import PreparedTemplate
from appraisal.stages import on_demand_template


def on_demand_id(cycle_id: int, template_id: str, person_code: str = "") -> str:
    """A cycle-wide document's ID, or one person's (`person_code`) for a per-person one."""
    stage, template = on_demand_template(template_id)
    return document_id(cycle_id=cycle_id, stage=stage, template_id=template_id,
                       person_code=person_code, recipient=template.recipient)  # fmt: skip


def write_on_demand(
    cycle_id: int,
    template_id: str,
    context: dict[str, Any],
    path: Path,
    templates_dir: Path | None = None,
    person_code: str = "",
) -> str:
    """Render `template_id` with `context` to `path` (replacing it whole); returns the ID."""
    doc_id = on_demand_id(cycle_id, template_id, person_code)
    template = resolve_templates(templates_dir).get(template_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    rendered = PreparedTemplate.load(template.path).render(
        context | {"文档编号": doc_id, "二维码": qr_image(doc_id)}
    )
    write_atomic(path, rendered)
    return doc_id
