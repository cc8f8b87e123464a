"""Checking e-mail addresses as staff type them (in Excel, often with full-width characters),
and the reviewer entries that carry them."""

import unicodedata
from dataclasses import dataclass

# Characters that cannot appear unquoted in an address; quoted local parts are not accepted
# because no real reviewer address needs them and they are a common copy-paste accident.
_FORBIDDEN = set('<>()[]\\,;:"')
MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less the angle brackets


class AddressError(ValueError):
    """An address that cannot be used, with the reason in words."""


def normalise_address(text: str) -> str:
    """The address as it is stored, "" for none, or AddressError saying what is wrong.

    Full-width forms (＠, ．, full-width letters) typed with a Chinese input method become their
    ASCII forms, and surrounding spaces go.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return ""
    if any(c.isspace() for c in value):
        raise AddressError(f"“{text}”含有空格")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise AddressError(f"“{text}”含有控制字符")
    bad = sorted(_FORBIDDEN.intersection(value))
    if bad:
        several = "（每个收件方只填一个地址）" if {",", ";"} & set(bad) else ""
        raise AddressError(f"“{text}”含有 {' '.join(bad)}{several}")
    if value.count("@") != 1:
        raise AddressError(f"“{text}”须有且只有一个 @")
    local, domain = value.split("@")
    if not local:
        raise AddressError(f"“{text}”的 @ 前面是空的")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise AddressError(f"“{text}”：@ 后面不是 example.cn 这样的域名")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        raise AddressError(f"“{text}”：域名的各段不能以 - 开头或结尾")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise AddressError(f"“{text}”：@ 前面的点位置不对")
    if len(value) > MAX_LENGTH:
        raise AddressError(f"“{text}”超过 {MAX_LENGTH} 个字符")
    return value


# The column widths of Reviewer (and of Document's recipient columns).
MAX_KIND, MAX_NAME = 32, 128


class ReviewerError(ValueError):
    """A reviewer entry that cannot be stored; `field` is kind, name or email."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class ReviewerEntry:
    """One reviewer as staff gave it, named the way documents name their recipient; `email`
    may be "" (no address: nothing is e-mailed to them)."""

    kind: str
    name: str
    email: str


def checked_entry(kind: str, name: str, email: str) -> ReviewerEntry:
    """The entry as it will be stored, or ReviewerError naming the field and what is wrong.

    Kind and name keep their exact characters (they must match the documents'); only the
    surrounding spaces go.
    """
    kind, name = kind.strip(), name.strip()
    if not kind:
        raise ReviewerError("kind", "类别为空 / the kind is empty")
    if not name:
        raise ReviewerError("name", "名称为空 / the name is empty")
    if len(kind) > MAX_KIND:
        raise ReviewerError("kind", f"类别“{kind}”超过 {MAX_KIND} 个字符")
    if len(name) > MAX_NAME:
        raise ReviewerError("name", f"名称“{name}”超过 {MAX_NAME} 个字符")
    try:
        address = normalise_address(email)
    except AddressError as exc:
        raise ReviewerError("email", f"电子邮箱不可用：{exc}") from None
    return ReviewerEntry(kind, name, address)
