"""Writing files so that a crash never leaves a half-written one where a whole one is expected,
and showing file names that came from elsewhere safely."""

import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Line and paragraph breaks, control, format (invisible), surrogate, private and unassigned.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def shown_name(name: str) -> str:
    """`name` fit to print on one line: anything invisible or breaking as an escape (\\n, \\x1b,
    \\u200b), a byte that is not UTF-8 as \\xff, a backslash doubled so escapes stay unambiguous."""
    if name.isprintable() and "\\" not in name:
        return name  # the common case, Chinese included
    out = []
    for ch in name:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # how Python carries an undecodable byte of a file name
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in _HIDDEN_CATEGORIES:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ChangedFile(Exception):
    """A file no longer holds the bytes it held when it was checked."""


def copy_checked(source: Path, folder: Path, sha256: str = "") -> tuple[Path, str]:
    """Copy `source` to a new hidden temporary file in `folder`, hashing the bytes on their way.

    Returns the temporary file and the SHA-256 of what was copied. With `sha256` given, a copy
    of anything else is removed and ChangedFile raised: what is kept is what was inspected.
    """
    # Every caller renames or links the copy away before it copies again.
    tmp, fd = _own_temporary(folder / ".incoming.tmp")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if sha256 and digest.hexdigest() != sha256:
            raise ChangedFile(
                f"文件在读取期间被修改 / changed while being read: {source.name} no longer holds "
                "the bytes that were inspected; it is left where it is, to be taken in again"
            )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest()


def keep_unique(tmp: Path, target: Path, sha256: str) -> Path:
    """Give `tmp` the name `target`, or `<stem>-2<suffix>`, `-3`, ...: the first that is free or
    already holds these bytes. Never overwrites; `tmp` (in the same folder) is gone afterwards.

    A hard link claims a name atomically, so two processes keeping files at once cannot take
    the same one.
    """
    name, n = target, 1
    try:
        while True:
            try:
                os.link(tmp, name)
                return name
            except FileExistsError:
                if sha256_file(name) == sha256:
                    return name
            n += 1
            name = target.with_name(f"{target.stem}-{n}{target.suffix}")
    finally:
        tmp.unlink(missing_ok=True)


def _own_temporary(name: Path) -> tuple[Path, int]:
    """`name` with this process and thread put before its suffix, opened for writing (its
    folder made if need be). The name is this writer's own, so there is no random name to try
    (mkstemp's cost is a tenth of a rendered document's); one left behind by a crash is simply
    truncated by the next writer to draw it."""
    tmp = name.with_name(f"{name.stem}.{os.getpid()}-{threading.get_ident()}{name.suffix}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        return tmp, os.open(tmp, flags, 0o600)
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        return tmp, os.open(tmp, flags, 0o600)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that; True if the file changed."""
    try:
        held = os.stat(path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISREG(held.st_mode) and held.st_size == len(data) and path.read_bytes() == data:
            return False
    tmp, fd = _own_temporary(path.with_name(f".{path.name}.tmp"))
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def link_or_copy(src: Path, dst: Path) -> None:
    """Make `dst` hold the bytes of `src`: a hard link when possible, else an atomic copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists() and dst.stat().st_ino == src.stat().st_ino:
        return
    tmp = dst.with_name(f".{dst.name}.link")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        tmp.write_bytes(src.read_bytes())
    os.replace(tmp, dst)


# A staging folder is held by its process with an exclusive lock on this file; the kernel drops
# the lock when the process dies, however it dies, so a later run can tell debris from work.
_HOLD = ".held"
# A folder made but not yet locked (a moment's window) is left alone for this long.
_GRACE_SECONDS = 120


@contextmanager
def staging_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A fresh folder under `parent` for work in progress, removed afterwards; if the process is
    killed, `sweep_staging` on the next run removes it."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    hold = (folder / _HOLD).open("w")
    try:
        fcntl.flock(hold, fcntl.LOCK_EX)
        yield folder
    finally:
        hold.close()
        shutil.rmtree(folder, ignore_errors=True)


def sweep_staging(parent: Path, pattern: str) -> list[Path]:
    """Remove the staging folders under `parent` matching the glob `pattern` whose process is
    gone; returns them."""
    swept = []
    for folder in parent.glob(pattern):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            swept.append(folder)
    return swept


def _abandoned(folder: Path) -> bool:
    try:
        hold = (folder / _HOLD).open("r")
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > _GRACE_SECONDS
        except OSError:
            return False
    except OSError:
        return False
    with hold:
        try:
            fcntl.flock(hold, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its process is still at work
        return True
