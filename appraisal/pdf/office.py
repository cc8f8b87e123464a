"""LibreOffice kept running between conversion calls: one process a profile, driven over UNO.

A LibreOffice process costs about 1.4 s of CPU to start (0.7 s of it the kernel's), more than
ten one-page forms cost to convert, and a stage converts in chunks: one process a converter a
call was a start every few seconds. Here a converter's LibreOffice stays up while its profile
slot is idle (IDLE_SECONDS), and the next call on that slot converts at once. Each document
goes to it through a small bridge (uno_bridge.py, run by the Python that has Debian's
python3-uno), one at a time, each with its time limit: a hang or a crash is pinned on the
document at hand, and the process is started afresh. Without python3-uno, every batch runs a
soffice of its own (appraisal.pdf.soffice.run_batch), as before.
"""

import atexit
import fcntl
import hashlib
import json
import logging
import os
import select
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from appraisal.pdf.fonts import fontconfig_env
from appraisal.pdf.soffice import (
    DOCX_IMPORT_FILTER,
    PDF_FILTER,
    PDFA2B_FILTER,
    BatchRun,
    find_soffice,
    kill_group,
    pdf_is_complete,
    run_batch,
)

BRIDGE = Path(__file__).with_name("uno_bridge.py")
# An idle converter is stopped after this long: a stage's chunks follow each other within
# seconds, and a portal or shell left open should not hold LibreOffice's memory for nothing.
IDLE_SECONDS = 30.0
# A converter that has grown past this is started afresh between calls (LibreOffice keeps
# some of every document's memory; a fresh one is about 200 MB).
RECYCLE_MB = 450.0
_ANSWER_LIMIT = 1 << 20
# Pythons whose bridge could not start a LibreOffice in this process.
_FAILED: set[str] = set()
log = logging.getLogger(__name__)


@cache
def uno_python() -> str | None:
    """A Python that can `import uno`: APPRAISAL_UNO_PYTHON (empty: none, every batch starts
    its own LibreOffice), else Debian's /usr/bin/python3 if python3-uno is installed."""
    preset = os.environ.get("APPRAISAL_UNO_PYTHON")
    candidates = [preset] if preset is not None else ["/usr/bin/python3"]
    for python in candidates:
        if not python or not os.access(python, os.X_OK):
            continue
        try:
            probe = subprocess.run(
                [python, "-c", "import uno"], capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return python
    return None


class OfficeStartError(OSError):
    """A kept LibreOffice, or the bridge to it, did not come up."""


def _filter_parts(spec: str) -> tuple[str, dict[str, Any]]:
    """'pdf:writer_pdf_Export:{json}' as the export filter's name and its options."""
    _, _, rest = spec.partition(":")
    name, _, options = rest.partition(":")
    return name, json.loads(options) if options else {}


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


class KeptOffice:
    """One LibreOffice on one profile, and the bridge that hands it documents."""

    def __init__(self, profile: Path, soffice: Path, python: str) -> None:
        self.profile = profile.resolve()
        self.soffice = soffice
        self.python = python
        self.office: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self._pending = b""

    def running(self) -> bool:
        return (
            self.office is not None
            and self.bridge is not None
            and self.office.poll() is None
            and self.bridge.poll() is None
        )

    def start(self, timeout: float) -> None:
        """Start LibreOffice and the bridge; OfficeStartError unless ready within `timeout`."""
        self.stop()
        digest = hashlib.sha256(str(self.profile).encode()).hexdigest()[:12]
        pipe = f"appraisal-{os.getpid()}-{digest}"
        try:
            self._launch(pipe, timeout)
        except OSError as exc:
            self.stop()
            raise OfficeStartError(f"LibreOffice could not be started: {exc}") from exc
        self._pending = b""
        answer = self._answer(timeout + 5)
        if not answer.get("ready"):
            self.stop()
            raise OfficeStartError(f"LibreOffice did not start on {self.profile}: {answer}")

    def _launch(self, pipe: str, timeout: float) -> None:
        # What LibreOffice and the bridge print, from this start only.
        log = (self.profile.parent / f"{self.profile.name}.log").open("wb")
        with log:
            self.office = subprocess.Popen(
                [
                    str(self.soffice),
                    f"-env:UserInstallation={self.profile.as_uri()}",
                    "--headless",
                    "--invisible",
                    "--nologo",
                    "--nodefault",
                    "--norestore",
                    "--nolockcheck",
                    f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **fontconfig_env()},
                start_new_session=True,
            )
            self.bridge = subprocess.Popen(
                [self.python, str(BRIDGE), pipe, str(timeout), str(self.office.pid)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )

    def convert(
        self, source: Path, target: Path, export: tuple[str, dict[str, Any]], timeout: float
    ) -> tuple[str, str | None]:
        """("ok", None), ("failed", why) for a document LibreOffice refused, or ("timeout"
        | "crashed", why) after which this LibreOffice has been stopped. `export` is the
        export filter's name and options."""
        job = {
            "source": str(source),
            "target": str(target),
            "infilter": DOCX_IMPORT_FILTER,
            "filter": export[0],
            "options": export[1],
        }
        assert self.bridge is not None and self.bridge.stdin is not None
        try:
            self.bridge.stdin.write(json.dumps(job).encode() + b"\n")
            self.bridge.stdin.flush()
        except OSError as exc:
            self.stop()
            return "crashed", f"the converter was gone: {exc}"
        answer = self._answer(timeout)
        if answer.get("ok"):
            return "ok", None
        if answer.get("timeout"):
            self.stop()
            return "timeout", None
        if answer.get("fatal", True):
            self.stop()
            return "crashed", str(answer.get("error"))
        return "failed", str(answer.get("error"))

    def _answer(self, timeout: float) -> dict[str, Any]:
        """The bridge's next line, {"timeout": True} if none comes in time, or a fatal error
        if the bridge ended."""
        assert self.bridge is not None and self.bridge.stdout is not None
        fd = self.bridge.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return {"timeout": True}
            if not poller.poll(max(1, int(left * 1000))):
                continue
            chunk = os.read(fd, 65536)
            if not chunk or len(self._pending) > _ANSWER_LIMIT:
                return {"error": "the converter stopped", "fatal": True}
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            return {"error": f"the converter said {line[:200]!r}", "fatal": True}
        return answer if isinstance(answer, dict) else {"error": "bad answer", "fatal": True}

    def grown(self) -> bool:
        return self.office is not None and _rss_mb_of_group(self.office.pid) > RECYCLE_MB

    def stop(self) -> None:
        """Kill LibreOffice and the bridge, and wait for them: their profile is then free."""
        for proc in (self.bridge, self.office):
            if proc is not None:
                kill_group(proc)
        for pipe in (self.bridge.stdin, self.bridge.stdout) if self.bridge else ():
            if pipe is not None:
                with suppress(OSError):
                    pipe.close()
        self.office = self.bridge = None


def _rss_mb_of_group(pgid: int) -> float:
    """The resident size of the largest process in a process group (soffice.bin, not the
    launcher scripts that started it)."""
    largest = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                largest = max(largest, _rss_mb(int(stat.parent.name)))
        except (OSError, ValueError, IndexError):
            continue
    return largest


_OFFICES: dict[Path, KeptOffice] = {}
_LOCK = threading.Lock()


def run_kept(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    profile: Path,
    export: str,
    timeout_per_file: float,
    startup_timeout: float,
    soffice: Path,
    python: str,
    finished: Callable[[Path], None] | None = None,
) -> BatchRun:
    """run_batch's work through the profile's kept LibreOffice: the same files in `out_dir`,
    the same answer (timed out, or a non-zero code for a crash, at the first document not
    converted)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _LOCK:
        office = _OFFICES.get(profile.resolve())
        if office is not None and (office.soffice != soffice or office.python != python):
            office.stop()  # another LibreOffice or bridge was asked for
            office = None
        if office is None:
            office = _OFFICES[profile.resolve()] = KeptOffice(profile, soffice, python)
    if not office.running():
        office.start(startup_timeout)
    filter_and_options = _filter_parts(export)
    for source in inputs:
        target = out_dir / f"{source.stem}.pdf"
        outcome, why = office.convert(source, target, filter_and_options, timeout_per_file)
        if outcome == "ok" and pdf_is_complete(target):
            if finished is not None:
                finished(target)
        elif outcome == "timeout":
            return BatchRun(True, None, time.monotonic() - started, "")
        elif outcome == "crashed":
            return BatchRun(False, 1, time.monotonic() - started, why or "")
    if office.grown():
        office.stop()
    return BatchRun(False, 0, time.monotonic() - started, "")


def convert_batch(
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
    """Convert `inputs` (distinct stems) into `out_dir` on `profile`: through its kept
    LibreOffice where python3-uno is there, else with a soffice process of its own. The
    arguments and the answer are run_batch's."""
    soffice = soffice or find_soffice()
    export = export_filter or (PDFA2B_FILTER if pdfa else PDF_FILTER)
    python = uno_python()
    if python is not None and python not in _FAILED:
        try:
            return run_kept(
                inputs,
                out_dir,
                profile=profile,
                export=export,
                timeout_per_file=timeout_per_file,
                startup_timeout=startup_timeout,
                soffice=soffice,
                python=python,
                finished=finished,
            )
        except OfficeStartError as exc:
            # The bridge cannot reach LibreOffice: convert as before, and stop trying.
            _FAILED.add(python)
            log.warning("LibreOffice kept between calls could not start (%s)", exc)
    return run_batch(
        inputs,
        out_dir,
        profile=profile,
        pdfa=pdfa,
        timeout_per_file=timeout_per_file,
        startup_timeout=startup_timeout,
        soffice=soffice,
        finished=finished,
        export_filter=export,
    )


# Profile slots this process keeps locked while their LibreOffice waits for the next call.


@dataclass
class _Idle:
    root: Path
    profile: Path
    lock: IO[str]
    since: float
    pid: int


_IDLE: list[_Idle] = []
_reaper: threading.Thread | None = None


def take_idle(root: Path) -> tuple[Path, IO[str]] | None:
    """A slot under `root` this process holds with its LibreOffice running, the most recently
    used first; None if there is none."""
    with _LOCK:
        for k in range(len(_IDLE) - 1, -1, -1):
            idle = _IDLE[k]
            if idle.root == root and idle.pid == os.getpid():
                del _IDLE[k]
                office = _OFFICES.get(idle.profile.resolve())
                if office is not None and office.running():
                    return idle.profile, idle.lock
                _release(idle.lock)
    return None


def keep_idle(root: Path, profile: Path, lock: IO[str]) -> bool:
    """Keep the slot locked if its LibreOffice is running, for the next call; True if kept."""
    global _reaper
    with _LOCK:
        office = _OFFICES.get(profile.resolve())
        if office is None or not office.running():
            return False
        _IDLE.append(_Idle(root, profile, lock, time.monotonic(), os.getpid()))
        if _reaper is None or not _reaper.is_alive():
            _reaper = threading.Thread(target=_reap, name="idle LibreOffice", daemon=True)
            _reaper.start()
    return True


def _release(lock: IO[str]) -> None:
    with suppress(OSError, ValueError):
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _reap() -> None:
    global _reaper
    while True:
        time.sleep(min(5.0, IDLE_SECONDS / 2))
        with _LOCK:
            now = time.monotonic()
            old = [i for i in _IDLE if now - i.since >= IDLE_SECONDS]
            for idle in old:
                _IDLE.remove(idle)
            offices = [_OFFICES.pop(i.profile.resolve(), None) for i in old]
            last = not _IDLE
            if last:
                _reaper = None
        _let_go(old, offices)
        if last:
            return


def stop_kept() -> None:
    """Stop every idle kept LibreOffice of this process and let their slots go (at exit)."""
    with _LOCK:
        idle = [i for i in _IDLE if i.pid == os.getpid()]
        _IDLE.clear()
        offices = [_OFFICES.pop(i.profile.resolve(), None) for i in idle]
    _let_go(idle, offices)


def _let_go(slots: list[_Idle], offices: list[KeptOffice | None]) -> None:
    """Stop the slots' LibreOffices (taken out of the pool under the lock), then unlock them."""
    for idle, office in zip(slots, offices, strict=True):
        if office is not None:
            office.stop()
        _release(idle.lock)


atexit.register(stop_kept)
