"""Start a stage's flow outside the web request: the request returns at once, the flow runs in
its own process (`appraisal cycle advance`), and the dashboard reads progress from the database."""

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime

from appraisal.paths import cycle_dir

_running: dict[int, subprocess.Popen[bytes]] = {}
_lock = threading.Lock()


def is_running(cycle_id: int) -> bool:
    with _lock:
        proc = _running.get(cycle_id)
        return proc is not None and proc.poll() is None


def start_advance(cycle_id: int) -> bool:
    """Start advancing the cycle; False when a run this portal started is still going."""
    return start_command(cycle_id, "advance")


def start_command(cycle_id: int, command: str) -> bool:
    """Start `appraisal cycle COMMAND CYCLE` (advance, rescore) in its own process; False when a
    run this portal started for the cycle is still going."""
    return _start(cycle_id, command, ["cycle", command, str(cycle_id)])


def start_archive(cycle_id: int) -> bool:
    """Start `appraisal archive CYCLE` (seal the dossiers, write the register): advancing stops
    at the archive, which is its own command."""
    return _start(cycle_id, "archive", ["archive", str(cycle_id)])


def _start(cycle_id: int, command: str, args: list[str]) -> bool:
    with _lock:
        proc = _running.get(cycle_id)
        if proc is not None and proc.poll() is None:
            return False
        logs = cycle_dir(cycle_id) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        with (logs / f"{command}-{stamp}.log").open("ab") as log:
            _running[cycle_id] = subprocess.Popen(
                [sys.executable, "-m", "appraisal", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=os.environ.copy(),
            )
        return True
