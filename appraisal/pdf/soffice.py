"""One LibreOffice process converting one batch of files, watched and killed if it stalls."""

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from appraisal.pdf.fonts import fontconfig_env

PDF_FILTER = "pdf:writer_pdf_Export"
PDFA2B_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
# Forcing the Word import filter stops LibreOffice from "converting" a damaged file as plain
# text (megabytes of garbage pages) instead of refusing it.
DOCX_IMPORT_FILTER = "MS Word 2007 XML"
_POLL_SECONDS = 0.05


class SofficeMissingError(RuntimeError):
    """LibreOffice is not installed (or not on PATH)."""


def find_soffice() -> Path:
    """The soffice executable: APPRAISAL_SOFFICE, else the first soffice/libreoffice on PATH."""
    preset = os.environ.get("APPRAISAL_SOFFICE")
    if preset:
        if not os.access(preset, os.X_OK):
            raise SofficeMissingError(f"APPRAISAL_SOFFICE={preset} is not an executable file")
        return Path(preset)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise SofficeMissingError(
        "LibreOffice (soffice) is not installed: run `make setup` as root, or install "
        "libreoffice-writer-nogui and fonts-noto-cjk"
    )


@dataclass(frozen=True)
class BatchRun:
    """How one soffice invocation ended. Which files it converted is read from the out folder."""

    timed_out: bool
    returncode: int | None
    seconds: float
    log: str


def pdf_is_complete(path: Path) -> bool:
    """True when a file is a whole PDF: header at the start, %%EOF in the tail."""
    try:
        with path.open("rb") as fh:
            if fh.read(5) != b"%PDF-":
                return False
            fh.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def run_batch(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    profile: Path,
    pdfa: bool,
    timeout_per_file: float,
    startup_timeout: float,
    soffice: Path | None = None,
    finished: Callable[[Path], None] | None = None,
    export_filter: str | None = None,
) -> BatchRun:
    """Convert `inputs` (distinct stems) into `out_dir` with one soffice process.

    LibreOffice converts the files one after the other in argument order, so the process is
    watched for progress: each file gets `timeout_per_file` seconds after the previous one's PDF
    appeared (the first also gets `startup_timeout`). A stalled process group is killed; the
    caller sees which PDFs exist and starts a fresh process for the rest. `finished` is called
    with each PDF as soon as a later one appears (LibreOffice is done with it then), so the
    caller can keep it before the whole batch ends. `export_filter` replaces the PDF export
    filter `pdfa` picks (for export options of one's own).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    expected = [out_dir / f"{p.stem}.pdf" for p in inputs]
    cmd = [
        str(soffice or find_soffice()),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        f"--infilter={DOCX_IMPORT_FILTER}",
        "--convert-to",
        export_filter or (PDFA2B_FILTER if pdfa else PDF_FILTER),
        "--outdir",
        str(out_dir),
        *(str(p) for p in inputs),
    ]
    env = {**os.environ, **fontconfig_env()}
    log_path = out_dir.parent / f"{out_dir.name}.log"
    started = time.monotonic()
    deadline = started + startup_timeout + timeout_per_file
    done = 0
    timed_out = False
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=out_dir,
            start_new_session=True,
        )
        announced = 0
        while proc.poll() is None:
            present = [i for i, p in enumerate(expected) if p.exists()]
            if len(present) > done:
                done = len(present)
                deadline = time.monotonic() + timeout_per_file
                if finished is not None:
                    for i in present:
                        if announced <= i < present[-1]:
                            finished(expected[i])
                    announced = present[-1]
            if time.monotonic() > deadline:
                timed_out = True
                kill_group(proc)
                break
            time.sleep(_POLL_SECONDS)
    return BatchRun(
        timed_out=timed_out,
        returncode=proc.returncode,
        seconds=time.monotonic() - started,
        log=log_path.read_text(encoding="utf-8", errors="replace")[-2000:],
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill a process started in a session of its own, and everything it started, and reap it.
    soffice is a script that starts oosplash and soffice.bin: the whole session must go."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
