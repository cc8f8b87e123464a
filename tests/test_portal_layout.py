"""Every page fits a phone: at 390 px no page is wider than the screen (a wide table scrolls in
its card instead). Screenshots of each page at 1280 and at 390 px go to output/screenshots/.

Pages are listed by who opens them; a new page is one more path in a list."""

import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import Document, Person, ReviewerLink, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Reply, Role, SignOffMethod, Stage
from appraisal.settings import get_settings
from appraisal.sheets.nominations import read_nomination_form
from appraisal.store.accounts import save_account
from appraisal.store.cycles import get_cycle
from appraisal.store.figures import add_activity, add_figure, add_site
from appraisal.store.nominations import propose_nomination
from tests.browser_helpers import SHOTS, chromium, served_portal
from tests.cycle_helpers import YEAR, sqlite_only
from tests.portal_helpers import PASSWORD, STAFF, PortalCycle, new_link, nomination_cycle

pytestmark = pytest.mark.libreoffice

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# {cycle} is the test cycle's id. Add new pages here.
STAFF_PAGES = [
    "/",
    "/cycles/{cycle}",
    "/cycles/{cycle}/grades",
    "/cycles/{cycle}/held",
    "/cycles/{cycle}/outstanding",
    "/cycles/{cycle}/pool",
    "/cycles/{cycle}/approval",
    "/cycles/{cycle}/nominations",
    "/cycles/{cycle}/reviews",
    "/cycles/{cycle}/reports",
    "/cycles/{cycle}/assessment",
    "/cycles/{cycle}/assessment/{code}",
    "/cycles/{ballots}/ballots",  # a second cycle, at 组织考核 with its sheets
    "/cycles/{cycle}/files/{doc}",
    "/cycles/new",
    "/people",
    "/people/{code}",
    "/figures",
    "/figures/{figure}",
    "/term?start={term_start}",  # 届末评价 under the CPPCC scheme, over the cycle's records
    "/imports",
    "/claims",
    "/admin",
    "/duties",
    "/duties/events/{duty_event}",  # a meeting with its member list, 出席 / 请假 / 缺席
    "/duties/events/{proposal}",  # a 提案 with its authors and the outcome form
    "/duties/proposals/new",
    "/cycles/999999",  # the error page, as staff see it
    "/cycles/{cadre}/cadre",  # a third cycle, of 干部年度考核, with its 年度考核登记表
    "/cycles/{cadre}/cadre/G901",
]
REVIEWER_PAGES = [
    "/inbox",
    "/inbox/nominations",  # the reviewer is a nominating body (推荐单位)
    "/inbox/nominations/{nomination}",
    "/inbox/documents/AP-0000-XX-NOTHING-00.pdf",  # a refusal inside a reviewer's session
]
# Opened by a person's own link (本人): their 年度履职报告, their duty records and claims.
PERSON_PAGES = [
    "/inbox",
    "/inbox/report",
    "/inbox/duties",
]
# Opened by a cadre's own link in the 干部年度考核 cycle: their 年度考核登记表.
CADRE_PAGES = [
    "/inbox/cadre",
]
ANONYMOUS_PAGES = [
    "/login",
    "/r/not-a-valid-link",
]
LONG_NAME = "中国人民政治协商会议某某市委员会文化文史和学习委员会（界别活动组）"
REASONS = "反映该同志兼职情况未如实填报，请组织部门核实后再作结论。" * 3


@pytest.fixture
def cycle(app_env: Path, prefect_harness: None, tmp_path: Path) -> PortalCycle:
    get_settings.cache_clear()
    return nomination_cycle(app_env, tmp_path / "data", people=3)


def _more_cards(cycle: PortalCycle, reviewer: tuple[str, str]) -> None:
    """A letter to the reviewer, returned and answered 有异议, beside their documents still owed,
    so the inbox shows both kinds of card; and a letter to a body with a long name, the widest
    choice in the board's reviewer list. The return is a row as the intake writes it."""
    with session_scope() as session:
        codes = list(session.exec(select(Person.code).order_by(Person.code)))

    def letter(suffix: str, to: tuple[str, str]) -> Document:
        return Document(
            id=f"AP-{cycle.cycle_id:04d}-SO-LAYOUT{suffix}-00", cycle_id=cycle.cycle_id,
            stage=Stage.SOLICITATION, template_id="solicitation_letter", template_version="1",
            recipient_kind=to[0], recipient_name=to[1], docx_path="/nonexistent.docx",
            docx_sha256="0" * 64, people=codes,
        )  # fmt: skip

    answered = letter("TEST1", reviewer)
    with session_scope() as session:
        session.add(answered)
        session.add(letter("TEST2", ("界别", LONG_NAME)))
        session.flush()
        session.add(
            SignOff(
                document_id=answered.id, version=1, method=SignOffMethod.SCAN,
                file_path=f"returns/{answered.id}/v1.pdf", sha256="1" * 64, recorded_at=utcnow(),
                reply=Reply.OBJECTION, reply_text=REASONS, reply_people=codes[:2],
            )
        )  # fmt: skip


def _nominated(cycle_id: int, link_id: int) -> int:
    """A new person the reviewer (a nominating body) proposed, with a long 推荐理由 and 简历:
    its card on the 提名推荐 page, and the page correcting it."""
    with session_scope() as session:
        link = session.get(ReviewerLink, link_id)
        assert link is not None
        values = {
            "body_kind": "民主党派", "name": "林晓", "gender": "女", "ethnicity": "汉族",
            "birth_date": "1988.05", "party": "民盟盟员", "category": "民主党派成员",
            "employer": LONG_NAME, "post": "副主任", "tier": "精英", "reason": REASONS,
        }  # fmt: skip
        row = read_nomination_form(link.reviewer_name, values, [("2010.07", "", LONG_NAME)])
        done = propose_nomination(session, get_cycle(session, cycle_id), link, row)
        assert done.nomination.id is not None
        return done.nomination.id


def _figure(session: Any) -> int:
    """A 统战名人 with a long 生平事迹, two sites and an activity: the widest the pages get."""
    added = add_figure(session, values={
        "姓名": "王伯谦", "生卒年": "1881.03—1936.10", "籍贯": "滨江市青石镇",
        "身份界别": "民主党派创始人之一", "生平事迹": REASONS, "入选时间": "2019.05",
        "入选依据": "中共滨江市委统战部", "文号": "滨统〔2019〕12号",
    }, actor="layout")  # fmt: skip
    fid = added.figure.id or 0
    add_site(session, figure_id=fid, kind="名人故居", name="王伯谦故居", address=LONG_NAME,
             opening="周二至周日 9:00—17:00 开放，免费参观", plaque_on="2020.09.30",
             actor="layout")  # fmt: skip
    add_site(session, figure_id=fid, kind="教育基地", name="爱国统一战线教育基地", actor="layout")
    add_activity(session, figure_id=fid, held_on="2024.10.19", kind="纪念活动",
                 summary="纪念王伯谦先生逝世88周年座谈会暨《王伯谦文集》首发式",
                 organiser="民盟滨江市委、滨江市政协文化文史和学习委员会",
                 actor="layout")  # fmt: skip
    return fid


def _reported(cycle: PortalCycle) -> tuple[int, str]:
    """The cycle at 组织考核 with one person's report in two versions (one with a long file
    name) and another's uploaded by staff with a long note: the widest the report pages get.
    A link for the first person, who opens their own page."""
    from datetime import date

    from pypdf import PdfWriter

    from appraisal.store.cycles import set_stage
    from appraisal.store.reports import submit_report
    from appraisal.store.stage_runs import open_stage_run

    pdf = SHOTS.parent / "layout-report.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as fh:
        writer.write(fh)
    with session_scope() as session:
        people = list(session.exec(select(Person).order_by(Person.code)))
        c = get_cycle(session, cycle.cycle_id)
        open_stage_run(session, cycle.cycle_id, Stage.ASSESSMENT, date(2026, 11, 2))
        set_stage(session, c, Stage.ASSESSMENT, actor="layout", reason="layout")
        for n, name in enumerate(("履职报告.pdf", f"{LONG_NAME}年度履职报告（修改稿）.pdf")):
            submit_report(session, cycle=c, code=people[0].code, source=pdf, file_name=name,
                          actor="layout", on=date(2026, 11, 10 + n), by_link=True)  # fmt: skip
        submit_report(session, cycle=c, code=people[1].code, source=pdf, file_name="扫描.pdf",
                      actor="layout", on=date(2026, 11, 12), note=REASONS)  # fmt: skip
        name = people[0].name
    _claimed(cycle, pdf)
    return new_link(cycle.cycle_id, name, "本人")


def _claimed(cycle: PortalCycle, pdf: Path) -> None:
    """The first person's year: records of each kind of line (a proposal co-signed with an
    outcome, an absence, a long title), one claim pending with long words, one accepted and one
    declined with a long reason: the widest /inbox/duties and /claims get."""
    from datetime import date

    from appraisal.models import DutyRecord
    from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome, DutyRole, DutySource
    from appraisal.store.claims import accept_claim, decline_claim, submit_claim

    with session_scope() as session:
        c = get_cycle(session, cycle.cycle_id)
        person = session.exec(select(Person).order_by(Person.code)).first()
        assert person is not None and person.id is not None
        lines = [
            (DutyKind.PLENARY, "政协第十四届第五次全体会议", Attendance.UNEXCUSED, None, None),
            (DutyKind.PROPOSAL, f"关于加强{LONG_NAME}履职能力建设的提案", None,
             DutyRole.COSIGNER, DutyOutcome.KEY),
            (DutyKind.COMMUNITY, "委员进社区联系群众活动", Attendance.PRESENT, None, None),
        ]  # fmt: skip
        for n, (kind, title, attendance, role, outcome) in enumerate(lines):
            session.add(DutyRecord(
                person_id=person.id, year=c.year, record_key=f"LAYOUT-{n}", kind=kind,
                title=title, held_on=date(c.year, 3 + n, 10), attendance=attendance, role=role,
                outcome=outcome or DutyOutcome.NONE, cosigners=3 if role else None,
                source=DutySource.RECORDED, recorded_by="政协提案委员会办公室",
                recorded_at=utcnow(),
            ))  # fmt: skip
        claimed = ((DutyKind.RESEARCH, f"{LONG_NAME}专题调研"), (DutyKind.ACTIVITY, "助学活动"),
                   (DutyKind.SPEECH, "大会发言"))  # fmt: skip
        made = []
        for kind, title in claimed:
            made.append(submit_claim(
                session, cycle=c, code=person.code, kind=kind, title=title,
                held_on=date(c.year, 6, 1), role=None, note=REASONS, source=pdf,
                file_name=f"{LONG_NAME}签到表.pdf", actor="layout", by_link=True,
            ))  # fmt: skip
        accept_claim(session, claim_id=made[1].id or 0, actor="layout")
        decline_claim(session, claim_id=made[2].id or 0, actor="layout", reason=REASONS)


def _cadre_cycle(data: Path) -> tuple[int, str]:
    """A 干部年度考核 cycle of two cadres, one with every section written long and graded; a
    link for that cadre."""
    from sheetbuilders import person, roster_file

    from appraisal.importing import import_roster_file
    from appraisal.launch import launch
    from appraisal.models import Result
    from appraisal.models.vocab import CycleKind, Grade
    from appraisal.store import cadre
    from appraisal.store.cycles import Selection

    scheme = Path(__file__).resolve().parent.parent / "appraisal" / "schemes" / "cadre.toml"
    data.mkdir(parents=True, exist_ok=True)
    rows = [person("G901", "王强", employer=f"{LONG_NAME} 科长"),
            person("G902", "李敏", employer="市财政局 副科长")]  # fmt: skip
    import_roster_file(roster_file(data / "cadres.xlsx", rows), actor="layout")
    cycle_id = launch(name="2026年度干部年度考核", kind=CycleKind.CADRE, year=2026,
                      scheme_path=scheme, selection=Selection(codes=("G901", "G902")),
                      allow_missing=True).cycle_id  # fmt: skip
    with session_scope() as session:
        c = get_cycle(session, cycle_id)
        cadre.record_summary(session, cycle=c, code="G901", actor="layout",
                             text="\n".join([REASONS] * 4))  # fmt: skip
        cadre.record_comment(session, cycle=c, code="G901", text=REASONS, commenter="陈立新",
                             proposed="优秀", actor="layout")  # fmt: skip
        cadre.record_committee(session, cycle=c, code="G901", text=REASONS, actor="layout",
                               ratings={"平时工作": 95, "专项工作": 90})  # fmt: skip
        pid = session.exec(select(Person.id).where(Person.code == "G901")).one()
        session.add(
            Result(
                cycle_id=cycle_id,
                person_id=pid,
                points=0,
                org_score=93,
                appraisal_score=100,
                composite=95.1,
                grade=Grade.EXCELLENT,
            )
        )
    with session_scope() as session:
        cadre.record_opinion(session, cycle=get_cycle(session, cycle_id), code="G901",
                             agrees=False, text=REASONS, actor="layout")  # fmt: skip
    return cycle_id, new_link(cycle_id, "王强", "本人")[1]


def _reviews(cycle: PortalCycle) -> None:
    """Notices for everyone, one paper request taken late with long grounds and one changed:
    the 复核 page's rows in each state."""
    from datetime import date

    from appraisal.models.vocab import Grade
    from appraisal.store.cycles import get_cycle
    from appraisal.store.reviews import decide_review, request_review
    from tests.cycle_helpers import notices_sent

    first, second, *_ = notices_sent(cycle.cycle_id, date(2026, 11, 23))
    with session_scope() as session:
        found = get_cycle(session, cycle.cycle_id)
        request_review(
            session,
            cycle=found,
            code=first,
            grounds=REASONS,
            actor="staff",
            on=date(2026, 12, 20),
            late_reason=REASONS,
        )
        request_review(
            session,
            cycle=found,
            code=second,
            grounds="民主测评计票有误",
            actor="staff",
            on=date(2026, 11, 30),
        )
        decide_review(
            session,
            cycle=found,
            code=second,
            new_grade=Grade.EXCELLENT,
            reason=REASONS,
            actor="staff",
            on=date(2026, 12, 1),
        )


def _ballot_cycle() -> int:
    """A second cycle over the same people, at 组织考核, with a sheet per default group (rows
    as the stage writes them) and the first counted: the 计票 page with its forms."""
    from appraisal.launch import launch
    from appraisal.models.vocab import CycleKind
    from appraisal.store.ballots import SheetCounts, ballot_sheets, enter_counts
    from tests.cycle_helpers import YEAR, everyone, scheme_file

    cycle_id = launch(name="计票版面", kind=CycleKind.NON_PARTY, year=YEAR,
                      scheme_path=scheme_file({}), selection=everyone()).cycle_id  # fmt: skip
    with session_scope() as session:
        codes = list(session.exec(select(Person.code).order_by(Person.code)))
        found = get_cycle(session, cycle_id)
        found.stage = Stage.ASSESSMENT
        session.add(found)
        for n, group in enumerate(("领导班子", "同事")):
            session.add(Document(
                id=f"AP-{cycle_id:04d}-AS-LAYOUT{n}-00", cycle_id=cycle_id,
                stage=Stage.ASSESSMENT, template_id="assessment_ballot", template_version="2",
                recipient_kind="测评人", recipient_name=group, docx_path="/nonexistent.docx",
                docx_sha256="0" * 64, people=codes, needs_signoff=False,
            ))  # fmt: skip
        session.flush()
        first = ballot_sheets(session, cycle_id)[0]
        votes = {c: (4, 2, 0, 0, 1) for c in codes}
        enter_counts(session, cycle_id, [(first.document_id, SheetCounts(7, 7, votes))],
                     actor="layout", reason="版面测试")  # fmt: skip
    return cycle_id


def _duties() -> tuple[int, int]:
    """A meeting recorded for everyone (one excused) and a 提案 with a long title and two
    co-signers: the 履职登记 pages at their widest."""
    from appraisal.models.office import ROOT_OFFICE_ID
    from appraisal.models.vocab import Attendance, DutyKind, DutyOutcome
    from appraisal.recording_rules import AUTHORED, event_facts
    from appraisal.store.duty_events import add_event, record_attendance
    from appraisal.store.proposals import add_proposal, set_outcome
    from appraisal.store.recorders import Recorder

    me = Recorder("staff:layout", LONG_NAME[:64], None, ROOT_OFFICE_ID)
    with session_scope() as session:
        codes = list(session.exec(select(Person.code).order_by(Person.code)))
        meeting = add_event(session, recorder=me, facts=event_facts(
            DutyKind.PLENARY, LONG_NAME, "2026-01-08", place=LONG_NAME))  # fmt: skip
        marks = {c: Attendance.PRESENT for c in codes} | {codes[-1]: Attendance.EXCUSED}
        record_attendance(session, event_id=meeting.id or 0, marks=marks, recorder=me)
        proposal = add_proposal(session, recorder=me, lead=codes[0], cosigners=codes[1:],
                                facts=event_facts(DutyKind.PROPOSAL, f"关于{LONG_NAME}的提案",
                                                  "2026-03-05", kinds=AUTHORED))  # fmt: skip
        set_outcome(session, event_id=proposal.id or 0, outcome=DutyOutcome.KEY, recorder=me)
        return meeting.id or 0, proposal.id or 0


def _shot_name(who: str, path: str, width: int) -> str:
    path = path.split("?")[0]  # a page's query string does not name it
    slug = re.sub(r"\{(\w+)\}", r"\1", path).strip("/").replace("/", "-").replace(".", "-")
    slug = slug or "home"
    return f"layout-{who}-{slug}-{width}.png"


def _too_wide(page: Any, label: str) -> list[str]:
    """Measured with every folded part (details) of the page open: they must fit as well."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{label}: {width} px wide at {PHONE['width']} px"] if width > PHONE["width"] else []


def _malformed(page: Any, label: str) -> list[str]:
    """A title with markup in it or an id given twice: a template's blocks gone astray."""
    title = page.evaluate("document.title")
    twice = page.evaluate(
        "(() => { const seen = new Set(), twice = new Set();"
        " document.querySelectorAll('[id]').forEach(e => {"
        " if (seen.has(e.id)) twice.add(e.id); seen.add(e.id); });"
        " return [...twice]; })()"
    )
    found = [f"{label}: title {title[:60]!r}"] if "<" in title or not title.strip() else []
    return found + ([f"{label}: ids given twice {twice}"] if twice else [])


@sqlite_only
def test_no_page_is_wider_than_a_phone(cycle: PortalCycle, tmp_path: Path) -> None:
    reviewer = max(cycle.reviewers(), key=lambda r: len(cycle.docs_of(r[1])))
    _more_cards(cycle, reviewer)
    _reviews(cycle)
    with session_scope() as session:  # an administrator, so the accounts page is shown too
        save_account(session, STAFF, role=Role.ADMIN)
        code = session.exec(select(Person.code).order_by(Person.code)).first()
        figure = _figure(session)
    fill = {"cycle": cycle.cycle_id, "doc": cycle.docs[0].id, "code": code, "figure": figure,
            "ballots": _ballot_cycle(), "term_start": YEAR - 4}  # fmt: skip
    fill["duty_event"], fill["proposal"] = _duties()
    link_id, token = new_link(cycle.cycle_id, reviewer[1], reviewer[0])
    # Nominated while the cycle is at 提名推荐; the reports then move it on to 组织考核.
    fill["nomination"] = _nominated(cycle.cycle_id, link_id)
    _, own_token = _reported(cycle)
    fill["cadre"], cadre_token = _cadre_cycle(tmp_path / "cadres")  # after: its people sort first
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    shots = 0
    with served_portal() as base, chromium() as browser:
        for viewport in (DESKTOP, PHONE):
            staff = browser.new_context(viewport=viewport, locale="zh-CN")
            page = staff.new_page()
            page.goto(f"{base}/login")
            page.fill('input[name="username"]', STAFF)
            page.fill('input[name="password"]', PASSWORD)
            page.click('button[type="submit"]')
            page.wait_for_url(f"{base}/")
            reviewing = browser.new_context(viewport=viewport, locale="zh-CN")
            inbox = reviewing.new_page()
            inbox.goto(f"{base}/r/{token}")
            inbox.wait_for_url(f"{base}/inbox")
            anonymous = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
            person = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
            person.goto(f"{base}/r/{own_token}")
            person.wait_for_url(f"{base}/inbox")
            cadre = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
            cadre.goto(f"{base}/r/{cadre_token}")
            cadre.wait_for_url(f"{base}/inbox")
            visits = [
                *(("staff", page, p) for p in STAFF_PAGES),
                *(("reviewer", inbox, p) for p in REVIEWER_PAGES),
                *(("anonymous", anonymous, p) for p in ANONYMOUS_PAGES),
                *(("person", person, p) for p in PERSON_PAGES),
                *(("cadre", cadre, p) for p in CADRE_PAGES),
            ]
            for who, tab, path in visits:
                url = path.format(**fill)
                tab.goto(f"{base}{url}")
                assert tab.locator("main").count() == 1, f"{url} is not a portal page"
                tab.screenshot(
                    path=str(SHOTS / _shot_name(who, path, viewport["width"])), full_page=True
                )
                shots += 1
                if viewport == PHONE:
                    problems += _too_wide(tab, f"{who} {url}")
                else:
                    problems += _malformed(tab, f"{who} {url}")
            # The inbox with its folded forms (修改, 重新上传) open; the file field inside its card.
            inbox.goto(f"{base}/inbox")
            for summary in inbox.locator("details > summary").all():
                summary.click()
            assert inbox.locator("details[open]").count() >= 2
            inbox.screenshot(
                path=str(SHOTS / f"layout-reviewer-inbox-unfolded-{viewport['width']}.png"),
                full_page=True,
            )
            for card in inbox.locator("section.doc").all():
                box = card.bounding_box()
                for field in card.locator('input[type="file"], textarea').all():
                    inside = field.bounding_box()
                    assert box and inside
                    assert inside["x"] + inside["width"] <= box["x"] + box["width"], (inside, box)
            for context in (staff, reviewing, anonymous.context, person.context, cadre.context):
                context.close()
    pages = (
        len(STAFF_PAGES)
        + len(REVIEWER_PAGES)
        + len(ANONYMOUS_PAGES)
        + len(PERSON_PAGES)
        + len(CADRE_PAGES)
    )
    assert shots == 2 * pages
    assert not problems, problems
