"""A signed return uploaded through the portal: the same inspection and recording as the drop
folder. A refused upload is not kept: the reviewer is told why at once and still has the file."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from appraisal.intake import inspect_return
from appraisal.settings import Settings
from appraisal.store.signoffs import DUPLICATE, RECORDED, record_return
from flows.paths import cycle_dir, quarantine_dir, returns_dir
from models import Cycle, Document


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
        staged, max_bytes=settings.max_return_bytes, trust_roots=settings.trust_root_paths
    )
    if not ins.ok or ins.document_id is None:
        return UploadOutcome(False, ins.reason.replace(staged.name, shown_name))
    if ins.document_id != document.id:
        return UploadOutcome(
            False,
            f"{shown_name}：这份文件的文档编号是 {ins.document_id}，不是 {document.id}，"
            f"请上传本文件签署后的扫描件 / this file is document {ins.document_id}, "
            f"not {document.id}: upload the signed copy of this document",
        )
    outcome = record_return(
        session,
        cycle=cycle,
        ins=ins,
        returns_dir=returns_dir(cycle.id or 0),
        quarantine_dir=quarantine_dir(cycle.id or 0),
        source="portal",
        actor=actor,
    )
    v = outcome.version
    if outcome.outcome == RECORDED:
        return UploadOutcome(True, f"已收到 {shown_name}（第 {v} 版），谢谢", v)
    if outcome.outcome == DUPLICATE:
        return UploadOutcome(True, f"{shown_name} 此前已收到（第 {v} 版），无需重复上传", v)
    return UploadOutcome(False, outcome.message.replace(staged.name, shown_name))
