"""Many DOCX files to PDF/A-2b at once: warm LibreOffice processes, one per core, in batches.

One soffice process per file spends ~1.1 s of its ~1.4 s starting up. Here each worker owns a
kept LibreOffice profile and converts a batch of files in one LibreOffice (kept running between
calls where python3-uno is installed: appraisal.pdf.office), and the workers run in parallel.
A document that LibreOffice cannot load, or that makes it hang or crash, is reported on its own
`Conversion` while the other documents of the call still convert.
"""

import math
import os
import shutil
import tempfile
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from appraisal.pdf.office import convert_batch
from appraisal.pdf.profile import profile_slot
from appraisal.pdf.soffice import SofficeMissingError, find_soffice, pdf_is_complete

# Files per batch, which is a soffice process of its own where LibreOffice is not kept between
# calls (appraisal.pdf.office). Start-up is then paid once a batch: on 400 generated forms with two
# workers, 25 a batch cost 63 ms a document, 50 cost 53 and 200 cost 48; 500 one-page 登记表
# in groups of 50 took 18.8-19.2 s at 200 a batch and 16.3-17.1 s at 250, which lets two
# processes take five groups each. A crash or a hang loses only the file at fault (finished
# PDFs are kept and the rest go to a new process).
MAX_BATCH = 250


class ConversionError(RuntimeError):
    """A document could not be converted; the message names it."""


@dataclass(frozen=True)
class Conversion:
    """The outcome for one source document: a PDF path or an error, never both."""

    source: Path
    pdf: Path | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.pdf is not None


@dataclass
class _Item:
    index: int
    source: Path
    target: Path
    crashes: int = 0


def docx_problem(path: Path) -> str | None:
    """Why `path` is not a DOCX LibreOffice should be given, or None. Cheap: no parsing."""
    try:
        if not path.is_file():
            return "no such file" if not path.exists() else "not a regular file"
        if path.stat().st_size == 0:
            return "the file is empty"
        if not zipfile.is_zipfile(path):
            return "not a DOCX file (it is not a ZIP archive)"
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" not in zf.namelist():
                return "not a DOCX file (word/document.xml is missing)"
    except (OSError, zipfile.BadZipFile) as exc:
        return f"cannot be read: {exc}"
    return None


def _targets(sources: Sequence[Path], out_dir: Path) -> list[Path]:
    """stem.pdf for each source; a stem seen before in this call gets -2, -3 ... appended."""
    seen: dict[str, int] = {}
    targets = []
    for src in sources:
        count = seen.get(src.stem, 0) + 1
        seen[src.stem] = count
        targets.append(out_dir / (f"{src.stem}.pdf" if count == 1 else f"{src.stem}-{count}.pdf"))
    return targets


def convert_many(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    workers: int | None = None,
    timeout_per_file: float = 60.0,
    pdfa: bool = True,
    startup_timeout: float = 60.0,
    profile_root: Path | None = None,
    converted: Callable[[int, Conversion], None] | None = None,
) -> list[Conversion]:
    """Convert every DOCX to `out_dir`/<stem>.pdf (PDF/A-2b unless `pdfa` is False).

    Returns one Conversion per input, in input order. `timeout_per_file` bounds one document's
    conversion; `startup_timeout` is added for a LibreOffice start. Raises ConversionError only
    when LibreOffice is missing; bad documents come back as Conversions with an error.
    `converted(index, conversion)` is called (from a converter's thread) for each input as soon
    as its PDF is whole, long before the call returns: a caller killed midway keeps those.
    """
    try:
        soffice = find_soffice()
    except SofficeMissingError as exc:
        raise ConversionError(str(exc)) from exc
    # LibreOffice runs in its own working directory; relative paths would point elsewhere.
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = [Path(p).absolute() for p in docx_paths]
    results: dict[int, Conversion] = {}
    pending: deque[_Item] = deque()
    for i, (src, target) in enumerate(zip(sources, _targets(sources, out_dir), strict=True)):
        problem = docx_problem(src)
        if problem:
            results[i] = Conversion(src, None, f"{src}: {problem}")
        else:
            pending.append(_Item(i, src, target))
    if not pending:
        return [results[i] for i in range(len(sources))]

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    lock = threading.Lock()
    # Staging inside out_dir keeps the final moves atomic renames on one file system.
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=out_dir))
    batch_numbers = iter(range(1_000_000))

    def take() -> list[_Item]:
        with lock:
            if not pending:
                return []
            if pending[0].crashes:
                return [pending.popleft()]
            size = min(MAX_BATCH, math.ceil(len(pending) / n_workers))
            return [pending.popleft() for _ in range(min(size, len(pending)))]

    crashed: list[str] = []

    def worker() -> None:
        try:
            work_through(profile_root)
        except Exception as exc:
            # A thread must not die silently: its documents are reported with this reason.
            crashed.append(f"{type(exc).__name__}: {exc}")

    def work_through(profile_root: Path | None) -> None:
        with profile_slot(profile_root) as profile:
            while batch := take():
                with lock:
                    number = next(batch_numbers)
                try:
                    outcome, retry = _run_one_batch(
                        batch,
                        work / f"batch-{number}",
                        soffice=soffice,
                        profile=profile,
                        pdfa=pdfa,
                        timeout_per_file=timeout_per_file,
                        startup_timeout=startup_timeout,
                        converted=converted,
                    )
                except OSError as exc:
                    # soffice could not be started at all (or the disk is full): no document
                    # of the batch can be blamed, but each must get an answer.
                    outcome = {
                        it.index: Conversion(it.source, None, f"{it.source}: {exc}") for it in batch
                    }
                    retry = []
                with lock:
                    results.update(outcome)
                    # A suspect goes first and alone, so a second crash pins it down.
                    pending.extendleft(reversed(retry))

    try:
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(n_workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    reason = crashed[0] if crashed else "no converter picked it up"
    for i, src in enumerate(sources):
        results.setdefault(i, Conversion(src, None, f"{src}: not converted ({reason})"))
    return [results[i] for i in range(len(sources))]


def _run_one_batch(
    batch: list[_Item],
    folder: Path,
    *,
    soffice: Path,
    profile: Path,
    pdfa: bool,
    timeout_per_file: float,
    startup_timeout: float,
    converted: Callable[[int, Conversion], None] | None = None,
) -> tuple[dict[int, Conversion], list[_Item]]:
    """Run one soffice over `batch`; return finished Conversions and the items to try again."""
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    # Numbered links: equal stems, spaces or a leading "-" in names cannot confuse soffice.
    staged = []
    for item in batch:
        link = inputs / f"{item.index:06d}.docx"
        link.symlink_to(item.source)
        staged.append(link)
    out = folder / "out"
    finished: dict[int, Conversion] = {}
    by_stem = {link.stem: item for item, link in zip(batch, staged, strict=True)}

    def keep(produced: Path) -> None:
        item = by_stem[produced.stem]
        if item.index not in finished and pdf_is_complete(produced):
            os.replace(produced, item.target)
            finished[item.index] = done = Conversion(item.source, item.target)
            if converted is not None:
                converted(item.index, done)

    run = convert_batch(
        staged,
        out,
        profile=profile,
        pdfa=pdfa,
        timeout_per_file=timeout_per_file,
        startup_timeout=startup_timeout,
        soffice=soffice,
        finished=keep,
    )
    missing: list[_Item] = []
    for item, link in zip(batch, staged, strict=True):
        keep(out / f"{link.stem}.pdf")
        if item.index not in finished:
            missing.append(item)
    if not missing:
        return finished, []

    if run.timed_out:
        # Files are converted in order, so the first one without a PDF is the one that hung.
        culprit, rest = missing[0], missing[1:]
        finished[culprit.index] = Conversion(
            culprit.source,
            None,
            f"{culprit.source}: LibreOffice did not finish converting it within "
            f"{timeout_per_file:g} s and was stopped (the document may be too large or malformed)",
        )
        return finished, rest

    if run.returncode != 0:
        # A crash: the first unconverted file is the suspect. Retry it alone, then give up.
        suspect, rest = missing[0], missing[1:]
        suspect.crashes += 1
        if len(batch) == 1:
            finished[suspect.index] = Conversion(
                suspect.source,
                None,
                f"{suspect.source}: LibreOffice crashed converting it (exit code {run.returncode})",
            )
            return finished, rest
        return finished, [suspect, *rest]

    for item in missing:
        finished[item.index] = Conversion(
            item.source,
            None,
            f"{item.source}: LibreOffice could not load it as a Word document, or produced "
            "no PDF (the file may be damaged)",
        )
    return finished, []


def convert_one(docx: Path, pdf: Path, *, pdfa: bool = True, timeout: float = 120.0) -> Path:
    """Convert one DOCX to exactly the path `pdf`; raise ConversionError naming the document."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".convert-one-", dir=pdf.parent) as tmp:
        (result,) = convert_many([docx], Path(tmp), workers=1, timeout_per_file=timeout, pdfa=pdfa)
        if result.pdf is None:
            raise ConversionError(result.error or f"{docx}: conversion failed")
        os.replace(result.pdf, pdf)
    return pdf
