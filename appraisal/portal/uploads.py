"""A signed return uploaded through the portal: the same inspection and recording as the drop
folder. A refused upload is not kept: the reviewer is told why at once and still has the file.
One that shows no signature or stamp is kept for staff to look at, and the reviewer is told so."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from appraisal.intake import inspect_return, unsigned
from appraisal.intake.inspection import Problem
from appraisal.models import Cycle, Document
from appraisal.paths import cycle_dir, held_dir, located, quarantine_dir, returns_dir
from appraisal.settings import Settings
from appraisal.store.signoffs import DUPLICATE, HELD, RECORDED, record_return


@dataclass(frozen=True)
class UploadOutcome:
    accepted: bool
    message: str
    version: int = 0


def staging_dir(cycle_id: int) -> Path:
    """Where uploads wait for inspection: inside the output folder, which nothing serves."""
    path = cycle_dir(cycle_id) / ".portal-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_staging_file(cycle_id: int) -> Path:
    # The reviewer's file name is shown back to them but never becomes part of a path.
    folder = Path(tempfile.mkdtemp(dir=staging_dir(cycle_id)))
    return folder / "upload.pdf"


def discard(staged: Path) -> None:
    shutil.rmtree(staged.parent, ignore_errors=True)


def accept_upload(
    session: Session,
    *,
    cycle: Cycle,
    document: Document,
    staged: Path,
    shown_name: str,
    settings: Settings,
    actor: str,
) -> UploadOutcome:
    """Inspect the staged file and record it as a return of `document`, or say why not."""
    ins = inspect_return(
        staged,
        max_bytes=settings.max_return_bytes,
        trust_roots=settings.trust_root_paths,
        original_of=lambda doc_id: located(document.pdf_path) if doc_id == document.id else None,
    )
    if not ins.ok or ins.document_id is None:
        plain = _in_plain_chinese(ins.problem, shown_name, settings.max_return_bytes)
        return UploadOutcome(False, plain or ins.reason.replace(staged.name, shown_name))
    if ins.document_id != document.id:
        return UploadOutcome(
            False,
            f"{shown_name}：这份文件的文档编号是 {ins.document_id}，不是 {document.id}，"
            f"请上传本文件签署后的扫描件 / this file is document {ins.document_id}, "
            f"not {document.id}: upload the signed copy of this document",
        )
    verdict = unsigned(ins, document.pdf_sha256)
    if verdict is not None and not verdict.hold:
        return UploadOutcome(
            False,
            f"{shown_name}：这是系统生成的原件，没有签字或盖章。请打印后签字、盖章，扫描后再上传"
            "（或加盖电子签章后上传） / this is the document as it was sent to you, not signed: "
            "print it, sign and stamp it, and upload the scan (or sign it digitally)",
        )
    outcome = record_return(
        session,
        cycle=cycle,
        ins=ins,
        returns_dir=returns_dir(cycle.id or 0),
        quarantine_dir=quarantine_dir(cycle.id or 0),
        held_dir=held_dir(cycle.id or 0),
        source="portal",
        actor=actor,
    )
    v = outcome.version
    if outcome.outcome == RECORDED:
        return UploadOutcome(True, f"已收到 {shown_name}（第 {v} 版），谢谢", v)
    if outcome.outcome == DUPLICATE and v:
        return UploadOutcome(True, f"{shown_name} 此前已收到（第 {v} 版），无需重复上传", v)
    if outcome.outcome in (HELD, DUPLICATE):  # a duplicate without a version is a held one
        return UploadOutcome(
            True,
            f"已收到 {shown_name}，但看不出签字或盖章，已转工作人员核对；如未签字盖章，请签字盖章后"
            "重新上传 / received, but no signature or stamp can be seen on it: staff will check "
            "it; if it is not signed, sign and stamp it and upload it again",
        )
    return UploadOutcome(False, outcome.message.replace(staged.name, shown_name))


def _in_plain_chinese(problem: Problem | None, shown: str, limit: int) -> str:
    """A refused upload explained to a reviewer, who needs what to do next, not the detail the
    intake log keeps for staff. Empty when there is nothing plainer to say."""
    mb = max(1, limit // (1024 * 1024))
    match problem:
        case Problem.NOT_PDF:
            return f"{shown}：不是PDF文件。请将签署后的文件扫描或导出为 PDF 后再上传。"
        case Problem.ENCRYPTED:
            return f"{shown}：PDF已加密或设有密码，系统无法读取。请去掉密码保护后再上传。"
        case Problem.UNREADABLE:
            return f"{shown}：PDF文件损坏或不完整，无法打开。请重新扫描或导出后再上传。"
        case Problem.TOO_LARGE:
            return (
                f"{shown}：文件过大，最大允许 {mb} MB。请用 150–300 dpi 灰度扫描，"
                "或分成几份后再上传。"
            )
        case Problem.NO_ID:
            return (
                f"{shown}：找不到文档编号。请确认文件上的二维码和文档编号清晰完整"
                "（扫描时不要裁掉页边），再上传。"
            )
        case Problem.TIMEOUT | Problem.TOO_COMPLEX:
            return f"{shown}：文件过于复杂，系统无法读取。请打印后重新扫描，或重新导出为 PDF。"
    return ""
