"""Template checking and the staff templates folder merged over the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from appraisal.render.check import (
    TemplateCheckError,
    check_templates,
    ensure_templates_ok,
)
from appraisal.render.manifest import ManifestError, resolve_templates
from tests.render_helpers import one_paragraph_template

MANIFEST = """
[fields."文档编号"]
description = "编号"
[fields."姓名"]
description = "姓名"
[fields."名单"]
description = "人员"
kind = "list"
items = ["姓名", "职务"]

[[templates]]
id = "letter"
file = "函.docx"
title = "函"
stage = "solicitation"
per = "recipient"
fields = ["文档编号", "名单"]

[[templates]]
id = "form"
file = "表.docx"
title = "表"
stage = "nomination"
fields = ["文档编号", "姓名"]
"""


@pytest.fixture
def defaults(tmp_path: Path) -> Path:
    folder = tmp_path / "defaults"
    folder.mkdir()
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    one_paragraph_template(folder / "函.docx", "{{ 文档编号 }}", "{%p for r in 名单 %}",
                           "{{ r.姓名 }} {{ r.职务 }}", "{%p endfor %}")  # fmt: skip
    one_paragraph_template(folder / "表.docx", "{{ 文档编号 }} {{ 姓名 }}")
    return folder


def _problems(staff: Path | None, defaults: Path) -> list:
    return check_templates(resolve_templates(staff, defaults_dir=defaults))


def test_good_defaults_have_no_problems(defaults: Path) -> None:
    assert _problems(None, defaults) == []
    ensure_templates_ok(resolve_templates(None, defaults_dir=defaults))


def test_staff_file_with_default_name_replaces_it(defaults: Path, tmp_path: Path) -> None:
    staff = tmp_path / "staff"
    staff.mkdir()
    one_paragraph_template(staff / "表.docx", "新版 {{ 文档编号 }} {{ 姓名 }}")
    templates = resolve_templates(staff, defaults_dir=defaults)
    assert templates.get("form").path == staff / "表.docx"
    assert templates.get("form").overridden
    assert templates.get("letter").path == defaults / "函.docx"


def test_staff_manifest_adds_fields_and_replaces_by_id(defaults: Path, tmp_path: Path) -> None:
    staff = tmp_path / "staff"
    staff.mkdir()
    (staff / "manifest.toml").write_text(
        '[fields."电话"]\ndescription = "电话"\n'
        '[[templates]]\nid = "form"\nfile = "我的表.docx"\ntitle = "表"\nstage = "nomination"\n'
        'fields = ["文档编号", "姓名", "电话"]\n'
        '[[templates]]\nid = "extra"\nfile = "新.docx"\ntitle = "新"\nstage = "archive"\n'
        'fields = ["姓名"]\n',
        encoding="utf-8",
    )
    one_paragraph_template(staff / "我的表.docx", "{{ 文档编号 }} {{ 姓名 }} {{ 电话 }}")
    one_paragraph_template(staff / "新.docx", "{{ 姓名 }}")
    templates = resolve_templates(staff, defaults_dir=defaults)
    assert templates.get("form").path == staff / "我的表.docx"
    assert set(templates.templates) == {"letter", "form", "extra"}
    assert check_templates(templates) == []


def test_missing_file(defaults: Path) -> None:
    (defaults / "表.docx").unlink()
    (problem,) = _problems(None, defaults)
    assert (problem.template, problem.reason) == ("form", "找不到模板文件 / file missing")


def test_corrupt_file(defaults: Path) -> None:
    (defaults / "表.docx").write_bytes(b"not a zip at all")
    (problem,) = _problems(None, defaults)
    assert problem.template == "form"
    assert "not a .docx" in problem.reason


def test_syntax_error_with_paragraph(defaults: Path) -> None:
    one_paragraph_template(defaults / "表.docx", "第一段", "姓名：{{ 姓名 }", "第三段")
    (problem,) = _problems(None, defaults)
    assert "syntax error" in problem.reason
    assert problem.reason.startswith("模板语法错误 / ")
    assert problem.paragraph is not None and problem.paragraph.startswith("姓名：")
    assert problem.part == "word/document.xml"


def test_unknown_field_names_field_and_paragraph(defaults: Path) -> None:
    one_paragraph_template(defaults / "表.docx", "{{ 文档编号 }} {{ 姓名 }}", "单位：{{ 单位 }}")
    (problem,) = _problems(None, defaults)
    assert problem.field == "单位"
    assert problem.paragraph == "单位：{{ 单位 }}"
    assert "not declared" in problem.reason
    assert problem.reason.startswith("未知字段“单位”：模板清单中没有声明 / ")
    # Where it is stays in the Chinese half, which is all the portal shows.
    assert "：模板清单中没有声明（字段：单位；段落：单位：{{ 单位 }}） / unknown field" in str(
        problem
    )


def test_field_declared_but_not_listed_for_the_template(defaults: Path) -> None:
    one_paragraph_template(defaults / "表.docx", "{{ 文档编号 }} {{ 姓名 }} {{ 名单 }}")
    (problem,) = _problems(None, defaults)
    assert (problem.field, problem.template) == ("名单", "form")
    assert "not listed" in problem.reason
    assert problem.reason.startswith("字段“名单”没有列在这个模板的清单条目中 / ")


def test_undeclared_row_attribute(defaults: Path) -> None:
    loop = "{% for r in 名单 %}{{ r.姓名 }}{{ r['电话'] }}{% endfor %}"
    one_paragraph_template(defaults / "函.docx", "{{ 文档编号 }}", loop)
    (problem,) = _problems(None, defaults)
    assert problem.field == "名单.电话"
    assert "no attribute" in problem.reason
    assert "名单 的各行没有“电话”这一项（可用的项：" in problem.reason


def test_header_field_is_checked(defaults: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ 文档编号 }} {{ 姓名 }}")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ 页码 }}"
    doc.save(defaults / "表.docx")
    (problem,) = _problems(None, defaults)
    assert problem.field == "页码"
    assert problem.part == "word/header1.xml"


def test_manifest_field_list_names_undeclared_field(defaults: Path) -> None:
    text = (defaults / "manifest.toml").read_text(encoding="utf-8")
    (defaults / "manifest.toml").write_text(
        text.replace('fields = ["文档编号", "姓名"]', 'fields = ["文档编号", "姓名", "籍贯"]'),
        encoding="utf-8",
    )
    (problem,) = _problems(None, defaults)
    assert problem.field == "籍贯"
    assert "not declared under [fields]" in problem.reason
    assert problem.reason.startswith("模板条目列了这个字段，但 [fields] 中没有声明 / ")


def test_stray_docx_in_staff_folder(defaults: Path, tmp_path: Path) -> None:
    staff = tmp_path / "staff"
    staff.mkdir()
    one_paragraph_template(staff / "推荐表(修改).docx", "{{ 姓名 }}")
    (problem,) = _problems(staff, defaults)
    assert problem.template == "推荐表(修改).docx"
    assert "no manifest entry" in problem.reason
    assert problem.reason.startswith("模板清单中没有条目用到这个文件（文件名写错了？） / ")


def test_broken_manifest_is_one_problem(defaults: Path) -> None:
    (defaults / "manifest.toml").write_text("[[templates]]\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="模板 'x'：缺少 file 或为空 / file is missing"):
        resolve_templates(None, defaults_dir=defaults)


def test_manifest_syntax_error_names_line_and_column(defaults: Path) -> None:
    (defaults / "manifest.toml").write_text("[fields\n", encoding="utf-8")
    with pytest.raises(
        ManifestError, match=r"manifest\.toml：第 1 行第 8 列不是有效的 TOML 写法 / "
    ):
        resolve_templates(None, defaults_dir=defaults)


def test_ensure_refuses_broken_set(defaults: Path) -> None:
    one_paragraph_template(defaults / "表.docx", "{{ 没有的字段 }}")
    with pytest.raises(TemplateCheckError, match="没有的字段") as info:
        ensure_templates_ok(resolve_templates(None, defaults_dir=defaults))
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("{{ 姓名.__class__.__mro__ }}", "'__class__'"),
        ("{{ 姓名.__class__.__base__.__subclasses__() }}", "'__class__'"),
        ("{{ cycler.__init__.__globals__ }}", "'__init__'"),
        ("{{ 姓名['__class__'] }}", "'__class__'"),
        ("{{ 姓名|attr('__class__') }}", "'__class__'"),
        ("{{ 姓名.mro }}", "'mro'"),
        ("{{ 姓名.split().append(1) }}", ".append()"),
        ("{% include '其他.docx' %}", "{% include %}"),
    ],
)
def test_what_the_sandbox_refuses_is_refused_by_the_check(
    defaults: Path, expression: str, refused: str
) -> None:
    one_paragraph_template(defaults / "表.docx", "{{ 文档编号 }}", f"姓名：{expression}")
    (problem,) = _problems(None, defaults)
    assert (problem.template, problem.part) == ("form", "word/document.xml")
    assert refused in problem.reason and "/ " in problem.reason  # Chinese, then English
    assert problem.paragraph == f"姓名：{expression}"
    assert problem.expression is not None and problem.expression in expression
    assert f"表达式：{problem.expression}） / " in str(problem)


def test_a_refusal_in_the_document_properties_is_named(defaults: Path) -> None:
    one_paragraph_template(
        defaults / "表.docx", "{{ 文档编号 }} {{ 姓名 }}", title="{{ 姓名.__class__ }}"
    )
    (problem,) = _problems(None, defaults)
    assert problem.part == "docProps/core.xml:title" and "'__class__'" in problem.reason


def test_a_computed_attribute_is_caught_by_rendering_once(defaults: Path) -> None:
    # No constant name to see: the made-up values render it, and the sandbox refuses.
    one_paragraph_template(
        defaults / "表.docx", "{{ 文档编号 }}", "{% set n = '__cla' ~ 'ss__' %}{{ 姓名[n] }}"
    )
    (problem,) = _problems(None, defaults)
    assert problem.template == "form" and "refused by the sandbox" in problem.reason
    assert problem.paragraph is not None and "姓名[n]" in problem.paragraph


def test_an_autoescape_block_is_caught_by_loading_once(defaults: Path) -> None:
    one_paragraph_template(
        defaults / "表.docx",
        "{{ 文档编号 }}",
        "{% autoescape false %}{{ 姓名 }}{% endautoescape %}",
    )
    (problem,) = _problems(None, defaults)
    assert "autoescape" in problem.reason


def test_an_error_that_depends_on_the_values_is_not_the_template_s(defaults: Path) -> None:
    # Made-up values are text; a real 姓名 is text too, but a field staff fill with numbers
    # may be divided, and that must not stop a cycle.
    one_paragraph_template(defaults / "表.docx", "{{ 文档编号 }} {{ 姓名 / 2 }}")
    assert _problems(None, defaults) == []
