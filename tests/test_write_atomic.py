"""write_atomic: a file is replaced whole or not at all, and nothing of the attempt is left."""

import os
import stat
import threading
from pathlib import Path

import pytest

from appraisal.files import write_atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_writes_a_new_file_in_a_new_folder_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "doc.docx"
    assert write_atomic(target, b"one")
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # as mkstemp made them before
    assert _leftovers(target.parent) == []


def test_the_same_bytes_again_leave_the_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "doc.docx"
    write_atomic(target, b"same")
    inode = target.stat().st_ino
    assert not write_atomic(target, b"same")
    assert target.stat().st_ino == inode
    assert write_atomic(target, b"other")
    assert target.read_bytes() == b"other"
    assert target.stat().st_ino != inode  # replaced by a rename, never rewritten in place


def test_a_temporary_file_left_by_a_crash_under_the_writer_s_name_is_taken_over(
    tmp_path: Path,
) -> None:
    target = tmp_path / "doc.docx"
    stale = tmp_path / f".doc.docx.{os.getpid()}-{threading.get_ident()}.tmp"
    stale.write_bytes(b"half a document from a killed process, longer than the new one")
    assert write_atomic(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert _leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "doc.docx"
    write_atomic(target, b"kept")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"kept"
    assert _leftovers(tmp_path) == []


def test_threads_writing_the_same_file_each_leave_it_whole(tmp_path: Path) -> None:
    target = tmp_path / "doc.docx"
    payloads = [bytes([i]) * 200_000 for i in range(8)]
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            for _ in range(20):
                write_atomic(target, data)
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert _leftovers(tmp_path) == []
