"""What the CPPCC kind's documents print (appraisal/kinds.py): the 委员履职情况 of one member at
the evaluation and the 履职情况通报 at the notification, to the member and to the units told.

Pure: the stored result, the member's duty counts and the scheme's words in, a context out.
"""

from collections.abc import Iterable, Mapping, Sequence

from appraisal.documents.contexts import Context, person_fields
from appraisal.documents.views import CycleView, PersonView, ResultView
from appraisal.scheme.model import PointsRules
from appraisal.scoring.inputs import DutyItem


def _num(value: float | None, blank: str = "—") -> str:
    if value is None:
        return blank
    return f"{value:.2f}".rstrip("0").rstrip(".")


def duty_counts(rules: PointsRules, duties: Iterable[DutyItem]) -> dict[str, int]:
    """How many records of the year count in each category, by the category's label; a kind of
    record the scheme does not score is counted under 其他 (it shows, and earns nothing)."""
    counts: dict[str, int] = {}
    for duty in duties:
        rule = rules.kinds.get(duty.kind)
        category = rules.categories.get(rule.category) if rule else None
        label = category.label if category else "其他"
        counts[label] = counts.get(label, 0) + 1
    return counts


def rule_source(scheme_name: str, scheme_version: str) -> str:
    """Which rules gave the points: the scheme the cycle copied at its start."""
    return f"《{scheme_name}》（{scheme_version}版），本周期启动时存档，可按原规则复算"


def duty_rows(result: ResultView, counts: Mapping[str, int]) -> list[Context]:
    """One row per category of the scheme (as the stored result lists them), with its count."""
    rows = [
        {
            "类别": c["label"],
            "次数": str(counts.get(c["label"], 0)),
            "得分": _num(c["points"]),
            "上限": _num(c["cap"]) if c.get("cap") else "—",
        }
        for c in result.detail.get("categories", [])
    ]
    if counts.get("其他"):
        rows.append(
            {"类别": "其他（不计分）", "次数": str(counts["其他"]), "得分": "0", "上限": "—"}
        )
    return rows


def _grade(result: ResultView) -> str:
    if result.decision:
        return result.decision
    return result.grade or "未评定"


def duty_report(
    cycle: CycleView,
    person: PersonView,
    result: ResultView,
    counts: Mapping[str, int],
    source: str,
) -> Context:
    """委员履职情况: the member's year by category, the total, the grade and the rule's source,
    for the 委员联络室负责人 to sign."""
    return {
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        "发文机关": cycle.office.name,
        **person_fields(person),
        "履职明细": duty_rows(result, counts),
        "履职积分": _num(result.points_raw),
        "积分折算": _num(result.points),
        "等次": _grade(result),
        "计分依据": source,
        "评价说明": list(result.explanation),
    }


def duty_briefing(
    letter: Context,
    addressee: str,
    people: Sequence[PersonView],
    results: Mapping[str, ResultView],
    counts: Mapping[str, Mapping[str, int]],
    source: str,
    *,
    own: bool = False,
    first: int = 1,
    part: str = "",
) -> Context:
    """履职情况通报 to `addressee`: the members it concerns with their points and grade. The
    member's own copy (`own`) also lists their year by category; a unit's has no 履职明细."""
    rows = []
    for i, p in enumerate(people, first):
        r = results[p.code]
        # Not 审定 when this was issued (an objection held them): 暂缓, as in the 党外 通报.
        held = not r.briefed and not r.decision
        rows.append(
            {
                "序号": i,
                "姓名": p.name,
                "界别": p.sector,
                "工作单位及职务": p.employer_post,
                # The points the grade was given on (a base and what the year added, or
                # scaled to 100), as the member's own 委员履职情况 prints them.
                "履职积分": "—" if held or r.decision else _num(r.points),
                "备注": "暂缓，待审定" if held else "",
                "等次": "—" if held else _grade(r),
            }
        )
    mine = duty_rows(results[people[0].code], counts.get(people[0].code, {})) if own else []
    # The member's own copy says their result in a sentence, above their year by category.
    said = (
        f"你的履职积分{rows[0]['履职积分']}分，等次为{rows[0]['等次']}，各类履职情况如下："
        if own
        else ""
    )
    keep = ("周期名称", "年度", "发文机关", "文号", "成文日期")
    return {
        **{k: letter[k] for k in keep},
        "主送机关": f"{addressee}同志" if own else addressee,
        "履职通报名单": rows,
        "履职明细": mine,
        "本人结果": said,
        "计分依据": source,
        "分册": part,
    }
