"""Chinese face names in Word documents come out of LibreOffice as embedded SC faces.

Debian ships Noto CJK as .ttc collections whose regions share one CFF table named
"NotoSerifCJKjp-Regular", so pdffonts prints "...CJKjp..." even for the SC face. The font names
therefore show the family and that it is embedded; the glyph forms are checked by rendering:
a run in 宋体 must draw exactly like one in Noto Serif CJK SC, and unlike Noto Serif CJK JP; a run
in 仿宋_GB2312 exactly like one in FandolFang, and unlike the song face. Characters FandolFang
lacks (rare ones in names) must still print, in the song face.

Runs are tagged zh-CN (Word and WPS in mainland China) or en-US (python-docx, and templates
begun abroad). Text tagged ja-JP is drawn in Japanese forms whatever the font, through the
font's OpenType locl feature: that is the document's language, not a font choice.
"""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image, ImageChops, ImageOps

from appraisal.pdf import convert_many, fontconfig_env, pdf_fonts, pdf_pages, pdf_text, pdfa_claim
from appraisal.pdf.sample import FACES, styled_run, write_sample_docx

pytestmark = pytest.mark.libreoffice

# Characters whose Japanese and Simplified Chinese forms differ visibly.
PROBE_TEXT = "门骨直说写画海角"
SERIF_FACES = ["宋体", "SimSun", "方正小标宋简体", "华文中宋"]
FANGSONG_FACES = ["仿宋_GB2312", "FangSong", "仿宋"]
SANS_FACES = ["黑体", "SimHei", "微软雅黑", "等线"]
LANGS = ["zh-CN", "en-US"]
REFERENCES = [
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "FandolFang",
]
# Name characters outside GB2312 that FandolFang lacks, and a name run mixing them with others.
MISSING_TEXT = "堃喆镕"
MIXED_TEXT = "王堃张喆朱镕基同志"


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        reason = f"{tool} is not installed (make setup installs LibreOffice and poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the LibreOffice tests")
        pytest.skip(reason)


def _font_installed(family: str) -> bool:
    listed = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def _require_font(family: str) -> None:
    _require("fc-list")
    if not _font_installed(family):
        reason = f"the font {family} is not installed (make setup installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must check the fangsong face")
        pytest.skip(reason)


def _probe_docx(path: Path, face: str, lang: str, text: str = PROBE_TEXT) -> Path:
    doc = Document()
    styled_run(doc.add_paragraph(), text, face, 40, lang=lang)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _require("soffice")
    _require("pdffonts")
    src = tmp_path_factory.mktemp("fonts-src")
    out = tmp_path_factory.mktemp("fonts-pdf")
    docs = {
        "sample": write_sample_docx(src / "sample.docx", name="李四光", title="综合评价表"),
        "sample_en": write_sample_docx(src / "sample_en.docx", name="王五", lang="en-US"),
    }
    # References in en-US: no language feature interferes, each face draws its own forms.
    probes = [(face, "en-US") for face in REFERENCES]
    probes += [(face, lang) for face in SERIF_FACES + FANGSONG_FACES + SANS_FACES for lang in LANGS]
    for i, (face, lang) in enumerate(probes):
        docs[f"{face}/{lang}"] = _probe_docx(src / f"probe{i}.docx", face, lang)
    docs["missing/reference"] = _probe_docx(
        src / "missing-ref.docx", "Noto Serif CJK SC", "en-US", MISSING_TEXT
    )
    for lang in LANGS:
        docs[f"missing/{lang}"] = _probe_docx(
            src / f"missing-{lang}.docx", "仿宋_GB2312", lang, MISSING_TEXT
        )
        docs[f"mixed/{lang}"] = _probe_docx(
            src / f"mixed-{lang}.docx", "仿宋_GB2312", lang, MIXED_TEXT
        )
    results = convert_many(list(docs.values()), out)
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed
    return {key: r.pdf for key, r in zip(docs, results, strict=True) if r.pdf}


def _render(pdf: Path) -> bytes:
    done = subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-singlefile", str(pdf)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("face", SERIF_FACES)
def test_song_faces_draw_simplified_serif_glyphs(
    converted: dict[str, Path], face: str, lang: str
) -> None:
    sc = _render(converted["Noto Serif CJK SC/en-US"])
    jp = _render(converted["Noto Serif CJK JP/en-US"])
    assert sc != jp, "the probe text must tell SC from JP forms"
    assert _render(converted[f"{face}/{lang}"]) == sc


def _ink(pdf: Path) -> Image.Image:
    """The page cropped to its ink, so the same glyphs a pixel higher or lower compare equal: the
    line height follows the run's face, FandolFang, even where its glyphs come from another."""
    page = Image.open(io.BytesIO(_render(pdf))).convert("L")
    box = ImageOps.invert(page).getbbox()
    assert box is not None, f"{pdf.name} has no ink"
    return page.crop(box)


def _same_drawing(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("face", FANGSONG_FACES)
def test_fangsong_faces_draw_the_fangsong_face(
    converted: dict[str, Path], face: str, lang: str
) -> None:
    _require_font("FandolFang")
    fang_pdf = converted["FandolFang/en-US"]
    assert {f.name for f in pdf_fonts(fang_pdf)} == {"FandolFang-Regular"}
    fang = _render(fang_pdf)
    assert fang != _render(converted["Noto Serif CJK SC/en-US"]), "fangsong must not be song"
    assert _render(converted[f"{face}/{lang}"]) == fang


@pytest.mark.parametrize("lang", LANGS)
def test_characters_fangsong_lacks_print_in_the_song_face(
    converted: dict[str, Path], lang: str
) -> None:
    _require_font("FandolFang")
    for char in MISSING_TEXT:
        query = f"FandolFang:charset={ord(char):x}"
        lacks = subprocess.run(["fc-list", query], capture_output=True, text=True).stdout
        assert not lacks.strip(), f"FandolFang has {char}: pick a character it lacks"
    # Drawn glyph for glyph like the song face: no empty box, no other face.
    reference = _ink(converted["missing/reference"])
    assert _same_drawing(_ink(converted[f"missing/{lang}"]), reference)
    # In a run of mostly GB2312 text, both faces are embedded and the text reads back whole.
    mixed = converted[f"mixed/{lang}"]
    fonts = pdf_fonts(mixed)
    assert all(f.embedded for f in fonts), fonts
    names = {f.name for f in fonts}
    assert "FandolFang-Regular" in names, names
    assert len(names) == 2 and any(n.startswith("NotoSerifCJK") for n in names), names
    assert MIXED_TEXT in pdf_text(mixed)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("face", SANS_FACES)
def test_hei_faces_draw_simplified_sans_glyphs(
    converted: dict[str, Path], face: str, lang: str
) -> None:
    sc = _render(converted["Noto Sans CJK SC/en-US"])
    jp = _render(converted["Noto Sans CJK JP/en-US"])
    assert sc != jp, "the probe text must tell SC from JP forms"
    assert _render(converted[f"{face}/{lang}"]) == sc


@pytest.mark.parametrize("key", ["sample", "sample_en"])
def test_every_font_is_embedded_and_cjk_faces_are_the_mapped_ones(
    converted: dict[str, Path], key: str
) -> None:
    fonts = pdf_fonts(converted[key])
    assert fonts and all(f.embedded for f in fonts), fonts
    names = {f.name for f in fonts}
    assert any(n.startswith("NotoSerifCJK") for n in names), names  # 宋体, 小标宋
    assert any(n.startswith("NotoSansCJK") for n in names), names  # 黑体
    assert "LiberationSerif" in names, names  # Times New Roman, metric-compatible
    # Nothing fell back to a face without Chinese glyphs, nor to a Taiwan/Hong Kong Kai face.
    allowed = ("NotoSerifCJK", "NotoSansCJK", "UKaiCN", "FandolFang-Regular", "LiberationSerif")
    assert all(n.startswith(allowed) for n in names), names


@pytest.mark.parametrize("key", ["sample", "sample_en"])
def test_body_text_in_fangsong_embeds_the_fangsong_face(
    converted: dict[str, Path], key: str
) -> None:
    _require_font("FandolFang")
    assert "FandolFang-Regular" in {f.name for f in pdf_fonts(converted[key])}


@pytest.mark.parametrize("key", ["sample", "sample_en"])
def test_kaiti_uses_the_mainland_kai_face_when_installed(
    converted: dict[str, Path], key: str
) -> None:
    fc_list = subprocess.run(["fc-list", "AR PL UKai CN"], capture_output=True, text=True)
    names = {f.name for f in pdf_fonts(converted[key])}
    if fc_list.stdout.strip():
        assert "UKaiCN" in names, names
    else:
        assert not any("UKai" in n for n in names), names


def test_name_and_title_survive_as_text(converted: dict[str, Path]) -> None:
    text = pdf_text(converted["sample"])
    assert "李四光" in text
    assert "综合评价表" in text
    assert "王五" in pdf_text(converted["sample_en"])


def test_sample_is_two_pages_and_claims_pdfa_2b(converted: dict[str, Path]) -> None:
    assert pdf_pages(converted["sample"]) == 2
    assert pdfa_claim(converted["sample"]) == (2, "B")


def _expected_family(face: str) -> str:
    """The family fonts.conf means `face` to come out as on this machine."""
    if "仿宋" in face or face.startswith("FangSong"):
        return "FandolFang" if _font_installed("FandolFang") else "Noto Serif CJK SC"
    if "楷" in face or face.startswith("KaiTi"):
        return "AR PL UKai CN" if _font_installed("AR PL UKai CN") else "Noto Serif CJK SC"
    if face in ("黑体", "SimHei", "等线"):
        return "Noto Sans CJK SC"
    return "Noto Serif CJK SC"


@pytest.mark.parametrize("face", [*FACES, "SimSun", "FangSong", "仿宋", "KaiTi", "SimHei", "等线"])
@pytest.mark.parametrize("lang", ["zh-cn", "ja", "zh-tw", "en"])
def test_fontconfig_maps_chinese_face_names_to_sc_faces(face: str, lang: str) -> None:
    _require("fc-match")
    done = subprocess.run(
        ["fc-match", "-f", "%{family}", f"{face}:lang={lang}"],
        capture_output=True,
        text=True,
        env={**os.environ, **fontconfig_env()},
        check=True,
    )
    assert done.stderr == "", done.stderr  # fontconfig warns about rules it cannot use
    # fc-match prints every family name of the face ("FandolFang,FandolFang R").
    assert done.stdout.split(",")[0] == _expected_family(face), done.stdout


def test_fontconfig_keeps_the_system_fonts() -> None:
    _require("fc-match")
    env = {**os.environ, **fontconfig_env()}
    done = subprocess.run(
        ["fc-match", "-f", "%{family}", "DejaVu Sans"], capture_output=True, text=True, env=env
    )
    assert done.stdout.startswith("DejaVu Sans")
    generic = subprocess.run(
        ["fc-match", "-f", "%{family}", "serif:lang=en"], capture_output=True, text=True, env=env
    )
    assert "CJK" not in generic.stdout, "a Chinese alias must not take over Latin generic serif"
    # The generic faces for Chinese text serve requests for the generic names, and do not go
    # ahead of a family a request names (the system adds sans-serif to every request).
    for request, family in [
        ("serif:lang=zh-cn", "Noto Serif CJK SC"),
        ("sans-serif:lang=zh-cn", "Noto Sans CJK SC"),
        ("monospace:lang=zh-cn", "Noto Sans Mono CJK SC"),
        ("Times New Roman:lang=zh-cn", "Liberation Serif"),
        ("DejaVu Sans:lang=zh-cn", "DejaVu Sans"),
    ]:
        done = subprocess.run(
            ["fc-match", "-f", "%{family}", request], capture_output=True, text=True, env=env
        )
        assert done.stdout.split(",")[0] == family, (request, done.stdout)


def test_threads_writing_the_fontconfig_file_at_once_all_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh machine: converters start in parallel threads while the cache folder is empty.
    from concurrent.futures import ThreadPoolExecutor

    from appraisal.pdf.fonts import fontconfig_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda _: fontconfig_file(), range(32)))
    assert len(set(paths)) == 1 and paths[0].is_file()
    assert [p.name for p in paths[0].parent.iterdir()] == [paths[0].name]
