"""How a sheet is laid out: its columns, which are required, and what each cell must hold."""

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

# The template's example row carries this 编号; the readers skip such a row with a warning.
from appraisal.person_fields import EXAMPLE_CODE as EXAMPLE_CODE


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"  # text whose inner spaces between Chinese characters are padding: 张　三 → 张三
    CODE = "code"  # a key: no spaces at all
    PROSE = "prose"  # paragraphs of text: each line cleaned as TEXT, the line breaks kept
    DATE = "date"
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"  # 是 / 否
    VOCAB = "vocab"  # one of a fixed StrEnum's values


BOOL_WORDS = ("是", "否")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: Kind = Kind.TEXT
    required: bool = False  # the column must exist and every row must fill it
    vocab: type[StrEnum] | None = None
    suggestions: tuple[str, ...] = ()  # a drop-down that still allows other words
    aliases: tuple[str, ...] = ()  # other headers real sheets use for the same column
    max_length: int | None = None  # the database column's limit
    default: Any = None  # what a blank cell means, when blank is allowed in a required column
    example: Any = ""
    width: int = 12
    note: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """The words a drop-down offers: the vocabulary, 是/否, or suggestions."""
        if self.vocab is not None:
            return tuple(member.value for member in self.vocab)
        if self.kind is Kind.BOOL:
            return BOOL_WORDS
        return self.suggestions

    @property
    def strict(self) -> bool:
        """Whether the drop-down refuses words that are not in it."""
        return self.vocab is not None or self.kind is Kind.BOOL


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    description: str = ""
    # Headers that real sheets carry and we drop without a warning.
    ignored: frozenset[str] = field(default_factory=lambda: frozenset({"序号"}))
    # Columns older sheets carry and we still read, but no longer write in a template.
    accepted: tuple[Column, ...] = ()

    @cached_property
    def _lookup(self) -> dict[str, Column]:
        """Normalised header (and alias) → column."""
        table: dict[str, Column] = {}
        for column in (*self.columns, *self.accepted):
            for header in (column.header, *column.aliases):
                table[normalise_header(header)] = column
        return table

    def lookup(self) -> dict[str, Column]:
        """Normalised header (and alias) → column."""
        return dict(self._lookup)

    @cached_property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, field_name: str) -> Column:
        for column in (*self.columns, *self.accepted):
            if column.field == field_name:
                return column
        raise KeyError(field_name)


def normalise_header(value: Any) -> str:
    """Headers match after NFKC, without any spaces, '*' marks or a trailing (必填)/(选填)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(text.split()).strip("*")
    for suffix in ("(必填)", "(选填)", "(可选)"):
        text = text.removesuffix(suffix)
    return text.strip("*")
