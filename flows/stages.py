"""One flow per stage. Each run is idempotent: it plans the stage's documents from the database,
renders and converts them in batches, records them, delivers what is new and e-mails reviewers.

A large stage can be made in parts, each a flow run of `stage_part`, so workers on several
machines share it (settings `stage_parts` and `part_deployment`)."""

import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import TypeVar

from prefect import flow

from appraisal.clock import today as clock_today
from appraisal.crashpoints import crash_point
from appraisal.documents.plan import (
    DocumentJob,
    has_letters,
    has_person_documents,
    letter_batches,
)
from appraisal.flows.mail import plan_stage_mail, send_outbox
from appraisal.flows.parts import run_parts_on_workers, write_part_record
from appraisal.flows.runmode import Running, call_flow, log
from appraisal.flows.tasks import (
    Rendered,
    address_letters,
    close_stage,
    convert_documents,
    cycle_kind,
    deliver_documents,
    documents_dir,
    member_codes,
    open_stage,
    plan_documents,
    plan_stage_letters,
    record_documents,
    render_documents,
    score_cycle,
)
from appraisal.models.vocab import Stage
from appraisal.pdf.as_one import even_size
from appraisal.progress import report
from appraisal.render.manifest import resolve_templates
from appraisal.settings import get_settings
from appraisal.store.locks import cycle_lock

T = TypeVar("T")


def _batches(jobs: list[DocumentJob], size: int) -> list[tuple[str, list[DocumentJob]]]:
    by_template: dict[str, list[DocumentJob]] = defaultdict(list)
    for job in jobs:
        by_template[job.template_id].append(job)
    return [
        (tid, group[i : i + size])
        for tid, group in by_template.items()
        for i in range(0, len(group), size)
    ]


@dataclass
class Making:
    """A set of a stage's documents rendered and handed to LibreOffice, not yet recorded."""

    cycle_id: int
    stage: Stage
    what: str
    jobs: list[DocumentJob]
    batches: list[tuple[str, list[DocumentJob]]]
    # Each template's version as rendered, recorded with its documents.
    versions: dict[str, str]
    rendered: list[list[Rendered]] = field(default_factory=list)
    pdfs: dict[str, str] = field(default_factory=dict)
    converting: deque[Running[dict[str, str]]] = field(default_factory=deque)

    def collect(self, keep: int) -> None:
        """Wait for the conversions started first until `keep` are left running."""
        while len(self.converting) > keep:
            self.pdfs.update(self.converting.popleft().result())
            report(f"{self.stage.value}: {self.what}", len(self.pdfs), len(self.jobs))
            crash_point("converted")


def start_documents(
    cycle_id: int, stage: Stage, jobs: list[DocumentJob], what: str = "documents"
) -> Making:
    """Render one set of a stage's documents (a slice of people's, or the letters) and hand
    them to LibreOffice; `what` names the set in progress reports. finish_documents records
    them."""
    settings = get_settings()
    templates = resolve_templates(settings.templates_dir)
    out_dir = documents_dir(cycle_id, stage)
    versions = {tid: t.spec.version for tid, t in templates.templates.items()}
    making = Making(cycle_id, stage, what, jobs, _batches(jobs, settings.batch_size), versions)
    # LibreOffice pays a start-up per call, so whole chunks of the stage go to it at once; one
    # chunk converts while the next is rendered (rendering uses one core, LibreOffice both),
    # and made ready to convert (convert_as_one's converter slots) meanwhile.
    waiting: list[Rendered] = []
    chunk_size = even_size(len(jobs), settings.convert_chunk)
    for template_id, batch in making.batches:
        making.rendered.append(render_documents(templates.get(template_id).path, batch, out_dir))
        waiting += making.rendered[-1]
        while len(waiting) >= chunk_size:
            making.collect(keep=1)
            chunk, waiting = waiting[:chunk_size], waiting[chunk_size:]
            making.converting.append(convert_documents.start(cycle_id, chunk))
    log("stage %s: %d %s rendered", stage.value, len(jobs), what)
    crash_point("rendered")
    if waiting:
        making.collect(keep=1)
        making.converting.append(convert_documents.start(cycle_id, waiting))
    return making


def finish_documents(making: Making) -> dict[str, int]:
    """Wait for a set's conversions and record its documents: counts planned, changed, failed."""
    making.collect(keep=0)
    recorded = sum(
        record_documents(making.cycle_id, batch, group, making.pdfs, making.versions)
        for (_, batch), group in zip(making.batches, making.rendered, strict=True)
    )
    crash_point("recorded")
    failed = sum(v.startswith("error:") for v in making.pdfs.values())
    return {"planned": len(making.jobs), "changed": recorded, "failed": failed}


def part_of(items: list[T], part: int, parts: int) -> list[T]:
    """Contiguous slices whose sizes differ by one at most."""
    return items[len(items) * part // parts : len(items) * (part + 1) // parts]


def _add(total: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    return {k: total.get(k, 0) + v for k, v in counts.items()}


# Letters are made a run at a time, listing at most this many slices' worth of people (4,000
# names at the default slice: twenty full letters, ten for each converter), so memory does not
# grow with the cycle, while each conversion call still spreads LibreOffice's start-up over
# several letters.
LETTER_BATCH_SLICES = 8


def planned_letters(
    cycle_id: int, stage: Stage, issued: date, due: date
) -> Iterator[tuple[str, list[DocumentJob]]]:
    """The stage's letters to bodies, a run at a time, each with a name for progress reports."""
    letters = address_letters(cycle_id, stage, issued, due)
    names = max(1, get_settings().slice_people) * LETTER_BATCH_SLICES
    done = 0
    for batch in letter_batches(letters, names):
        what = f"letters {done + 1}-{done + len(batch)} of {len(letters)}"
        yield what, plan_stage_letters(cycle_id, stage, issued, due, batch)
        done += len(batch)


def planned_slices(
    cycle_id: int, stage: Stage, issued: date, due: date, codes: list[str], size: int
) -> Iterator[tuple[str, list[DocumentJob]]]:
    """The documents of the people of `codes`, `size` people at a time, each slice with a name
    for progress reports; a slice is planned only when it is asked for."""
    for start in range(0, len(codes), size):
        some = codes[start : start + size]
        what = f"documents of people {start + 1}-{start + len(some)} of {len(codes)}"
        yield what, plan_documents(cycle_id, stage, issued, due, some)


def make_part(
    cycle_id: int, stage: Stage, issued: date, due: date, part: int = 0, parts: int = 1
) -> dict[str, int]:
    """One part of a stage's documents: its share of the people, a slice of them at a time, so
    memory stays the same whatever the number of people; the first part also makes the letters
    to bodies. The plan is deterministic, so parts made anywhere add up to the whole stage."""
    settings = get_settings()
    # A stage that only writes to bodies (动员部署, 征求意见) reads no records slice by slice.
    kind = cycle_kind(cycle_id)
    people = has_person_documents(stage, kind)
    codes = part_of(member_codes(cycle_id), part, parts) if people else []
    size = max(1, settings.slice_people)
    counts = {"planned": 0, "changed": 0, "failed": 0}
    sets = planned_slices(cycle_id, stage, issued, due, codes, size)
    if part == 0 and has_letters(stage, kind):
        sets = chain(sets, planned_letters(cycle_id, stage, issued, due))
    # A set is planned, rendered and handed to LibreOffice while the one before still converts,
    # then that one is recorded: the converters go from one set to the next without a pause.
    # At most two sets are held at once, so memory stays a slice's worth or two.
    before: Making | None = None
    for what, jobs in sets:
        making = start_documents(cycle_id, stage, jobs, what)
        if before is not None:
            counts = _add(counts, finish_documents(before))
        before = making
    if before is not None:
        counts = _add(counts, finish_documents(before))
    log("stage %s: %d documents planned", stage.value, counts["planned"])
    return counts


@flow(name="stage part", flow_run_name="{stage} part {part} of {parts}, cycle {cycle_id}")
def stage_part(
    cycle_id: int, stage: Stage, issued: date, due: date, part: int, parts: int
) -> dict[str, int]:
    """One part of a stage's documents; a worker anywhere with the database and the output
    folder can run it."""
    started = time.perf_counter()
    counts = make_part(cycle_id, stage, issued, due, part, parts)
    write_part_record(cycle_id, stage, part, parts, counts, seconds=time.perf_counter() - started)
    return counts


def run_stage(cycle_id: int, stage: Stage, today: date | None = None) -> dict[str, int]:
    """The body every stage flow shares; returns counts for the caller to print. LockBusy if
    another stage run of the cycle is going: two would race to deliver and e-mail."""
    with cycle_lock(cycle_id, "stage"):
        return _run_stage(cycle_id, stage, today)


def _run_stage(cycle_id: int, stage: Stage, today: date | None) -> dict[str, int]:
    settings = get_settings()
    issued, due = open_stage(cycle_id, stage, today or clock_today())
    if stage == Stage.EVALUATION:
        log("%s", score_cycle(cycle_id))
    # A stage that only writes to bodies (动员部署, 征求意见) has nothing to share out: its
    # letters are made by part 0, and more parts would be runs that do nothing.
    people = has_person_documents(stage, cycle_kind(cycle_id))
    parts = max(1, settings.stage_parts) if people else 1
    if parts == 1:
        counts = make_part(cycle_id, stage, issued, due)
    elif settings.part_deployment:
        counts = run_parts_on_workers(
            settings.part_deployment, cycle_id, stage, issued, due, parts, settings.part_timeout
        )
    else:
        each = [call_flow(stage_part, cycle_id, stage, issued, due, p, parts) for p in range(parts)]
        counts = {k: sum(c[k] for c in each) for k in each[0]}
    delivered = deliver_documents(cycle_id, stage)
    crash_point("delivered")
    log("stage %s: %d e-mail(s) planned", stage.value, plan_stage_mail(cycle_id, stage))
    crash_point("mailed")
    close_stage(cycle_id, stage)
    crash_point("closed")
    log("stage %s: %d delivered, %d failed to convert", stage.value, delivered, counts["failed"])
    # After the stage is closed: its documents are out whether or not the mail server answers.
    if settings.smtp_host:
        call_flow(send_outbox, cycle_id)
    return {**counts, "delivered": delivered}


@flow(name="mobilization (动员部署)", flow_run_name="mobilization of cycle {cycle_id}")
def mobilization(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.MOBILIZATION, today)


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


@flow(name="approval (审定)", flow_run_name="approval of cycle {cycle_id}")
def approval(cycle_id: int, today: date | None = None) -> dict[str, int]:
    """Opens 审定: nothing is made; the gate waits for the 审核 (appraisal/store/approvals.py)."""
    return run_stage(cycle_id, Stage.APPROVAL, today)


@flow(name="notification (情况通报)", flow_run_name="notification of cycle {cycle_id}")
def notification(cycle_id: int, today: date | None = None) -> dict[str, int]:
    return run_stage(cycle_id, Stage.NOTIFICATION, today)


STAGE_FLOWS = {
    Stage.MOBILIZATION: mobilization,
    Stage.NOMINATION: nomination,
    Stage.ASSESSMENT: assessment,
    Stage.EVALUATION: evaluation,
    Stage.SOLICITATION: solicitation,
    Stage.APPROVAL: approval,
    Stage.NOTIFICATION: notification,
}
