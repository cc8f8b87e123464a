"""Read a .docx once: every member's compressed bytes, and the relationships that find its parts."""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from appraisal.render.errors import RenderError

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
RT_HEADER = _RT + "header"
RT_FOOTER = _RT + "footer"
RT_FOOTNOTES = _RT + "footnotes"
RT_ENDNOTES = _RT + "endnotes"
RT_IMAGE = _RT + "image"

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIG = 0x04034B50
# Uncompressed size a template may not exceed: a zip bomb is refused before it is inflated.
MAX_TEMPLATE_BYTES = 100 * 1024 * 1024

# Plain parser for relationship and content-type parts: no entities, no network.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Member:
    """One zip member as stored: deflated (method 8) or stored (0) bytes with their CRC."""

    name: str
    method: int
    crc: int
    size: int
    data: bytes

    @classmethod
    def deflated(cls, name: str, content: bytes, level: int = 1) -> Member:
        # Level 1: parts are written per document, and level 6 costs twice the time for
        # files only about 15% smaller.
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        return cls(name, zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content), data)


@dataclass(frozen=True)
class Relationship:
    rid: str
    reltype: str
    target: str  # member name inside the zip, already resolved against the source part
    external: bool


def rels_name(part: str) -> str:
    """word/header1.xml → word/_rels/header1.xml.rels; "" (the package) → _rels/.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def read_members(path: Path, label: str) -> tuple[dict[str, Member], dict[str, bytes]]:
    """All members as stored bytes, plus their uncompressed content (CRC-checked)."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise RenderError("找不到文件 / file not found", template=label) from None
    except (zipfile.BadZipFile, OSError) as exc:
        reason = f"不是 .docx 文件（无法作为 zip 打开） / not a .docx file (not a valid zip): {exc}"
        raise RenderError(reason, template=label) from None
    members: dict[str, Member] = {}
    contents: dict[str, bytes] = {}
    with zf, open(path, "rb") as raw:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_TEMPLATE_BYTES:
            reason = "解压后过大，可能是恶意文件 / too large when uncompressed (zip bomb?)"
            raise RenderError(reason, template=label)
        for info in infos:
            try:
                content = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError) as exc:
                raise RenderError(
                    f".docx 文件已损坏：其中的 {info.filename} 无法读取 / "
                    f"corrupt .docx: member {info.filename} unreadable: {exc}",
                    template=label,
                ) from None
            contents[info.filename] = content
            members[info.filename] = _stored(raw, info, content)
    return members, contents


def _stored(raw: object, info: zipfile.ZipInfo, content: bytes) -> Member:
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1:
        # Unusual compression or encryption: store it our way instead of copying.
        return Member.deflated(info.filename, content)
    raw.seek(info.header_offset)  # type: ignore[attr-defined]
    header = raw.read(_LOCAL_HEADER.size)  # type: ignore[attr-defined]
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIG:
        return Member.deflated(info.filename, content)
    name_len, extra_len = fields[9], fields[10]
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)  # type: ignore[attr-defined]
    data = raw.read(info.compress_size)  # type: ignore[attr-defined]
    return Member(info.filename, info.compress_type, info.CRC, info.file_size, data)


def parse_rels(contents: dict[str, bytes], part: str, label: str) -> list[Relationship]:
    """The relationships of `part` ("" for the package), in file order; [] if it has none."""
    name = rels_name(part) if part else "_rels/.rels"
    blob = contents.get(name)
    if blob is None:
        return []
    try:
        root = etree.fromstring(blob, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        reason = f".docx 文件已损坏：{name} 的 XML 格式有误 / corrupt .docx: {name}: {exc}"
        raise RenderError(reason, template=label) from None
    base = posixpath.dirname(part)
    rels = []
    for el in root.iter(f"{{{RELS_NS}}}Relationship"):
        target = el.get("Target", "")
        external = el.get("TargetMode") == "External"
        if not external:
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(base, target))
        rels.append(Relationship(el.get("Id", ""), el.get("Type", ""), target, external))
    return rels


def find_one(rels: list[Relationship], reltype: str) -> str | None:
    for rel in rels:
        if rel.reltype == reltype and not rel.external:
            return rel.target
    return None
