"""Per-document pictures: the media members, relationships and content types one render adds."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from appraisal.render.image import Image
from appraisal.render.package import RELS_NS, RT_IMAGE, Member, rels_name

_MEDIA_NUMBER = re.compile(r"^word/media/[^/]*?(\d+)\.[^./]+$")


@dataclass(frozen=True)
class PartIds:
    """What a story part already uses: relationship ids and the next free drawing id."""

    rids: frozenset[str]
    next_shape_id: int


@dataclass
class MediaSink:
    """Collects the pictures of one document while its parts render."""

    parts: dict[str, PartIds]
    existing_members: frozenset[str]
    current_part: str = ""
    _media: dict[str, str] = field(default_factory=dict)  # sha1 → member name
    _images: dict[str, Image] = field(default_factory=dict)  # member name → image
    _rels: dict[str, dict[str, str]] = field(default_factory=dict)  # part → member → rId
    _shape_ids: dict[str, int] = field(default_factory=dict)
    # Parts where a value printed raw XML (a picture, or Markup from a filter): only parsing
    # them shows whether the result is well-formed.
    raw_parts: set[str] = field(default_factory=set)

    def mark_raw(self) -> None:
        self.raw_parts.add(self.current_part)

    def place(self, image: Image) -> tuple[str, int]:
        part = self.current_part
        self.raw_parts.add(part)
        member = self._media.get(image.sha1) or self._new_media(image)
        rels = self._rels.setdefault(part, {})
        if member not in rels:
            rels[member] = self._next_rid(part, set(rels.values()))
        ids = self.parts[part]
        shape_id = self._shape_ids.get(part, ids.next_shape_id)
        self._shape_ids[part] = shape_id + 1
        return rels[member], shape_id

    def _new_media(self, image: Image) -> str:
        # python-docx's choice: the lowest free number among word/media/image<N>.<ext>.
        used = {int(m.group(1)) for n in self.existing_members if (m := _MEDIA_NUMBER.match(n))}
        used |= {int(m.group(1)) for n in self._images if (m := _MEDIA_NUMBER.match(n))}
        number = next(n for n in range(1, len(used) + 2) if n not in used)
        member = f"word/media/image{number}.{image.ext}"
        self._media[image.sha1] = member
        self._images[member] = image
        return member

    def _next_rid(self, part: str, taken: set[str]) -> str:
        used = self.parts[part].rids | taken
        return next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)

    @property
    def empty(self) -> bool:
        return not self._images

    def members(self, originals: dict[str, bytes]) -> list[Member]:
        """New media, and the rels and content-type parts changed to point at them."""
        out = [Member.deflated(name, img.data) for name, img in sorted(self._images.items())]
        for part in sorted(self._rels):
            name = rels_name(part)
            entries = "".join(
                f'<Relationship Id="{rid}" Type="{RT_IMAGE}" '
                f'Target="{posixpath.relpath(member, posixpath.dirname(part))}"/>'
                for member, rid in self._rels[part].items()
            )
            original = originals.get(name)
            if original is None:
                xml = (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{RELS_NS}">{entries}</Relationships>'
                ).encode()
            else:
                xml = _insert_before_last(original, b"</Relationships>", entries.encode())
            out.append(Member.deflated(name, xml))
        types = originals["[Content_Types].xml"]
        extra = ""
        for ext, ctype in sorted({(i.ext, i.content_type) for i in self._images.values()}):
            if not re.search(rf'Extension="{re.escape(ext)}"'.encode(), types, re.IGNORECASE):
                extra += f'<Default Extension="{ext}" ContentType="{ctype}"/>'
        if extra:
            types = _insert_before_last(types, b"</Types>", extra.encode())
            out.append(Member.deflated("[Content_Types].xml", types))
        return out


def _insert_before_last(xml: bytes, closing: bytes, insert: bytes) -> bytes:
    at = xml.rfind(closing)
    if at < 0:
        raise ValueError(
            f"文件中缺少 {closing.decode()}，无法加入图片 / no {closing.decode()} in part"
        )
    return xml[:at] + insert + xml[at:]
