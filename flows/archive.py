"""The archive flow: seal a dossier for every person whose stages are complete, write the
cycle register, and close the cycle once everyone is sealed.

Idempotent like the stages: covers are rendered from the database and converted through the
PDF cache, and a person whose inputs have not changed since the last seal is left alone.
"""

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow
from sqlmodel import col, select

from appraisal.archive.contents import (
    LETTERS_PACKAGE,
    STAGE_TITLES,
    PersonFile,
    Rendition,
    extract_rows,
    extract_stages,
    fingerprint,
    missing,
    sections,
    toc_rows,
)
from appraisal.archive.dossier import plan_pages
from appraisal.archive.register import write_register
from appraisal.archive.seal import ASSEMBLING, Sealed, SealJob, seal_letters, seal_many
from appraisal.clock import today as clock_today
from appraisal.crashpoints import crash_point
from appraisal.db import session_scope
from appraisal.documents import contexts
from appraisal.documents.plan import DOSSIER_COVER, LETTERS_EXTRACT, DocumentJob
from appraisal.documents.views import CycleView, PersonView
from appraisal.files import sha256_file, sweep_staging
from appraisal.flows.runmode import log, task
from appraisal.flows.tasks import (
    Rendered,
    convert_documents,
    member_codes,
    record_documents,
    render_documents,
)
from appraisal.identity import document_id
from appraisal.models import Cycle, Dossier
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.paths import documents_dir, dossiers_dir, register_path, stored
from appraisal.pdf import pdf_pages
from appraisal.progress import report
from appraisal.render.manifest import resolve_templates
from appraisal.settings import get_settings
from appraisal.store import archive_data, cycle_data
from appraisal.store.cycles import cycle_people, set_stage
from appraisal.store.decisions import note_early_seal
from appraisal.store.freeze import frozen_codes
from appraisal.store.locks import cycle_lock

ARCHIVE_OFFICE = "档案室"


@dataclass
class ArchiveOutcome:
    sealed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    register: str = ""
    dossiers: str = ""
    stage: str = ""


def _titles() -> dict[str, str]:
    templates = resolve_templates(get_settings().templates_dir).templates
    return {tid: t.spec.title for tid, t in templates.items()}


@task(name="gather people's files")
def gather(cycle_id: int, codes: list[str]) -> list[PersonFile]:
    with session_scope() as session:
        return archive_data.person_files(session, cycle_id, _titles(), codes)


def frozen_people(cycle_id: int) -> set[str]:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        return frozen_codes(session, cycle)


@task(name="file the letters to bodies")
def file_letters(cycle_id: int, sealed_on: date) -> bool:
    """The complete letters of the cycle, once, in the package beside the dossiers."""
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        name = cycle.name
        letters = archive_data.cycle_letters(session, cycle_id, _titles())
    letters = [d for d in letters if not d.missing and d.pdf]
    if not letters:
        return False
    return seal_letters(
        letters, dossiers_dir(cycle_id) / LETTERS_PACKAGE, cycle_name=name, sealed_on=sealed_on
    )


def _archive_job(
    pf: PersonFile, template_id: str, part: str, context: dict[str, Any], issued: date
) -> DocumentJob:
    doc_id = document_id(
        cycle_id=pf.cycle_id,
        stage=Stage.ARCHIVE,
        template_id=template_id,
        person_code=pf.code,
        recipient=f"{ARCHIVE_OFFICE}/{part}",
    )
    return DocumentJob(
        document_id=doc_id,
        stage=Stage.ARCHIVE,
        template_id=template_id,
        person_code=pf.code,
        recipient_kind=ARCHIVE_OFFICE,
        recipient_name=ARCHIVE_OFFICE,
        needs_signoff=False,
        due_on=issued,
        context={**context, "文档编号": doc_id},
    )


def _views(cycle_id: int, codes: list[str]) -> tuple[CycleView, dict[str, PersonView]]:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        view = cycle_data.cycle_view(cycle)
        persons = {p.code: p for p in cycle_data.people_views(session, cycle_id, codes)}
    return view, persons


def _make(cycle_id: int, template_id: str, jobs: list[DocumentJob]) -> dict[str, Rendition]:
    """Render, convert (through the PDF cache) and record archive documents: id -> Rendition."""
    settings = get_settings()
    template = resolve_templates(settings.templates_dir).get(template_id)
    out_dir = documents_dir(cycle_id, Stage.ARCHIVE)
    rendered: list[Rendered] = []
    for start in range(0, len(jobs), settings.batch_size):
        rendered += render_documents(
            template.path, jobs[start : start + settings.batch_size], out_dir
        )
    pdfs: dict[str, str] = {}
    for start in range(0, len(rendered), settings.convert_chunk):
        pdfs.update(convert_documents(cycle_id, rendered[start : start + settings.convert_chunk]))
    record_documents(cycle_id, jobs, rendered, pdfs, {template_id: template.spec.version})
    made = {}
    for job, r in zip(jobs, rendered, strict=True):
        pdf = pdfs[job.document_id]
        if pdf.startswith("error:"):
            raise RuntimeError(f"{template.spec.title} for {job.person_code}: {pdf}")
        made[job.document_id] = Rendition(job.document_id, template.spec.title, r.docx, Path(pdf))
    return made


def make_extracts(
    cycle_id: int, people: list[PersonFile], issued: date
) -> dict[str, dict[Stage, Rendition]]:
    """Per person, one page per stage listing the letters about them that are filed apart."""
    view, persons = _views(cycle_id, [pf.code for pf in people])
    jobs, keys = [], []
    for pf in people:
        for stage in extract_stages(pf):
            context = contexts.letters_extract(
                view, persons[pf.code], STAGE_TITLES[stage], extract_rows(pf, stage), issued,
                f"本周期档案 {LETTERS_PACKAGE} 卷",
            )  # fmt: skip
            jobs.append(_archive_job(pf, LETTERS_EXTRACT, stage.value, context, issued))
            keys.append((pf.code, stage))
    made = _make(cycle_id, LETTERS_EXTRACT, jobs) if jobs else {}
    extracts: dict[str, dict[Stage, Rendition]] = {pf.code: {} for pf in people}
    for (code, stage), job in zip(keys, jobs, strict=True):
        r = made[job.document_id]
        extracts[code][stage] = Rendition(
            r.document_id, f"{r.title}（{STAGE_TITLES[stage]}）", r.docx, r.pdf
        )
    return extracts


def make_covers(
    cycle_id: int,
    people: list[PersonFile],
    extracts: dict[str, dict[Stage, Rendition]],
    issued: date,
    pages: int | None = None,
) -> tuple[dict[str, Rendition], int]:
    """Render and convert each cover; its 目录 page numbers count the cover's own pages, so a
    cover that comes out longer than assumed is made again with the real count. `pages` is a
    cover's length learned earlier; returns the covers and the length to assume next time."""
    view, persons = _views(cycle_id, [pf.code for pf in people])
    assumed = {pf.code: pages or 2 for pf in people}
    covers: dict[str, Rendition] = {}
    # How long a cover comes out depends on the template: one cover made first tells the rest,
    # so most covers are rendered and converted once instead of twice.
    todo, waiting = (list(people), []) if pages else (list(people[:1]), list(people[1:]))
    for _attempt in range(5):
        if not todo:
            break
        jobs = []
        for pf in todo:
            secs = sections(pf, extracts[pf.code])
            toc = toc_rows(pf, secs, plan_pages(assumed[pf.code], secs))
            context = contexts.dossier_cover(view, persons[pf.code], issued, toc)
            jobs.append(_archive_job(pf, DOSSIER_COVER, ARCHIVE_OFFICE, context, issued))
        made = _make(cycle_id, DOSSIER_COVER, jobs)
        again = []
        for pf, job in zip(todo, jobs, strict=True):
            cover = made[job.document_id]
            pages = pdf_pages(cover.pdf)
            if pages != assumed[pf.code]:
                assumed[pf.code] = pages
                again.append(pf)
            else:
                covers[pf.code] = cover
        if waiting:
            learned = assumed[todo[0].code]
            assumed.update({pf.code: learned for pf in waiting})
            again += waiting
            waiting = []
        todo = again
    if todo:
        raise RuntimeError(
            f"dossier covers would not settle on a page count: {[p.code for p in todo]}"
        )
    return covers, assumed[people[0].code] if people else (pages or 2)


@task(name="seal dossiers")
def seal_batch(
    cycle_id: int,
    people: list[PersonFile],
    covers: dict[str, Rendition],
    extracts: dict[str, dict[Stage, Rendition]],
    sealed_on: date,
) -> tuple[list[Sealed], list[str], dict[str, str]]:
    """Seal each person whose inputs changed since the last seal: (sealed, unchanged, failed)."""
    settings = get_settings()
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        issuer = cycle.office.get("name", "") or settings.actor
        members = cycle_people(session, cycle_id, [f.code for f in people])
        ids = {p.code: p.id for p in members if p.id is not None}
        known = {
            d.person_id: d
            for d in session.exec(
                select(Dossier).where(
                    Dossier.cycle_id == cycle_id, col(Dossier.person_id).in_(list(ids.values()))
                )
            )
        }
    sealed: list[Sealed] = []
    unchanged: list[str] = []
    failed: dict[str, str] = {}
    todo: list[SealJob] = []
    prints: dict[str, str] = {}
    for pf in people:
        cover = covers[pf.code]
        target = dossiers_dir(cycle_id) / pf.code
        made = [cover, *extracts[pf.code].values()]
        prints[pf.code] = print_ = fingerprint(pf, "".join(sha256_file(r.pdf) for r in made))
        old = known.get(ids[pf.code])
        if old and old.fingerprint == print_ and (target / "bagit.txt").is_file():
            unchanged.append(pf.code)
            continue
        todo.append(SealJob(pf, cover, extracts[pf.code], target, sealed_on, issuer))
    workers = settings.converters or os.cpu_count() or 1
    for pf, done in seal_many(todo, workers):
        if isinstance(done, str):  # one bad file must not stop the other dossiers
            failed[pf.code] = done
            continue
        target, print_ = done.path, prints[pf.code]
        sealed.append(done)
        with session_scope() as session:
            row = session.exec(
                select(Dossier).where(
                    Dossier.cycle_id == cycle_id, Dossier.person_id == ids[pf.code]
                )
            ).first() or Dossier(
                cycle_id=cycle_id,
                person_id=ids[pf.code],
                path="",
                fingerprint="",
                pages=0,
                files=0,
                bytes=0,
            )
            row.path, row.fingerprint = stored(target), print_
            row.pages, row.files, row.bytes = done.layout.pages, done.files, done.bytes
            row.sealed_at = utcnow()
            session.add(row)
        crash_point("sealed")
    return sealed, unchanged, failed


@task(name="write the cycle register")
def register(cycle_id: int, today: date) -> str:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        # People and the audit trail are read while the workbook is written, a page at a time.
        rows, stages, audit = archive_data.register_inputs(session, cycle_id, today)
        path = write_register(
            register_path(cycle_id), cycle_name=cycle.name, rows=rows, stages=stages, audit=audit
        )
    return str(path)


@task(name="close the cycle when everyone is sealed")
def close_if_done(cycle_id: int) -> str:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        members = len(cycle_people(session, cycle_id))
        sealed = len(session.exec(select(Dossier).where(Dossier.cycle_id == cycle_id)).all())
        if cycle.stage == Stage.ARCHIVE and sealed == members:
            set_stage(
                session, cycle, Stage.DONE, actor=get_settings().actor, reason="all dossiers sealed"
            )
        return cycle.stage.value


@task(name="note early seals")
def note_early(cycle_id: int, gaps: dict[str, list[str]], reason: str) -> None:
    with session_scope() as session:
        cycle = session.get(Cycle, cycle_id)
        assert cycle is not None
        for code, lacking in gaps.items():
            note_early_seal(
                session, cycle=cycle, code=code, gaps=lacking, reason=reason,
                actor=get_settings().actor,
            )  # fmt: skip


def _ready(
    cycle_id: int, codes: list[str], outcome: ArchiveOutcome, early: str
) -> list[PersonFile]:
    """The people of `codes` that can be sealed: complete, or named for an early seal (which is
    audited first, so the record in the package says what it lacked and why)."""
    files = gather(cycle_id, codes)
    gaps = {pf.code: missing(pf) for pf in files}
    if early and any(gaps.values()):
        note_early(cycle_id, {c: g for c, g in gaps.items() if g}, early)
        files = gather(cycle_id, codes)
    ready = []
    for pf in files:
        if gaps[pf.code] and not early:
            outcome.refused[pf.code] = gaps[pf.code]
        else:
            ready.append(pf)
    return ready


@flow(name="archive (归档)", flow_run_name="archive of cycle {cycle_id}")
def archive_cycle(
    cycle_id: int, codes: list[str] | None = None, today: date | None = None, early: str = ""
) -> ArchiveOutcome:
    """Seal every complete person (or those in `codes`); the others are named with their gaps.

    `early` is staff's reason to seal the people in `codes` although their cycle is not complete
    for them (a documented exception: it is audited, with what each lacked). LockBusy if
    another archive or intake of the cycle is running: two would seal twice."""
    with cycle_lock(cycle_id, "archive"):
        return _archive(cycle_id, codes, today or clock_today(), early)


def _archive(cycle_id: int, codes: list[str] | None, today: date, early: str) -> ArchiveOutcome:
    settings = get_settings()
    outcome = ArchiveOutcome(dossiers=str(dossiers_dir(cycle_id)))
    members = member_codes(cycle_id)
    unknown = sorted(set(codes or []) - set(members))
    if unknown:
        raise ValueError(f"not in cycle {cycle_id}: {', '.join(unknown)}")
    if early and not codes:
        raise ValueError("sealing early is for named people: give them with --person")
    sweep_staging(dossiers_dir(cycle_id), f".*{ASSEMBLING}*")  # a killed run's half-made PDFs
    wanted = [c for c in members if not codes or c in codes]
    # A sealed dossier stays as sealed until the cycle is reopened, whatever changed since.
    # A package gone from disk is made again from what was recorded (sealing checks each file
    # against it), so a lost package is restored, never changed.
    frozen = {
        c for c in frozen_people(cycle_id) if (dossiers_dir(cycle_id) / c / "bagit.txt").is_file()
    }
    outcome.unchanged += [c for c in wanted if c in frozen]
    todo = [c for c in wanted if c not in frozen]
    # A slice of people at a time, so memory does not grow with the number of people.
    cover_pages: int | None = None
    size = max(1, settings.slice_people)
    for first in range(0, len(todo), size):
        ready = _ready(cycle_id, todo[first : first + size], outcome, early)
        if not ready:
            continue
        extracts = make_extracts(cycle_id, ready, today)
        crash_point("extracts")
        covers, cover_pages = make_covers(cycle_id, ready, extracts, today, cover_pages)
        crash_point("covers")
        for start in range(0, len(ready), settings.batch_size):
            sealed, unchanged, failed = seal_batch(
                cycle_id, ready[start : start + settings.batch_size], covers, extracts, today
            )
            outcome.sealed += [s.code for s in sealed]
            outcome.unchanged += unchanged
            outcome.failed.update(failed)
            done = len(outcome.sealed) + len(outcome.unchanged) + len(outcome.failed)
            report("archive: dossiers", done + len(outcome.refused), len(wanted))
    log("archive: %d not complete", len(outcome.refused))
    if file_letters(cycle_id, today):
        log("archive: letters to bodies filed in %s", LETTERS_PACKAGE)
    crash_point("letters")
    outcome.register = register(cycle_id, today)
    crash_point("register")
    outcome.stage = close_if_done(cycle_id)
    log(
        "archive: %d sealed, %d unchanged, %d refused, %d failed; register %s",
        len(outcome.sealed),
        len(outcome.unchanged),
        len(outcome.refused),
        len(outcome.failed),
        outcome.register,
    )
    return outcome
