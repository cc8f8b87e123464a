"""Exact arithmetic for scores, and how numbers read in the Chinese explanation."""

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import floor

Number = int | float | Decimal | Fraction


# The scheme's few numbers come back for every record of every person: parse each once.
@lru_cache(maxsize=4096, typed=True)
def exact(value: Number) -> Fraction:
    """As written, not as binary floating point: 0.4 is 2/5, so a 90 never becomes 89.999."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def rounded(value: Fraction, decimals: int) -> Fraction:
    """Half-up rounding, the way staff round by hand (Python's round() is half-even)."""
    scale = 10**decimals
    sign = -1 if value < 0 else 1
    return sign * Fraction(floor(abs(value) * scale + Fraction(1, 2)), scale)


def num(value: Fraction | int) -> float:
    return float(value)


def fmt(value: Number, decimals: int = 2) -> str:
    """A number for people: 50, 12.5, 86.67 (no trailing zeros)."""
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return str(int(value))
    text = f"{float(rounded(exact(value), decimals)):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def share_text(share: Fraction) -> str:
    """2/3 → 三分之二, 1/2 → 一半; other shares as a fraction or percent."""
    named = {Fraction(1, 2): "一半", Fraction(1, 3): "三分之一", Fraction(2, 3): "三分之二"}
    if share in named:
        return named[share]
    return f"{fmt(share * 100)}%"
