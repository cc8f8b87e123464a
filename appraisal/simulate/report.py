"""A person's 年度履职报告 as the demo's people hand it in: a few A4 pages of text, saved as a
PDF the way a scanner or a word processor makes one."""

import random
from pathlib import Path

from PIL import Image, ImageDraw

from appraisal.simulate.marks import font

A4 = (827, 1169)  # pixels at 100 dpi
MARGIN = 90
SECTIONS = (
    ("一、思想政治方面", "认真学习习近平新时代中国特色社会主义思想，坚持中国共产党的领导，"
     "在重大原则问题上立场坚定，积极参加各类政治理论学习和培训。"),
    ("二、履行职责方面", "按时参加全体会议和常委会议，围绕本界别群众关心的问题开展调研，"
     "撰写提案和社情民意信息，积极建言献策。"),
    ("三、遵规守纪方面", "严格遵守法律法规和各项纪律规定，廉洁自律，如实报告个人有关事项。"),
    ("四、存在不足和努力方向", "调研的深度和建议的针对性还有待提高，今后将加强学习，"
     "密切联系界别群众，进一步提高履职能力。"),
)  # fmt: skip


def _lines(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def annual_report(out: Path, *, name: str, unit: str, year: int, seed: int) -> Path:
    """Write `out`: the person's report, one or two pages, a little different for each seed."""
    rng = random.Random(seed)
    title, body, small = font("bold", 34), font("serif", 22), font("serif", 20)
    pages: list[Image.Image] = []
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    draw.text((A4[0] // 2, MARGIN), f"{year}年度个人履职报告", font=title, fill=0, anchor="mt")
    draw.text((A4[0] // 2, MARGIN + 60), f"{name}（{unit}）", font=small, fill=0, anchor="mt")
    y = MARGIN + 130
    for heading, text in SECTIONS:
        for line in [heading, *_lines("　　" + text * rng.randint(2, 4), 30)]:
            if y > A4[1] - MARGIN:
                pages.append(page)
                page = Image.new("L", A4, 255)
                draw = ImageDraw.Draw(page)
                y = MARGIN
            draw.text((MARGIN, y), line, font=body, fill=0)
            y += 38
        y += 14
    draw.text((A4[0] - MARGIN, y + 30), f"报告人：{name}", font=body, fill=0, anchor="ra")
    pages.append(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(out, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    return out


def sign_in_sheet(out: Path, *, title: str, held_on: str, names: list[str]) -> Path:
    """Write `out`: an activity's 签到表 as a member photographs it for a 履职申报, one page."""
    heading, body = font("bold", 30), font("serif", 22)
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    draw.text((A4[0] // 2, MARGIN), f"{title}签到表", font=heading, fill=0, anchor="mt")
    draw.text((MARGIN, MARGIN + 70), f"时间：{held_on}", font=body, fill=0)
    y = MARGIN + 130
    for n, name in enumerate(names, start=1):
        draw.text((MARGIN, y), f"{n:>2}  {name}", font=body, fill=0)
        draw.line((MARGIN, y + 32, A4[0] - MARGIN, y + 32), fill=0)
        y += 44
    out.parent.mkdir(parents=True, exist_ok=True)
    page.save(out, "PDF", resolution=100.0)
    return out
