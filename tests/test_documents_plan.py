"""Planning a stage lists every document once, with stable IDs, and fills every declared field."""

import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest

from appraisal.documents.plan import (
    LETTER_PEOPLE,
    StageInputs,
    has_letters,
    letter_parts,
    plan_letter_parts,
    plan_letters,
    plan_people,
    plan_stage,
)
from appraisal.documents.recipients import party_or_sector
from appraisal.documents.views import (
    Affiliation,
    CycleView,
    Office,
    PersonView,
    Procedure,
    ResultView,
    TallyRow,
)
from appraisal.identity import document_id
from appraisal.models.vocab import Stage
from appraisal.render import PreparedTemplate, qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.stages import WORK_STAGES, stage_spec, template_recipient

OFFICE = Office(name="中共某市委统战部", number_prefix="统战评", contact="王明", phone="0571-1")
CYCLE = CycleView(
    id=3, name="2026年度党外代表人士综合评价", kind="党外综合评价", year=2026, office=OFFICE
)


def _person(code: str, unit: str, party: str, private: bool = False) -> PersonView:
    return PersonView(
        code=code,
        name=f"人{code}",
        gender="女",
        ethnicity="汉族",
        birth_date=date(1975, 3, 1),
        party=party,
        category="",
        sector="教育界",
        employer=unit,
        post="教授",
        tier="精英",
        private_sector=private,
    )


PEOPLE = [
    _person("P1", "甲大学", "民盟盟员"),
    _person("P2", "甲大学", "无党派人士"),
    _person("P3", "乙公司", "民建会员", private=True),
]
RESULT = ResultView(
    points_raw=88,
    points=88,
    org_score=90,
    appraisal_score=85.5,
    composite=88.05,
    grade="称职",
    band="A",
    explanation=("规则一", "规则二"),
    actions=("进行提醒谈话",),
    detail={
        "categories": [{"label": "会议", "detail": "全会出席", "points": 50, "cap": 50}],
        "vetoes": [],
        "deductions": [{"category": "履职尽责", "text": "未报送", "source": "政协", "points": 3}],
    },
)
TALLY = TallyRow("同事", 20, 20, 18, 17, 8, 7, 2, 0, 1, 85.9, True, "")


def _inputs() -> StageInputs:
    return StageInputs(
        cycle=CYCLE,
        people=PEOPLE,
        issued_on=date(2026, 11, 22),
        due_on=date(2026, 12, 12),
        signoff={"assessment_ballot": False},
        tallies={"P1": [TALLY]},
        appraisal_scores={"P1": 85.9},
        results={p.code: RESULT for p in PEOPLE},
        weights={"org": 0.4, "appraisal": 0.3, "points": 0.3},
        solicit_always=["纪委监委", "所在单位党组织"],
        solicit_private=["税务局"],
        notify=["本人", "所在单位", "所在党派或界别", "组织部"],
        bodies=[("民盟市委", "民主党派"), ("市工商联", "非公经济")],
        procedure=Procedure(
            min_age=25,
            max_age=(("代表人士", 60), ("精英", 50)),
            categories=("民主党派成员", "无党派人士"),
            days=(("动员部署", 10), ("提名推荐", 15), ("组织考核", 30)),
        ),
    )


@pytest.mark.parametrize("stage", WORK_STAGES)
def test_a_stage_planned_a_slice_of_people_at_a_time_is_the_whole_plan(stage: Stage) -> None:
    whole = plan_stage(stage, _inputs())
    sliced = [
        job
        for some in (PEOPLE[:1], PEOPLE[1:])
        for job in plan_people(stage, replace(_inputs(), people=some))
    ] + plan_letters(stage, _inputs())
    assert sliced == whole
    letters = [j for j in whole if j.person_code is None]
    assert bool(letters) == has_letters(stage)
    # A slice plans only its own people's documents; letters are never part of a slice.
    assert {j.person_code for j in plan_people(stage, replace(_inputs(), people=PEOPLE[:1]))} <= {
        "P1"
    }


@pytest.mark.parametrize("stage", WORK_STAGES)
def test_a_stage_fills_the_templates_its_row_names_for_whom_the_row_says(stage: Stage) -> None:
    jobs = plan_stage(stage, _inputs())
    assert {j.template_id for j in jobs} == set(stage_spec(stage).template_ids)
    for job in jobs:
        if job.person_code is not None:  # letters go to the bodies the scheme names
            assert job.recipient_kind == template_recipient(job.template_id), job.template_id


@pytest.mark.parametrize("stage", WORK_STAGES)
def test_plans_are_stable_and_ids_unique(stage: Stage) -> None:
    first, second = plan_stage(stage, _inputs()), plan_stage(stage, _inputs())
    assert [j.document_id for j in first] == [j.document_id for j in second]
    assert len({j.document_id for j in first}) == len(first)
    # Every stage but 审定 (staff's, on its page) makes documents.
    assert bool(first) == bool(stage_spec(stage).templates)
    assert all(j.context["文档编号"] == j.document_id for j in first)


def test_solicitation_letters_go_to_each_body_with_its_people() -> None:
    jobs = plan_stage(Stage.SOLICITATION, _inputs())
    by_name = {j.recipient_name: j.people for j in jobs}
    assert by_name == {
        "纪委监委": ("P1", "P2", "P3"),
        "甲大学党组织": ("P1", "P2"),
        "乙公司党组织": ("P3",),
        "税务局": ("P3",),  # private-sector bodies hear only about private-sector people
    }
    assert [r["姓名"] for r in jobs[0].context["名单"]] == ["人P1", "人P2", "人P3"]


def test_members_of_a_democratic_party_are_also_asked_about_by_their_party() -> None:
    asked = replace(_inputs(), solicit_party=["所在党派"])
    by_name = {j.recipient_name: (j.recipient_kind, j.people)
               for j in plan_stage(Stage.SOLICITATION, asked)}  # fmt: skip
    assert by_name["民盟"] == ("所在党派", ("P1",)) and by_name["民建"] == ("所在党派", ("P3",))
    assert len(by_name) == 6  # the four above, and no letter for the 无党派人士 P2


def test_a_letter_sent_whole_keeps_its_id() -> None:
    jobs = plan_stage(Stage.SOLICITATION, _inputs())
    (letter,) = [j for j in jobs if j.recipient_name == "税务局"]
    assert letter.document_id == document_id(
        cycle_id=CYCLE.id,
        stage=Stage.SOLICITATION,
        template_id="solicitation_letter",
        person_code="",
        recipient="税务局/税务局",
    )
    assert letter.context["分册"] == ""


@pytest.mark.parametrize(
    ("stage", "table", "body"),
    [(Stage.SOLICITATION, "名单", "纪委监委"), (Stage.NOTIFICATION, "通报名单", "组织部")],
)
def test_a_long_list_goes_out_in_numbered_parts(stage: Stage, table: str, body: str) -> None:
    many = [_person(f"Q{i:04d}", "丙大学", "民盟盟员") for i in range(2 * LETTER_PEOPLE + 5)]
    inputs = replace(_inputs(), people=many, results={p.code: RESULT for p in many})
    parts = [j for j in plan_stage(stage, inputs) if j.recipient_name == body]
    assert [len(j.people) for j in parts] == [LETTER_PEOPLE, LETTER_PEOPLE, 5]
    assert [c for j in parts for c in j.people] == [p.code for p in many]
    # Numbering runs on across the parts, so the rows of all parts read as one list.
    assert [r["序号"] for j in parts for r in j.context[table]] == list(range(1, len(many) + 1))
    assert parts[1].context[table][0]["姓名"] == f"人Q{LETTER_PEOPLE:04d}"
    assert [j.context["分册"] for j in parts] == [f"（第{i}份，共3份）" for i in (1, 2, 3)]
    assert len({j.document_id for j in parts}) == 3
    assert {j.context["文号"] for j in parts} == {parts[0].context["文号"]}


@pytest.mark.parametrize("stage", [Stage.SOLICITATION, Stage.NOTIFICATION])
def test_letters_planned_one_at_a_time_from_their_own_people_are_the_whole_plan(
    stage: Stage,
) -> None:
    # Two units and two parties, so letters list different, overlapping people and one body
    # needs parts: what the flow does when it makes the letters a few at a time.
    many = [
        _person(f"Q{i:04d}", "丙大学" if i % 3 else "丁公司", "民盟盟员" if i % 2 else "民建会员")
        for i in range(LETTER_PEOPLE + 7)
    ]
    results = {p.code: replace(RESULT, composite=float(i)) for i, p in enumerate(many)}
    everyone = replace(_inputs(), people=many, results=results)
    parts = letter_parts(stage, everyone, [Affiliation.of(p) for p in many])
    assert len(parts) > len({(p.kind, p.name) for p in parts})  # some body gets parts
    one_by_one = []
    for part in parts:
        listed = [p for p in many if p.code in part.people]
        own = replace(everyone, people=listed, results={p.code: results[p.code] for p in listed})
        one_by_one += plan_letter_parts(stage, own, [part])
    assert one_by_one == plan_letters(stage, everyone)
    assert letter_parts(Stage.EVALUATION, everyone, []) == []


def test_notification_goes_to_each_person_and_each_body() -> None:
    jobs = plan_stage(Stage.NOTIFICATION, _inputs())
    notices = [j for j in jobs if j.template_id == "result_notice"]
    assert [j.recipient_name for j in notices] == ["人P1", "人P2", "人P3"]
    bodies = {(j.recipient_kind, j.recipient_name) for j in jobs if j not in notices}
    assert ("所在党派或界别", "民盟") in bodies and ("所在单位", "乙公司") in bodies
    assert ("组织部", "组织部") in bodies


def test_ballots_need_no_signoff_and_each_group_gets_a_sheet_listing_whom_it_assesses() -> None:
    """P1's groups are those of their imported tally (同事); the others' the default groups."""
    jobs = plan_stage(Stage.ASSESSMENT, _inputs())
    ballots = [j for j in jobs if j.template_id == "assessment_ballot"]
    assert [(j.person_code, j.recipient_name, j.people) for j in ballots] == [
        (None, "领导班子", ("P2", "P3")),
        (None, "同事", ("P1", "P2", "P3")),
    ]
    assert not any(j.needs_signoff for j in ballots)
    sheet = ballots[1].context
    assert (sheet["测评组别"], sheet["张次"], sheet["份数"]) == ("同事", "第1张，共1张", "")
    assert [r["姓名"] for r in sheet["被测评人"]] == ["人P1", "人P2", "人P3"]
    # Only P1, whose every group is counted, has a 民主测评结果汇总表 yet.
    tallies = [j.person_code for j in jobs if j.template_id == "assessment_tally"]
    assert tallies == ["P1"]


def test_ballot_sheets_split_at_the_scheme_s_length_and_say_the_copies() -> None:
    inputs = replace(_inputs(), sheet_people=2, ballot_copies={"同事": 15})
    ballots = [
        j for j in plan_stage(Stage.ASSESSMENT, inputs) if j.template_id == "assessment_ballot"
    ]
    assert [(j.recipient_name, j.people, j.context["张次"]) for j in ballots] == [
        ("领导班子", ("P2", "P3"), "第1张，共1张"),
        ("同事", ("P1", "P2"), "第1张，共2张"),
        ("同事", ("P3",), "第2张，共2张"),
    ]
    assert ballots[1].context["份数"] == "本组别发放15份"
    assert ballots[0].context["份数"] == ""
    assert len({j.document_id for j in ballots}) == 3


def test_a_sheet_waived_for_a_person_lets_their_tally_table_be_made() -> None:
    inputs = replace(_inputs(), waived_groups={"P2": {"领导班子", "同事"}})
    tallies = [j.person_code for j in plan_stage(Stage.ASSESSMENT, inputs)
               if j.template_id == "assessment_tally"]  # fmt: skip
    assert tallies == ["P1", "P2"]


def test_party_or_sector() -> None:
    assert party_or_sector(Affiliation.of(PEOPLE[0])) == "民盟"
    assert party_or_sector(Affiliation.of(PEOPLE[1])) == "教育界"
    member = replace(Affiliation.of(PEOPLE[0]), party="九三学社社员")
    assert party_or_sector(member) == "九三学社"
    assert party_or_sector(replace(member, party="九三学社")) == "九三学社"
    assert party_or_sector(replace(member, party="共青团员")) == "教育界"


@pytest.mark.parametrize("stage", WORK_STAGES)
def test_every_planned_document_renders_with_the_default_templates(stage: Stage) -> None:
    templates = resolve_templates()
    for job in plan_stage(stage, _inputs()):
        spec = templates.get(job.template_id).spec
        missing = set(spec.fields) - set(job.context) - {"二维码"}
        assert not missing, f"{job.template_id} lacks {missing}"
        tpl = PreparedTemplate.load(templates.get(job.template_id).path)
        data = tpl.render({**job.context, "二维码": qr_image(job.document_id)})
        package = zipfile.ZipFile(io.BytesIO(data))
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
        assert job.document_id in xml  # in the body, a header or a footer


def test_the_unit_s_party_organisation_is_the_employer_s_not_the_post_s() -> None:
    """An old roster's "滨江市人民医院心内科主任" became the addressee "…心内科主任党组织"."""
    from appraisal.documents import contexts
    from appraisal.documents.recipients import group_people
    from appraisal.documents.views import Affiliation
    from appraisal.employer_split import split_or_whole

    whole = split_or_whole("滨江市人民医院心内科主任")
    doctor = replace(_person("P9", whole.employer, "民盟盟员"), post=whole.post)
    (group,) = group_people(["所在单位党组织"], [Affiliation.of(doctor)])
    assert group.name == "滨江市人民医院党组织"
    sheet = contexts.ballot_sheet(CYCLE, "同事", [doctor], "第1张，共1张", None)
    assert sheet["被测评人"][0]["工作单位及职务"] == "滨江市人民医院心内科主任"
