"""How wide a text prints, in half-width characters: a Chinese character or a full-width sign
takes two, a digit or Latin letter one. Spreadsheet columns and table columns are sized by it."""


def display_width(text: str) -> int:
    # GB 18030 takes one byte for ASCII and two for a Chinese character or full-width sign,
    # the same ratio as their widths on screen, and the encoder runs in C.
    return len(text.encode("gb18030", errors="replace"))
