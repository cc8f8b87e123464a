"""The 推荐人选汇总表's context from plain values: every nomination by body, and the counts by
body and by 统战对象类别 (a person nominated by two bodies counted once there)."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from appraisal.models.vocab import NominationStatus
from appraisal.render.environment import cn_date


@dataclass(frozen=True)
class SummaryRow:
    body: str
    body_kind: str
    name: str
    category: str
    tier: str
    status: NominationStatus
    reason: str  # why 不采纳; "" otherwise
    candidate: str  # who the nomination is about: one person, however many bodies name them
    others: tuple[str, ...] = ()  # the other bodies nominating the same person


def _counts(statuses: Sequence[NominationStatus]) -> dict[str, str]:
    count = Counter(statuses)
    return {s.value: str(count[s]) for s in NominationStatus}


def _note(row: SummaryRow) -> str:
    parts = []
    if row.status is NominationStatus.DECLINED and row.reason:
        parts.append(row.reason)
    if row.others:
        parts.append(f"另由{'、'.join(row.others)}推荐")
    return "；".join(parts)


def summary_context(
    *, office: str, cycle_name: str, rows: Sequence[SummaryRow], clerks: Sequence[str], on: date
) -> dict[str, Any]:
    ordered = sorted(rows, key=lambda r: (r.body_kind, r.body))
    people: dict[str, SummaryRow] = {}
    for r in ordered:
        people.setdefault(r.candidate, r)
    by_body: dict[tuple[str, str], list[NominationStatus]] = defaultdict(list)
    for r in ordered:
        by_body[(r.body, r.body_kind)].append(r.status)
    by_category: dict[str, list[NominationStatus]] = defaultdict(list)
    for r in people.values():
        by_category[r.category or "（未填）"].append(r.status)
    decided = Counter(r.status for r in people.values())
    line = (
        f"{len(by_body)} 个推荐单位共推荐 {len(ordered)} 人次、{len(people)} 人，"
        f"采纳 {decided[NominationStatus.ACCEPTED]} 人，"
        f"不采纳 {decided[NominationStatus.DECLINED]} 人，"
        f"待定 {decided[NominationStatus.PENDING]} 人"
    )
    return {
        "发文机关": office,
        "周期名称": cycle_name,
        "推荐统计": line,
        "推荐名单": [
            {
                "序号": str(i),
                "推荐单位": r.body,
                "单位类别": r.body_kind,
                "姓名": r.name,
                "统战对象类别": r.category,
                "推荐层级": r.tier,
                "决定": r.status.value,
                "说明": _note(r),
            }
            for i, r in enumerate(ordered, start=1)
        ],
        "单位统计": [
            {"推荐单位": body, "单位类别": kind, "推荐人数": str(len(s)), **_counts(s)}
            for (body, kind), s in by_body.items()
        ],
        "类别统计": [
            {"统战对象类别": category, "推荐人数": str(len(s)), **_counts(s)}
            for category, s in sorted(by_category.items())
        ],
        "经办人": "、".join(clerks),
        "汇总日期": cn_date(on),
    }
