"""The checks every nomination goes through: pure, over plain values, messages in Chinese.

Problems stop a nomination from being accepted; warnings are for staff to weigh. The rules are the
scheme's `[nomination]` section; duplicates and the pool are facts the caller gathers."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from appraisal.models.vocab import Tier
from appraisal.scheme.model import NominationRules

NOMINATED_TIERS = (Tier.REPRESENTATIVE, Tier.RISING)


def month_text(day: date | None) -> str:
    return "" if day is None else f"{day.year}.{day.month:02d}"


def candidate_key(person_code: str, name: str, birth_date: date | None) -> str:
    """Who a nomination is about: the 编号, or for a new person 姓名 and 出生年月."""
    code = person_code.strip()
    return code if code else f"{name.strip()}|{month_text(birth_date)}"


@dataclass(frozen=True)
class Candidate:
    """One nomination as the checks see it. For someone on the roster, the caller fills in the
    roster's values where the nomination left them blank."""

    body: str
    tier: str
    person_code: str = ""
    name: str = ""
    gender: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    party: str = ""
    category: str = ""
    employer: str = ""
    post: str = ""
    reason: str = ""

    @property
    def key(self) -> str:
        return candidate_key(self.person_code, self.name, self.birth_date)

    def label_value(self, label: str) -> str | None:
        """The value under a workbook column label; None for a label the checks do not know."""
        attribute = REQUIRABLE.get(label)
        if attribute is None:
            return None
        value = getattr(self, attribute)
        return month_text(value) if isinstance(value, date) or value is None else str(value)


# The column labels a scheme may list as required, and the field each one reads.
REQUIRABLE: dict[str, str] = {
    "姓名": "name",
    "性别": "gender",
    "民族": "ethnicity",
    "出生年月": "birth_date",
    "政治面貌": "party",
    "统战对象类别": "category",
    "工作单位": "employer",
    "职务": "post",
    "推荐理由": "reason",
}


@dataclass(frozen=True)
class Facts:
    """What the checks need to know beyond the nominations themselves."""

    year: int  # the cycle's year: ages are taken on 1 January of it
    roster: Mapping[str, tuple[str, date]] = field(default_factory=dict)  # 编号 -> 姓名, 出生日期
    pool: Mapping[str, str] = field(default_factory=dict)  # 编号 -> tier now held
    members: frozenset[str] = frozenset()  # 编号 of the cycle's members


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The warnings as the nominating body reads them: without other bodies' names or anyone
    # else's 编号 and roster data, which are staff's to see.
    body_warnings: list[str] = field(default_factory=list)

    def warn(self, for_staff: str, for_body: str | None = None) -> None:
        self.warnings.append(for_staff)
        self.body_warnings.append(for_staff if for_body is None else for_body)


def age_on(born: date, year: int) -> int:
    """Full years on 1 January of `year`."""
    return year - born.year - (1 if (born.month, born.day) > (1, 1) else 0)


def check_nominations(
    nominations: Sequence[Candidate], rules: NominationRules | None, facts: Facts
) -> list[Findings]:
    """Each nomination's problems and warnings, in the order given."""
    bodies_by_key: dict[str, list[str]] = defaultdict(list)
    for n in nominations:
        bodies_by_key[n.key].append(n.body.strip())
    found = []
    for n in nominations:
        findings = Findings()
        _candidate(n, rules, facts, findings)
        _duplicates(n, bodies_by_key[n.key], findings)
        found.append(findings)
    return found


def _candidate(
    n: Candidate, rules: NominationRules | None, facts: Facts, findings: Findings
) -> None:
    code = n.person_code.strip()
    if not n.body.strip():
        findings.problems.append("未填写推荐单位")
    if n.tier not in NOMINATED_TIERS:
        listed = "、".join(NOMINATED_TIERS)
        findings.problems.append(f"推荐层级“{n.tier}”无效；可选：{listed}")
    if code:
        if code not in facts.roster:
            findings.problems.append(f"编号 {code} 不在名册中；新人选请留空编号并填写个人信息")
        elif n.name.strip() and n.name.strip() != facts.roster[code][0]:
            findings.warn(
                f"姓名“{n.name.strip()}”与名册中编号 {code} 的“{facts.roster[code][0]}”不一致",
                f"姓名“{n.name.strip()}”与名册中编号 {code} 的姓名不一致",
            )
        if code in facts.pool:
            findings.warn(f"已在人才库（{facts.pool[code]}）", "已在人才库中")
        if code in facts.members:
            findings.warn("已是本轮评价对象")
    else:
        for other, (name, born) in facts.roster.items():
            if (
                name == n.name.strip()
                and n.birth_date is not None
                and month_text(born) == month_text(n.birth_date)
            ):
                findings.warn(
                    f"名册中已有同名同出生年月的 {name}（编号 {other}），是否为同一人？",
                    "名册中已有同名同出生年月的人员；如是同一人，请改为以编号和姓名推荐",
                )
    if rules is None:
        return
    if not code:
        for label in rules.required:
            value = n.label_value(label)
            if value is not None and not value.strip():
                findings.problems.append(f"未填写{label}")
    elif "推荐理由" in rules.required and not n.reason.strip():
        findings.problems.append("未填写推荐理由")
    body = n.body.strip()
    if body and rules.bodies and body not in rules.bodies:
        # Taken all the same (a body may nominate without having been written to), for staff
        # to weigh: it was sent no 工作通知.
        findings.warnings.append(
            f"推荐单位“{body}”不在本方案所列的推荐单位中（未向其发出工作通知）"
        )
    if n.category.strip() and n.category.strip() not in rules.categories:
        findings.problems.append(
            f"统战对象类别“{n.category.strip()}”不在本方案所列的类别中：{'、'.join(rules.categories)}"
        )
    if n.birth_date is not None and n.tier in NOMINATED_TIERS:
        age = age_on(n.birth_date, facts.year)
        oldest = rules.max_age.get(Tier(n.tier))
        if age < rules.min_age:
            findings.problems.append(f"年龄 {age} 岁，低于本方案的最低年龄 {rules.min_age} 岁")
        elif oldest is not None and age > oldest:
            findings.problems.append(f"年龄 {age} 岁，超过本方案{n.tier}的最高年龄 {oldest} 岁")


def _duplicates(n: Candidate, bodies: list[str], findings: Findings) -> None:
    own = n.body.strip()
    if bodies.count(own) > 1:
        findings.problems.append(f"推荐单位“{own}”重复推荐同一人选")
    others = sorted({b for b in bodies if b != own})
    if others:
        findings.warn(
            f"同一人选另由{'、'.join(others)}推荐：视为一人，一并决定",
            "同一人选另有其他推荐单位推荐，将一并决定",
        )
