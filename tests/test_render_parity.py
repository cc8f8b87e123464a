"""Our renderer writes the same document XML as plain docxtpl for the same template and context."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from appraisal.render import PreparedTemplate
from appraisal.render.feature_templates import build_feature_templates, feature_contexts
from appraisal.render.manifest import resolve_templates
from appraisal.render.samples import sample_context
from tests.render_helpers import docxtpl_render, member, one_paragraph_template, rendered_parts

FEATURES = ["rows", "nested", "conditionals", "escaping", "columns"]


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_feature_templates(tmp_path_factory.mktemp("features"))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", FEATURES)
def test_feature_templates_match_docxtpl(features: dict[str, Path], name: str, seed: int) -> None:
    # Byte comparison, nothing normalised: body, headers and footers must be identical.
    context = feature_contexts(seed)[name]
    ours = PreparedTemplate.load(features[name]).render(context)
    theirs = docxtpl_render(features[name], context)
    assert rendered_parts(ours) == rendered_parts(theirs)
    assert "word/document.xml" in rendered_parts(ours)


def test_document_properties_match_docxtpl_without_special_characters(
    features: dict[str, Path],
) -> None:
    context = feature_contexts(0)["rows"]
    ours = PreparedTemplate.load(features["rows"]).render(context)
    theirs = docxtpl_render(features["rows"], context)
    assert member(ours, "docProps/core.xml") == member(theirs, "docProps/core.xml")
    assert "关于征求意见的函（0）".encode() in member(ours, "docProps/core.xml")


def test_document_properties_are_escaped_once_unlike_docxtpl(features: dict[str, Path]) -> None:
    # docxtpl autoescapes the title and python-docx escapes it again (A&amp;amp;B): we don't.
    context = {**feature_contexts(0)["rows"], "标题": "A&B <x>"}
    core = member(PreparedTemplate.load(features["rows"]).render(context), "docProps/core.xml")
    assert b"<dc:title>A&amp;B &lt;x&gt;</dc:title>" in core
    assert b"&amp;amp;" in member(docxtpl_render(features["rows"], context), "docProps/core.xml")


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", FEATURES)
def test_fast_body_path_equals_parsing_path(
    features: dict[str, Path], name: str, seed: int
) -> None:
    # The splice that skips parsing the body must give exactly what parsing gives.
    context = feature_contexts(seed)[name]
    fast = PreparedTemplate.load(features[name])
    slow = PreparedTemplate.load(features[name])
    assert fast._splicer is not None, "feature templates are all verifiable"
    slow._splicer = None
    assert fast.render(context) == slow.render(context)


def test_empty_and_quoted_values_on_the_fast_path(features: dict[str, Path]) -> None:
    context = {"姓名": "", "等次": "\"良\" 'x'", "否决事项": [""], "备注": ""}
    ours = PreparedTemplate.load(features["conditionals"]).render(context)
    assert rendered_parts(ours) == rendered_parts(docxtpl_render(features["conditionals"], context))


def test_redundant_namespace_declaration_matches_docxtpl(tmp_path: Path) -> None:
    # Word files may repeat a namespace declaration deep in the body; lxml drops it when docxtpl
    # puts the rendered body back, so our output must drop it too.
    plain = one_paragraph_template(tmp_path / "plain.docx", "A {{ x }}", "B {{ y }}")
    path = tmp_path / "ns.docx"
    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:r>", f'<w:r xmlns:w="{main}">'.encode(), 1)
            zout.writestr(info, data)
    context = {"x": "1", "y": "2"}
    ours = PreparedTemplate.load(path).render(context)
    assert rendered_parts(ours) == rendered_parts(docxtpl_render(path, context))
    assert b"A 1" in member(ours, "word/document.xml")


def _default_templates() -> list[str]:
    try:
        templates = resolve_templates()
    except ValueError:
        return []
    return [tid for tid, r in templates.templates.items() if r.path.is_file()]


@pytest.mark.parametrize("template_id", _default_templates() or ["(none)"])
def test_default_templates_match_docxtpl(template_id: str) -> None:
    if template_id == "(none)":
        pytest.skip("no default templates in templates/ yet")
    templates = resolve_templates()
    resolved = templates.templates[template_id]
    for seed, rows in ((0, 3), (1, 0)):
        context = sample_context(resolved.spec, templates.fields, rows=rows, seed=seed)
        ours = PreparedTemplate.load(resolved.path).render(context)
        assert rendered_parts(ours) == rendered_parts(docxtpl_render(resolved.path, context))
