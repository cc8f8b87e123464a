"""Writing files so that a crash never leaves a half-written one where a whole one is expected,
and showing file names that came from elsewhere safely."""

import hashlib
import os
import tempfile
import unicodedata
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


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that; True if the file changed."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
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
