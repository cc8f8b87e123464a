"""A converter's LibreOffice kept between calls: reused, stopped when idle or when its caller
dies, started afresh when it is gone; without python3-uno every batch starts its own."""

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from appraisal.pdf import convert_many, office, pdf_text
from appraisal.pdf.office import stop_kept, uno_python
from appraisal.pdf.sample import write_sample_docx

pytestmark = pytest.mark.libreoffice


def _require_kept_office() -> None:
    if shutil.which("soffice") is None or uno_python() is None:
        reason = "LibreOffice or python3-uno is not installed (make setup installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the LibreOffice tests")
        pytest.skip(reason)


def _office_pids(root: Path) -> set[int]:
    """soffice.bin processes running on a profile under `root`."""
    pids = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() != "soffice.bin":
                continue
            if str(root).encode() in (entry / "cmdline").read_bytes():
                pids.add(int(entry.name))
        except OSError:
            continue
    return pids


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def docs(tmp_path: Path) -> list[Path]:
    _require_kept_office()
    yield [write_sample_docx(tmp_path / f"d{i}.docx", name=n) for i, n in enumerate("甲乙")]
    stop_kept()


def test_the_next_call_converts_with_the_same_libreoffice(tmp_path: Path, docs) -> None:
    root = tmp_path / "profiles"
    first = convert_many(docs, tmp_path / "a", workers=1, profile_root=root)
    running = _office_pids(root)
    second = convert_many(docs, tmp_path / "b", workers=1, profile_root=root)
    assert all(r.ok for r in first + second)
    assert "乙" in pdf_text(second[1].pdf)
    assert len(running) == 1 and _office_pids(root) == running
    stop_kept()
    assert _wait_for(lambda: not _office_pids(root))


def test_an_idle_libreoffice_is_stopped_and_its_slot_let_go(
    tmp_path: Path, docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office, "IDLE_SECONDS", 1.0)
    root = tmp_path / "profiles"
    convert_many(docs[:1], tmp_path / "a", workers=1, profile_root=root)
    assert _office_pids(root)
    assert _wait_for(lambda: not _office_pids(root))
    with (root / "profile-0.lock").open("a") as lock:
        assert _wait_for(lambda: _try_lock(lock))


def _try_lock(lock) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def test_a_libreoffice_that_died_between_calls_is_started_again(tmp_path: Path, docs) -> None:
    root = tmp_path / "profiles"
    convert_many(docs[:1], tmp_path / "a", workers=1, profile_root=root)
    (pid,) = _office_pids(root)
    os.kill(pid, 9)
    again = convert_many(docs, tmp_path / "b", workers=1, profile_root=root)
    assert all(r.ok for r in again)
    assert pid not in _office_pids(root)


def test_no_libreoffice_outlives_a_caller_killed_with_sigkill(tmp_path: Path, docs) -> None:
    root, out = tmp_path / "profiles", tmp_path / "a"
    script = f"""
import os, signal
from pathlib import Path
from appraisal.pdf import convert_many
if __name__ == "__main__":
    convert_many([Path({str(docs[0])!r})], Path({str(out)!r}), workers=1,
                 profile_root=Path({str(root)!r}))
    print(len(os.listdir({str(out)!r})), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == -9 and run.stdout.strip() == "1", run.stderr
    assert _wait_for(lambda: not _office_pids(root))


def test_without_python3_uno_each_batch_starts_its_own(
    tmp_path: Path, docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPRAISAL_UNO_PYTHON", "")
    uno_python.cache_clear()
    try:
        assert uno_python() is None
        root = tmp_path / "profiles"
        results = convert_many(docs, tmp_path / "a", workers=1, profile_root=root)
        assert all(r.ok for r in results)
        assert not _office_pids(root)
    finally:
        monkeypatch.delenv("APPRAISAL_UNO_PYTHON")
        uno_python.cache_clear()
