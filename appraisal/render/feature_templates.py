"""Small .docx templates built with python-docx, one per docxtpl feature the renderer supports.

Tests compare our output with docxtpl's on them, and bench/render.py times both on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document

from appraisal.render.image import qr_image


def _rows_template(path: Path) -> None:
    doc = Document()
    doc.core_properties.title = "{{ 标题 }}"
    doc.core_properties.subject = "{{ 文档编号 }}"
    doc.sections[0].header.paragraphs[0].text = "编号：{{ 文档编号 }} {{ 二维码 }}"
    doc.sections[0].footer.paragraphs[0].text = "{{ 发文机关 }} · {{ 成文日期|cn_date }}"
    doc.add_paragraph("{{ 标题 }}")
    doc.add_paragraph("主送：{{ 主送机关 }}")
    table = doc.add_table(rows=4, cols=4)
    for i, head in enumerate(["序号", "姓名", "性别", "工作单位及职务"]):
        table.cell(0, i).text = head
    table.cell(1, 0).text = "{%tr for r in 名单 %}"
    for i, item in enumerate(["序号", "姓名", "性别", "工作单位及职务"]):
        table.cell(2, i).text = f"{{{{ r.{item} }}}}"
    table.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("共 {{ 名单|length }} 人。")
    doc.save(str(path))


def _nested_template(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{%p for g in 分组 %}")
    doc.add_paragraph("{{ loop.index }}. {{ g.名称 }}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for m in g.成员 %}"
    table.cell(1, 0).text = "{{ m.姓名 }}"
    table.cell(
        1, 1
    ).text = "{% for s in m.职务 %}{{ s }}{% if not loop.last %}、{% endif %}{% endfor %}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p endfor %}")
    doc.save(str(path))


def _conditional_template(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ 姓名 }}：{% if 等次 == '优秀' %}表现突出{% else %}{{ 等次 }}{% endif %}")
    doc.add_paragraph("{%p if 否决事项 %}")
    doc.add_paragraph("否决事项：{{ 否决事项|join('；') }}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("无否决事项。")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if 备注 is defined and 备注 %}")
    doc.add_paragraph("备注：{{ 备注 }}")
    doc.add_paragraph("{%p endif %}")
    doc.save(str(path))


def _escaping_template(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("单位：{{ 单位 }}")
    doc.add_paragraph("说明：{{ 说明 }}")
    doc.add_paragraph("空值：[{{ 空 }}]")
    doc.save(str(path))


def _columns_template(path: Path) -> None:
    # {%tc %} makes the column count data-dependent: docxtpl's fix_tables must repair the grid.
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "{%tc for c in 列 %}"
    table.cell(0, 2).text = "{{ c }}{%tc endfor %}"
    table.cell(1, 0).text = "得分"
    table.cell(1, 1).text = "{%tc for c in 列 %}"
    table.cell(1, 2).text = "{{ 分数[c] }}{%tc endfor %}"
    doc.save(str(path))


def feature_contexts(seed: int = 0) -> dict[str, dict[str, Any]]:
    """A context per feature template; `seed` varies the values (and the QR code)."""
    people = [
        {"序号": i + 1, "姓名": f"张{i}·{seed}", "性别": "男" if i % 2 else "女",
         "工作单位及职务": f"某大学 学院{i} 院长"}
        for i in range(12)
    ]  # fmt: skip
    groups = [
        {"名称": f"第{g}组", "成员": [
            {"姓名": f"李{g}{m}", "职务": ["市政协委员", f"某协会{m}会长"]} for m in range(4)
        ]}
        for g in range(3)
    ]  # fmt: skip
    columns = ["组织考核", "民主测评", "履职积分"][: 1 + seed % 3]
    scores = {"组织考核": 90, "民主测评": 85.5, "履职积分": 70}
    return {
        "rows": {
            "标题": f"关于征求意见的函（{seed}）",
            "文档编号": f"AP-0007-SO-7K3QX9M2TD-{seed:02d}",
            "二维码": qr_image(f"AP-0007-SO-7K3QX9M2TD-{seed:02d}"),
            "发文机关": "中共某市委统战部",
            "成文日期": "2026-11-22",
            "主送机关": "中共某市纪委监委",
            "名单": people,
        },
        "nested": {"分组": groups},
        "conditionals": {
            "姓名": f"王五{seed}",
            "等次": "优秀" if seed % 2 else "称职",
            "否决事项": [] if seed % 2 else ["有未结案件", "失信记录"],
            "备注": "" if seed % 3 else "已谈话提醒",
        },
        "escaping": {
            "单位": "A&B <x> \"引号\" 'single' ]]> &amp;",
            "说明": "第一行\n第二行\t制表",
            "空": "",
        },
        "columns": {"列": columns, "分数": scores},
    }


_BUILDERS = {
    "rows": _rows_template,
    "nested": _nested_template,
    "conditionals": _conditional_template,
    "escaping": _escaping_template,
    "columns": _columns_template,
}


def build_feature_templates(folder: Path) -> dict[str, Path]:
    """Write every feature template into `folder`; name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, build in _BUILDERS.items():
        paths[name] = folder / f"feature_{name}.docx"
        build(paths[name])
    return paths
