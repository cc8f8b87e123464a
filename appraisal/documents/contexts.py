"""One function per default template: the values its fields take, keyed by the Chinese names.

The keys are the fields declared in templates/manifest.toml; `文档编号` and `二维码` are added by
the planner for every document. Values are plain text, numbers and lists of dicts, so a staff
template may use any of them.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from appraisal.documents.views import (
    AssessmentView,
    CycleView,
    EntryLine,
    Nominated,
    PersonView,
    Procedure,
    ResultView,
    TalkLine,
    TallyRow,
)
from appraisal.kinds import kind_of, profile
from appraisal.person_fields import DOCUMENT_FIELDS, plain
from appraisal.render import cn_date

Context = dict[str, Any]


# What the 考核材料 prints for a rating or material the assessment team has not entered.
NOT_ENTERED = "未录入"


def _num(value: float | None, blank: str = "—") -> str:
    if value is None:
        return blank
    return f"{value:.2f}".rstrip("0").rstrip(".")


def birth_text(person: PersonView) -> str:
    return _month(person.birth_date)


def _month(day: date) -> str:
    # A person's dates are given to the month on rosters, and printed so.
    return f"{day.year}年{day.month}月"


def person_fields(person: PersonView) -> Context:
    """Every field declared with a template name (appraisal/person_fields.py), and
    工作单位及职务, the two joined as the older templates print them."""
    shown = {f.document: _shown(getattr(person, f.name)) for f in DOCUMENT_FIELDS if f.document}
    return {**shown, JOINED: person.employer_post}


# The templates' field for 工作单位 and 职务 together (person_fields.PersonView.employer_post).
JOINED = "工作单位及职务"


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return _month(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return plain(value)


def letter_fields(cycle: CycleView, issued_on: date, due_on: date, number: int) -> Context:
    office = cycle.office
    return {
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        "发文机关": office.name,
        "文号": f"{office.number_prefix}〔{cycle.year}〕{number}号",
        "成文日期": cn_date(issued_on),
        "回复期限": cn_date(due_on),
        "联系人": office.contact,
        "联系电话": office.phone,
    }


# What each stage does, as the 实施方案's 工作程序 tells the nominating bodies (seed 002: 动员部署、
# 提名推荐、组织考核、综合评价、征求意见); a stage not listed is printed without a description.
STAGE_WORK = {
    "动员部署": "印发工作通知和实施方案，部署提名推荐工作；各推荐单位签收后交回回执",
    "提名推荐": "各推荐单位按条件提名推荐人选，报送推荐表、推荐理由和简历；统战部逐一审核，"
    "作出采纳或不采纳的决定",
    "组织考核": "组织民主测评和谈心谈话，汇总测评结果",
    "综合评价": "按组织考核、民主测评和履职积分综合评定等次和档次",
    "征求意见": "就有关人选征求纪检监察机关、组织部门和所在单位党组织等方面的意见",
    "情况通报": "向本人通知考核结果，向所在单位、党派或界别等通报情况",
    "归档": "人才库人选滚动调整，考核评价材料一人一档立卷归档",
}
NOMINATION_STAGE = "提名推荐"


def schedule(procedure: Procedure, issued_on: date) -> list[tuple[str, date, date]]:
    """Each stage's planned dates, one after another from the day 动员部署 is issued: a stage
    starts when the one before it ends, so later dates are a plan, not a promise."""
    rows = []
    start = issued_on
    for name, days in procedure.days:
        end = start + timedelta(days=days)
        rows.append((name, start, end))
        start = end
    return rows


def nomination_deadline(procedure: Procedure, issued_on: date, due_on: date) -> date:
    """The day the bodies' nominations are due: the planned end of 提名推荐 (the 回执's own
    deadline when the scheme has no time limit for it)."""
    ends = [end for name, _, end in schedule(procedure, issued_on) if name == NOMINATION_STAGE]
    return ends[0] if ends else due_on


def work_notice(
    letter: Context, addressee: str, kind: str, procedure: Procedure, issued_on: date, due_on: date
) -> Context:
    """The 工作通知 to one nominating body: what to submit and by when, and its 回执."""
    keep = ("周期名称", "年度", "发文机关", "文号", "回复期限", "联系人", "联系电话", "成文日期")
    return {
        **{k: letter[k] for k in keep},
        "主送机关": addressee,
        "周期类别": kind,
        "推荐期限": cn_date(nomination_deadline(procedure, issued_on, due_on)),
    }


def age_rule(procedure: Procedure) -> str:
    oldest = "，".join(f"推荐为{tier}的不超过{age}周岁" for tier, age in procedure.max_age)
    text = f"推荐当年1月1日年满{procedure.min_age}周岁" if procedure.min_age else ""
    return "；".join(t for t in (text, oldest) if t) or "本方案未作规定"


def implementation_plan(
    letter: Context,
    procedure: Procedure,
    bodies: Sequence[str],
    issued_on: date,
    due_on: date,
) -> Context:
    """The 实施方案 enclosed with every 工作通知: the scheme's conditions and the stages' dates."""
    keep = ("周期名称", "发文机关", "联系人", "联系电话")
    return {
        **{k: letter[k] for k in keep},
        "对象类别": "、".join(procedure.categories) or "本方案未作规定",
        "年龄条件": age_rule(procedure),
        "推荐单位名单": "、".join(bodies),
        "推荐期限": cn_date(nomination_deadline(procedure, issued_on, due_on)),
        "工作程序": [
            {
                "序号": i,
                "阶段": name,
                "主要内容": STAGE_WORK.get(name, ""),
                "开始日期": cn_date(start),
                "截止日期": cn_date(end),
            }
            for i, (name, start, end) in enumerate(schedule(procedure, issued_on), 1)
        ],
    }


def career_rows(career: Sequence[EntryLine]) -> list[Context]:
    """简历 as the 推荐表 and the 信息采集表 list it, one row per entry, earliest first."""
    return [{"起止年月": line.span, "单位及职务": line.text} for line in career]


def nomination(
    cycle: CycleView,
    person: PersonView,
    career: Sequence[EntryLine] = (),
    nominated: Nominated | None = None,
) -> Context:
    """The 推荐表: of someone a body nominated, that body's, with its 推荐理由 (and its 简历
    when the person's file has none); of anyone else, their own unit's, the reason left blank."""
    if nominated is not None and not career:
        career = nominated.career
    return {
        "周期名称": cycle.name,
        **person_fields(person),
        "推荐层级": person.tier,
        "推荐单位": nominated.body if nominated else person.unit,
        "推荐理由": nominated.reason if nominated else "",
        "简历": career_rows(career),
    }


def ballot_sheet(
    cycle: CycleView,
    rater_group: str,
    listed: Sequence[PersonView],
    sheet: str,
    copies: int | None,
) -> Context:
    """One 民主测评票 sheet: the people one rater group assesses (or a sheet's share of them),
    a row each to tick; anonymous, so it has no line for the rater."""
    return {
        "周期名称": cycle.name,
        "测评组别": rater_group,
        "张次": sheet,
        "份数": f"本组别发放{copies}份" if copies else "",
        "被测评人": [
            {"序号": str(n), "姓名": p.name, "工作单位及职务": p.employer_post}
            for n, p in enumerate(listed, 1)
        ],
    }


def tally(
    cycle: CycleView, person: PersonView, rows: Sequence[TallyRow], score: float | None
) -> Context:
    valid = [r for r in rows if r.valid]
    if not rows:
        verdict = "无测评数据"
    elif valid:
        verdict = f"有效：{len(valid)}个组别测评有效" + (
            "" if len(valid) == len(rows) else f"，{len(rows) - len(valid)}个组别无效"
        )
    else:
        verdict = "无效：" + "；".join(f"{r.rater_group}{r.reason}" for r in rows)
    return {
        "周期名称": cycle.name,
        "姓名": person.name,
        "工作单位及职务": person.employer_post,
        "测评统计": [
            {
                "测评组别": r.rater_group,
                "应参评人数": r.due,
                "发出票数": r.issued,
                "收回票数": r.returned,
                "有效票数": r.valid_votes,
                "优秀": r.excellent,
                "称职": r.competent,
                "基本称职": r.basic,
                "不称职": r.incompetent,
                "弃权": r.abstain,
                "得分": _num(r.score),
                "是否有效": "有效" if r.valid else f"无效（{r.reason}）",
            }
            for r in rows
        ],
        "民主测评": _num(score),
        "测评结论": verdict,
    }


def talk(cycle: CycleView, person: PersonView, talks: Sequence[TalkLine]) -> Context:
    """The year's talks on record (五位一体: talks all year), and a blank record of the talk
    the assessment team holds now, filled in by hand, signed and returned."""
    return {
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        "姓名": person.name,
        "工作单位及职务": person.employer_post,
        "谈话记录": [
            {
                # 2026.03.15: the date's column is narrow, as 简历's 2001.07 is.
                "谈话时间": f"{t.held_on:%Y.%m.%d}",
                "谈话类别": t.kind,
                "谈话人": t.talker,
                "谈话内容": t.summary,
                "后续跟进": t.follow_up,
            }
            for t in talks
        ],
        "谈话时间": "",
        "谈话地点": "",
        "谈话人": "",
        "记录人": "",
        "谈话事由": "年度考核谈心谈话",
        "谈话内容": "",
    }


def material(
    cycle: CycleView,
    person: PersonView,
    assessment: AssessmentView | None,
    weights: Mapping[str, float],
) -> Context:
    """组织考核 as the assessment team recorded it: each dimension's weight and rating, the
    weighted score and the written 考核材料; what is not recorded reads 未录入."""
    ratings = dict(assessment.ratings) if assessment else {}
    text = assessment.material if assessment else ""
    return {
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        "姓名": person.name,
        "工作单位及职务": person.employer_post,
        "维度评分": [
            {
                "维度": d,
                "权重": f"{w:.0%}",
                "评分": _num(ratings[d]) if d in ratings else NOT_ENTERED,
            }
            for d, w in weights.items()
        ],
        "组织考核": (
            _num(assessment.score) if assessment and assessment.score is not None else NOT_ENTERED
        ),
        "考核材料": text.split("\n") if text else [NOT_ENTERED],
        "考核人": assessment.assessor if assessment else "",
    }


def evaluation(
    cycle: CycleView, person: PersonView, result: ResultView, weights: dict[str, float]
) -> Context:
    detail = result.detail
    return {
        "周期名称": cycle.name,
        **person_fields(person),
        "积分明细": [
            {
                "类别": c["label"],
                "明细": c.get("detail", ""),
                "得分": _num(c["points"]),
                "上限": _num(c["cap"]),
            }
            for c in detail.get("categories", [])
        ],
        "履职积分": _num(result.points_raw),
        "履职积分折算": _num(result.points),
        "组织考核": _num(result.org_score),
        "民主测评": _num(result.appraisal_score),
        "组织考核权重": f"{weights.get('org', 0):.0%}",
        "民主测评权重": f"{weights.get('appraisal', 0):.0%}",
        "履职积分权重": f"{weights.get('points', 0):.0%}",
        "综合得分": _num(result.composite),
        "等次": result.grade or "未评定",
        "档次": result.band or "—",
        "否决事项": [
            {"类别": v["category"], "事项": v["text"], "来源": v.get("source", "")}
            for v in detail.get("vetoes", [])
        ],
        "扣分事项": [
            {
                "类别": d["category"],
                "事项": d["text"],
                "来源": d.get("source", ""),
                "扣分": _num(d["points"]),
            }
            for d in detail.get("deductions", [])
        ],
        "评价说明": list(result.explanation),
        "建议": list(result.actions),
    }


def roster_rows(people: Sequence[PersonView], first: int = 1) -> list[Context]:
    return [
        {
            "序号": i,
            "姓名": p.name,
            "性别": p.gender,
            "出生年月": birth_text(p),
            "政治面貌": p.party,
            "工作单位及职务": p.employer_post,
        }
        for i, p in enumerate(people, first)
    ]


def solicitation(
    letter: Context,
    addressee: str,
    people: Sequence[PersonView],
    first: int = 1,
    part: str = "",
) -> Context:
    """`first` numbers the first person listed; `part` names the part when a list is split."""
    return {**letter, "主送机关": addressee, "名单": roster_rows(people, first), "分册": part}


def result_sentence(person: PersonView, result: ResultView, year: int) -> str:
    if result.grade is None:
        return f"{person.name}同志{year}年度考核评价结果暂未评定，待有关情况核实后另行通知。"
    text = (
        f"经综合评价，{person.name}同志{year}年度考核评价等次为“{result.grade}”，"
        f"档次为{result.band}档。"
    )
    if result.flagged:
        # A notice goes out only once the objection that held the result is decided.
        text += "征求意见中有关单位提出的意见已核实。"
    return text


def result_notice(letter: Context, person: PersonView, result: ResultView, year: int) -> Context:
    return {
        **{k: letter[k] for k in ("周期名称", "发文机关", "文号", "回复期限", "成文日期")},
        "姓名": person.name,
        "等次": result.grade or "未评定",
        "档次": result.band or "—",
        "结果说明": result_sentence(person, result, year),
    }


def briefing(
    letter: Context,
    addressee: str,
    people: Sequence[PersonView],
    results: Mapping[str, ResultView],
    first: int = 1,
    part: str = "",
) -> Context:
    rows = []
    for i, p in enumerate(people, first):
        r = results[p.code]
        notes = [a for a in r.actions if "移出" in a or "谈话" in a]
        if r.flagged:
            notes.insert(0, "征求意见有异议，已核实" if r.briefed else "征求意见有异议，正在核实")
        # Not 审定 when this was issued (an objection held them): 暂缓, as for a decision, and
        # it stays as issued once they are told
        held = not r.briefed and not r.decision
        if held:
            notes = ["暂缓", "征求意见有异议，正在核实"] if r.flagged else ["暂缓，待审定"]
        if r.decision:  # 暂缓评定 or 免评: said in 备注, where it has room, not as a grade
            notes = [r.decision]
        blank = bool(r.decision) or held
        rows.append(
            {
                "序号": i,
                "姓名": p.name,
                "工作单位及职务": p.employer_post,
                "综合得分": "—" if blank else _num(r.composite),
                "等次": "—" if blank else (r.grade or "未评定"),
                "档次": "—" if blank else (r.band or "—"),
                "备注": "；".join(notes),
            }
        )
    keep = ("周期名称", "发文机关", "文号", "回复期限", "成文日期")
    return {**{k: letter[k] for k in keep}, "主送机关": addressee, "通报名单": rows, "分册": part}


def dossier_cover(
    cycle: CycleView, person: PersonView, issued_on: date, toc: Sequence[Context]
) -> Context:
    """The dossier's cover and 目录; `toc` rows carry 序号, 文件名称, 文档编号 and 页码."""
    return {
        "发文机关": cycle.office.name,
        "姓名": person.name,
        "工作单位及职务": person.employer_post,
        "周期名称": cycle.name,
        "年度": str(cycle.year),
        "成文日期": cn_date(issued_on),
        "保管期限": "永久",
        "档案名称": profile(kind_of(cycle.kind)).dossier_title,
        "目录": [dict(row) for row in toc],
    }


def letters_extract(
    cycle: CycleView,
    person: PersonView,
    stage_title: str,
    rows: Sequence[Context],
    issued_on: date,
    filed_at: str,
) -> Context:
    """The page a dossier holds in place of letters about many people that are filed apart."""
    return {
        "发文机关": cycle.office.name,
        "姓名": person.name,
        "周期名称": cycle.name,
        "环节": stage_title,
        "公函": [dict(r) for r in rows],
        "另卷说明": filed_at,
        "成文日期": cn_date(issued_on),
    }


def information_form(
    person: PersonView, entries: Mapping[str, Sequence[EntryLine]], as_of: date
) -> Context:
    """The 信息采集表 filled with what is on record: `entries` by kind (简历, 奖惩, 培训, 挂职)."""

    def rows(kind: str) -> list[Context]:
        return [
            {"起止年月": e.span, "类别": e.merit, "内容": e.text} for e in entries.get(kind, ())
        ]

    return {
        "人员编号": person.code,
        "信息日期": cn_date(as_of),
        **person_fields(person),
        "简历": career_rows(entries.get("简历", ())),
        "奖惩情况": rows("奖惩"),
        "培训情况": [{k: r[k] for k in ("起止年月", "内容")} for r in rows("培训")],
        "挂职情况": [{k: r[k] for k in ("起止年月", "内容")} for r in rows("挂职")],
    }
