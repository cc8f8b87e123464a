"""统战名人 as a record, on SQLite and PostgreSQL: figures with their 纪念场所 and 宣传活动, every
change audited, the 名人 quota a cap that warns (and is audited), and the 统战名人名录 workbook."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from appraisal.documents.figures import write_figure_list
from appraisal.models import AuditEntry, Figure, Person
from appraisal.models.vocab import Tier
from appraisal.store.figures import (
    FigureError,
    NoSuchFigure,
    add_activity,
    add_figure,
    add_site,
    figure_quota,
    remove_activity,
    remove_site,
    set_figure_field,
)
from appraisal.store.figures_view import figure_entries, figure_record, list_figures
from appraisal.store.offices import Scope

WANG = {
    "姓名": "王伯谦",
    "生卒年": "1881—1936",
    "籍贯": "滨江市青石镇",
    "身份界别": "民主党派创始人之一",
    "生平事迹": "早年留学日本，归国后兴办新学。",
    "入选时间": "2019.05",
    "入选依据": "中共滨江市委统战部",
    "文号": "滨统〔2019〕12号",
}


def _audit(session: Session, key: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.entity == "figure", AuditEntry.entity_key == key)
    return list(session.exec(query.order_by(col(AuditEntry.id))))


def test_a_figure_with_its_sites_and_activities_every_change_audited(engine: sa.Engine) -> None:
    with Session(engine) as s:
        added = add_figure(s, values=WANG, actor="staff:li")
        fid = added.figure.id
        assert fid is not None and added.warning == ""
        site = add_site(s, figure_id=fid, kind="名人故居", name="王伯谦故居",
                        address="青石巷 12 号", opening="周二至周日开放", plaque_on="2020.09.30",
                        actor="staff:li")  # fmt: skip
        add_site(s, figure_id=fid, kind="教育基地", name="爱国统一战线教育基地",
                 plaque_on="2021.06", actor="staff:li", reason="市委统战部命名")  # fmt: skip
        add_activity(s, figure_id=fid, held_on="2024.10.19", kind="纪念活动",
                     summary="纪念王伯谦先生逝世88周年座谈会", organiser="民盟滨江市委",
                     actor="staff:li")  # fmt: skip
        old = add_activity(s, figure_id=fid, held_on="2023.05", kind="出版",
                           summary="《王伯谦文集》出版", actor="staff:li")  # fmt: skip
        before, after = set_figure_field(s, figure_id=fid, field="生卒年",
                                         value="1881.03—1936.10", actor="staff:wang",
                                         reason="据家谱更正")  # fmt: skip
        assert (before, after) == ("1881—1936", "1881.03—1936.10")
        same = set_figure_field(s, figure_id=fid, field="籍贯", value="滨江市青石镇",
                                actor="staff:wang", reason="核对")  # fmt: skip
        assert same == ("滨江市青石镇", "滨江市青石镇")
        remove_site(s, figure_id=fid, site_id=site.id or 0, actor="staff:wang", reason="重复录入")
        remove_activity(s, figure_id=fid, activity_id=old.id or 0, actor="staff:wang",
                        reason="误录")  # fmt: skip
        s.commit()
        record = figure_record(s, Scope(None), fid)
        assert dict(record.fields)["入选时间"] == "2019.05"
        assert [x.name for x in record.sites] == ["爱国统一战线教育基地"]
        assert [a.summary for a in record.activities] == ["纪念王伯谦先生逝世88周年座谈会"]
        rows = [(e.field, e.before, e.after, e.reason, e.actor) for e in _audit(s, f"figure/{fid}")]
    assert rows[0][:2] == ("created", None) and rows[0][3] == "中共滨江市委统战部 滨统〔2019〕12号"
    assert ("纪念场所", None, "教育基地 爱国统一战线教育基地（2021.06 挂牌）", "市委统战部命名",
            "staff:li") in rows  # fmt: skip
    assert ("years", "1881—1936", "1881.03—1936.10", "据家谱更正", "staff:wang") in rows
    assert ("纪念场所", "名人故居 王伯谦故居（青石巷 12 号，周二至周日开放，2020.09.30 挂牌）",
            None, "重复录入", "staff:wang") in rows  # fmt: skip
    assert ("宣传活动", "2023.05 出版：《王伯谦文集》出版", None, "误录", "staff:wang") in rows
    assert not any(r[0] == "native_place" for r in rows)  # unchanged: not written
    assert len(rows) == 8


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(engine: sa.Engine) -> None:
    with Session(engine) as s:
        fid = add_figure(s, values=WANG, actor="t").figure.id or 0
        s.commit()
        cases = [
            lambda: add_figure(s, values={"生卒年": "1900—1950"}, actor="t"),
            lambda: add_figure(s, values=WANG, actor="t"),
            lambda: add_figure(s, values={"姓名": "甲", "党派": "民盟"}, actor="t"),
            lambda: add_figure(s, values={"姓名": "乙", "入选时间": "去年"}, actor="t"),
            lambda: add_site(s, figure_id=fid, kind="故居", name="x", actor="t"),
            lambda: add_activity(s, figure_id=fid, held_on="", kind="展览", summary="x", actor="t"),
            lambda: add_activity(
                s, figure_id=fid, held_on="2099.01", kind="展览", summary="x", actor="t"
            ),
            lambda: set_figure_field(
                s, figure_id=fid, field="生卒年", value="x", actor="t", reason=" "
            ),
            lambda: set_figure_field(
                s, figure_id=fid, field="梯队", value="x", actor="t", reason="r"
            ),
            lambda: remove_site(s, figure_id=fid, site_id=99, actor="t", reason="r"),
        ]
        messages = []
        for case in cases:
            with pytest.raises(FigureError) as caught:
                case()
            messages.append(str(caught.value))
            s.rollback()
        with pytest.raises(NoSuchFigure):
            figure_record(s, Scope(frozenset({999})), fid)
        assert len(list(s.exec(select(Figure)))) == 1
        assert len(_audit(s, f"figure/{fid}")) == 1
    assert "姓名 不能为空" in messages[0]
    assert "已有统战名人“王伯谦”" in messages[1]
    assert "没有这些项目：党派" in messages[2]
    assert "入选时间：不是日期" in messages[3]
    assert "场所类别应为 名人故居、纪念馆、教育基地、其他 之一" in messages[4]
    assert "活动时间 必填" in messages[5] and "晚于今天" in messages[6]
    assert "请说明依据" in messages[7] and "不能修改“梯队”" in messages[8]
    assert "没有第 99 号纪念场所" in messages[9]


def test_the_eleventh_figure_is_added_with_the_quota_warning_audited(engine: sa.Engine) -> None:
    with Session(engine) as s:
        assert figure_quota(s).cap == 10
        warnings = [
            add_figure(s, values={"姓名": f"名人{i:02d}"}, actor="staff:li").warning
            for i in range(1, 12)
        ]
        s.commit()
        assert warnings[:10] == [""] * 10
        assert warnings[10].startswith("统战名人已有 11 位，超过名额 10 位（默认方案）")
        board = list_figures(s)
        assert len(board.rows) == 11 and board.warning == warnings[10]
        quota_rows = s.exec(select(AuditEntry).where(AuditEntry.field == "quota")).all()
    assert [(r.actor, r.after) for r in quota_rows] == [
        ("staff:li", "统战名人已有 11 位，超过名额 10 位（默认方案）")
    ]


def _person(code: str, tier: Tier) -> Person:
    return Person(code=code, name=f"人{code}", gender="男", ethnicity="汉族",
                  birth_date=date(1950, 1, 1), party="民盟", sector="文化界", tier=tier,
                  native_place="滨江")  # fmt: skip


def test_people_of_tier_mingren_without_a_record_are_listed_until_linked(
    engine: sa.Engine,
) -> None:
    with Session(engine) as s:
        s.add(_person("P1", Tier.PROMINENT))
        s.add(_person("P2", Tier.RISING))
        s.commit()
        assert list_figures(s).unrecorded == [("P1", "人P1")]
        added = add_figure(s, values={"身份界别": "无党派人士"}, person_code="P1", actor="t")
        s.commit()
        assert (added.figure.name, added.figure.native_place) == ("人P1", "滨江")
        board = list_figures(s)
        assert board.unrecorded == [] and board.rows[0].person_code == "P1"
        with pytest.raises(FigureError, match="已有统战名人记录"):
            add_figure(s, values={}, person_code="P1", actor="t")


def test_the_list_workbook_holds_every_figure_site_and_activity(
    engine: sa.Engine, tmp_path: Path
) -> None:
    with Session(engine) as s:
        fid = add_figure(s, values=WANG, actor="t").figure.id or 0
        add_figure(s, values={"姓名": "陈素云", "生卒年": "1902—1978"}, actor="t")
        add_site(s, figure_id=fid, kind="教育基地", name="王伯谦故居", address="青石巷 12 号",
                 plaque_on="2021.06", actor="t")  # fmt: skip
        add_activity(s, figure_id=fid, held_on="2024.10.19", kind="展览",
                     summary="王伯谦生平展", organiser="滨江市博物馆", actor="t")  # fmt: skip
        s.commit()
        entries = figure_entries(s)
        rows = list_figures(s).rows
    out = tmp_path / "名录.xlsx"
    write_figure_list(out, entries)
    book = load_workbook(out)
    assert book.sheetnames == ["统战名人", "纪念场所", "宣传活动"]
    people = [[c.value for c in r] for r in book["统战名人"].iter_rows(min_row=3)]
    assert book["统战名人"]["A1"].value == "统战名人名录（2 位；荣誉记录，不参加年度考核评价）"
    assert people[0][:10] == [
        1, "王伯谦", "1881—1936", "滨江市青石镇", "民主党派创始人之一", "2019.05",
        "中共滨江市委统战部", "滨统〔2019〕12号", 1, 1,
    ]  # fmt: skip
    assert people[1][1:3] == ["陈素云", "1902—1978"]
    sites = [[c.value for c in r] for r in book["纪念场所"].iter_rows(min_row=3)]
    assert sites == [[1, "王伯谦", "教育基地", "王伯谦故居", "青石巷 12 号", None, "2021.06"]]
    events = [[c.value for c in r] for r in book["宣传活动"].iter_rows(min_row=3)]
    assert events == [[1, "王伯谦", "2024.10.19", "展览", "王伯谦生平展", "滨江市博物馆"]]
    assert book["统战名人"].freeze_panes == "A3"
    assert rows[0].sites == 1 and rows[0].last_activity.startswith("2024.10.19 展览")


def test_the_pool_list_says_its_mingren_are_not_appraised(tmp_path: Path) -> None:
    from appraisal.documents.adjustment import write_pool_list

    out = tmp_path / "人才库名单.xlsx"
    write_pool_list(out, {Tier.PROMINENT: [["P1", "陈守仁"]]}, "“十百千”人才库名单")
    book = load_workbook(out)
    assert (
        book["名人"]["A1"].value == "“十百千”人才库名单：名人（1 人；荣誉记录，不参加年度考核评价）"
    )
    assert book["精英"]["A1"].value == "“十百千”人才库名单：精英（0 人）"


def test_the_demo_honours_two_figures_of_binjiang(app_env: Path) -> None:
    from appraisal.flows.demo import DemoRun, _honour

    said: list[str] = []
    app_env.mkdir(parents=True, exist_ok=True)
    run = DemoRun(output=app_env)
    _honour(run, said.append)
    assert run.figures == "统战名人：2 位，纪念场所 3 处，宣传活动 3 项"
    assert said == [run.figures]
    book = load_workbook(app_env / "统战名人名录.xlsx")
    names = [r[1].value for r in book["统战名人"].iter_rows(min_row=3)]
    assert names == ["沈敬之", "顾怀远"]
    kinds = {r[2].value for r in book["纪念场所"].iter_rows(min_row=3)}
    assert kinds == {"名人故居", "教育基地", "纪念馆"}
