"""Writing files so that a crash never leaves a half-written one where a whole one is expected."""

import hashlib
import os
import tempfile
from pathlib import Path


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
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".tmp")
    tmp = Path(name)
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
