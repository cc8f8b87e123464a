"""`appraisal templates check | list | preview` through the real CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.render.manifest import default_templates_dir
from appraisal.settings import get_settings
from tests.render_helpers import one_paragraph_template

runner = CliRunner()


@pytest.fixture
def staff_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "staff"
    folder.mkdir()
    monkeypatch.setenv("APPRAISAL_TEMPLATES_DIR", str(folder))
    monkeypatch.setenv("APPRAISAL_OUTPUT_DIR", str(tmp_path / "output"))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


needs_defaults = pytest.mark.skipif(
    not (default_templates_dir() / "manifest.toml").is_file(), reason="no templates/manifest.toml"
)


@needs_defaults
def test_check_passes_on_the_defaults(staff_dir: Path) -> None:
    result = runner.invoke(app, ["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "模板检查通过" in result.output


@needs_defaults
def test_check_names_the_field_of_a_broken_staff_template(staff_dir: Path) -> None:
    one_paragraph_template(staff_dir / "推荐表.docx", "{{ 文档编号 }}", "爱好：{{ 爱好 }}")
    result = runner.invoke(app, ["templates", "check", str(staff_dir)], terminal_width=200)
    assert result.exit_code == 1
    assert "nomination_form" in result.output
    assert "（字段：爱好；段落：爱好：{{ 爱好 }}） / unknown field" in result.output
    assert "not declared" in result.output


@needs_defaults
def test_list_marks_staff_templates(staff_dir: Path) -> None:
    shutil.copy(default_templates_dir() / "推荐表.docx", staff_dir / "推荐表.docx")
    result = runner.invoke(app, ["templates", "list"], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "nomination_form" in result.output
    assert "（本单位 / staff）" in result.output


def test_preview_writes_a_document(tmp_path: Path, staff_dir: Path) -> None:
    template = one_paragraph_template(
        tmp_path / "t.docx", "姓名：{{ 姓名 }}", "编号：{{ 文档编号 }} {{ 二维码 }}"
    )
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"姓名": "张三 & <李四>", "文档编号": "AP-1"}), encoding="utf-8")
    out = tmp_path / "out" / "preview.docx"
    result = runner.invoke(
        app, ["templates", "preview", str(template), "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "姓名：张三 & <李四>"
    assert len(doc.inline_shapes) == 1  # the QR code of 文档编号


def test_preview_reports_unknown_field(tmp_path: Path, staff_dir: Path) -> None:
    template = one_paragraph_template(tmp_path / "t.docx", "单位：{{ 单位 }}")
    data = tmp_path / "data.json"
    data.write_text("{}", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "templates",
            "preview",
            str(template),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o.docx"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 1
    text = " ".join(result.output.split())  # the error console wraps at 80 columns
    assert (
        "字段“单位”没有定义（字段：单位；段落：单位：{{ 单位 }}） / " in text and "t.docx" in text
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.docx").exists()


def test_preview_reports_bad_json_with_position(tmp_path: Path, staff_dir: Path) -> None:
    template = one_paragraph_template(tmp_path / "t.docx", "{{ 姓名 }}")
    data = tmp_path / "data.json"
    data.write_text('{"姓名": "张三",\n  oops}', encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "templates",
            "preview",
            str(template),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o.docx"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 1
    assert "data.json" in result.output and "第 2 行" in result.output


def test_preview_reports_corrupt_template(tmp_path: Path, staff_dir: Path) -> None:
    template = tmp_path / "坏.docx"
    template.write_text("not a zip")
    data = tmp_path / "data.json"
    data.write_text("{}", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "templates",
            "preview",
            str(template),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o.docx"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 1
    assert "坏.docx" in result.output and "not a .docx" in result.output


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_preview_pdf(tmp_path: Path, staff_dir: Path) -> None:
    template = one_paragraph_template(tmp_path / "t.docx", "姓名：{{ 姓名 }}")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"姓名": "张三"}), encoding="utf-8")
    pdf = tmp_path / "o.pdf"
    result = runner.invoke(
        app,
        ["templates", "preview", str(template), "--data", str(data),
         "--out", str(tmp_path / "o.docx"), "--pdf", str(pdf)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
