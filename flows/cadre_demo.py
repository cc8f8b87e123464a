"""The cadre kind's demo (干部年度考核), for `appraisal demo --kind 干部` to call once the kinds
mechanism (appraisal/kinds.py) runs a cadre cycle's own stages.

Until then it runs what the cadre pieces do on their own, through the same functions staff
use: a roster of cadres in two units imported, a cycle of 干部年度考核 on the cadre scheme, the
登记表's sections written (some 个人总结 through the cadre's own link), the 民主测评 counts
imported from a records workbook, the cycle scored as its evaluation scores it (the 优秀 quota
per 工作单位), each cadre's 本人意见, and every 年度考核登记表 rendered (and converted to PDF).
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from appraisal.db import session_scope
from appraisal.documents.recipients import SELF
from appraisal.flows.tasks import score_cycle
from appraisal.importing import import_records_file, import_roster_file
from appraisal.kinds import CADRE_REGISTRATION, profile
from appraisal.launch import launch
from appraisal.models.vocab import CycleKind, Grade
from appraisal.paths import cycle_dir
from appraisal.pdf.convert import convert_many
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.scheme.load import default_scheme_path
from appraisal.sheets.layouts import BALLOT, ROSTER
from appraisal.sheets.writer import write_workbook
from appraisal.store import cadre
from appraisal.store.cycles import Selection, get_cycle

ACTOR = "演示：组织部干部科"
# Units and how many cadres each has: one of 10 (two 优秀 places at 20%) and one of 5 (one).
UNITS = {"市财政局": 10, "市审计局": 5}
POSTS = ("科长", "副科长", "一级主任科员", "二级主任科员", "科员")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass
class CadreDemo:
    cycle_id: int
    people: int
    grades: Counter[str] = field(default_factory=Counter)
    excellent_by_unit: dict[str, int] = field(default_factory=dict)
    forms: list[Path] = field(default_factory=list)  # the 登记表, .docx (and .pdf when converted)


def cadre_scheme_path() -> Path:
    return default_scheme_path().with_name(f"{profile(CycleKind.CADRE).scheme}.toml")


def _roster(folder: Path, rng: random.Random) -> tuple[Path, list[dict[str, object]]]:
    rows: list[dict[str, object]] = []
    for unit, count in UNITS.items():
        for i in range(count):
            n = len(rows) + 1
            rows.append({
                "code": f"GB{n:03d}", "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                "gender": rng.choice("男女"), "ethnicity": "汉族",
                "birth_date": f"{rng.randint(1970, 1995)}.{rng.randint(1, 12):02d}",
                "party": "中共党员", "employer": unit, "post": POSTS[min(i, len(POSTS) - 1)],
                "education": rng.choice(("大学本科", "硕士研究生")),
                # The roster still requires a 界别 and a 梯队 of everyone (the 党外 pool's);
                # cadres have neither, so the demo fills in placeholders until kinds.py's
                # needs_tier relaxes the roster for the cadre kind.
                "sector": "中国共产党", "tier": "精英",
            })  # fmt: skip
    return write_workbook(folder / "干部花名册.xlsx", [(ROSTER, rows)]), rows


def _tallies(folder: Path, rows: list[dict[str, object]], year: int, rng: random.Random) -> Path:
    """民主测评: 15 colleagues each; most cadres do well, so the quota has work to do."""
    counts = []
    for r in rows:
        excellent = rng.randint(9, 15)
        competent = 15 - excellent
        counts.append(
            {
                "code": r["code"],
                "name": r["name"],
                "year": year,
                "rater_group": "同事",
                "due": 15,
                "issued": 15,
                "returned": 15,
                "excellent": excellent,
                "competent": competent,
                "basic": 0,
                "incompetent": 0,
                "abstain": 0,
            }
        )
    return write_workbook(folder / "民主测评计票.xlsx", [(BALLOT, counts)])


def run_cadre_demo(
    folder: Path, *, year: int = 2026, seed: int = 7, pdf: bool = True, name: str = ""
) -> CadreDemo:
    """A year of 干部年度考核 for UNITS' cadres; the documents go to the cycle's output folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    roster, rows = _roster(folder, rng)
    import_roster_file(roster, actor=ACTOR, source="干部花名册")
    codes = tuple(str(r["code"]) for r in rows)
    cycle_id = launch(
        name=name or f"{year}年度干部年度考核", kind=CycleKind.CADRE, year=year,
        scheme_path=cadre_scheme_path(), selection=Selection(codes=codes), allow_missing=True,
        actor=ACTOR,
    ).cycle_id  # fmt: skip
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        for i, r in enumerate(rows):
            code, who = str(r["code"]), str(r["name"])
            regular, adhoc = rng.randint(82, 98), rng.randint(80, 98)
            by_link = i % 3 == 0  # a third write their own summary through their link
            cadre.record_summary(
                session, cycle=cycle, code=code, by_link=by_link,
                actor=f"{SELF}/{who}" if by_link else ACTOR,
                text=f"本人{year}年在{r['employer']}担任{r['post']}。\n"
                f"平时工作：按时完成岗位职责内的常规工作，全年办结业务{rng.randint(40, 160)}件。\n"
                f"专项工作：承担{rng.choice(('预算绩效评价', '专项审计整改', '营商环境督查'))}"
                f"等专项任务{rng.randint(2, 6)}项，均按期完成。\n"
                "不足：调查研究还不够深入，今后将加强学习、改进作风。",
            )  # fmt: skip
            proposed = "优秀" if regular * 0.6 + adhoc * 0.4 >= 90 else "称职"
            cadre.record_comment(
                session, cycle=cycle, code=code, commenter="分管副局长", proposed=proposed,
                actor=ACTOR, text="该同志政治立场坚定，工作认真负责，较好完成了年度各项任务。",
            )  # fmt: skip
            cadre.record_committee(
                session, cycle=cycle, code=code, actor=ACTOR,
                ratings={"平时工作": regular, "专项工作": adhoc},
                text="经考核委员会研究，按综合得分和本单位优秀名额评定等次。",
            )  # fmt: skip
    import_records_file(_tallies(folder, rows, year, rng), actor=ACTOR, year=year)
    score_cycle.fn(cycle_id)  # the evaluation's own scoring: composite, grades, quota per unit
    demo = CadreDemo(cycle_id, len(rows))
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        for i, row in enumerate(cadre.registration_rows(session, cycle)):
            agrees = i != 1  # one cadre disagrees, in words
            cadre.record_opinion(
                session, cycle=cycle, code=row.code, agrees=agrees, actor=ACTOR,
                text="" if agrees else "本人认为专项工作评分未反映全年任务量，申请复核。",
            )  # fmt: skip
        rows_now = cadre.registration_rows(session, cycle)
        contexts = cadre.registration_contexts(session, cycle)
    for done in rows_now:
        demo.grades[done.grade.value if done.grade else "未评定"] += 1
        if done.grade is Grade.EXCELLENT:
            unit = done.employer
            demo.excellent_by_unit[unit] = demo.excellent_by_unit.get(unit, 0) + 1
    demo.forms = _render(cycle_id, contexts, pdf)
    return demo


def _render(cycle_id: int, contexts: dict[str, dict[str, object]], pdf: bool) -> list[Path]:
    template = PreparedTemplate.load(resolve_templates().get(CADRE_REGISTRATION).path)
    out = cycle_dir(cycle_id) / "cadre"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for code, context in contexts.items():
        doc_id = f"CADRE-{cycle_id:04d}-{code}"  # the stage's planner gives real IDs once wired
        path = out / f"年度考核登记表-{code}.docx"
        path.write_bytes(template.render({**context, "文档编号": doc_id,
                                          "二维码": qr_image(doc_id)}))  # fmt: skip
        written.append(path)
    if pdf:
        converted = convert_many(written, out)
        written += [c.pdf for c in converted if c.pdf is not None]
    return written
