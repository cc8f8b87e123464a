"""LibreOffice user profiles kept between runs, one per parallel converter, with our fonts."""

import fcntl
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from appraisal.cache import cache_dir
from appraisal.pdf.fonts import font_replacements
from appraisal.pdf.office import keep_idle, take_idle

_REGISTRY = "user/registrymodifications.xcu"
_SUBSTITUTION = "/org.openoffice.Office.Common/Font/Substitution"
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
)
_OURS = re.compile(rf'^<item oor:path="{re.escape(_SUBSTITUTION)}[/"].*\n', re.MULTILINE)


def replacement_items(table: dict[str, str]) -> str:
    """LibreOffice's font replacement table (Tools > Options > Fonts) as registry items."""
    lines = [
        f'<item oor:path="{_SUBSTITUTION}"><prop oor:name="Replacement" oor:op="fuse">'
        "<value>true</value></prop></item>"
    ]
    for i, (face, family) in enumerate(sorted(table.items())):
        lines.append(
            f'<item oor:path="{_SUBSTITUTION}/FontPairs"><node oor:name="_{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(face)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(family)}</value>'
            "</prop></node></item>"
        )
    return "".join(line + "\n" for line in lines)


def seed_profile(profile: Path) -> None:
    """Put our font replacement table into the profile (before its first start, or again).

    LibreOffice reads registrymodifications.xcu at start and writes it back, items included, at
    exit; a profile seeded once stays seeded, and a changed table replaces the old one.
    """
    items = replacement_items(font_replacements())
    registry = profile / _REGISTRY
    text = registry.read_text(encoding="utf-8") if registry.is_file() else ""
    if items in text:
        return
    if "</oor:items>" not in text:
        text = _HEADER + "</oor:items>\n"
    text = _OURS.sub("", text).replace("</oor:items>", items + "</oor:items>")
    registry.parent.mkdir(parents=True, exist_ok=True)
    tmp = registry.with_suffix(".xcu.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(registry)


def stop_orphans(*profiles: Path) -> list[int]:
    """Kill LibreOffice processes still running on any of `profiles` though no converter holds
    it: a converter killed with SIGKILL leaves its soffice converting on, and a new soffice on
    the same profile would hand its files to that one. One pass over the processes, whatever
    the number of profiles. Returns the ids of the processes stopped, once they have stopped
    running (Linux: /proc)."""
    markers = {f"-env:UserInstallation={p.resolve().as_uri()}".encode() for p in profiles}
    stopped = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline") if markers else ():
        try:
            if markers.isdisjoint(cmdline.read_bytes().split(b"\0")):
                continue
            pid = int(cmdline.parent.name)
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
        stopped.append(pid)
    for pid in stopped:
        _wait_gone(pid)
    return stopped


def stop_unheld_orphans(root: Path | None = None) -> list[int]:
    """stop_orphans on every profile under `root` that no converter holds now: a converter
    killed with its run leaves LibreOffice writing into the run's staging folder, which a new
    run would otherwise sweep while it is still being written to. The profiles stay held until
    their orphans are stopped, so no converter starts on one meanwhile."""
    root = root or cache_dir() / "libreoffice"
    with ExitStack() as held:
        unheld = []
        for lock_path in sorted(root.glob("profile-*.lock")):
            lock = held.enter_context(lock_path.open("a"))
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live converter's
            unheld.append(root / lock_path.stem)
        return stop_orphans(*unheld)


def _wait_gone(pid: int, limit: float = 2.0) -> None:
    """Until the killed process has stopped running (gone, or a zombie waiting to be reaped)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.01)


@contextmanager
def profile_slot(root: Path | None = None) -> Iterator[Path]:
    """A seeded LibreOffice profile folder no other process is using; warm after first use.

    Two processes on one profile would hand their work to each other over LibreOffice's pipe,
    so each slot is held with an exclusive lock, and a busy slot makes us take the next one. A
    slot whose LibreOffice is kept running (appraisal.pdf.office) stays locked after the call,
    for this process's next call, until that LibreOffice is stopped.
    """
    root = (root or cache_dir() / "libreoffice").absolute()
    root.mkdir(parents=True, exist_ok=True)
    kept = take_idle(root)
    if kept is not None:
        # This process's own slot, its LibreOffice still up from the last call.
        profile, lock = kept
    else:
        profile, lock = _lock_free_slot(root)
    try:
        yield profile
    finally:
        if not keep_idle(root, profile, lock):
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()


def _lock_free_slot(root: Path) -> tuple[Path, IO[str]]:
    index = 0
    while True:
        lock = (root / f"profile-{index}.lock").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            index += 1
            continue
        profile = root / f"profile-{index}"
        try:
            stop_orphans(profile)
            seed_profile(profile)
        except BaseException:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
            raise
        return profile, lock
