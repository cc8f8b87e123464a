"""年度履职报告: each person's annual report, a tracked return of the assessment stage.

A person submits it through their own link, or staff upload the paper report (scanned) on their
behalf with a note. Every upload is kept as it came (named by the database, its SHA-256
recorded) and a second upload is a new version beside the first: a person who sent the wrong
file, or a draft, must be able to send the right one, and the office must still be able to show
what came in first. The latest version is the one that counts. Once the evaluation has scored
the cycle the reports are closed: a later report would change a result that was already
signed, so staff reopen by rerunning the evaluation instead.

The scheme's `[report] missing_item` says what a person with no report at the evaluation is
taken to have done (the default: D11 未按要求提交年度履职报告), applied by `missing_findings`.
One function per operation: `submit_report`, `list_reports`, `person_reports`.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, func, select

from appraisal.evidence_files import PDF_ONLY, EvidenceError, checked_upload
from appraisal.files import copy_checked, keep_unique
from appraisal.models import AnnualReport, Cycle, Person
from appraisal.models.vocab import Stage
from appraisal.paths import cycle_dir, located, stored
from appraisal.scheme import Scheme, parse_scheme
from appraisal.scoring import FindingItem
from appraisal.settings import get_settings
from appraisal.stages import STAGE_ORDER
from appraisal.store.changes import AuditLog
from appraisal.store.cycles import cycle_people
from appraisal.store.links import BY_LINK
from appraisal.store.stage_runs import stage_run

BY_STAFF = "工作人员代传"
MISSING_SOURCE = "系统：未提交履职报告"
TITLE = "年度履职报告"


class ReportError(Exception):
    """A report that cannot be recorded, with the reason (naming the person or the file)."""


@dataclass(frozen=True)
class ReportRow:
    """One person of the cycle and every version of their report, oldest first."""

    code: str
    name: str
    versions: tuple[AnnualReport, ...]

    @property
    def latest(self) -> AnnualReport | None:
        return self.versions[-1] if self.versions else None

    @property
    def submitted(self) -> bool:
        return bool(self.versions)


def due_on(session: Session, cycle: Cycle) -> date | None:
    """The last day for reports: the assessment stage's deadline, counted from its first run as
    its documents' are; None before the stage has run."""
    assert cycle.id is not None
    run = stage_run(session, cycle.id, Stage.ASSESSMENT)
    if run is None:
        return None
    days = _scheme(cycle).deadlines.get(Stage.ASSESSMENT, 14)
    return run.started_on + timedelta(days=days)


def closed_reason(session: Session, cycle: Cycle) -> str | None:
    """Why the cycle takes no more reports, in words for the person; None while it does."""
    assert cycle.id is not None
    if STAGE_ORDER.index(cycle.stage) > STAGE_ORDER.index(Stage.EVALUATION):
        return "本周期综合评价已经完成，不再接收年度履职报告 / the evaluation is over"
    if stage_run(session, cycle.id, Stage.EVALUATION) is not None:
        return "本周期综合评价已经开始，不再接收年度履职报告 / the evaluation has begun"
    return None


def _scheme_missing_item(cycle: Cycle) -> str:
    return _scheme(cycle).report.missing_item


def _scheme(cycle: Cycle) -> Scheme:
    return parse_scheme(cycle.scheme_toml, f"scheme of cycle {cycle.name}")


def _person(session: Session, cycle: Cycle, code: str) -> Person:
    assert cycle.id is not None
    found = cycle_people(session, cycle.id, [code])
    if not found:
        raise ReportError(f"{code} 不在第{cycle.id}号考核周期“{cycle.name}”中 / not in cycle")
    return found[0]


def _versions(
    session: Session, cycle: Cycle, person_ids: Collection[int]
) -> dict[int, list[AnnualReport]]:
    out: dict[int, list[AnnualReport]] = {}
    query = (
        select(AnnualReport)
        .where(AnnualReport.cycle_id == cycle.id, col(AnnualReport.person_id).in_(list(person_ids)))
        .order_by(col(AnnualReport.person_id), col(AnnualReport.version))
    )
    for r in session.exec(query):
        out.setdefault(r.person_id, []).append(r)
    return out


def _checked_pages(source: Path, shown: str) -> int:
    """The PDF's page count, or a refusal naming the file: not a PDF, too big, unreadable."""
    try:
        _, _, pages = checked_upload(
            source, shown, get_settings().max_return_bytes, PDF_ONLY,
            "不是 PDF 文件，请导出或扫描为 PDF 后上传 / the file is not a PDF",
        )  # fmt: skip
    except EvidenceError as e:
        raise ReportError(str(e)) from None
    return pages


def submit_report(
    session: Session,
    *,
    cycle: Cycle,
    code: str,
    source: Path,
    file_name: str,
    actor: str,
    on: date,
    by_link: bool = False,
    note: str = "",
) -> AnnualReport:
    """Record `source` (a PDF) as the next version of the person's report, submitted on `on`:
    through their own link (`by_link`) or by staff (`actor`) on their behalf, with `note`
    saying how it came (纸质报告扫描, …). Refused, naming the file, when it is not a PDF, is
    too big or cannot be read, or when the cycle no longer takes reports."""
    person = _person(session, cycle, code)
    shown = Path(file_name).name[:120] or source.name
    label = f"{person.name}（{code}）"
    if (why := closed_reason(session, cycle)) is not None:
        raise ReportError(f"{label}：{why}")
    note = note.strip()
    if not by_link and not note:
        raise ReportError(
            f"{label}：代为上传须写明说明（如“纸质报告扫描”） / say how the report came in"
        )
    pages = _checked_pages(source, shown)
    assert cycle.id is not None and person.id is not None
    folder = cycle_dir(cycle.id) / "reports" / code
    tmp, digest = copy_checked(source, folder)
    kept = keep_unique(tmp, folder / f"履职报告-{digest[:12]}.pdf", digest)
    last = session.exec(
        select(func.max(AnnualReport.version)).where(
            AnnualReport.cycle_id == cycle.id, AnnualReport.person_id == person.id
        )
    ).one()
    row = AnnualReport(
        cycle_id=cycle.id,
        person_id=person.id,
        version=(last or 0) + 1,
        channel=BY_LINK if by_link else BY_STAFF,
        recorded_by=actor,
        submitted_on=on,
        file_name=shown,
        file_path=stored(kept),
        file_sha256=digest,
        pages=pages,
        note=note[:1024],
    )
    session.add(row)
    log = AuditLog(actor)
    log.record(
        "report", f"{cycle.name}/{code}", "version", last, row.version,
        f"{row.channel}：{shown}，{pages}页" + (f"；{note}" if note else ""),
    )  # fmt: skip
    log.write(session)
    session.flush()
    return row


def list_reports(session: Session, cycle: Cycle) -> list[ReportRow]:
    """Everyone of the cycle by 编号, with their versions (none: 未提交)."""
    assert cycle.id is not None
    people = sorted(cycle_people(session, cycle.id), key=lambda p: p.code)
    versions = _versions(session, cycle, [p.id for p in people if p.id is not None])
    return [ReportRow(p.code, p.name, tuple(versions.get(p.id or 0, []))) for p in people]


def person_reports(session: Session, cycle: Cycle, code: str) -> ReportRow:
    """One person's row of `list_reports`."""
    person = _person(session, cycle, code)
    versions = _versions(session, cycle, [person.id or 0])
    return ReportRow(person.code, person.name, tuple(versions.get(person.id or 0, [])))


def link_person(session: Session, cycle: Cycle, name: str) -> Person | None:
    """The person a link for 本人 named `name` belongs to; None when no one of the cycle, or
    more than one, has that name (staff then upload for them)."""
    assert cycle.id is not None
    found = [p for p in cycle_people(session, cycle.id) if p.name == name]
    return found[0] if len(found) == 1 else None


def missing_findings(
    session: Session, cycle: Cycle, people: Collection[Person]
) -> dict[int, FindingItem]:
    """The negative-list item the scheme applies to each of `people` who has no report, by
    person id; {} when the scheme applies none."""
    code = _scheme_missing_item(cycle)
    if not code:
        return {}
    item = _scheme(cycle).negative_list.item(code)
    assert item is not None  # the scheme's checks make sure of it
    ids = [p.id for p in people if p.id is not None]
    have = set(
        session.exec(
            select(AnnualReport.person_id)
            .where(AnnualReport.cycle_id == cycle.id, col(AnnualReport.person_id).in_(ids))
            .distinct()
        )
    )
    finding = FindingItem(item.code, item.category, item.effect, MISSING_SOURCE)
    return {pid: finding for pid in ids if pid not in have}


def cycle_report(session: Session, cycle: Cycle, report_id: int) -> AnnualReport | None:
    """Report `report_id` if it belongs to `cycle`, else None."""
    row = session.get(AnnualReport, report_id)
    return row if row is not None and row.cycle_id == cycle.id else None


def report_file(row: AnnualReport) -> Path:
    return located(row.file_path)
