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
        raise AddressError(f"{text!r} contains a space")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise AddressError(f"{text!r} contains a control character")
    bad = sorted(_FORBIDDEN.intersection(value))
    if bad:
        several = " (one address per reviewer)" if {",", ";"} & set(bad) else ""
        raise AddressError(f"{text!r} contains {' '.join(bad)}{several}")
    if value.count("@") != 1:
        raise AddressError(f"{text!r} needs exactly one @")
    local, domain = value.split("@")
    if not local:
        raise AddressError(f"{text!r} has nothing before the @")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise AddressError(f"{text!r}: the part after the @ is not a domain such as example.cn")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        raise AddressError(f"{text!r}: a domain name part cannot begin or end with -")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise AddressError(f"{text!r}: misplaced dot before the @")
    if len(value) > MAX_LENGTH:
        raise AddressError(f"{text!r} is longer than {MAX_LENGTH} characters")
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
        raise ReviewerError("kind", "the kind (类别) is empty")
    if not name:
        raise ReviewerError("name", "the name (名称) is empty")
    if len(kind) > MAX_KIND:
        raise ReviewerError("kind", f"the kind {kind!r} is longer than {MAX_KIND} characters")
    if len(name) > MAX_NAME:
        raise ReviewerError("name", f"the name {name!r} is longer than {MAX_NAME} characters")
    try:
        address = normalise_address(email)
    except AddressError as exc:
        raise ReviewerError("email", f"not a usable e-mail address: {exc}") from None
    return ReviewerEntry(kind, name, address)
