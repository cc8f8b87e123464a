"""The 年度考核登记表's fields for one cadre: plain values in, the template's context out.

What is not yet written reads 未提交 / 未录入 / 未评分, so a form printed early shows what is
missing rather than blank boxes someone might fill by hand."""

from dataclasses import dataclass, field

from appraisal.cadre.marks import indicator_score, result_use
from appraisal.documents.contexts import Context, person_fields
from appraisal.documents.views import CycleView, PersonView, ResultView
from appraisal.scheme.model import Scheme
from appraisal.scoring.numbers import fmt

NOT_SUBMITTED = "未提交"
NOT_ENTERED = "未录入"
NOT_RATED = "未评分"
# The person's particulars at the top of the form, as appraisal/person_fields.py names them.
PARTICULARS = ("姓名", "性别", "出生年月", "民族", "政治面貌", "学历", "工作单位", "职务")


@dataclass(frozen=True)
class CadreSections:
    """The sections recorded for one cadre (store/cadre.py); empty strings where none yet."""

    summary: str = ""
    comment: str = ""
    commenter: str = ""
    proposed: str = ""
    committee: str = ""
    indicators: dict[str, float] = field(default_factory=dict)
    agrees: bool | None = None
    opinion: str = ""


def _paragraphs(text: str, missing: str) -> list[str]:
    return text.split("\n") if text else [missing]


def opinion_words(sections: CadreSections) -> str:
    """本人意见 as printed: 同意。/ 不同意：… ; "" before the person has said."""
    if sections.agrees is None:
        return ""
    said = "同意" if sections.agrees else "不同意"
    return f"{said}：{sections.opinion}" if sections.opinion else f"{said}。"


def cadre_registration(
    cycle: CycleView,
    person: PersonView,
    sections: CadreSections,
    result: ResultView | None,
    scheme: Scheme,
) -> Context:
    rules = scheme.cadre
    assert rules is not None, "a cadre registration needs a scheme with [cadre]"
    rated = set(sections.indicators) == set(rules.indicators)
    score = indicator_score(scheme, sections.indicators).score if rated else None
    grade = result.grade if result is not None else None
    shown = person_fields(person)
    return {
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        **{k: shown.get(k, "") for k in PARTICULARS},
        "个人总结": _paragraphs(sections.summary, NOT_SUBMITTED),
        "考核指标": [
            {
                "指标": name,
                "内容": rule.text,
                "权重": f"{float(rule.weight):.0%}",
                "评分": (
                    fmt(sections.indicators[name], scheme.decimals)
                    if name in sections.indicators
                    else NOT_RATED
                ),
            }
            for name, rule in rules.indicators.items()
        ],
        "考核指标得分": fmt(score, scheme.decimals) if score is not None else NOT_RATED,
        "民主测评": _score(result.appraisal_score if result else None, scheme),
        "综合得分": _score(result.composite if result else None, scheme),
        "主管领导评语": _paragraphs(sections.comment, NOT_ENTERED),
        "主管领导": sections.commenter,
        "建议等次": sections.proposed,
        "考核委员会意见": _paragraphs(sections.committee, NOT_ENTERED),
        "等次": grade or "未评定",
        "结果运用": result_use(scheme, grade),
        "本人意见": opinion_words(sections),
    }


def _score(value: float | None, scheme: Scheme) -> str:
    return "—" if value is None else fmt(value, scheme.decimals)
