"""Synthetic but plausible workbooks for a 十百千 pool: the roster and a year's records.

Deterministic for a seed (one random.Random drives everything). The defaults give the
793-person municipal pool (10 名人 / 130 代表人士 / 653 精英); other sizes scale the tiers.
Special cases tests and the demo rely on: a few people fall under the 2/3 rule, one tally per
~800 people is invalid by quorum, and one veto (J01) plus deductions (D03, Z02) per ~800 people.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from appraisal.demo_words import (
    ACTIVITY_TOPICS,
    CITY,
    EDUCATION_WEIGHTS,
    EMPLOYERS,
    ETHNICITY_WEIGHTS,
    EXPERTISE,
    FEMALE_CHARS,
    MALE_CHARS,
    PARTY_WEIGHTS,
    PROPOSAL_TOPICS,
    SOCIAL_POSTS,
    SURNAMES,
)
from appraisal.models.vocab import (
    Attendance,
    DutyKind,
    DutyOutcome,
    DutyRole,
    EntryKind,
    FindingCategory,
    FindingEffect,
    Merit,
    RaterGroup,
    Tier,
)
from appraisal.sheets.layouts import BALLOT, DUTY, ENTRY_SHEETS, FINDING, ROSTER, SCORE
from appraisal.sheets.writer import write_workbook

DEFAULT_PEOPLE = 793
DEFAULT_SEED = 2026
DEFAULT_YEAR = 2026
POOL_SHAPE = {Tier.PROMINENT: 10, Tier.REPRESENTATIVE: 130, Tier.RISING: 653}
AGES = {Tier.PROMINENT: (55, 75), Tier.REPRESENTATIVE: (42, 65), Tier.RISING: (28, 50)}
Row = dict[str, Any]


@dataclass(frozen=True)
class DemoData:
    roster: list[Row]
    duties: list[Row]
    ballots: list[Row]
    scores: list[Row]
    findings: list[Row]
    # The roster's extra sheets: 简历, 奖惩, 培训, 挂职 entries (code, started_on, text …).
    entries: dict[EntryKind, list[Row]] = field(default_factory=dict)


def tier_counts(people: int) -> dict[Tier, int]:
    """The 10/130/653 shape scaled to `people` (largest remainder, every tier at least one)."""
    if people < len(POOL_SHAPE):
        raise ValueError(f"at least {len(POOL_SHAPE)} people are needed, one per tier")
    total = sum(POOL_SHAPE.values())
    exact = {t: people * n / total for t, n in POOL_SHAPE.items()}
    counts = {t: max(1, int(x)) for t, x in exact.items()}
    by_remainder = sorted(exact, key=lambda t: exact[t] - int(exact[t]), reverse=True)
    while sum(counts.values()) < people:
        counts[by_remainder.pop(0) if by_remainder else Tier.RISING] += 1
    while sum(counts.values()) > people:
        counts[Tier.RISING] -= 1
    return counts


def generate(
    people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR
) -> DemoData:
    rng = random.Random(seed)
    tiers = [t for t, n in tier_counts(people).items() for _ in range(n)]
    roster = [_person(rng, i, tier, year) for i, tier in enumerate(tiers, start=1)]
    per_800 = max(1, round(people / 800))
    special = rng.sample(range(people), k=min(people, 5 * per_800 + 2))
    under_two_thirds = set(special[: per_800 + 1])
    invalid_quorum = set(special[per_800 + 1 : 2 * per_800 + 1])
    vetoed = special[2 * per_800 + 1 : 3 * per_800 + 1]
    deducted = special[3 * per_800 + 1 :]
    duties: list[Row] = []
    ballots: list[Row] = []
    scores: list[Row] = []
    for index, person in enumerate(roster):
        ref = {"code": person["code"], "name": person["name"], "year": year}
        duties += [{**ref, **d} for d in _duties(rng, person["tier"], year)]
        ballots += [
            {**ref, **b}
            for b in _ballots(rng, weak=index in under_two_thirds, short=index in invalid_quorum)
        ]
        scores.append(_assessment(ref, person, _score(rng), seed))
    findings = [_finding(roster[i], year, "J01") for i in vetoed]
    findings += [_finding(roster[i], year, ("D03", "Z02")[n % 2]) for n, i in enumerate(deducted)]
    # Information of its own random stream: the people and records above stay as they were.
    info = random.Random(f"{seed}/信息")
    entries: dict[EntryKind, list[Row]] = {kind: [] for kind in EntryKind}
    for person in roster:
        _information(info, person, year, entries)
    return DemoData(roster, duties, ballots, scores, findings, entries)


def write_demo_data(
    out_dir: Path,
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    year: int = DEFAULT_YEAR,
    ballots: bool = True,
) -> tuple[Path, Path]:
    """Write roster.xlsx and records.xlsx into `out_dir`, shaped like the blank templates;
    without `ballots` the 民主测评 sheet is left empty (the demo counts the printed sheets)."""
    data = generate(people, seed, year)
    roster = write_workbook(
        out_dir / "roster.xlsx",
        [(ROSTER, data.roster), *((ENTRY_SHEETS[k], rows) for k, rows in data.entries.items())],
    )
    records = write_workbook(
        out_dir / "records.xlsx",
        [(DUTY, data.duties), (BALLOT, data.ballots if ballots else []), (SCORE, data.scores),
         (FINDING, data.findings)],
    )  # fmt: skip
    return roster, records


Votes = tuple[int, int, int, int, int]


def sheet_votes(
    rng: random.Random, leaning: Mapping[str, Sequence[Row]], codes: Sequence[str], returned: int
) -> dict[str, Votes]:
    """What the tellers count on one 民主测评票 sheet for each person listed, out of `returned`
    ballots: shared out as the person's generated tallies lean (a person under the 2/3 rule
    stays under it), with an abstention or two (a ballot left blank for them)."""
    out: dict[str, Votes] = {}
    for code in codes:
        rows = leaning.get(code) or [{"excellent": 6, "competent": 3, "basic": 1,
                                      "incompetent": 0}]  # fmt: skip
        totals = [sum(int(r[k]) for r in rows)
                  for k in ("excellent", "competent", "basic", "incompetent")]  # fmt: skip
        abstain = min(returned, rng.choice((0, 0, 1)))
        votes = returned - abstain
        whole = max(1, sum(totals))
        counts = [votes * t // whole for t in totals]
        # The votes left over go to the largest remainders, so the shares hold on a short sheet.
        by_remainder = sorted(range(4), key=lambda k: -(votes * totals[k] % whole))
        for k in by_remainder[: votes - sum(counts)]:
            counts[k] += 1
        out[code] = (counts[0], counts[1], counts[2], counts[3], abstain)
    return out


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, index: int, tier: Tier, year: int) -> Row:
    female = rng.random() < 0.36
    chars = FEMALE_CHARS if female else MALE_CHARS
    given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
    low, high = AGES[tier]
    born = date(year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
    party = _pick(rng, PARTY_WEIGHTS)
    kind = rng.choice(list(EMPLOYERS))
    employer_forms, posts, titles, sector = EMPLOYERS[kind]
    employer = rng.choice(employer_forms).format(city=CITY, n=rng.randint(1, 30))
    private = kind == "企业"
    if party == "中共党员":
        sector, category = "中国共产党", ""
    elif private:
        category = "非公有制经济人士"
    elif party == "无党派人士":
        category = "无党派人士"
    else:
        category = "民主党派成员"
    posts_held = rng.sample(SOCIAL_POSTS, k=rng.randint(0, 2))
    return {
        "code": f"P{index:05d}",
        "name": rng.choice(SURNAMES) + given,
        "gender": "女" if female else "男",
        "ethnicity": _pick(rng, ETHNICITY_WEIGHTS),
        # Staff sheets mix real dates with typed "1975.03"; so does the demo.
        "birth_date": f"{born:%Y.%m}" if rng.random() < 0.2 else born,
        "party": party,
        "sector": sector,
        "employer": employer,
        "post": rng.choice(posts),
        "tier": tier,
        "category": category,
        "education": _pick(rng, EDUCATION_WEIGHTS),
        "title": rng.choice(titles),
        "social_posts": "，".join(p.format(city=CITY) for p in posts_held),
        "phone": "1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9)),
        "expertise": rng.choice(EXPERTISE),
        "private_sector": private,
    }


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 330))


def _duties(rng: random.Random, tier: Tier, year: int) -> list[Row]:
    attendance = rng.choices(list(Attendance), weights=(94, 4.5, 1.5))[0]
    rows: list[Row] = [
        {"kind": DutyKind.PLENARY, "title": f"{CITY}政协{year}年全体会议",
         "held_on": date(year, 1, 15), "attendance": attendance}
    ]  # fmt: skip
    if tier is not Tier.RISING:
        for month in (4, 8):
            rows.append(
                {
                    "kind": DutyKind.STANDING_COMMITTEE,
                    "title": f"常委会第{month}月会议",
                    "held_on": date(year, month, 20),
                    "attendance": rng.choices(list(Attendance), weights=(90, 8, 2))[0],
                }
            )
    for topic in rng.sample(PROPOSAL_TOPICS, k=rng.choices((0, 1, 2, 3), (15, 40, 30, 15))[0]):
        outcome = rng.choices(
            (DutyOutcome.NONE, DutyOutcome.ACCEPTED, DutyOutcome.KEY, DutyOutcome.EXCELLENT),
            weights=(30, 60, 6, 4),
        )[0]
        role = rng.choices(list(DutyRole), weights=(50, 25, 25))[0]
        rows.append(
            {
                "kind": DutyKind.PROPOSAL,
                "title": f"关于{topic}的提案",
                "held_on": _day(rng, year),
                "role": role,
                "outcome": outcome,
            }
        )
    kinds = (DutyKind.ACTIVITY, DutyKind.RESEARCH, DutyKind.INSPECTION, DutyKind.TRAINING)
    for topic in rng.sample(ACTIVITY_TOPICS, k=rng.randint(1, 4)):
        kind = rng.choice(kinds)
        rows.append({"kind": kind, "title": f"{topic}{kind.value}", "held_on": _day(rng, year)})
    for topic in rng.sample(PROPOSAL_TOPICS, k=rng.choices((0, 1, 2), (45, 40, 15))[0]):
        outcome = rng.choices(
            (DutyOutcome.NONE, DutyOutcome.ADOPTED, DutyOutcome.INSTRUCTION), weights=(62, 32, 6)
        )[0]
        rows.append(
            {
                "kind": DutyKind.REPORT,
                "title": f"关于{topic}的社情民意信息",
                "held_on": _day(rng, year),
                "role": DutyRole.SOLE,
                "outcome": outcome,
            }
        )
    if rng.random() < 0.1:
        rows.append(
            {
                "kind": DutyKind.SPEECH,
                "title": "全体会议大会发言",
                "held_on": date(year, 1, 16),
                "role": DutyRole.SOLE,
            }
        )
    return rows


def _ballots(rng: random.Random, *, weak: bool, short: bool) -> list[Row]:
    groups = rng.sample(list(RaterGroup), k=rng.randint(2, 3))
    quality = rng.random()
    rows = []
    for n, group in enumerate(groups):
        due = rng.randint(15, 60)
        issued = due - rng.choice((0, 0, 0, 1))
        returned = issued - rng.choice((0, 0, 1, 2, 3))
        if short and n == 0:
            returned = due // 2 - 1  # fewer than half of those due voted: invalid by quorum
        spoiled = rng.choice((0, 0, 0, 1))
        abstain = rng.choice((0, 0, 1, 2))
        votes = max(0, returned - spoiled - abstain)
        if weak:
            shares = (0.10, 0.45, 0.33, 0.12)  # 优秀+称职 55%: below 2/3
        else:
            excellent = 0.25 + 0.5 * quality + rng.uniform(-0.05, 0.05)
            basic = rng.uniform(0.0, 0.06)
            incompetent = rng.choice((0.0, 0.0, 0.0, 0.02))
            shares = (excellent, 1 - excellent - basic - incompetent, basic, incompetent)
        counts = [int(votes * s) for s in shares[:1]] + [0] + [int(votes * s) for s in shares[2:]]
        counts[1] = votes - sum(counts)
        rows.append({"rater_group": group, "due": due, "issued": issued, "returned": returned,
                     "excellent": counts[0], "competent": counts[1], "basic": counts[2],
                     "incompetent": counts[3], "abstain": abstain})  # fmt: skip
    return rows


def _score(rng: random.Random) -> float:
    return round(min(98.0, max(60.0, rng.gauss(84, 7))) * 2) / 2


# 考核材料's sentences per dimension, from the best rating band down (>= 90, >= 80, below).
_MATERIAL: dict[str, tuple[str, str, str]] = {
    "political": (
        "政治立场坚定，坚持中国共产党的领导，在重大原则问题上旗帜鲜明、态度坚决",
        "政治立场坚定，拥护中国共产党的领导，在重大原则问题上态度明确",
        "能够拥护中国共产党的领导，政治理论学习还需加强",
    ),
    "thinking": (
        "思想状况稳定，能正确看待个人进退留转，主动与统战部门交流思想",
        "思想状况总体稳定，与统战部门保持联系",
        "思想上与统战部门沟通交流不多，需加强联系",
    ),
    "duty": (
        "履职积极主动，认真参加会议和调研视察，提案和社情民意信息质量较高",
        "能够参加会议和各项活动，完成履职任务",
        "履职主动性不足，参加活动次数偏少",
    ),
    "integrity": (
        "严格遵守廉洁自律各项规定，作风严谨，群众反映良好",
        "遵守廉洁自律规定，未发现违规违纪问题",
        "廉洁自律意识有待增强，需加强提醒",
    ),
}


def _assessment(ref: Row, person: Row, total: float, seed: int) -> Row:
    """组织考核 by dimension around `total`: two pairs of opposite deviations (political and
    duty share a weight in the default scheme, as do thinking and integrity), so the weighted
    score is `total` itself and the demo's grades are those of the single-score demo; and a
    short 考核材料 that follows the ratings. A stream of its own per person leaves the other
    records as they were."""
    rng = random.Random(f"{seed}/考核/{ref['code']}")
    room = min(3.0, 100 - total, total)
    a, b = (rng.randint(-int(room * 2), int(room * 2)) / 2 for _ in range(2))
    ratings = {"political": total + a, "duty": total - a, "thinking": total + b,
               "integrity": total - b}  # fmt: skip
    said = [_MATERIAL[f][0 if r >= 90 else 1 if r >= 80 else 2] for f, r in ratings.items()]
    party = person.get("party") or ""
    member = f"作为{party}成员，" if party and party not in ("无党派人士", "群众") else ""
    sector = f"在{person['sector']}中" if person.get("sector") else "在所在界别中"
    material = "\n".join(
        [
            f"{member}该同志{said[0]}。{said[2]}。",
            f"本年度{said[1]}；{sector}有一定代表性和影响力。",
            f"{said[3]}。考核组建议：继续加强学习，进一步发挥参政议政作用。",
        ]
    )
    return {**ref, **ratings, "material": material, "assessor": "考核组", "note": ""}


_FINDINGS = {
    "J01": (FindingCategory.DISCIPLINE, FindingEffect.VETO, "市纪委监委", "因涉嫌违纪被立案审查"),
    "D03": (FindingCategory.DUTY, FindingEffect.DEDUCTION, "市政协办公厅", "无故缺席专题协商会"),
    "Z02": (
        FindingCategory.CONDUCT,
        FindingEffect.DEDUCTION,
        "所在单位党组织",
        "群众反映作风问题，经核实",
    ),
}


def _finding(person: Row, year: int, item_code: str) -> Row:
    category, effect, source, evidence = _FINDINGS[item_code]
    return {"code": person["code"], "name": person["name"], "year": year,
            "item_code": item_code, "category": category, "effect": effect,
            "source_body": source, "evidence": evidence}  # fmt: skip


NATIVE_PLACES = ("江苏南京", "江苏苏州", "浙江杭州", "安徽合肥", "山东济南", "江苏常州", "湖北武汉",
                 "河南郑州", "江苏扬州", "上海")  # fmt: skip
TRAININGS = ("市委党校党外代表人士培训班", "省社会主义学院党外干部进修班",
             "中央社会主义学院民主党派骨干培训班", "市委统战部新的社会阶层人士研修班")  # fmt: skip
REWARDS = ("获评{city}优秀政协委员", "获{city}科技进步奖二等奖", "获评{city}劳动模范",
           "获评{city}统一战线先进个人", "获评省“五一劳动奖章”")  # fmt: skip
SECONDMENTS = ("{city}发展和改革委员会副主任", "{city}教育局副局长", "{city}卫生健康委员会副主任",
               "{city}科学技术局副局长")  # fmt: skip


def _information(
    rng: random.Random, person: Row, year: int, entries: dict[EntryKind, list[Row]]
) -> None:
    """籍贯, 入党派时间, 参加工作时间 on the person; 简历 and a few 奖惩, 培训, 挂职 entries."""
    born = person["birth_date"]
    born_year = born.year if isinstance(born, date) else int(str(born)[:4])
    started = date(born_year + rng.randint(22, 26), rng.choice((7, 8, 9)), 1)
    person["native_place"] = rng.choice(NATIVE_PLACES)
    person["work_started_on"] = f"{started:%Y.%m}"
    if person["party"] not in ("无党派人士", "群众"):
        joined = date(min(year - 1, started.year + rng.randint(1, 12)), rng.randint(1, 12), 1)
        person["party_joined_on"] = f"{joined:%Y.%m}"
    ref = {"code": person["code"], "name": person["name"]}
    employer = person["employer"]
    first_post = (
        "讲师"
        if "大学" in employer or "学院" in employer
        else ("住院医师" if "医院" in employer or "保健院" in employer else "职员")
    )
    middle_year = max(started.year, min(started.year + rng.randint(5, 10), year - 2))
    middle = date(middle_year, 12 if middle_year == started.year else rng.randint(1, 12), 1)
    career: list[Row] = [
        {**ref, "started_on": f"{started:%Y.%m}", "ended_on": f"{middle:%Y.%m}",
         "text": f"{person['employer']}{first_post}"},
        {**ref, "started_on": f"{middle:%Y.%m}", "ended_on": None,
         "text": f"{person['employer']}{person['post']}"},
    ]  # fmt: skip
    entries[EntryKind.CAREER] += career
    if rng.random() < 0.35:
        day = date(rng.randint(middle.year, year - 1), rng.randint(1, 12), 1)
        text = rng.choice(REWARDS).format(city=CITY)
        entries[EntryKind.MERIT].append(
            {**ref, "merit": Merit.REWARD, "started_on": f"{day:%Y.%m}", "text": text}
        )
    if rng.random() < 0.5:
        day = date(rng.randint(middle.year, year - 1), rng.randint(3, 10), 1)
        entries[EntryKind.TRAINING].append(
            {**ref, "started_on": f"{day:%Y.%m}", "ended_on": f"{day:%Y.%m}",
             "text": rng.choice(TRAININGS)}
        )  # fmt: skip
    if person["tier"] is not Tier.RISING and rng.random() < 0.3:
        day = date(rng.randint(middle.year, year - 2), rng.randint(1, 12), 1)
        end = date(day.year + 1, day.month, 1)
        entries[EntryKind.SECONDMENT].append(
            {**ref, "started_on": f"{day:%Y.%m}", "ended_on": f"{end:%Y.%m}",
             "text": rng.choice(SECONDMENTS).format(city=CITY)}
        )  # fmt: skip


# Two nominating bodies (seed 002's 民主党派 and 非公经济), among those the default scheme lists,
# so 动员部署 sent them its 工作通知. One new candidate is named by both; the other is past the
# scheme's age limit for 精英, so staff decline them with that reason.
NOMINATING_BODIES = {"九三学社市委": "民主党派", "市工商联": "非公经济"}
NEWCOMER = {"name": "林思远", "gender": "男", "ethnicity": "汉族", "birth_date": "1987.09",
            "party": "九三学社社员", "category": "民主党派成员", "sector": "教育界",
            "employer": "滨江大学", "post": "化学与材料学院副院长", "education": "博士研究生",
            "title": "教授", "phone": "13905710087", "tier": "精英"}  # fmt: skip
TOO_OLD = {"name": "周海涛", "gender": "男", "ethnicity": "汉族", "birth_date": "1968.03",
           "party": "无党派人士", "category": "非公有制经济人士", "sector": "经济界",
           "employer": "滨江衡创科技有限公司", "post": "董事长", "education": "硕士研究生",
           "title": "高级工程师", "phone": "13905710098", "tier": "精英"}  # fmt: skip


# The party's reason for the newcomer, whom it proposes on its portal page (网上提交).
_ONLINE_REASON = (
    "长期从事化学教学科研，主持国家自然科学基金项目，积极参政议政，"
    "近三年提交社情民意信息多篇，在九三学社社员中有较好影响。"
)
_ONLINE_CAREER = (
    ("2013.07", "2019.12", "滨江大学化学系讲师、副教授"),
    ("2020.01", "", "滨江大学化学与材料学院教授、副院长"),
)


def demo_online_nomination() -> tuple[str, dict[str, str], list[tuple[str, str, str]]]:
    """The nomination one demo body makes through its link, as its form sends it: the body,
    the fields by name, and the 简历 lines (起始年月, 截止年月, 单位及职务)."""
    party, party_kind = next(iter(NOMINATING_BODIES.items()))
    values = {**NEWCOMER, "body_kind": party_kind, "reason": _ONLINE_REASON}
    return party, values, list(_ONLINE_CAREER)


def write_demo_nominations(
    out_dir: Path, *, year: int, seed: int = DEFAULT_SEED, ballots: bool = True
) -> Path:
    """The workbook (推荐人选 and 简历) of the body that nominates by workbook: the newcomer the
    other body proposes online (`demo_online_nomination`) and one past the age limit; and
    `records.xlsx`-shaped records of the year for the newcomer under the 编号 their acceptance
    gives them, so they can be assessed like everyone else. Returns the nominations workbook."""
    from appraisal.sheets.nominations import CAREER, NOMINEES
    from appraisal.sheets.roster import derive_code

    _, (chamber, chamber_kind) = NOMINATING_BODIES.items()
    nominees = [
        {"seq": "1", "body": chamber, "body_kind": chamber_kind, **NEWCOMER,
         "reason": "牵头校企合作，服务民营企业技术攻关，在新的社会阶层人士中有影响。"},
        {"seq": "2", "body": chamber, "body_kind": chamber_kind, **TOO_OLD,
         "reason": "创办科技企业二十余年，热心公益，带动就业。"},
    ]  # fmt: skip
    career: list[Row] = [
        {"seq": "2", "started_on": "2003.05", "ended_on": None,
         "text": "滨江衡创科技有限公司董事长"},
    ]  # fmt: skip
    book = write_workbook(out_dir / "推荐人选.xlsx", [(NOMINEES, nominees), (CAREER, career)])
    year_, month = (int(p) for p in NEWCOMER["birth_date"].split("."))
    code = derive_code(NEWCOMER["name"], date(year_, month, 1))
    write_newcomer_records(out_dir / "records-newcomer.xlsx", [(code, NEWCOMER["name"])],
                           year=year, seed=seed, ballots_sheet=ballots)  # fmt: skip
    return book


def write_newcomer_records(
    path: Path,
    people: Sequence[tuple[str, str]],
    *,
    year: int,
    seed: int = DEFAULT_SEED,
    ballots_sheet: bool = True,
) -> Path:
    """A year's records (`records.xlsx`-shaped: duties, ballots, a 组织考核 score) for people a
    body nominated, given as (编号, 姓名): accepted, they are assessed like everyone else.
    Without `ballots_sheet` the 民主测评 sheet is left empty."""
    rng = random.Random(f"{seed}/推荐")
    duties: list[Row] = []
    ballots: list[Row] = []
    scores: list[Row] = []
    for code, name in people:
        ref = {"code": code, "name": name, "year": year}
        duties += [{**ref, **d} for d in _duties(rng, Tier.RISING, year)]
        ballots += [{**ref, **b} for b in _ballots(rng, weak=False, short=False)]
        scores.append(_assessment(ref, {"party": "", "sector": ""}, _score(rng), seed))
    return write_workbook(path, [(DUTY, duties), (BALLOT, ballots if ballots_sheet else []),
                                 (SCORE, scores), (FINDING, [])])  # fmt: skip


# 谈心谈话 through the year (五位一体), as staff log them: (person's place on the roster, month,
# day, kind, 谈话人, 谈话人职务, 谈话地点, 谈话内容, 后续跟进). Fixed, not drawn from the seed, so
# the generated pool and records stay as they were.
TALKS = (
    (0, 3, 12, "日常谈心", "李明", "统战部干部科科长", "统战部二楼会议室",
     "了解本人思想状况和年度履职打算，听取对党外代表人士工作的意见建议",
     "本人表示将围绕本行业发展积极建言"),
    (0, 9, 8, "提醒谈话", "王建国", "统战部副部长", "统战部二楼会议室",
     "上半年两次未请假缺席界别活动，提醒按时参加并及时报送履职情况",
     "本人表示接受，已补报履职情况，下半年按时参加活动"),
    (1, 5, 20, "日常谈心", "李明", "统战部干部科科长", "本人工作单位",
     "走访谈心，了解本人工作和家庭情况，交流参政议政选题", ""),
    (2, 7, 16, "谈话函询", "王建国", "统战部副部长", "",
     "就有关方面反映的兼职取酬情况书面函询，请本人说明", "本人书面说明已辞去兼职，未取酬"),
)  # fmt: skip


def demo_talks(codes: list[str], until: date) -> list[Row]:
    """The demo's talks of `until`'s year for the people with these 编号 (in roster order),
    none later than `until` (a talk is logged after it is held)."""
    rows: list[Row] = []
    for place, month, day, kind, talker, post, where, summary, follow_up in TALKS:
        if place >= len(codes):
            continue
        held = min(date(until.year, month, day), until - timedelta(days=len(rows) + 1))
        rows.append({"code": codes[place], "held_on": held.isoformat(), "kind": kind,
                     "talker": talker, "talker_post": post, "place": where,
                     "summary": summary, "follow_up": follow_up})  # fmt: skip
    return rows


def newcomer_talk(until: date) -> Row:
    """The talk staff hold with the accepted newcomer on the day their nomination is decided."""
    from appraisal.sheets.roster import derive_code

    year, month = (int(p) for p in NEWCOMER["birth_date"].split("."))
    return {"code": derive_code(NEWCOMER["name"], date(year, month, 1)),
            "held_on": until.isoformat(), "kind": "日常谈心", "talker": "王建国",
            "talker_post": "统战部副部长", "place": "统战部二楼会议室",
            "summary": "新列入推荐人选谈心：介绍党外代表人士队伍建设和综合评价要求，"
                       "了解本人履职意愿",
            "follow_up": "本人表示珍惜机会，将按要求报送年度履职报告"}  # fmt: skip
