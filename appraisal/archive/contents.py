"""What goes into one person's dossier: plain values read out of the database, and the pure
decisions made from them (complete or not, section order, titles, the record, the payload)."""

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from appraisal.archive.dossier import DossierLayout, Part, Section
from appraisal.clock import office_date
from appraisal.gates import missing_in_words
from appraisal.models.vocab import Reply, Stage
from appraisal.render.environment import dotted_date
from appraisal.stages import STAGE_TITLES, stage_name

COVER_TITLE = "封面及目录"
RECORD_NAME = "record.json"
DOSSIER_NAME = "dossier.pdf"
# Letters to a body about many people (征求意见函, 情况通报) would repeat the whole roster in every
# dossier: they are filed once per cycle in this package beside the dossiers, and each person's
# extract (the 致单位公函登记表) and record point to them.
LETTERS_PACKAGE = "_letters"
LETTERS_RECORD = "letters.json"
FILED_APART = "另卷"


@dataclass(frozen=True)
class ReturnFile:
    """One returned version of a document, or a waiver (no file)."""

    version: int
    method: str  # scan, digital, waiver
    path: Path | None
    sha256: str
    pages: int
    matched_by: str
    signer: str
    signature_valid: bool | None
    signature_covers_file: bool | None
    reply: str
    reply_text: str
    reason: str
    recorded_by: str
    recorded_at: datetime
    reply_people: tuple[str, ...] = ()  # the 编号 an objection concerns


@dataclass(frozen=True)
class DossierDocument:
    document_id: str
    stage: Stage
    template_id: str
    title: str
    recipient: str
    docx: Path
    docx_sha256: str
    pdf: Path | None
    pdf_sha256: str
    needs_signoff: bool
    missing: str | None  # what its sign-off still lacks; None when complete or not needed
    returns: tuple[ReturnFile, ...] = ()
    shared: bool = False  # a letter to a body about several people, filed in LETTERS_PACKAGE


@dataclass(frozen=True)
class ReportFile:
    """One version of the person's 年度履职报告, filed in the assessment section."""

    version: int
    path: Path
    sha256: str
    pages: int
    file_name: str  # as it came in
    channel: str  # 本人链接 / 工作人员代传
    submitted_on: date
    recorded_by: str
    note: str


REPORT_TITLE = "年度履职报告"


@dataclass(frozen=True)
class PersonFile:
    """Everything the archive keeps of one person in one cycle."""

    cycle_id: int
    cycle_name: str
    year: int
    scheme_name: str
    scheme_version: str
    scheme_sha256: str
    code: str
    name: str
    person: Mapping[str, Any]  # the roster fields as imported
    result: Mapping[str, Any] | None
    documents: tuple[DossierDocument, ...]
    audit: tuple[Mapping[str, Any], ...] = ()
    pool: tuple[Mapping[str, Any], ...] = ()
    stages_not_run: tuple[Stage, ...] = field(default=())
    reports: tuple[ReportFile, ...] = ()  # every version, oldest first


def missing(pf: PersonFile) -> list[str]:
    """What stands between this person and a sealed dossier, in words; [] when complete."""
    gaps = [f"{stage_name(s)}阶段尚未运行 / has not run" for s in pf.stages_not_run]
    if not pf.stages_not_run and not (
        pf.result and (pf.result.get("grade") or pf.result.get("decision"))
    ):
        gaps.append("没有等次，工作人员也未记录暂缓评定或免评")
    if pf.result and pf.result.get("held"):
        gaps.append("征求意见有异议，结果暂缓，尚未核实决定 / an objection holds the result")
    if pf.result and pf.result.get("awaiting_notice"):
        gaps.append(
            "审定后结果通知书尚未发出（appraisal cycle advance） / the notice is not made yet"
        )
    gaps += [
        f"{stage_name(d.stage)}：致{d.recipient}的{d.title} {d.document_id} 尚缺"
        f"{missing_in_words(d.missing)}"
        for d in pf.documents
        if d.missing
    ]
    gaps += [
        f"{stage_name(d.stage)}：{d.title} {d.document_id} 没有 PDF（转换失败？）"
        for d in pf.documents
        if d.pdf is None
    ]
    return gaps


def in_order(docs: Sequence[DossierDocument]) -> list[DossierDocument]:
    order = {s: i for i, s in enumerate(STAGE_TITLES)}
    return sorted(
        (d for d in docs if d.stage in order),
        key=lambda d: (order[d.stage], d.template_id, d.recipient, d.document_id),
    )


def _filed(pf: PersonFile) -> list[DossierDocument]:
    """The person's own documents: the ones that go into the dossier and its package."""
    return [d for d in in_order(pf.documents) if not d.shared]


def _shared(pf: PersonFile) -> list[DossierDocument]:
    return [d for d in in_order(pf.documents) if d.shared]


def return_title(doc: DossierDocument, ret: ReturnFile) -> str:
    how = "电子签章件" if ret.method == "digital" else "签署回件"
    return f"{doc.title}（{how} 第{ret.version}版）"


def report_title(r: ReportFile) -> str:
    return f"{REPORT_TITLE}（第{r.version}版，{r.channel}，{r.submitted_on.isoformat()}）"


def report_name(r: ReportFile) -> str:
    """Its path inside the package's data/."""
    return f"reports/{REPORT_TITLE}-v{r.version}.pdf"


def document_title(doc: DossierDocument) -> str:
    return f"{doc.title}（{doc.recipient}）" if doc.recipient else doc.title


@dataclass(frozen=True)
class Rendition:
    """A document the archive makes itself (the cover, a letters extract), rendered and
    converted like every other document."""

    document_id: str
    title: str
    docx: Path
    pdf: Path


def made_for_dossier(cover: Rendition, extract: Rendition | None) -> list[Rendition]:
    """What the archive itself made for one dossier: its cover, then its extract if it has one."""
    return [cover] if extract is None else [cover, extract]


def extract_stages(pf: PersonFile) -> list[Stage]:
    """The stages whose letters about the person are filed apart, in order: the dossier's one
    extract lists them all (none when there are no such letters)."""
    return list(dict.fromkeys(d.stage for d in _shared(pf)))


def sections(pf: PersonFile, extract: Rendition | None) -> list[Section]:
    """Per stage, each generated document followed by its returned versions. The one extract of
    the letters about the person that are filed apart closes the first of their stages where the
    person has nothing of their own (征求意见, whose letters all concern many people), so that
    stage keeps its place in the dossier; else it closes the last of them."""
    by_stage: dict[Stage, list[Part]] = {s: [] for s in STAGE_TITLES}
    for doc in _filed(pf):
        if doc.pdf is None:
            continue  # only a dossier sealed early gets here; its .docx is in the package
        parts = by_stage[doc.stage]
        parts.append(Part(document_title(doc), doc.pdf, doc.document_id))
        for ret in doc.returns:
            if ret.path is not None:
                parts.append(Part(return_title(doc, ret), ret.path, doc.document_id))
    if Stage.ASSESSMENT in by_stage:
        by_stage[Stage.ASSESSMENT] += [Part(report_title(r), r.path, "") for r in pf.reports]
    if extract is not None:
        stages = extract_stages(pf) or list(STAGE_TITLES)
        home = next((s for s in stages if not by_stage[s]), stages[-1])
        by_stage[home].append(Part(extract.title, extract.pdf, extract.document_id))
    return [Section(STAGE_TITLES[s], parts) for s, parts in by_stage.items() if parts]


def own_parts(pf: PersonFile) -> Iterator[Part]:
    """Every part of the person's dossier but the extract (made by the archive itself)."""
    for section in sections(pf, None):
        yield from section.parts


def _reply_text(doc: DossierDocument, code: str) -> tuple[str, str]:
    """(what came back about person `code`, on which date) for a letter, as the extract prints
    it. An objection concerning others reads 无异议 here: it said nothing against this person,
    and one person's dossier does not carry what was said about another."""
    waiver = next((r for r in reversed(doc.returns) if r.method == "waiver"), None)
    if waiver is not None:
        return f"免签：{waiver.reason}", dotted_date(office_date(waiver.recorded_at))
    got = [r for r in doc.returns if r.path is not None]
    if not got:
        return "未回复", ""
    on = dotted_date(office_date(got[0].recorded_at))
    replied = next((r for r in reversed(got) if r.reply), got[-1])
    if replied.reply == Reply.OBJECTION and code not in replied.reply_people:
        return Reply.NO_OBJECTION.value, on
    text = replied.reply or "已签收"
    if replied.reply_text:
        text += f"：{replied.reply_text}"
    return text, on


def extract_rows(pf: PersonFile, stage: Stage | None = None) -> list[dict[str, str]]:
    """The extract's rows: the letters filed apart, stage by stage (or of `stage` only)."""
    rows: list[dict[str, str]] = []
    for doc in _shared(pf):
        if stage is not None and doc.stage != stage:
            continue
        reply, on = _reply_text(doc, pf.code)
        rows.append(
            {
                "序号": str(len(rows) + 1),
                "文件名称": doc.title,
                "主送单位": doc.recipient,
                "文档编号": doc.document_id,
                "回复情况": reply,
                "回件日期": on,
            }
        )
    return rows


def toc_rows(secs: Sequence[Section], starts: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    """The 目录 rows: one per part with the page it starts on. The letters filed apart are not
    rows of their own: the extract, a part, lists them with their replies."""
    rows: list[dict[str, Any]] = []
    for sec, pages in zip(secs, starts, strict=True):
        for part, page in zip(sec.parts, pages, strict=True):
            rows.append(
                {
                    "序号": str(len(rows) + 1),
                    "文件名称": f"{sec.title}｜{part.title}",
                    "文档编号": part.document_id,
                    "页码": str(page),
                }
            )
    return rows


def payload_name(doc: DossierDocument, ret: ReturnFile | None = None, suffix: str = "") -> str:
    if ret is None:
        return f"documents/{doc.stage.value}/{doc.document_id}{suffix}"
    assert ret.path is not None
    return f"returns/{doc.document_id}-v{ret.version}{ret.path.suffix.lower()}"


def payload_files(pf: PersonFile) -> dict[str, Path]:
    """Every original file of the person, by its path inside the package's data/."""
    return {**document_files(_filed(pf)), **{report_name(r): r.path for r in pf.reports}}


def payload_checksums(pf: PersonFile) -> dict[str, str]:
    """The SHA-256 recorded for each of `payload_files`, by the same names."""
    return {**recorded_checksums(_filed(pf)), **{report_name(r): r.sha256 for r in pf.reports}}


def _document_parts(docs: Sequence[DossierDocument]) -> Iterator[tuple[str, Path, str]]:
    """(path inside data/, file, SHA-256 recorded for it) of each document's .docx and PDF and
    of every returned file."""
    for doc in docs:
        yield payload_name(doc, suffix=".docx"), doc.docx, doc.docx_sha256
        if doc.pdf is not None:
            yield payload_name(doc, suffix=".pdf"), doc.pdf, doc.pdf_sha256
        for ret in doc.returns:
            if ret.path is not None:
                yield payload_name(doc, ret), ret.path, ret.sha256


def document_files(docs: Sequence[DossierDocument]) -> dict[str, Path]:
    """Each document's .docx and PDF and every returned file, by path inside data/."""
    return {name: path for name, path, _ in _document_parts(docs)}


# The database's side of a check: (the cycle's name, document IDs) -> the SHA-256 it recorded for
# each of their files, by path inside data/; None when it does not hold that cycle.
Recorded = Callable[[str, list[str]], Mapping[str, str] | None]


def recorded_checksums(docs: Sequence[DossierDocument]) -> dict[str, str]:
    """The SHA-256 recorded for each of `document_files(docs)`, by the same names."""
    return {name: sha for name, _, sha in _document_parts(docs) if sha}


def _jsonable_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """`_jsonable` of a whole record, which stays a dictionary."""
    return {str(k): _jsonable(v) for k, v in record.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.name
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _document_entry(doc: DossierDocument) -> dict[str, Any]:
    entry = asdict(doc)
    entry.pop("missing")
    entry["docx"] = payload_name(doc, suffix=".docx")
    entry["pdf"] = payload_name(doc, suffix=".pdf") if doc.pdf is not None else None
    entry["returns"] = [
        {**asdict(r), "path": payload_name(doc, r) if r.path else None} for r in doc.returns
    ]
    return entry


def record(pf: PersonFile, layout: DossierLayout, cover_id: str) -> dict[str, Any]:
    """The machine-readable record of the person's cycle, kept beside the dossier."""
    docs = [_document_entry(d) for d in _filed(pf)]
    letters = [{**_document_entry(d), "package": f"../{LETTERS_PACKAGE}"} for d in _shared(pf)]
    return _jsonable_record(
        {
            "format": "appraisal-dossier-record/1",
            "cycle": {
                "id": pf.cycle_id,
                "name": pf.cycle_name,
                "year": pf.year,
                "scheme": {
                    "name": pf.scheme_name,
                    "version": pf.scheme_version,
                    "sha256": pf.scheme_sha256,
                },
            },
            "person": {"编号": pf.code, "姓名": pf.name, **pf.person},
            "result": pf.result,
            "pool": list(pf.pool),
            "documents": docs,
            "letters": letters,
            "dossier": {
                "file": DOSSIER_NAME,
                "cover_document_id": cover_id,
                "title": layout.title,
                "pages": layout.pages,
                "pdfa": layout.pdfa,
                "outline": [asdict(e) for e in layout.outline],
            },
            "audit": list(pf.audit),
            # Only a cycle that collected reports says so: older records keep their bytes.
            **(
                {"reports": [{**asdict(r), "path": report_name(r)} for r in pf.reports]}
                if pf.reports
                else {}
            ),
        }
    )


def record_bytes(rec: Mapping[str, Any]) -> bytes:
    return (json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def fingerprint(pf: PersonFile, cover_sha256: str) -> str:
    """Changes whenever anything that goes into the package changes: a rerun with the same
    inputs can leave the sealed package alone."""
    h = hashlib.sha256()
    h.update(cover_sha256.encode())
    # Reports are hashed on their own, so a dossier sealed before they existed stays as sealed.
    values = {k: v for k, v in asdict(pf).items() if k != "reports"}
    h.update(record_bytes(_jsonable({**values, "documents": [], "audit": []})))
    for report in pf.reports:
        h.update(f"report|{report.version}:{report.sha256}".encode())
    for doc in in_order(pf.documents):
        h.update(f"{doc.document_id}|{doc.docx_sha256}|{doc.pdf_sha256}".encode())
        for r in doc.returns:
            h.update(f"|{r.version}:{r.method}:{r.sha256}:{r.reply}:{r.reason}".encode())
    h.update(str(len(pf.audit)).encode())
    return h.hexdigest()


def bag_info(pf: PersonFile, layout: DossierLayout, sealed_on: date) -> dict[str, str]:
    own = _filed(pf)
    returns = sum(1 for d in own for r in d.returns if r.path is not None)
    waivers = sum(1 for d in own for r in d.returns if r.method == "waiver")
    return {
        "Source-Organization": "appraisal",
        "External-Identifier": f"cycle-{pf.cycle_id:04d}/{pf.code}",
        "External-Description": f"{pf.cycle_name}：{pf.name}（{pf.code}）考核评价档案",
        "Cycle": pf.cycle_name,
        "Cycle-Year": str(pf.year),
        "Person": f"{pf.code} {pf.name}",
        "Scheme": pf.scheme_name,
        "Scheme-Version": pf.scheme_version,
        "Scheme-SHA256": pf.scheme_sha256,
        "Bagging-Date": sealed_on.isoformat(),
        "Documents": str(len(own)),
        "Letters-Filed-Apart": f"{len(_shared(pf))} (in ../{LETTERS_PACKAGE})",
        "Returns": str(returns),
        "Waivers": str(waivers),
        "Dossier-Pages": str(layout.pages),
        "Dossier-PDFA": "PDF/A-2b"
        if layout.pdfa
        else "no (a returned scan or signed PDF is not PDF/A)",
    }


def letters_record(cycle_name: str, letters: Sequence[DossierDocument]) -> dict[str, Any]:
    return _jsonable_record(
        {
            "format": "appraisal-letters-record/1",
            "cycle": cycle_name,
            "letters": [_document_entry(d) for d in in_order(letters)],
        }
    )


def letters_fingerprint(letters: Sequence[DossierDocument]) -> str:
    h = hashlib.sha256()
    for doc in in_order(letters):
        h.update(f"{doc.document_id}|{doc.docx_sha256}|{doc.pdf_sha256}".encode())
        for r in doc.returns:
            h.update(f"|{r.version}:{r.method}:{r.sha256}:{r.reply}:{r.reason}".encode())
    return h.hexdigest()
