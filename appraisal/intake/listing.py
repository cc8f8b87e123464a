"""What in a drop folder is taken in: regular files only, decided without following any link.

Everything else (hidden files, folders, links, pipes, names that are not UTF-8) is named with
the reason it was left alone, so nothing in the folder goes unmentioned.
"""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from appraisal.files import shown_name
from appraisal.intake.inspection import Problem, reason_for

SKIPPED = "skipped"  # the intake outcome of an entry left alone


@dataclass(frozen=True)
class Skipped:
    name: str  # as on disk
    reason: str


def kind_of(mode: int, path: Path) -> str:
    """What a non-regular entry is, with what to do about it, for a reason's sentence."""
    if stat.S_ISLNK(mode):
        try:
            target = shown_name(os.readlink(path))
        except OSError:
            target = "?"
        return f"a symbolic link (to {target}), not followed: put the file itself in the folder"
    if stat.S_ISDIR(mode):
        return "a folder: files in folders are not taken in, move them up into the drop folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _left_alone(name: str, folder: Path) -> str | None:
    """Why the entry `name` is not taken in, or None for a regular file."""
    shown = shown_name(name)
    if name.startswith("."):
        return f"隐藏文件，未导入 / hidden file, left alone: {shown} (rename it if it is a return)"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return (
            f"文件名不是UTF-8编码，未导入 / file name not in UTF-8, left alone: {shown}; "
            "rename the file and import again"
        )
    try:
        mode = os.lstat(folder / name).st_mode
    except FileNotFoundError:
        return reason_for(Problem.GONE, name)
    if stat.S_ISREG(mode):
        return None
    return reason_for(Problem.NOT_REGULAR, name, kind_of(mode, folder / name))


def list_drop_folder(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The regular files of `folder` to take in, sorted, and every other entry with its reason."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for name in sorted(os.listdir(folder)):
        reason = _left_alone(name, folder)
        if reason is None:
            files.append(folder / name)
        else:
            skipped.append(Skipped(name, reason))
    return files, skipped
