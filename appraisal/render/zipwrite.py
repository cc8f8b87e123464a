"""Write a zip deterministically from already-compressed members: no clock, no recompression."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from appraisal.render.package import Member

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20
_DOS_TIME = 0
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the zip epoch: the same bytes every run
_UTF8_FLAG = 0x800


def zip_bytes(members: Iterable[Member]) -> bytes:
    """The zip file holding `members` in the given order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if m.name.isascii() else _UTF8_FLAG
        sizes = (m.crc, len(m.data), m.size, len(name))
        local = _LOCAL.pack(0x04034B50, _VERSION, flags, m.method, _DOS_TIME, _DOS_DATE, *sizes, 0)
        head = (0x02014B50, _VERSION, _VERSION, flags, m.method, _DOS_TIME, _DOS_DATE)
        central.append(_CENTRAL.pack(*head, *sizes, 0, 0, 0, 0, 0, offset) + name)
        chunks += (local, name, m.data)
        offset += len(local) + len(name) + len(m.data)
        count += 1
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*chunks, directory, end])
