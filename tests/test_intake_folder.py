"""`signoff import` of a drop folder: only regular files are taken in, every other entry is named
with its reason, and one intake or archive of a cycle runs at a time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.identity import document_id
from appraisal.models import IntakeEvent
from appraisal.models.vocab import Stage
from tests.cycle_helpers import import_pool, start
from tests.intake_helpers import blank_scan
from tests.lock_helpers import ROOT, hold_in_child

runner = CliRunner()


@pytest.fixture
def cycle(app_env: Path, prefect_harness: None, tmp_path: Path) -> int:
    import_pool(tmp_path / "data", people=3)
    return start()


def _events() -> list[IntakeEvent]:
    with session_scope() as session:
        return list(session.exec(select(IntakeEvent).order_by(IntakeEvent.id)))


def test_only_regular_files_are_taken_in_and_every_other_entry_is_named(
    cycle: int, app_env: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    elsewhere = blank_scan(outside / "elsewhere.pdf")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "x.pdf").symlink_to(secret)
    (drop / "link.pdf").symlink_to(elsewhere)
    (drop / ".hidden.pdf").write_bytes(b"%PDF-1.7 hidden")
    (drop / "folder").mkdir()
    (drop / "folder" / "inner.pdf").write_bytes(b"inside a folder")
    os.mkfifo(drop / "pipe.pdf")
    (drop / "two\nlines.pdf").write_bytes(b"\x89PNG\r\n\x1a\n a photo")
    (drop / os.fsdecode(b"gbk-\xd5\xc5.pdf")).write_bytes(b"a name from an old zip tool")
    other = document_id(cycle_id=cycle + 50, stage=Stage.NOMINATION, template_id="x",
                        person_code="P1", recipient="r")  # fmt: skip
    blank_scan(drop / f"新\n{other}.pdf")

    result = runner.invoke(app, ["signoff", "import", str(cycle), str(drop)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    said = {line.split(":", 1)[0]: line for line in lines if ": " in line}

    assert "x.pdf: skipped" in said["x.pdf"] and f"to {secret}), not followed" in said["x.pdf"]
    assert "not a regular file" in said["link.pdf"] and str(elsewhere) in said["link.pdf"]
    assert "hidden file" in said[".hidden.pdf"]
    assert "a folder" in said["folder"] and "move them up" in said["folder"]
    assert "a FIFO" in said["pipe.pdf"]
    assert "not in UTF-8" in said["gbk-\\xd5\\xc5.pdf"]
    # The photo with a newline in its name: one line, the newline shown as \n, also in the
    # reason stored for staff.
    assert "quarantined" in said["two\\nlines.pdf"]
    assert "not a PDF: two\\nlines.pdf" in result.output
    assert f"新\\n{other}.pdf: 文档编号 {other} 属于第{cycle + 50}号考核周期" in result.output
    assert "0 recorded, 0 duplicate, 2 quarantined, 6 skipped" in result.output

    # Nothing behind a link was read or copied; only the two files went to quarantine.
    events = {e.file_name: e.reason for e in _events()}
    assert sorted(events) == sorted(["two\nlines.pdf", f"新\n{other}.pdf"])
    assert all("\n" not in reason for reason in events.values())
    quarantine = app_env / f"cycle-{cycle:04d}" / "quarantine"
    assert sorted(p.name for p in quarantine.iterdir()) == sorted(events)
    assert secret.read_text().startswith("root:") and elsewhere.is_file()
    left = sorted(p.name for p in drop.iterdir())
    assert left == sorted(
        [".hidden.pdf", "folder", "gbk-\udcd5\udcc5.pdf", "link.pdf", "pipe.pdf", "x.pdf"]
    )


def test_intake_is_refused_while_another_run_holds_the_cycle(
    cycle: int, db_url: str, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    blank_scan(drop / "scan.pdf")
    holder = hold_in_child(db_url, cycle)  # an archive run, as far as anyone can tell
    try:
        result = runner.invoke(app, ["signoff", "import", str(cycle), str(drop)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert f"cycle {cycle} is busy (archive since" in result.output
    assert f"process {holder.pid}" in result.output and "Traceback" not in result.output
    assert (drop / "scan.pdf").is_file() and _events() == []

    # Once the holder is gone the same command goes through, its flow re-entering the lock.
    again = runner.invoke(app, ["signoff", "import", str(cycle), str(drop)])
    assert again.exit_code == 0, again.output
    assert "1 quarantined" in again.output


def test_archive_is_refused_while_another_run_holds_the_cycle(cycle: int, db_url: str) -> None:
    holder = hold_in_child(db_url, cycle)
    try:
        result = runner.invoke(app, ["archive", str(cycle)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert f"第{cycle}号考核周期" in result.output and "本次归档未执行" in result.output
    assert "Traceback" not in result.output


def test_two_imports_of_one_folder_at_once_take_each_file_once(
    cycle: int, app_env: Path, db_url: str, harness_api: str, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    names = [f"scan-{n}.pdf" for n in range(8)]
    for name in names:
        blank_scan(drop / name)  # read in a child process each: the run takes a few seconds
    env = {
        **os.environ,
        "APPRAISAL_OUTPUT_DIR": str(app_env),
        "APPRAISAL_DATABASE_URL": db_url,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "appraisal", "signoff", "import", str(cycle), str(drop)]
    runs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    done = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    for code, out, err in done:
        assert "Traceback" not in out + err, out + err
        assert code == 0 or (code == 1 and f"cycle {cycle} is busy (intake since" in err), err
    assert sorted(e.file_name for e in _events()) == names  # each file taken in exactly once
    assert list(drop.iterdir()) == []
