"""Returns recorded at the same time, for real: portal uploads in threads and drop-folder imports
in separate processes, on SQLite and PostgreSQL. Every return row must equal its file."""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.files import sha256_bytes, sha256_file
from appraisal.models import Document, IntakeEvent, SignOff
from appraisal.paths import located
from appraisal.simulate import eseal_return
from tests.portal_helpers import PortalCycle, csrf_of, new_link, nomination_cycle

pytestmark = pytest.mark.libreoffice

UPLOADS = 10  # per reviewer, through the portal, each in its own thread
PROCESSES = 2  # `signoff import` runs, each its own process and drop folder
IMPORTED = 3  # files per document in each drop folder

# What `appraisal signoff import` runs, without Prefect's start-up: the same intake code. Two
# intakes of one cycle take turns (the cycle lock refuses the second while the first runs), so a
# refused one tries again, as staff would; portal uploads go on meanwhile.
IMPORT = """
import sys, time
from pathlib import Path
from appraisal.flows.runmode import plain_calls
from appraisal.flows.intake import intake_returns
from appraisal.store.locks import LockBusy
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.01)
while True:
    try:
        with plain_calls():
            outcomes = intake_returns(int(sys.argv[1]), Path(sys.argv[2]))
        break
    except LockBusy:
        time.sleep(0.1)
for o in outcomes:
    print(o.outcome, o.document_id, o.version, flush=True)
"""


@pytest.fixture
def cycle(app_env: Path, prefect_harness: None, tmp_path: Path) -> PortalCycle:
    found = nomination_cycle(app_env, tmp_path / "data", people=3)
    assert len(found.reviewers()) >= 2, "the test needs two reviewers"
    return found


def _variants(doc: Document, folder: Path, seeds: range) -> list[Path]:
    """Different valid returns of `doc`: the same document with differently pressed seals."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        eseal_return(
            located(doc.pdf_path), folder / f"{doc.id}-{s}.pdf", seed=s, seal_text="审核单位"
        )
        for s in seeds
    ]


def test_concurrent_returns_each_get_their_own_version_and_file(
    cycle: PortalCycle, tmp_path: Path, db_url: str
) -> None:
    from appraisal.portal.app import create_app

    (_, a), (_, b) = cycle.reviewers()[:2]
    docs = [cycle.docs_of(a)[0], cycle.docs_of(b)[0]]
    uploads = [
        (name, doc, path)
        for name, doc in zip((a, b), docs, strict=True)
        for path in _variants(doc, tmp_path / "uploads", range(UPLOADS))
    ]
    drops = []
    for p in range(PROCESSES):
        drop = tmp_path / f"drop-{p}"
        for doc in docs:
            seeds = range(100 * (p + 1), 100 * (p + 1) + IMPORTED)
            _variants(doc, drop, seeds)
        drops.append(drop)
    sent = {sha256_file(p) for _, _, p in uploads} | {
        sha256_file(p) for d in drops for p in d.iterdir()
    }
    assert len(sent) == len(uploads) + PROCESSES * IMPORTED * len(docs), "every file differs"

    app = create_app()
    tokens = {name: new_link(cycle.cycle_id, name)[1] for name in (a, b)}
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(cycle.cycle_id), str(drop), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for drop in drops
    ]
    ready = threading.Barrier(len(uploads))

    def upload(job: tuple[str, Document, Path]) -> tuple[int, str]:
        name, doc, path = job
        client = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
        csrf = csrf_of(client.get(f"/r/{tokens[name]}").text)
        ready.wait()
        go.touch()
        response = client.post(
            f"/inbox/documents/{doc.id}/return",
            data={"csrf": csrf},
            files={"file": (path.name, path.read_bytes(), "application/pdf")},
        )
        return response.status_code, response.text

    started = time.monotonic()
    with ThreadPoolExecutor(len(uploads)) as pool:
        answers = list(pool.map(upload, uploads))
    imported = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-3000:]
        imported += out.decode().split("\n")
    seconds = time.monotonic() - started

    # Every caller got a clear answer: each upload was received as a version of its own.
    assert [status for status, _ in answers] == [200] * len(uploads)
    for (_, _, path), (_, text) in zip(uploads, answers, strict=True):
        assert f"已收到 {path.name}（第" in text, text[-2000:]
    assert sorted(line.split()[0] for line in imported if line) == ["recorded"] * (
        PROCESSES * IMPORTED * len(docs)
    )

    mismatches = 0
    versions = 0
    with session_scope() as session:
        for doc in docs:
            rows = session.exec(
                select(SignOff).where(SignOff.document_id == doc.id).order_by(SignOff.version)
            ).all()
            assert [r.version for r in rows] == list(range(1, len(rows) + 1))
            folder = cycle.output / f"cycle-{cycle.cycle_id:04d}" / "returns" / doc.id
            for r in rows:
                assert located(r.file_path) == folder / f"v{r.version}.pdf"
                mismatches += sha256_file(located(r.file_path)) != r.sha256
            # No stray file: the folder holds exactly the recorded versions.
            assert sorted(p.name for p in folder.iterdir()) == sorted(
                f"v{r.version}.pdf" for r in rows
            )
            versions += len(rows)
        recorded = session.exec(select(IntakeEvent).where(IntakeEvent.outcome == "recorded"))
        assert len(recorded.all()) == len(sent)
        kept = {r.sha256 for r in session.exec(select(SignOff))}
    assert mismatches == 0
    assert kept == sent and versions == len(sent)
    assert sha256_bytes(b"") not in kept
    print(
        f"\nconcurrency on {db_url.split(':', 1)[0]}: {len(uploads)} portal uploads in "
        f"{len(uploads)} threads, {PROCESSES} import processes of {IMPORTED * len(docs)} files, "
        f"{versions} versions of {len(docs)} documents, mismatches: {mismatches} "
        f"({seconds:.1f} s)"
    )


def test_a_file_that_changes_after_inspection_is_left_for_the_next_import(
    bare_cycle: int, tmp_path: Path
) -> None:
    from appraisal.flows.intake import inspect_files, record_files
    from appraisal.paths import quarantine_dir

    drop = tmp_path / "drop"
    drop.mkdir()
    still_copying = drop / "scan.jpg"
    still_copying.write_bytes(b"\xff\xd8\xff\xe0 the first half of a photo")
    (ins,) = inspect_files.fn([still_copying])
    assert ins.problem is not None  # it would go to quarantine
    still_copying.write_bytes(b"\xff\xd8\xff\xe0 the whole photo, as the copy finished")
    (outcome,) = record_files.fn(bare_cycle, [ins], None)
    assert outcome.outcome == "left" and "changed while being read" in outcome.message
    assert still_copying.is_file()  # still there, to be taken in again
    assert not quarantine_dir(bare_cycle).exists() or not any(quarantine_dir(bare_cycle).iterdir())
    with session_scope() as session:
        assert session.exec(select(IntakeEvent)).all() == []
