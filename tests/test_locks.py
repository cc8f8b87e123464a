"""The cycle lock: one holder among real threads and processes, freed when its holder dies."""

import os
import signal
import threading
import time

import pytest
import sqlalchemy as sa

from appraisal.store.locks import LockBusy, cycle_lock
from tests.lock_helpers import hold_in_child


def test_one_thread_of_many_gets_the_cycle(engine: sa.Engine) -> None:
    start = threading.Barrier(6)
    got: list[int] = []
    refused: list[str] = []

    def run(n: int) -> None:
        start.wait()
        try:
            with cycle_lock(1, "intake", engine):
                got.append(n)
                time.sleep(1.0)  # everyone else tries while this one holds it
        except LockBusy as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(got) == 1 and len(refused) == 5
    for message in refused:
        # A thread refused before the winner has written its name is told "another run".
        assert "第1号考核周期" in message and "cycle 1 is busy" in message
    with cycle_lock(1, "intake", engine):  # and it is free again afterwards
        told: list[str] = []

        def late() -> None:
            try:
                with cycle_lock(1, "archive", engine):
                    pass
            except LockBusy as exc:
                told.append(str(exc))

        thread = threading.Thread(target=late)
        thread.start()
        thread.join(30)
    (message,) = told  # once the holder is in, whoever comes is told who and since when
    assert "intake since 20" in message and f"process {os.getpid()}" in message


def test_stage_runs_exclude_each_other_but_not_intake(engine: sa.Engine) -> None:
    refused: list[str] = []

    def other(purpose: str) -> None:
        try:
            with cycle_lock(1, purpose, engine):
                pass
        except LockBusy:
            refused.append(purpose)

    with cycle_lock(1, "stage", engine):
        for purpose in ("stage", "intake", "archive"):
            thread = threading.Thread(target=other, args=(purpose,))
            thread.start()
            thread.join(30)
    assert refused == ["stage"]


def test_cycles_are_locked_apart_and_a_chain_reenters(engine: sa.Engine) -> None:
    with cycle_lock(1, "archive", engine):
        with cycle_lock(2, "archive", engine):
            pass
        with cycle_lock(1, "intake", engine):  # the command's lock, taken again by its flow
            pass


def test_a_killed_holder_leaves_the_cycle_free(db_url: str, engine: sa.Engine) -> None:
    child = hold_in_child(db_url, 3)
    try:
        with pytest.raises(LockBusy) as info, cycle_lock(3, "intake", engine):
            pass
        assert "archive since 20" in str(info.value) and f"process {child.pid}" in str(info.value)
        assert "nothing was done" in str(info.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # The kernel (SQLite's lock file) or the server (PostgreSQL's session) lets go at once.
    deadline = time.monotonic() + 10
    while True:
        try:
            with cycle_lock(3, "intake", engine):
                break
        except LockBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
