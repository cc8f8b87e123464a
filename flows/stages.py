"""One flow per stage. Each run is idempotent: it plans the stage's documents from the database,
renders and converts them in batches, records them, delivers what is new and e-mails reviewers."""

from collections import defaultdict
from datetime import date

from prefect import flow

from appraisal.clock import today as clock_today
from appraisal.documents.plan import DocumentJob
from appraisal.progress import report
from appraisal.render.manifest import resolve_templates
from appraisal.settings import get_settings
from flows.mail import plan_stage_mail, send_outbox
from flows.tasks import (
    Rendered,
    close_stage,
    convert_documents,
    deliver_documents,
    documents_dir,
    log,
    open_stage,
    plan_documents,
    record_documents,
    render_documents,
    score_cycle,
)
from models.vocab import Stage


def _batches(jobs: list[DocumentJob], size: int) -> list[tuple[str, list[DocumentJob]]]:
    by_template: dict[str, list[DocumentJob]] = defaultdict(list)
    for job in jobs:
        by_template[job.template_id].append(job)
    return [
        (tid, group[i : i + size])
        for tid, group in by_template.items()
        for i in range(0, len(group), size)
    ]


def run_stage(cycle_id: int, stage: Stage, today: date | None = None) -> dict[str, int]:
    """The body every stage flow shares; returns counts for the caller to print."""
    settings = get_settings()
    issued, due = open_stage(cycle_id, stage, today or clock_today())
    if stage == Stage.EVALUATION:
        log("%s", score_cycle(cycle_id))
    jobs = plan_documents(cycle_id, stage, issued, due)
    log("stage %s: %d documents planned", stage.value, len(jobs))
    templates = resolve_templates(settings.templates_dir)
    versions = {tid: t.spec.version for tid, t in templates.templates.items()}
    out_dir = documents_dir(cycle_id, stage)
    batches = _batches(jobs, settings.batch_size)
    rendered: list[list[Rendered]] = []
    for template_id, batch in batches:
        rendered.append(render_documents(templates.get(template_id).path, batch, out_dir))
    log("stage %s: %d documents rendered", stage.value, len(jobs))
    # LibreOffice pays a start-up per call, so whole chunks of the stage go to it at once.
    flat = [r for group in rendered for r in group]
    pdfs: dict[str, str] = {}
    for start in range(0, len(flat), settings.convert_chunk):
        pdfs.update(convert_documents(cycle_id, flat[start : start + settings.convert_chunk]))
        report(f"{stage.value}: documents", len(pdfs), len(flat))
    failed = sum(v.startswith("error:") for v in pdfs.values())
    recorded = sum(
        record_documents(cycle_id, batch, group, pdfs, versions)
        for (_, batch), group in zip(batches, rendered, strict=True)
    )
    delivered = deliver_documents(cycle_id, stage)
    log("stage %s: %d e-mail(s) planned", stage.value, plan_stage_mail(cycle_id, stage))
    close_stage(cycle_id, stage)
    log("stage %s: %d delivered, %d failed to convert", stage.value, delivered, failed)
    # After the stage is closed: its documents are out whether or not the mail server answers.
    if settings.smtp_host:
        send_outbox(cycle_id)
    return {"planned": len(jobs), "changed": recorded, "delivered": delivered, "failed": failed}


@flow(name="nomination (提名推荐)", flow_run_name="nomination of cycle {cycle_id}")
def nomination(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.NOMINATION, today)


@flow(name="assessment (组织考核)", flow_run_name="assessment of cycle {cycle_id}")
def assessment(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.ASSESSMENT, today)


@flow(name="evaluation (综合评价)", flow_run_name="evaluation of cycle {cycle_id}")
def evaluation(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.EVALUATION, today)


@flow(name="solicitation (征求意见)", flow_run_name="solicitation of cycle {cycle_id}")
def solicitation(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.SOLICITATION, today)


@flow(name="notification (情况通报)", flow_run_name="notification of cycle {cycle_id}")
def notification(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.NOTIFICATION, today)


STAGE_FLOWS = {
    Stage.NOMINATION: nomination,
    Stage.ASSESSMENT: assessment,
    Stage.EVALUATION: evaluation,
    Stage.SOLICITATION: solicitation,
    Stage.NOTIFICATION: notification,
}
