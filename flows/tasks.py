"""Prefect tasks: each wraps one piece of the pure core, or one step that reads or writes the
database. Work is batched (a task run costs about as much as rendering ten documents)."""

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from appraisal.db import session_scope
from appraisal.documents import duty_contexts
from appraisal.documents.plan import (
    DocumentJob,
    LetterPart,
    StageInputs,
    letter_parts,
    plan_letter_parts,
    plan_people,
    plan_stage,
)
from appraisal.documents.views import TallyRow
from appraisal.files import link_or_copy, sha256_file, staging_dir, sweep_staging
from appraisal.flows.runmode import task
from appraisal.kinds import kind_of, replaces
from appraisal.models import Cycle
from appraisal.models.vocab import CycleKind, Grade, Stage
from appraisal.paths import documents_dir, located, outbox_dir, pdf_cache_dir
from appraisal.pdf import Conversion, convert_as_one
from appraisal.pdf.profile import stop_unheld_orphans
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scheme import Scheme, parse_scheme
from appraisal.scoring import (
    PersonInput,
    PersonScore,
    Standing,
    quota_places,
    score_person,
    settle,
    standing,
)
from appraisal.settings import get_settings
from appraisal.stages import STAGE_ORDER
from appraisal.store import cadre, cycle_data, documents
from appraisal.store.assessment import assessments
from appraisal.store.ballots import uncounted_sheets, waived_groups
from appraisal.store.changes import ImportCounts, chunks
from appraisal.store.cycles import (
    cycle_affiliations,
    cycle_codes,
    get_cycle,
    member_ids,
    set_stage,
)
from appraisal.store.nominations import nominated_members
from appraisal.store.results import store_scores
from appraisal.store.stage_runs import finish_stage_run, open_stage_run

# Conversions in progress: a folder of the PDF cache each (see appraisal.files.staging_dir).
STAGING = ".converting-"


@dataclass(frozen=True)
class Rendered:
    document_id: str
    docx: Path
    sha256: str


def cycle_scheme(cycle: Cycle) -> Scheme:
    return parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}")


@task(name="open stage run")
def open_stage(cycle_id: int, stage: Stage, today: date) -> tuple[date, date]:
    """Record the stage's first run (or find it) and move the cycle to it: (issued, due)."""
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        run = open_stage_run(session, cycle_id, stage, today)
        # Never back: notification runs again at the archive to make the notice of a person
        # 审定 late (an objection decided after the others were told).
        if STAGE_ORDER.index(cycle.stage) <= STAGE_ORDER.index(stage):
            set_stage(session, cycle, stage, actor=get_settings().actor, reason="阶段开始运行")
        days = cycle_scheme(cycle).deadlines.get(stage, 14)
        return run.started_on, run.started_on + timedelta(days=days)


@task(name="score the cycle")
def score_cycle(cycle_id: int) -> str:
    size = max(1, get_settings().slice_people)
    actor = get_settings().actor
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        # The gate holds the cycle at assessment until every sheet is counted; this holds
        # anything else that would score (a reopened cycle) to the same rule.
        missing = uncounted_sheets(session, cycle_id)
        if missing:
            titles = "、".join(s.title for s in missing[:5])
            raise ValueError(
                f"第{cycle_id}号考核周期还有 {len(missing)} 张民主测评票未录入计票结果"
                f"（{titles}）：录入或免计票后才能评分 / ballot sheets still to be counted"
            )
        scheme = cycle_scheme(cycle)
        codes = cycle_codes(session, cycle_id)

        def scored(some: Sequence[str]) -> tuple[list[PersonInput], list[PersonScore]]:
            inputs = cycle_data.scoring_inputs(session, cycle, some)
            return inputs, [score_person(scheme, p) for p in inputs]

        def store(scores: list[PersonScore]) -> ImportCounts:
            counts = store_scores(session, cycle=cycle, scheme=scheme, scores=scores, actor=actor)
            session.flush()  # written rows leave the session's memory
            return counts

        # A slice of people at a time, so memory does not grow with the cohort. The 优秀 quota
        # ranks the whole cohort (or each unit), and it only ever touches 优秀: everyone else is
        # stored as scored, and those graded 优秀 are scored again (scoring is pure) and settled
        # once every person's standing is known.
        standings: list[Standing] = []
        excellent: list[str] = []
        total = ImportCounts()
        for some in chunks(codes, size):
            inputs, scores = scored(some)
            standings += [standing(scheme, p, s) for p, s in zip(inputs, scores, strict=True)]
            excellent += [s.code for s in scores if s.grade is Grade.EXCELLENT]
            total += store([s for s in scores if s.grade is not Grade.EXCELLENT])
        places = quota_places(scheme, standings)
        for some in chunks(excellent, size):
            inputs, scores = scored(some)
            total += store(settle(scheme, inputs, scores, places))
    return f"{len(codes)} scored: {total.added} new, {total.updated} changed"


def cycle_kind(cycle_id: int) -> CycleKind:
    with session_scope() as session:
        return get_cycle(session, cycle_id).kind


@task(name="list the cycle's people")
def member_codes(cycle_id: int) -> list[str]:
    with session_scope() as session:
        return cycle_codes(session, cycle_id)


def _stage_inputs(
    cycle_id: int, stage: Stage, issued: date, due: date, codes: list[str] | None
) -> StageInputs:
    """What planning `stage` needs about the people in `codes` (everyone when None)."""
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        scheme = cycle_scheme(cycle)
        templates = resolve_templates(get_settings().templates_dir)
        tallies: dict[str, list[TallyRow]] = {}
        appraisal: dict[str, float | None] = {}
        waived: dict[str, set[str]] = {}
        if stage == Stage.ASSESSMENT:
            tallies, appraisal = cycle_data.tally_rows(session, cycle, scheme, codes)
            waived = waived_groups(session, cycle_id, codes)
        results = (
            cycle_data.result_views(session, cycle_id, codes) if stage in _NEEDS_RESULTS else {}
        )
        counts: dict[str, dict[str, int]] = {}
        if replaces(cycle.kind, stage) and stage in _NEEDS_RESULTS and codes != []:
            counts = {
                p.code: duty_contexts.duty_counts(scheme.points, p.duties)
                for p in cycle_data.scoring_inputs(session, cycle, codes)
            }
        return StageInputs(
            cycle=cycle_data.cycle_view(cycle),
            people=cycle_data.people_views(session, cycle_id, codes),
            issued_on=issued,
            due_on=due,
            signoff={tid: t.spec.signoff for tid, t in templates.templates.items()},
            tallies=tallies,
            appraisal_scores=appraisal,
            results=results,
            weights={k: float(v) for k, v in scheme.composite.weights.model_dump().items()},
            solicit_always=scheme.recipients.solicitation.always,
            solicit_private=scheme.recipients.solicitation.private_sector,
            solicit_party=scheme.recipients.solicitation.party_members,
            notify=scheme.recipients.notification,
            careers=(
                cycle_data.careers(session, cycle_id, codes) if stage == Stage.NOMINATION else {}
            ),
            nominated=(
                nominated_members(session, cycle_id, codes) if stage == Stage.NOMINATION else {}
            ),
            talks=(
                cycle_data.talks(session, cycle_id, cycle.year, codes)
                if stage == Stage.ASSESSMENT
                else {}
            ),
            assessments=(
                assessments(session, cycle, scheme, codes) if stage == Stage.ASSESSMENT else {}
            ),
            dimension_weights=(
                {d.value: float(w) for d, w in scheme.assessment.weights.items()}
                if scheme.assessment is not None
                else {}
            ),
            bodies=cycle_data.bodies(scheme) if stage == Stage.MOBILIZATION else (),
            procedure=cycle_data.procedure(scheme),
            sheet_people=scheme.ballots.sheet_people,
            ballot_copies={g.value: n for g, n in scheme.ballots.raters.items()},
            waived_groups=waived,
            cadre_forms=(
                cadre.registration_contexts(session, cycle, codes)
                if stage == Stage.EVALUATION and kind_of(cycle.kind) is CycleKind.CADRE
                else {}
            ),
            duty_counts=counts,
            rule_source=duty_contexts.rule_source(cycle.scheme_name, cycle.scheme_version),
        )


@task(name="plan documents")
def plan_documents(
    cycle_id: int, stage: Stage, issued: date, due: date, codes: list[str] | None = None
) -> list[DocumentJob]:
    """The stage's documents about the people in `codes`; with no codes, the whole stage,
    letters to bodies included."""
    inputs = _stage_inputs(cycle_id, stage, issued, due, codes)
    return plan_people(stage, inputs) if codes is not None else plan_stage(stage, inputs)


@task(name="address letters")
def address_letters(cycle_id: int, stage: Stage, issued: date, due: date) -> list[LetterPart]:
    """Every letter of the stage to a body, and whom it lists, from a light read of everyone."""
    inputs = _stage_inputs(cycle_id, stage, issued, due, [])
    with session_scope() as session:
        everyone = cycle_affiliations(session, cycle_id)
        if stage == Stage.ASSESSMENT:  # whom each rater group's 民主测评票 lists
            cycle = get_cycle(session, cycle_id)
            groups = cycle_data.rater_groups_by_code(session, cycle, inputs.default_rater_groups)
            inputs = replace(inputs, rater_groups=groups)
    return letter_parts(stage, inputs, everyone)


@task(name="plan letters")
def plan_stage_letters(
    cycle_id: int, stage: Stage, issued: date, due: date, parts: list[LetterPart]
) -> list[DocumentJob]:
    """The letters `parts`, planned from the records of only the people they list."""
    codes = sorted({code for p in parts for code in p.people})
    return plan_letter_parts(stage, _stage_inputs(cycle_id, stage, issued, due, codes), parts)


_NEEDS_RESULTS = {Stage.EVALUATION, Stage.NOTIFICATION}


@task(name="render documents")
def render_documents(template_path: Path, jobs: list[DocumentJob], out_dir: Path) -> list[Rendered]:
    """One batch of one template: prepared once, each document written atomically."""
    from appraisal.render.batch import render_batch

    template = PreparedTemplate.load(template_path)
    written = render_batch(
        template,
        ((f"{j.document_id}.docx", {**j.context, "二维码": qr_image(j.document_id)}) for j in jobs),
        out_dir,
    )
    return [Rendered(j.document_id, w.path, w.sha256) for j, w in zip(jobs, written, strict=True)]


@task(name="convert to PDF", retries=2, retry_delay_seconds=[5, 15])
def convert_documents(cycle_id: int, rendered: list[Rendered]) -> dict[str, str]:
    """PDFs for a batch, from the cache when the .docx is unchanged: document ID -> PDF path
    (or an error message starting with "error:")."""
    settings = get_settings()
    cache = pdf_cache_dir(cycle_id)
    cache.mkdir(parents=True, exist_ok=True)
    stop_unheld_orphans()  # first, so that nothing writes into a folder while it is swept
    for debris in (f"{STAGING}*", "tmp*"):  # what a killed run was converting (tmp*: older code)
        sweep_staging(cache, debris)
    todo = [r for r in rendered if not (cache / f"{r.sha256}.pdf").is_file()]
    errors: dict[str, str] = {}
    if todo:

        def keep(index: int, done: Conversion) -> None:
            # Into the cache the moment it is whole (a rename on one file system, so an entry
            # is never half a PDF): a run killed midway loses only what was still converting.
            assert done.pdf is not None
            os.replace(done.pdf, cache / f"{todo[index].sha256}.pdf")

        # Forms of one template go to LibreOffice as one document a few dozen and are split back
        # per form (appraisal.pdf.as_one): about twice as fast as a file each, same answers.
        with staging_dir(cache, STAGING) as staging:
            results = convert_as_one(
                [r.docx for r in todo],
                staging,
                workers=settings.converters or None,
                group_size=settings.convert_group,
                converted=keep,
            )
        errors = {
            r.document_id: f"error: {c.error}"
            for r, c in zip(todo, results, strict=True)
            if c.pdf is None
        }
    out: dict[str, str] = {}
    for r in rendered:
        if r.document_id in errors:
            out[r.document_id] = errors[r.document_id]
            continue
        target = r.docx.with_suffix(".pdf")
        link_or_copy(cache / f"{r.sha256}.pdf", target)
        out[r.document_id] = str(target)
    return out


def made_document(
    job: DocumentJob, rendered: Rendered, pdf: str, versions: dict[str, str]
) -> documents.MadeDocument:
    """What is recorded of a planned document, its .docx and `pdf` (a path, or a conversion's
    error message starting with "error:")."""
    ok = bool(pdf) and not pdf.startswith("error:")
    return documents.MadeDocument(
        job=job,
        docx=rendered.docx,
        docx_sha256=rendered.sha256,
        pdf=Path(pdf) if ok else None,
        pdf_sha256=sha256_file(Path(pdf)) if ok else "",
        template_version=versions.get(job.template_id, ""),
    )


@task(name="record documents")
def record_documents(
    cycle_id: int,
    jobs: list[DocumentJob],
    rendered: list[Rendered],
    pdfs: dict[str, str],
    versions: dict[str, str],
    person_ids: dict[str, int] | None = None,
) -> int:
    """Upsert the Document rows: the same ID is updated in place, never duplicated.

    `person_ids` maps the people's codes to their ids when the caller has read them already."""
    by_id = {r.document_id: r for r in rendered}
    made = [
        made_document(job, by_id[job.document_id], pdfs.get(job.document_id, ""), versions)
        for job in jobs
    ]
    with session_scope() as session:
        if person_ids is None:
            person_ids = member_ids(
                session, cycle_id, {j.person_code for j in jobs if j.person_code}
            )
        return documents.record_documents(session, cycle_id, made, person_ids)


# Documents are delivered a page at a time, so a stage of any size needs the same memory.
DELIVERY_PAGE = 500


@task(name="deliver documents")
def deliver_documents(cycle_id: int, stage: Stage) -> int:
    """Put each undelivered PDF in its recipient's outbox folder, once."""
    delivered = 0
    while True:
        with session_scope() as session:
            page = documents.undelivered(session, cycle_id, stage, DELIVERY_PAGE)
            for doc in page:
                folder = outbox_dir(cycle_id, stage) / _safe(doc.recipient)
                link_or_copy(located(doc.pdf_path), folder / f"{doc.document_id}.pdf")
            documents.mark_delivered(session, [doc.document_id for doc in page])
            delivered += len(page)
        if len(page) < DELIVERY_PAGE:
            return delivered


def _safe(name: str) -> str:
    return "".join(c if c not in '/\\:*?"<>|' else "_" for c in name).strip() or "_"


@task(name="close stage run")
def close_stage(cycle_id: int, stage: Stage) -> None:
    with session_scope() as session:
        finish_stage_run(session, cycle_id, stage)


__all__ = [
    "Rendered",
    "address_letters",
    "close_stage",
    "convert_documents",
    "deliver_documents",
    "documents_dir",
    "member_codes",
    "open_stage",
    "plan_documents",
    "plan_stage_letters",
    "record_documents",
    "render_documents",
    "score_cycle",
]
