"""Inspect one returned file: checksum, ID, signatures, or the reason it goes to quarantine.

The cheap checks (size, PDF header, end-of-file marker, checksum) run here; everything that
parses the PDF runs in a child process with CPU, memory and wall-clock limits, so a hostile file
costs at most `timeout_s` and `memory_mb` and the batch goes on.
"""

import contextlib
import errno
import hashlib
import json
import math
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import appraisal
from appraisal.identity import parse_document_id
from appraisal.intake.inspection import (
    UNSIGNED,
    Inspection,
    Marks,
    Problem,
    SignatureCheck,
    SignatureInfo,
    choose_id,
    reason_for,
)
from appraisal.intake.listing import kind_of

# What files that are not PDFs usually are, to tell the sender what they sent.
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"PK\x03\x04": "a Word/WPS document or ZIP archive",
    b"\xd0\xcf\x11\xe0": "an old Word/Excel document",
    b"{\\rtf": "an RTF document",
}


def _kind(head: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return f"it is {kind}"
    return "it does not start with a PDF header" if head else "the file is empty"


class _NotTaken(Exception):
    def __init__(self, problem: Problem, detail: str = "") -> None:
        self.problem, self.detail = problem, detail


def _open(path: Path) -> int:
    """A descriptor on the regular file at `path`; _NotTaken if there is none.

    The name is opened without following a link and without waiting for a writer (a FIFO would
    block forever), and only then checked: what was listed is not trusted to still be there.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise _NotTaken(Problem.GONE) from None
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENXIO):  # ENXIO: a socket
            raise
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            raise _NotTaken(Problem.GONE) from None
        raise _NotTaken(Problem.NOT_REGULAR, kind_of(mode, path)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _NotTaken(Problem.NOT_REGULAR, kind_of(mode, path))
    return fd


def _read(fd: int) -> tuple[str, bytes, bytes]:
    """SHA-256, first and last KiB of the open file, in one pass."""
    digest = hashlib.sha256()
    head = tail = b""
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        offset += len(chunk)
        if not head:
            head = chunk[:1024]
        digest.update(chunk)
        tail = (tail + chunk)[-1024:]
    return digest.hexdigest(), head, tail


def _run_worker(
    fd: int, timeout_s: float, memory_mb: int, roots: list[Path], original: Path | None = None
) -> dict[str, Any]:
    request = {
        "fd": fd,  # the very file inspected here, whatever its name points to by now
        "memory_mb": memory_mb,
        "cpu_s": max(1, math.ceil(timeout_s)),
        "trust_roots": [str(r.resolve()) for r in roots],
        "original": str(original.resolve()) if original else "",
    }
    env = dict(os.environ)
    # Each malloc arena reserves 64 MB of address space, which RLIMIT_AS counts.
    env["MALLOC_ARENA_MAX"] = "2"
    root = str(Path(appraisal.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "appraisal.intake.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,  # a file, not a pipe: a flood of parser warnings must not fill memory
            start_new_session=True,  # its own process group, so pdftoppm dies with it
            env=env,
            pass_fds=(fd,),
        )
        try:
            out, _ = proc.communicate(json.dumps(request).encode(), timeout=timeout_s)
        except subprocess.TimeoutExpired:
            out = b""
            timed_out = True
        else:
            timed_out = False
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        errors.seek(0, os.SEEK_END)
        errors.seek(max(0, errors.tell() - 2048))
        stderr = errors.read().decode("utf-8", errors="replace")
    if timed_out or proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return {"problem": "timeout"}
    lines = out.decode("utf-8", errors="replace").strip().splitlines()
    if proc.returncode == 0 and lines:
        report: dict[str, Any] = json.loads(lines[-1])
        return report
    if "MemoryError" in stderr:
        return {"problem": "too_complex"}
    if proc.returncode < 0:
        return {"problem": "unreadable", "detail": f"the reader crashed, signal {-proc.returncode}"}
    last = stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
    return {"problem": "unreadable", "detail": last[0][:200]}


def _signature(raw: dict[str, Any] | None) -> SignatureInfo:
    if not raw:
        return UNSIGNED
    checks = tuple(SignatureCheck(**c) for c in raw.pop("signatures"))
    return SignatureInfo(**raw, signatures=checks)


def _marks(fd: int, original: Path, timeout_s: float, memory_mb: int) -> dict[str, Any]:
    """The return's pages against the original's, in a second bounded child process."""
    found = _run_worker(fd, timeout_s, memory_mb, [], original)
    if problem := found.get("problem"):
        detail = f"{problem}: {found['detail']}" if found.get("detail") else problem
        return {"marks": Marks.UNCOMPARED, "marks_detail": f"could not be compared ({detail})"}
    return {"marks": Marks(found["marks"]), "marks_detail": found["detail"]}


def inspect_return(
    path: Path,
    *,
    max_bytes: int,
    timeout_s: float = 20,
    memory_mb: int = 512,
    trust_roots: Sequence[Path] = (),
    original_of: Callable[[str], Path | None] | None = None,
) -> Inspection:
    """Everything intake needs to know about one returned file; never raises for a bad file.

    Only a regular file is read: a symbolic link is never followed and a FIFO never waited on
    (Problem.NOT_REGULAR); a file gone since it was listed is Problem.GONE. `original_of` gives
    the generated PDF of a document ID: a born-digital return without a digital signature is
    then compared with it, page by page (`Inspection.marks`). Scans and signed files are not: a
    scan cannot be compared reliably, and a signature is itself a mark.

    Raises FileNotFoundError if a configured trust root does not exist: a mistake of the
    configuration, not of the sender.
    """
    started = time.perf_counter()
    path = Path(path)
    roots = [Path(r) for r in trust_roots]
    for root in roots:
        if not root.is_file():
            raise FileNotFoundError(f"trust root certificate not found: {root}")
    base: dict[str, Any] = {"path": path, "size": 0, "filename_id": parse_document_id(path.name)}

    def refused(problem: Problem, detail: str = "", *, limit: int = 0, **more: Any) -> Inspection:
        reason = reason_for(problem, path.name, detail, limit=limit, size=base["size"])
        seconds = time.perf_counter() - started
        return Inspection(**base, **more, problem=problem, reason=reason, seconds=seconds)

    try:
        fd = _open(path)
    except _NotTaken as exc:
        return refused(exc.problem, exc.detail)
    try:
        return _inspect_open(
            fd, base, refused, started, max_bytes, timeout_s, memory_mb, roots, original_of
        )
    finally:
        os.close(fd)


def _inspect_open(
    fd: int,
    base: dict[str, Any],
    refused: Callable[..., Inspection],
    started: float,
    max_bytes: int,
    timeout_s: float,
    memory_mb: int,
    roots: list[Path],
    original_of: Callable[[str], Path | None] | None,
) -> Inspection:
    """The checks on the open file: the same descriptor goes to both child processes."""
    size = base["size"] = os.fstat(fd).st_size
    if size > max_bytes:
        return refused(Problem.TOO_LARGE, limit=max_bytes)
    sha256, head, tail = _read(fd)
    base["sha256"] = sha256
    if b"%PDF-" not in head:
        return refused(Problem.NOT_PDF, _kind(head))
    if b"%%EOF" not in tail:
        return refused(Problem.UNREADABLE, "cut off: no end-of-file marker")
    found = _run_worker(fd, timeout_s, memory_mb, roots)
    if problem := found.get("problem"):
        limit = {"timeout": math.ceil(timeout_s), "too_complex": memory_mb}.get(problem, 0)
        return refused(Problem(problem), found.get("detail", ""), limit=limit)
    text_ids, qr_ids = tuple(found["text_ids"]), tuple(found["qr_ids"])
    doc_id, matched_by, conflict = choose_id(text_ids, qr_ids, base["filename_id"])
    more = {
        "pages": found["pages"],
        "text_ids": text_ids,
        "qr_ids": qr_ids,
        "signature": _signature(found.get("signature")),
        "text_layer": found["text_layer"],
    }
    if doc_id is None:
        return refused(Problem.NO_ID, **more)
    original = original_of(doc_id) if original_of else None
    if original and original.is_file() and more["text_layer"] and not more["signature"].signed:
        more |= _marks(fd, original, timeout_s, memory_mb)
    return Inspection(
        **base,
        **more,
        document_id=doc_id,
        matched_by=matched_by,
        id_conflict=conflict,
        seconds=time.perf_counter() - started,
    )
