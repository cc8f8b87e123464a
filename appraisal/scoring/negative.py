"""负面清单: findings → vetoes and deductions, as the scheme's list says.

A code in the scheme takes the scheme's effect and points, whatever was registered with the
finding. A code not in the scheme keeps the finding's own effect (a deduction takes the scheme's
default points), except that any item in a veto category is a veto; the explanation says so.
"""

from collections.abc import Iterable
from fractions import Fraction

from appraisal.models.vocab import FindingEffect
from appraisal.scheme.model import NegativeList
from appraisal.scoring.inputs import FindingItem
from appraisal.scoring.numbers import exact, fmt, num
from appraisal.scoring.results import FindingResult


def apply_negative_list(
    rules: NegativeList, findings: Iterable[FindingItem]
) -> tuple[tuple[FindingResult, ...], tuple[str, ...]]:
    results: list[FindingResult] = []
    lines: list[str] = []
    for finding in findings:
        item = rules.item(finding.code)
        if item is not None:
            effect = item.effect
            points: Fraction | int = (
                exact(item.deduction or 0) if effect is FindingEffect.DEDUCTION else 0
            )
            results.append(
                FindingResult(item.code, item.text, effect, num(points), True, finding.source)
            )
            lines.append(_line(item.code, item.text, effect, points, finding.source))
            continue
        effect = finding.effect
        note = f"编号 {finding.code} 不在方案的负面清单中，按登记的效果（{finding.effect}）处理"
        if finding.category in rules.veto_categories:
            effect = FindingEffect.VETO
            note = f"编号 {finding.code} 不在方案的负面清单中，{finding.category}类事项一律否决"
        points = exact(rules.default_deduction) if effect is FindingEffect.DEDUCTION else 0
        if effect is FindingEffect.DEDUCTION:
            note += f"，扣默认分值 {fmt(points)} 分"
        found = FindingResult(
            finding.code, finding.category, effect, num(points), False, finding.source
        )
        results.append(found)
        lines.append(_line(finding.code, finding.category, effect, points, note))
    return tuple(results), tuple(lines)


def _line(code: str, text: str, effect: FindingEffect, points: Fraction | int, note: str) -> str:
    what = "一票否决" if effect is FindingEffect.VETO else f"扣 {fmt(points)} 分"
    suffix = f"（{note}）" if note else ""
    return f"负面清单 {code}「{text}」：{what}{suffix}。"
