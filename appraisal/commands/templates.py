"""`appraisal templates`: check, list and preview the document templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.console import fail, out
from appraisal.pdf import ConversionError, convert_one
from appraisal.pdf.soffice import SofficeMissingError
from appraisal.render import PreparedTemplate, RenderError, qr_image
from appraisal.render.check import check_templates
from appraisal.render.manifest import ManifestError, resolve_templates
from appraisal.settings import get_settings
from appraisal.stages import stage_name

app = typer.Typer(help="文书模板 / Document templates: check, list, preview.", no_args_is_help=True)
QR_FIELD = "二维码"
ID_FIELD = "文档编号"


@app.command("check")
def check(
    folder: Annotated[
        Path | None,
        typer.Argument(help="A staff templates folder (default: the configured one)."),
    ] = None,
) -> None:
    """检查模板 / Find syntax errors, unknown fields and missing or corrupt files; exit 1 if any."""
    folder = folder or get_settings().templates_dir
    problems = check_templates(folder)
    if not problems:
        count = len(resolve_templates(folder).templates)
        out.print(f"全部 {count} 个模板检查通过 / all templates OK")
        return
    if not out.is_terminal:
        # Piped into a log or a file: one whole line per problem, never cut to a table width.
        for p in problems:
            out.print(str(p), markup=False, highlight=False, soft_wrap=True)
        fail(f"模板中有 {len(problems)} 处问题")
    table = Table("模板", "文件", "部件", "字段", "段落", "问题", show_lines=True)
    for p in problems:
        part = p.part or ""
        table.add_row(
            p.template, Path(p.file).name, part, p.field or "", p.paragraph or "", p.reason
        )
    out.print(table)
    fail(f"模板中有 {len(problems)} 处问题")


@app.command("list")
def list_templates() -> None:
    """模板列表 / The templates a cycle would use, and where each file comes from."""
    try:
        templates = resolve_templates(get_settings().templates_dir)
    except ManifestError as exc:
        fail(escape(str(exc)))
    table = Table("id", "标题", "阶段", "每份对应", "收件方", "须回签", "版本", "文件")
    for t in templates.templates.values():
        s = t.spec
        source = f"{t.path}" + ("（本单位 / staff）" if t.overridden else "")
        stage = stage_name(s.stage)
        row = (s.id, s.title, stage, s.per, s.recipient, "是" if s.signoff else "否", s.version)
        if out.is_terminal:
            table.add_row(*row, source)
        else:
            out.print("\t".join([*row, source]), markup=False, highlight=False, soft_wrap=True)
    if out.is_terminal:
        out.print(table)


@app.command("preview")
def preview(
    template: Annotated[Path, typer.Argument(help="The .docx template to try.")],
    data: Annotated[Path, typer.Option("--data", help="A JSON object with the fields.")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the .docx.")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also convert it to this PDF.")] = None,
) -> None:
    """模板试填 / Render one document from a JSON context with the same renderer a cycle uses.

    二维码 may be omitted (a QR code of 文档编号 is drawn) or given as the text to encode.
    """
    context = _load_context(data)
    try:
        prepared = PreparedTemplate.load(template)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        prepared.render_to(out_path, context)
    except RenderError as exc:
        fail(escape(str(exc)))
    out.print(f"已写出 {out_path}")
    if pdf is not None:
        convert_to_pdf(out_path, pdf)
        out.print(f"已写出 {pdf}")


@app.command("sheet")
def sheet(
    out_path: Annotated[Path, typer.Argument(help="The PNG to write.")],
    folder: Annotated[
        Path | None,
        typer.Option("--folder", help="A staff templates folder (default: the configured one)."),
    ] = None,
    dpi: Annotated[int, typer.Option(help="Resolution of the pages.", min=20, max=200)] = 60,
    rows: Annotated[int, typer.Option(help="Rows in each list field.", min=1, max=200)] = 12,
) -> None:
    """模板版式一览 / Every template filled with its longest realistic values, converted as a
    cycle converts, its pages side by side in one PNG (one template a row), and the layout
    problems found in its pages: words broken over lines, signature blocks torn off, pages
    left blank."""
    import tempfile

    from appraisal.pdf.contact_sheet import pdfs_sheet
    from appraisal.render.proofs import proof_templates

    try:
        templates = resolve_templates(folder or get_settings().templates_dir)
    except ManifestError as exc:
        fail(escape(str(exc)))
    with tempfile.TemporaryDirectory(prefix="appraisal-sheet-") as tmp:
        try:
            proofs = proof_templates(templates, Path(tmp), rows=rows)
        except (RenderError, SofficeMissingError) as exc:
            fail(escape(str(exc)))
        labelled = [(p.spec.title, p.pdf) for p in proofs if p.pdf is not None]
        size = pdfs_sheet(labelled, out_path, dpi=dpi)
    out.print(f"已写出 {out_path}：{len(labelled)} 个模板，{size[0]}×{size[1]} 像素，{dpi} dpi")
    flawed = [p for p in proofs if p.problems]
    for p in flawed:
        out.print(f"{p.spec.title}（{p.spec.id}）：", markup=False)
        for problem in p.problems:
            out.print(f"  {problem}", markup=False)
    if flawed:
        out.print(f"{len(flawed)} 个模板有版式问题")
    else:
        out.print("版式检查：没有发现问题")


def _load_context(path: Path) -> dict[str, Any]:
    try:
        context = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(escape(f"{path}：文件不存在"))
    except UnicodeDecodeError:
        fail(escape(f"{path}：不是 UTF-8 文本"))
    except json.JSONDecodeError as exc:
        fail(escape(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON：{exc.msg}"))
    if not isinstance(context, dict):
        fail(escape(f"{path}：JSON 须是字段名到取值的对象"))
    qr = context.get(QR_FIELD)
    if qr is None or isinstance(qr, str):
        try:
            context[QR_FIELD] = qr_image(str(qr or context.get(ID_FIELD) or "预览"))
        except ValueError as exc:
            fail(escape(f"{path}：字段 {QR_FIELD}：{exc}"))
    return context


def convert_to_pdf(docx: Path, pdf: Path) -> None:
    """The cycle's converter (LibreOffice, Chinese fonts, PDF/A)."""
    try:
        convert_one(docx, pdf)
    except (ConversionError, SofficeMissingError) as exc:
        fail(escape(f"{docx}：无法转换为 PDF：{exc}"))
