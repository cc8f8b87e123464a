"""The archive flow: seal a dossier for every person whose stages are complete, write the
cycle register, and close the cycle once everyone is sealed.

Idempotent like the stages: covers are rendered from the database and converted through the
PDF cache, and a person whose inputs have not changed since the last seal is left alone.
"""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from appraisal.archive.contents import (
    FILED_APART,
    LETTERS_PACKAGE,
    PersonFile,
    Rendition,
    extract_rows,
    extract_stages,
    fingerprint,
    made_for_dossier,
    missing,
    own_parts,
    sections,
    toc_rows,
)
from appraisal.archive.covers import FIRST_GUESS, TocRows, settle_covers
from appraisal.archive.dossier import DossierError, part_pages, plan_pages
from appraisal.archive.register import write_register
from appraisal.archive.seal import (
    ASSEMBLING,
    Sealed,
    SealJob,
    seal_letters,
    seal_many,
    worker_pool,
)
from appraisal.clock import today as clock_today
from appraisal.crashpoints import crash_point
from appraisal.db import session_scope
from appraisal.documents import contexts
from appraisal.documents.plan import DocumentJob
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
from appraisal.models.vocab import Stage
from appraisal.paths import documents_dir, dossiers_dir, register_path, stored
from appraisal.pdf import pdf_pages
from appraisal.pdf.as_one import even_size
from appraisal.progress import report
from appraisal.render.manifest import ResolvedTemplate, resolve_templates, template_titles
from appraisal.settings import get_settings
from appraisal.stages import DOSSIER_COVER, LETTERS_EXTRACT, STAGE_TITLES
from appraisal.store import archive_data, dossiers
from appraisal.store.archive_slice import ArchiveSlice, archive_slice
from appraisal.store.cycles import get_cycle
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
    return template_titles(get_settings().templates_dir)


@task(name="gather people's files")
def gather(cycle_id: int, codes: list[str]) -> ArchiveSlice:
    """The people of `codes`, read once for everything the archive makes of them."""
    with session_scope() as session:
        return archive_slice(session, cycle_id, codes, _titles())


def frozen_people(cycle_id: int) -> set[str]:
    with session_scope() as session:
        return frozen_codes(session, get_cycle(session, cycle_id))


@task(name="file the letters to bodies")
def file_letters(cycle_id: int, sealed_on: date) -> bool:
    """The complete letters of the cycle, once, in the package beside the dossiers."""
    with session_scope() as session:
        name = get_cycle(session, cycle_id).name
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


def _render(
    cycle_id: int, template_id: str, jobs: list[DocumentJob]
) -> tuple[ResolvedTemplate, list[Rendered]]:
    """The documents rendered, with the template as it was read for them (its version and
    title are recorded with them)."""
    settings = get_settings()
    template = resolve_templates(settings.templates_dir).get(template_id)
    out_dir = documents_dir(cycle_id, Stage.ARCHIVE)
    rendered: list[Rendered] = []
    for start in range(0, len(jobs), settings.batch_size):
        rendered += render_documents(
            template.path, jobs[start : start + settings.batch_size], out_dir
        )
    return template, rendered


def _convert(cycle_id: int, rendered: list[Rendered], extra: list[Rendered]) -> dict[str, str]:
    """PDFs through the cache, a chunk a call; `extra` goes with the first chunk, so that it
    costs no LibreOffice start of its own."""
    pdfs: dict[str, str] = {}
    chunk = even_size(len(rendered), get_settings().convert_chunk)
    for start in range(0, max(1, len(rendered)), chunk):
        pdfs.update(convert_documents(cycle_id, rendered[start : start + chunk] + extra))
        extra = []
    return pdfs


def _recorded(
    cycle_id: int,
    template: ResolvedTemplate,
    jobs: list[DocumentJob],
    rendered: list[Rendered],
    pdfs: dict[str, str],
    person_ids: dict[str, int],
) -> dict[str, Rendition]:
    """Record archive documents made: id -> Rendition; RuntimeError naming one that failed."""
    versions = {template.spec.id: template.spec.version}
    record_documents(cycle_id, jobs, rendered, pdfs, versions, person_ids)
    made = {}
    for job, r in zip(jobs, rendered, strict=True):
        pdf = pdfs[job.document_id]
        if pdf.startswith("error:"):
            raise RuntimeError(f"{job.person_code} 的{template.spec.title}：{pdf}")
        made[job.document_id] = Rendition(job.document_id, template.spec.title, r.docx, Path(pdf))
    return made


def _make(
    cycle_id: int, template_id: str, jobs: list[DocumentJob], person_ids: dict[str, int]
) -> dict[str, Rendition]:
    """Render, convert (through the PDF cache) and record archive documents: id -> Rendition."""
    template, rendered = _render(cycle_id, template_id, jobs)
    pdfs = _convert(cycle_id, rendered, [])
    return _recorded(cycle_id, template, jobs, rendered, pdfs, person_ids)


# What a person's extract is assumed to run to when the first cover is made with the extracts
# (one page holds the eleven letters of a usual cycle); a longer one only costs that cover a
# conversion of its own later.
EXTRACT_PAGES_GUESS = 1


def _cover_job(people: ArchiveSlice, pf: PersonFile, issued: date, toc: TocRows) -> DocumentJob:
    context = contexts.dossier_cover(people.cycle, people.views[pf.code], issued, toc)
    return _archive_job(pf, DOSSIER_COVER, ARCHIVE_OFFICE, context, issued)


def _probe_cover(
    people: ArchiveSlice, issued: date, extract: Rendition | None
) -> DocumentJob | None:
    """The first person's cover as settle_covers would first make it, but with their extract
    not yet converted (assumed EXTRACT_PAGES_GUESS pages long): converted with the extracts, it
    tells how long the covers come out. None when a part cannot be read (settle_covers names
    it)."""
    pf = people.files[0]
    secs = sections(pf, extract)
    known = part_pages(own_parts(pf))
    if extract is not None:
        known[extract.pdf] = EXTRACT_PAGES_GUESS
    try:
        toc = toc_rows(secs, plan_pages(FIRST_GUESS, secs, known))
    except DossierError:
        return None
    return _cover_job(people, pf, issued, toc)


def make_extracts(
    cycle_id: int, people: ArchiveSlice, issued: date, probe: bool = False
) -> tuple[dict[str, Rendition | None], int | None]:
    """Per person with letters filed apart, one extract listing them all, stage by stage (one
    document, so sealing converts at most two a person: it and the cover). With `probe`, the
    first person's cover is converted along, and its length returned for make_covers (else
    None): so it costs no LibreOffice start of its own."""
    jobs, codes = [], []
    for pf in people.files:
        stages = extract_stages(pf)
        if not stages:
            continue
        context = contexts.letters_extract(
            people.cycle, people.views[pf.code], "、".join(STAGE_TITLES[s] for s in stages),
            extract_rows(pf), issued, "本周期致单位公函卷",
        )  # fmt: skip
        jobs.append(_archive_job(pf, LETTERS_EXTRACT, FILED_APART, context, issued))
        codes.append(pf.code)
    template, rendered = _render(cycle_id, LETTERS_EXTRACT, jobs) if jobs else (None, [])
    probing: list[Rendered] = []
    if probe and people.files:
        extract = None
        if template is not None and codes[0] == people.files[0].code:
            r = rendered[0]  # its PDF will be here once converted
            to_be = r.docx.with_suffix(".pdf")
            extract = Rendition(r.document_id, template.spec.title, r.docx, to_be)
        cover = _probe_cover(people, issued, extract)
        probing = _render(cycle_id, DOSSIER_COVER, [cover])[1] if cover is not None else []
    pdfs = _convert(cycle_id, rendered, probing) if rendered or probing else {}
    made = _recorded(cycle_id, template, jobs, rendered, pdfs, people.ids) if template else {}
    extracts: dict[str, Rendition | None] = {pf.code: None for pf in people.files}
    for code, job in zip(codes, jobs, strict=True):
        extracts[code] = made[job.document_id]
    # The probe is not recorded: make_covers makes that cover again, from the cache.
    probed = pdfs.get(probing[0].document_id, "") if probing else ""
    pages = pdf_pages(Path(probed)) if probed and not probed.startswith("error:") else None
    return extracts, pages


def make_covers(
    cycle_id: int,
    people: ArchiveSlice,
    extracts: dict[str, Rendition | None],
    issued: date,
    pages: int | None = None,
    known_pages: Mapping[Path, int] | None = None,
) -> tuple[dict[str, Rendition], int]:
    """Each person's cover, rendered and converted until its 目录 counts its own pages (see
    settle_covers); `pages` is a cover's length learned earlier, `known_pages` the parts' page
    counts read beforehand. Returns the covers and the length to assume next time."""

    def make(tocs: Sequence[tuple[PersonFile, TocRows]]) -> list[Rendition]:
        jobs = [_cover_job(people, pf, issued, toc) for pf, toc in tocs]
        made = _make(cycle_id, DOSSIER_COVER, jobs, people.ids)
        count[0] += len(jobs)
        return [made[job.document_id] for job in jobs]

    count = [0]
    settled = settle_covers(people.files, extracts, make, pages, known_pages=known_pages)
    log("archive: %d covers made for %d people", count[0], len(people.files))
    return settled


@dataclass(frozen=True)
class Counted:
    """Where a slice's dossiers start in the progress report of the whole run."""

    before: int
    total: int


@task(name="seal dossiers")
def seal_batch(
    cycle_id: int,
    people: ArchiveSlice,
    covers: dict[str, Rendition],
    extracts: dict[str, Rendition | None],
    sealed_on: date,
    counted: Counted,
) -> tuple[list[Sealed], list[str], dict[str, str]]:
    """Seal each person whose inputs changed since the last seal: (sealed, unchanged, failed)."""
    settings = get_settings()
    issuer = people.cycle.office.name or settings.actor
    ids = {pf.code: people.ids[pf.code] for pf in people.files}
    with session_scope() as session:
        known = dossiers.seal_fingerprints(session, cycle_id, ids.values())
    sealed: list[Sealed] = []
    unchanged: list[str] = []
    failed: dict[str, str] = {}
    todo: list[SealJob] = []
    prints: dict[str, str] = {}
    for pf in people.files:
        cover = covers[pf.code]
        target = dossiers_dir(cycle_id) / pf.code
        extract = extracts[pf.code]
        made = made_for_dossier(cover, extract)
        prints[pf.code] = print_ = fingerprint(pf, "".join(sha256_file(r.pdf) for r in made))
        old = known.get(ids[pf.code])
        if old == print_ and (target / "bagit.txt").is_file():
            unchanged.append(pf.code)
            continue
        todo.append(SealJob(pf, cover, extract, target, sealed_on, issuer))
    workers = settings.converters or os.cpu_count() or 1
    for pf, done in seal_many(todo, workers):
        progress = counted.before + len(unchanged) + len(sealed) + len(failed) + 1
        report("archive: dossiers", progress, counted.total)
        if isinstance(done, str):  # one bad file must not stop the other dossiers
            failed[pf.code] = done
            continue
        target, print_ = done.path, prints[pf.code]
        sealed.append(done)
        with session_scope() as session:
            dossiers.record_seal(
                session, cycle_id=cycle_id, person_id=ids[pf.code], path=stored(target),
                fingerprint=print_, pages=done.layout.pages, files=done.files, size=done.bytes,
            )  # fmt: skip
        crash_point("sealed")
    return sealed, unchanged, failed


@task(name="write the cycle register")
def register(cycle_id: int, today: date) -> str:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        # People and the audit trail are read while the workbook is written, a page at a time.
        rows, stages, audit = archive_data.register_inputs(session, cycle_id, today)
        path = write_register(
            register_path(cycle_id), cycle_name=cycle.name, rows=rows, stages=stages, audit=audit
        )
    return str(path)


@task(name="close the cycle when everyone is sealed")
def close_if_done(cycle_id: int) -> str:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        return dossiers.close_when_all_sealed(session, cycle, actor=get_settings().actor).value


@task(name="note early seals")
def note_early(cycle_id: int, gaps: dict[str, list[str]], reason: str) -> None:
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        for code, lacking in gaps.items():
            note_early_seal(
                session, cycle=cycle, code=code, gaps=lacking, reason=reason,
                actor=get_settings().actor,
            )  # fmt: skip


def _ready(cycle_id: int, codes: list[str], outcome: ArchiveOutcome, early: str) -> ArchiveSlice:
    """The people of `codes` that can be sealed: complete, or named for an early seal (which is
    audited first, so the record in the package says what it lacked and why)."""
    people: ArchiveSlice = gather(cycle_id, codes)
    gaps = {pf.code: missing(pf) for pf in people.files}
    if early and any(gaps.values()):
        note_early(cycle_id, {c: g for c, g in gaps.items() if g}, early)
        people = gather(cycle_id, codes)
    ready = []
    for pf in people.files:
        if gaps[pf.code] and not early:
            outcome.refused[pf.code] = gaps[pf.code]
        else:
            ready.append(pf)
    return people.keeping(ready)


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
        listed = "、".join(unknown)
        raise ValueError(f"不在第{cycle_id}号考核周期中 / not in cycle {cycle_id}：{listed}")
    if early and not codes:
        raise ValueError(
            "提前封存只针对指定人员：请用 --person 给出 / sealing early is for named people"
        )
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
        if not ready.files:
            continue
        # The 目录 needs every part's page count: another process reads them while the extracts
        # are made, rather than this one after, with the converters idle.
        with worker_pool(1) as reader:
            counting = reader.submit(part_pages, [p for pf in ready.files for p in own_parts(pf)])
            extracts, probed = make_extracts(cycle_id, ready, today, probe=cover_pages is None)
            known = counting.result()
        crash_point("extracts")
        cover_pages = cover_pages or probed
        covers, cover_pages = make_covers(cycle_id, ready, extracts, today, cover_pages, known)
        crash_point("covers")
        done = len(outcome.sealed) + len(outcome.unchanged) + len(outcome.failed)
        counted = Counted(done + len(outcome.refused), len(wanted))
        sealed, unchanged, failed = seal_batch(cycle_id, ready, covers, extracts, today, counted)
        outcome.sealed += [s.code for s in sealed]
        outcome.unchanged += unchanged
        outcome.failed.update(failed)
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
