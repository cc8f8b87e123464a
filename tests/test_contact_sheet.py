"""The contact sheet: every default template filled with its longest values, converted as a
cycle converts them, its pages side by side in one PNG."""

from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.pdf.contact_sheet import GAP, LABEL_HEIGHT, contact_sheet
from appraisal.render.image import Image as Picture
from appraisal.render.long_values import REASON, long_context
from appraisal.render.manifest import resolve_templates


def _page(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


def test_one_row_per_document_its_pages_side_by_side(tmp_path: Path) -> None:
    a = [_page(tmp_path / f"a{i}.png", (50, 70)) for i in range(3)]
    b = [_page(tmp_path / "b0.png", (70, 50))]
    size = contact_sheet([("推荐表", a), ("封面", b)], tmp_path / "sheet.png")
    rows = (LABEL_HEIGHT + 70 + GAP) + (LABEL_HEIGHT + 50 + GAP)
    assert size == (GAP + 3 * (50 + GAP), GAP + rows)
    assert Image.open(tmp_path / "sheet.png").size == size


def test_every_field_of_every_default_template_gets_a_long_value() -> None:
    templates = resolve_templates(None)
    for t in templates.templates.values():
        context = long_context(t.spec, templates.fields, rows=4)
        assert set(context) == set(t.spec.fields), t.spec.id
        for name, value in context.items():
            if isinstance(value, Picture):
                continue
            # Nothing of sample_context's made-up "示例" text is left for a layout to hide behind.
            assert "示例" not in str(value), (t.spec.id, name)
    assert len(REASON) >= 200


@pytest.mark.libreoffice
def test_the_sheet_command_writes_every_template(tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = CliRunner().invoke(app, ["templates", "sheet", str(out), "--rows", "3"])
    assert result.exit_code == 0, result.output
    count = len(resolve_templates(None).templates)
    assert f"{count} 个模板" in result.output
    width, height = Image.open(out).size
    a4_at_60 = (496, 702)  # A4 portrait at 60 dpi; the tallest page sets each row's height
    assert height >= count * (LABEL_HEIGHT + min(a4_at_60)), (width, height)
    assert width >= a4_at_60[0]
