"""Bad values, hostile templates and broken files give a RenderError that says where."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document

from appraisal.render import PreparedTemplate, RenderError, cn_date, qr_image
from appraisal.render.batch import render_batch
from tests.render_helpers import document_text, member, one_paragraph_template


def test_special_characters_render_as_text(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "单位：{{ 单位 }}")
    data = PreparedTemplate.load(path).render({"单位": "A&B <x> \"q\" 'a' ]]>"})
    assert "单位：A&B <x> \"q\" 'a' ]]>" in document_text(data)
    assert b"A&amp;B &lt;x&gt;" in member(data, "word/document.xml")


def test_control_characters_are_dropped_and_line_breaks_kept(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "{{ 说明 }}")
    data = PreparedTemplate.load(path).render({"说明": "甲\x01乙\r\n丙\x0b丁\ud800"})
    xml = member(data, "word/document.xml").decode()
    assert "甲乙" in xml
    assert xml.count("<w:br/>") == 2  # \r\n and Excel's \v became line breaks
    Document(io.BytesIO(data))  # still a document Word-compatible readers open


def test_none_prints_as_nothing(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "电话：[{{ 电话 }}]")
    assert "电话：[]" in document_text(PreparedTemplate.load(path).render({"电话": None}))


@pytest.mark.parametrize(
    "expression", ["{{ ''.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ 名单.__len__() }}"]
)
def test_hostile_expressions_are_refused(tmp_path: Path, expression: str) -> None:
    path = one_paragraph_template(tmp_path / "hostile.docx", f"姓名 {expression}")
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path).render({"名单": [1]})
    err = info.value
    assert err.template == "hostile.docx"
    assert err.part == "word/document.xml"
    assert "sandbox" in err.reason or "unsafe" in str(err)
    assert err.reason.startswith("模板")
    assert f"（字段：{err.field}；段落：姓名 {expression}） / " in str(err)
    assert err.field is not None and err.field.startswith("__")


def test_mutating_a_value_is_refused(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "{{ 名单.append(2) }}")
    with pytest.raises(RenderError, match="sandbox"):
        PreparedTemplate.load(path).render({"名单": [1]})


@pytest.mark.parametrize("expression", ["{{ 2 ** 99999999 }}", "{{ 'x' * 10 ** 9 }}"])
def test_huge_results_are_refused(tmp_path: Path, expression: str) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", expression)
    with pytest.raises(
        RenderError,
        match=r"模板被安全限制拒绝：.*过[大长]（段落：.*） / refused by the sandbox: .*too l",
    ):
        PreparedTemplate.load(path).render({})


def test_autoescape_blocks_are_refused_at_load(tmp_path: Path) -> None:
    path = one_paragraph_template(
        tmp_path / "t.docx", "{% autoescape false %}{{ x }}{% endautoescape %}"
    )
    with pytest.raises(RenderError, match=r"不允许使用 \{% autoescape %\} 块.* / .*autoescape"):
        PreparedTemplate.load(path)


def test_unknown_field_is_named_with_its_paragraph(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "letter.docx", "第一段", "敬爱的 {{ 姓明 }} 同志")
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path).render({"姓名": "张三"})
    assert info.value.field == "姓明"
    assert info.value.paragraph == "敬爱的 {{ 姓明 }} 同志"
    assert "letter.docx" in str(info.value)


def test_unknown_row_attribute_is_named(tmp_path: Path) -> None:
    path = one_paragraph_template(
        tmp_path / "t.docx", "{% for r in 名单 %}{{ r.职务 }}{% endfor %}"
    )
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path).render({"名单": [{"姓名": "张三"}]})
    assert info.value.field == "职务"


def test_undefined_field_in_document_properties_is_named(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "正文", title="{{ 标题 }}")
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path).render({})
    assert info.value.field == "标题"
    assert info.value.part == "docProps/core.xml:title"


def test_syntax_error_names_paragraph(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "好的段落", "坏的 {{ 姓名 }", "后面")
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path)
    assert "syntax" in info.value.reason
    assert info.value.paragraph is not None and "坏的" in info.value.paragraph


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "坏文件.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(RenderError) as info:
        PreparedTemplate.load(path)
    assert info.value.template == "坏文件.docx"
    assert "not a .docx" in info.value.reason
    assert info.value.reason.startswith("不是 .docx 文件（无法作为 zip 打开） / ")


def test_zip_without_document_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(
        RenderError, match=r"缺少正文部分（word/document\.xml） / .*no main document"
    ):
        PreparedTemplate.load(path)


def test_truncated_member_is_refused(tmp_path: Path) -> None:
    good = one_paragraph_template(tmp_path / "good.docx", "{{ 姓名 }}")
    raw = bytearray(good.read_bytes())
    start = raw.find(b"word/document.xml") + 40
    raw[start : start + 64] = bytes(64)  # damage the compressed body
    (tmp_path / "bad.docx").write_bytes(raw)
    with pytest.raises(RenderError, match=r"corrupt|not a \.docx"):
        PreparedTemplate.load(tmp_path / "bad.docx")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"nope\.docx: 找不到文件 / file not found"):
        PreparedTemplate.load(tmp_path / "nope.docx")


def test_same_inputs_give_identical_bytes(tmp_path: Path) -> None:
    path = one_paragraph_template(
        tmp_path / "t.docx", "{{ 文档编号 }} {{ 二维码 }}", title="{{ 文档编号 }}"
    )
    context = {"文档编号": "AP-1", "二维码": qr_image("AP-1")}
    first = PreparedTemplate.load(path).render(context)
    again = PreparedTemplate.load(path).render({"文档编号": "AP-1", "二维码": qr_image("AP-1")})
    assert first == again
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.testzip() is None


def test_qr_image_is_added_and_referenced(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "编号 {{ 文档编号 }} {{ 二维码 }}")
    data = PreparedTemplate.load(path).render({"文档编号": "AP-9", "二维码": qr_image("AP-9")})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        png = zf.read("word/media/image1.png")
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
        body = zf.read("word/document.xml").decode()
    assert png.startswith(b"\x89PNG")
    rid = re.search(r'Id="(rId\d+)"[^>]*Target="media/image1.png"', rels)
    assert rid, rels
    assert f'r:embed="{rid.group(1)}"' in body
    assert 'Extension="png"' in types
    assert names.count("word/media/image1.png") == 1
    doc = Document(io.BytesIO(data))
    assert len(doc.inline_shapes) == 1
    assert round(doc.inline_shapes[0].width.mm) == 20


def test_image_in_document_properties_is_refused(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "x", title="{{ 二维码 }}")
    with pytest.raises(RenderError, match=r"图片只能出现在文档正文中.* / .*picture"):
        PreparedTemplate.load(path).render({"二维码": qr_image("x")})


def test_not_an_image_is_refused() -> None:
    from appraisal.render import Image

    with pytest.raises(ValueError, match="不是 PNG、JPEG 或 GIF 图片（5 字节） / not a PNG"):
        Image(b"hello", 20)


def test_cn_date() -> None:
    assert cn_date(dt.date(2026, 11, 2)) == "2026年11月2日"
    assert cn_date("2026-01-05") == "2026年1月5日"
    with pytest.raises(ValueError, match="cn_date：'明天' 不是日期 / not a date"):
        cn_date("明天")


def test_batch_writes_files_with_checksums(tmp_path: Path) -> None:
    path = one_paragraph_template(tmp_path / "t.docx", "{{ 姓名 }}")
    docs = render_batch(
        path, [("a.docx", {"姓名": "甲"}), ("b.docx", {"姓名": "乙"})], tmp_path / "out"
    )
    assert [d.path.name for d in docs] == ["a.docx", "b.docx"]
    assert docs[0].sha256 != docs[1].sha256
    assert "乙" in document_text(docs[1].path.read_bytes())
    with pytest.raises(ValueError, match=r"文档文件名 '\.\./x\.docx' 不能含有文件夹 / .*folder"):
        render_batch(path, [("../x.docx", {"姓名": "甲"})], tmp_path / "out")
