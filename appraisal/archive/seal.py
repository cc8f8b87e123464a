"""Seal one person's dossier: assemble the PDF, write the record, package it all as a bag."""

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from appraisal.archive.bag import write_bag
from appraisal.archive.contents import (
    DOSSIER_NAME,
    LETTERS_RECORD,
    RECORD_NAME,
    DossierDocument,
    PersonFile,
    Rendition,
    bag_info,
    document_files,
    letters_fingerprint,
    letters_record,
    made_for_dossier,
    payload_checksums,
    payload_files,
    record,
    record_bytes,
    recorded_checksums,
    sections,
)
from appraisal.archive.dossier import DossierLayout, assemble_dossier
from appraisal.files import staging_dir

# A dossier being assembled: `.<编号>.pdf-<random>` beside the packages, swept by the next
# archive run if its process was killed.
ASSEMBLING = ".pdf-"


@dataclass(frozen=True)
class Sealed:
    code: str
    path: Path
    layout: DossierLayout
    files: int
    bytes: int


def seal_person(
    pf: PersonFile,
    cover: Rendition,
    extract: Rendition | None,
    target: Path,
    *,
    sealed_on: date,
    issuer: str,
) -> Sealed:
    """Build the package for `pf` and put it at `target`, replacing any earlier one whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with staging_dir(target.parent, f".{target.name}{ASSEMBLING}") as tmp:
        dossier = tmp / DOSSIER_NAME
        layout = assemble_dossier(
            cover.pdf,
            sections(pf, extract),
            dossier,
            title=f"{pf.name}（{pf.code}）{pf.cycle_name}考核评价档案",
            author=issuer,
            subject=pf.cycle_name,
            keywords=f"{pf.code}, {pf.name}, {pf.year}, cycle-{pf.cycle_id:04d}",
        )
        payload: dict[str, Path | bytes] = {
            DOSSIER_NAME: dossier,
            RECORD_NAME: record_bytes(record(pf, layout, cover.document_id)),
            **{
                f"documents/archive/{r.document_id}{suffix}": path
                for r in made_for_dossier(cover, extract)
                for suffix, path in ((".docx", r.docx), (".pdf", r.pdf))
            },
            **payload_files(pf),
        }
        write_bag(target, payload, bag_info(pf, layout, sealed_on), payload_checksums(pf))
    size = sum(p.stat().st_size for p in (target / "data").rglob("*") if p.is_file())
    return Sealed(pf.code, target, layout, len(payload), size)


def sealed_fingerprint(target: Path) -> str:
    """The input fingerprint a letters package was sealed with, or "" if there is none."""
    try:
        for line in (target / "bag-info.txt").read_text(encoding="utf-8").splitlines():
            if line.startswith("Input-Fingerprint:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def seal_letters(
    letters: list[DossierDocument], target: Path, *, cycle_name: str, sealed_on: date
) -> bool:
    """Package the cycle's letters to bodies once, beside the dossiers; False if unchanged."""
    print_ = letters_fingerprint(letters)
    if sealed_fingerprint(target) == print_:
        return False
    payload: dict[str, Path | bytes] = {
        LETTERS_RECORD: record_bytes(letters_record(cycle_name, letters)),
        **document_files(letters),
    }
    info = {
        "Source-Organization": "appraisal",
        "External-Description": f"{cycle_name}：工作通知、征求意见函、情况通报等致单位公函及其回件",
        "Cycle": cycle_name,
        "Bagging-Date": sealed_on.isoformat(),
        "Letters": str(len(letters)),
        "Input-Fingerprint": print_,
    }
    write_bag(target, payload, info, recorded_checksums(letters))
    return True


@dataclass(frozen=True)
class SealJob:
    """One person to seal: everything `seal_person` needs, picklable for a worker process."""

    pf: PersonFile
    cover: Rendition
    extract: Rendition | None
    target: Path
    sealed_on: date
    issuer: str

    def run(self) -> Sealed:
        return seal_person(
            self.pf,
            self.cover,
            self.extract,
            self.target,
            sealed_on=self.sealed_on,
            issuer=self.issuer,
        )


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for the archive's pure-Python work (pypdf). Forkserver children start clean
    rather than inheriting the caller's threads (Prefect's server among them); the server
    preloads this module once. As with any multiprocessing, a calling script must guard its
    main code."""
    context = get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(workers, mp_context=context)


def seal_many(jobs: list[SealJob], workers: int) -> Iterator[tuple[PersonFile, Sealed | str]]:
    """Seal every job, in order: the Sealed result, or the error as text. Assembling a dossier
    is pure Python (pypdf), so the jobs share the cores, in worker_pool's processes."""
    workers = min(len(jobs), workers)
    if workers <= 1:
        for job in jobs:
            yield job.pf, _outcome(job.run)
        return
    with worker_pool(workers) as pool:
        futures = [(job.pf, pool.submit(job.run)) for job in jobs]
        for pf, future in futures:
            yield pf, _outcome(future.result)


def _outcome(result: Callable[[], Sealed]) -> Sealed | str:
    try:
        return result()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
