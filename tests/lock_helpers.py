"""A process that holds a cycle's lock, for the lock and concurrency tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HOLDER = """
import sys, time
from appraisal.db import make_engine
from appraisal.store.locks import cycle_lock
with cycle_lock(int(sys.argv[2]), "archive", make_engine(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def hold_in_child(db_url: str, cycle_id: int) -> subprocess.Popen[str]:
    """A separate process that takes the cycle's lock and keeps it until it is killed."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url, str(cycle_id)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child
