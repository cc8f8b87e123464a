"""Decide quickly whether docxtpl's fix_tables would change a rendered body at all.

fix_tables rewrites a table's grid when a row has more cells than the grid has columns, or when
no row fills the grid. Both tests mirror its counting exactly, including its habit of counting
the rows of nested tables against the outer table too; anything unusual answers "needs fixing",
which only means docxtpl's own function runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TBL, _GRID, _COL, _TR, _TC = (f"{_W}{t}" for t in ("tbl", "tblGrid", "gridCol", "tr", "tc"))
_SPAN = f"{_W}tcPr/{_W}gridSpan"
_VAL = f"{_W}val"
_TOKEN = re.compile(r"<(/?)w:(tbl|tblGrid|gridCol|tr|tc|tcPr|gridSpan)(\s[^>]*|/)?>")
_SPAN_VAL = re.compile(r'\sw:val="([^"]*)"')


def tables_need_fixing(body: etree._Element) -> bool:
    """The test on a parsed body."""
    for table in body.iter(_TBL):
        grid = table.find(_GRID)
        if grid is None:
            return True
        columns = len(grid.findall(_COL))
        widest = 0
        for row in table.iter(_TR):
            cells = row.findall(_TC)
            if len(cells) > columns:
                return True
            width = 0
            for cell in cells:
                span = cell.find(_SPAN)
                if span is None:
                    width += 1
                elif not span.get(_VAL, "").isdigit():
                    return True
                else:
                    width += int(span.get(_VAL, ""))
            widest = max(widest, width)
        if widest < columns:
            return True
    return False


@dataclass
class _Table:
    columns: int = 0
    has_grid: bool = False
    widest: int = 0


@dataclass
class _Row:
    cells: int = 0
    width: int = 0
    spans: list[int] = field(default_factory=list)


def xml_tables_need_fixing(xml: str) -> bool:
    """The same test on the rendered XML text, without building a tree (a tokenizer pass)."""
    try:
        return _scan(xml)
    except IndexError:  # unbalanced tags: let the parser and fix_tables deal with it
        return True


def _scan(xml: str) -> bool:
    tables: list[_Table] = []
    rows: list[_Row] = []
    # What the innermost open tc / tcPr / tblGrid belongs to: its depth in the row/table stacks.
    cell_of: list[int] = []
    in_tcpr: list[bool] = []
    grid_of: list[int] = []
    for closing, tag, rest in _TOKEN.findall(xml):
        empty = bool(rest) and rest.endswith("/")
        if tag == "tbl":
            if closing:
                table = tables.pop()
                if not table.has_grid or table.widest < table.columns:
                    return True
            else:
                tables.append(_Table())
        elif tag == "tblGrid":
            if closing:
                grid_of.pop()
            elif tables:
                tables[-1].has_grid = True
                if not empty:
                    grid_of.append(len(tables))
        elif tag == "gridCol" and not closing:
            if grid_of and grid_of[-1] == len(tables):
                tables[-1].columns += 1
        elif tag == "tr":
            if not closing:
                rows.append(_Row())
            if closing or empty:
                row = rows.pop()
                for table in tables:
                    if row.cells > table.columns:
                        return True
                    table.widest = max(table.widest, row.width)
        elif tag == "tc":
            if not closing and rows:
                rows[-1].cells += 1
                rows[-1].width += 1
                if not empty:
                    cell_of.append(len(rows))
            elif closing and cell_of:
                cell_of.pop()
        elif tag == "tcPr":
            if not closing and not empty:
                in_tcpr.append(bool(cell_of))
            elif closing and in_tcpr:
                in_tcpr.pop()
        elif tag == "gridSpan" and not closing and in_tcpr and in_tcpr[-1] and cell_of:
            value = _SPAN_VAL.search(rest or "")
            if value is None or not value.group(1).isdigit():
                return True
            # The cell counted 1 already; fix_tables counts the span instead.
            rows[cell_of[-1] - 1].width += int(value.group(1)) - 1
    return bool(tables or rows)


def static_tables_fixed(events: list[tuple[str, str]]) -> bool:
    """True if no rendering of a template can need fix_tables, judged once from its source.

    `events` is the template linearized: ("data", xml) for its text, ("open", "") and
    ("close", "") around each if/for block, every branch taken once. Blocks may repeat or drop
    whole rows only: a block directly in a row, a cell's properties or a grid makes the answer
    False, and so does a table whose only rows that fill its grid are inside such blocks.
    """
    tables: list[list[int]] = []  # [block depth at opening, columns, widest unconditional row]
    rows: list[list[int]] = []  # [block depth at opening, cells, width]
    open_tags: list[str] = []
    depth = 0
    try:
        for kind, data in events:
            if kind == "open":
                if open_tags and open_tags[-1] in ("tr", "tcPr", "tblGrid"):
                    return False
                depth += 1
                continue
            if kind == "close":
                depth -= 1
                continue
            for closing, tag, rest in _TOKEN.findall(data):
                empty = rest.endswith("/")
                if closing:
                    open_tags.pop()
                elif not empty:
                    open_tags.append(tag)
                if tag == "tbl" and not closing:
                    tables.append([depth, 0, 0])
                elif tag == "tbl":
                    _, columns, widest = tables.pop()
                    if widest < columns:
                        return False
                elif tag == "gridCol" and not closing:
                    if depth > tables[-1][0]:
                        return False
                    tables[-1][1] += 1
                elif tag == "tr" and not closing:
                    rows.append([depth, 0, 0])
                if tag == "tr" and (closing or empty):
                    row_depth, cells, width = rows.pop()
                    for table in tables:
                        if cells > table[1]:
                            return False
                        if row_depth <= table[0]:
                            table[2] = max(table[2], width)
                elif tag == "tc" and not closing:
                    rows[-1][1] += 1
                    rows[-1][2] += 1
                elif tag == "gridSpan" and not closing and open_tags[-2:-1] == ["tcPr"]:
                    value = _SPAN_VAL.search(rest)
                    if value is None or not value.group(1).isdigit():
                        return False
                    rows[-1][2] += int(value.group(1)) - 1
    except IndexError:
        return False
    return not tables and not rows and depth == 0
