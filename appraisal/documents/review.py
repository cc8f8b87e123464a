"""The 复核决定书's context: plain values in, the template's fields out."""

from datetime import date

from appraisal.render import cn_date

Context = dict[str, object]

# What the decision prints of long grounds: the whole request stays in the record.
GROUNDS_SHOWN = 300


def grounds_summary(grounds: str, limit: int = GROUNDS_SHOWN) -> str:
    text = " ".join(grounds.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def review_decision(
    *,
    office: str,
    number: str,
    cycle_name: str,
    name: str,
    original: str,
    requested_on: date,
    grounds: str,
    new_grade: str | None,
    reason: str,
    decided_on: date,
) -> Context:
    """维持 when `new_grade` is None, else 变更 to it."""
    was = original or "未评定"
    if new_grade is None:
        verdict = f"维持原考核等次“{was}”"
        said = f"经复核，维持你的考核等次“{was}”不变。"
    else:
        verdict = f"变更考核等次为“{new_grade}”"
        said = (
            f"经复核，你的考核等次由“{was}”变更为“{new_grade}”，考核结果、考核登记表及考核评价"
            "档案一并更正。"
        )
    return {
        "发文机关": office,
        "文号": number,
        "姓名": name,
        "周期名称": cycle_name,
        "原等次": was,
        "申请日期": cn_date(requested_on),
        "申请理由": grounds_summary(grounds),
        "复核结论": verdict,
        "决定理由": " ".join(reason.split()),
        "新等次": new_grade or was,
        "决定说明": said,
        "成文日期": cn_date(decided_on),
    }
