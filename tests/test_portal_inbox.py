"""The reviewer's inbox says what is still to do: its heading counts what is owed, each card says
where its document stands, a reply given is shown back with 修改 (the form prefilled), and a
link that no longer opens is refused in plain Chinese with the office's contact."""

from datetime import UTC, datetime

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, Cycle, Document, Person, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Reply, SignOffMethod, Stage
from appraisal.settings import get_settings
from appraisal.store.signoffs import waive
from tests.cycle_helpers import sqlite_only
from tests.portal_helpers import csrf_of, new_link

REVIEWER = "某大学"
OFFICE = {"name": "中共某市委统战部", "number_prefix": "统战评", "contact": "干部科 王老师",
          "phone": "0571-87000000"}  # fmt: skip
RETURNED_AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 in Beijing


@pytest.fixture
def portal(bare_cycle: int) -> object:
    from appraisal.portal.app import create_app

    get_settings.cache_clear()
    with session_scope() as session:
        cycle = session.get(Cycle, bare_cycle)
        assert cycle is not None
        cycle.office = OFFICE
        session.add(cycle)
    return create_app()


def _people(n: int) -> list[Person]:
    with session_scope() as session:
        return list(session.exec(select(Person).order_by(Person.code).limit(n)))


def _document(cycle_id: int, stage: Stage, n: int, **fields: object) -> Document:
    """A document addressed to the reviewer, as a stage run records it."""
    doc = Document(
        id=f"AP-{cycle_id:04d}-{stage.value[:2].upper()}-TESTTESTT{n}-00", cycle_id=cycle_id,
        stage=stage, template_id="nomination" if stage == Stage.NOMINATION else "solicitation",
        template_version="1", recipient_kind="推荐单位", recipient_name=REVIEWER,
        docx_path="/nonexistent.docx", docx_sha256="0" * 64, **fields,
    )  # fmt: skip
    with session_scope() as session:
        session.add(doc)
    return doc


def _returned(doc: Document) -> None:
    """A signed return recorded earlier (the intake's own tests cover how)."""
    with session_scope() as session:
        session.add(
            SignOff(
                document_id=doc.id, version=1, method=SignOffMethod.SCAN,
                file_path=f"returns/{doc.id}/v1.pdf", sha256="1" * 64, recorded_at=RETURNED_AT,
            )
        )  # fmt: skip


def _reviewer(portal: object, cycle_id: int) -> TestClient:
    _, token = new_link(cycle_id, REVIEWER)
    client = TestClient(portal)  # type: ignore[arg-type]
    assert client.get(f"/r/{token}").url.path == "/inbox"
    return client


def _card(html: str, doc: Document) -> lxml.html.HtmlElement:
    found = lxml.html.fromstring(html).get_element_by_id(f"doc-{doc.id}")
    assert found is not None
    return found


def _text(element: lxml.html.HtmlElement, css: str) -> str:
    return " ".join(" ".join(e.text_content().split()) for e in element.cssselect(css))


def _heading(html: str) -> str:
    return _text(lxml.html.fromstring(html), "h1")


@sqlite_only
def test_the_heading_and_each_card_say_what_is_still_to_do(portal: object, bare_cycle: int) -> None:
    p1, p2 = _people(2)
    pending = _document(bare_cycle, Stage.NOMINATION, 1, person_id=p1.id)
    returned = _document(bare_cycle, Stage.NOMINATION, 2, person_id=p2.id)
    excused = _document(bare_cycle, Stage.NOMINATION, 3, person_id=p2.id)
    letter = _document(bare_cycle, Stage.SOLICITATION, 4, people=[p1.code, p2.code])
    _returned(returned)
    _returned(letter)
    with session_scope() as session:
        waive(session, document_id=excused.id, reason="本人出国", actor="staff:alice")
    client = _reviewer(portal, bare_cycle)

    page = client.get("/inbox").text
    assert _heading(page) == "还有 1 份文件待回传，1 份回执待填写意见"
    assert "待签署文件" not in page
    assert _text(_card(page, pending), ".state") == "待签署回传"
    assert _text(_card(page, returned), ".state") == "已回传（第 1 版，2026-12-01 10:30）"
    assert _text(_card(page, excused), ".state").startswith("已免于回传")
    assert _text(_card(page, letter), ".state").startswith("已回传，请填写回执意见（第 1 版")
    # Only the document still owed offers a plain upload; the others keep it behind 重新上传.
    assert _card(page, pending).cssselect("form.upload")[0].getparent().tag == "section"
    assert _text(_card(page, returned), "details.reupload > summary") == "需要更正？重新上传"

    with session_scope() as session:
        waive(session, document_id=pending.id, reason="已当面送达", actor="staff:alice")
    assert _heading(client.get("/inbox").text) == "还有 1 份回执待填写意见"
    csrf = csrf_of(page)
    client.post(f"/inbox/documents/{letter.id}/reply", data={"csrf": csrf, "answer": "无异议"})
    done = client.get("/inbox").text
    assert _heading(done) == "全部文件已回传，谢谢"
    assert "还有" not in done

    with session_scope() as session:
        cycle = session.get(Cycle, bare_cycle)
        assert cycle is not None
        cycle.stage = Stage.DONE
        session.add(cycle)
    closed = client.get("/inbox").text
    assert _heading(closed) == "本周期已办结归档"
    assert not lxml.html.fromstring(closed).cssselect("form")  # nothing more is taken
    assert "修改" not in _text(_card(closed, letter), ".answer")


@sqlite_only
def test_a_reply_is_shown_back_and_修改_opens_it_prefilled(portal: object, bare_cycle: int) -> None:
    p1, p2, p3 = _people(3)
    letter = _document(bare_cycle, Stage.SOLICITATION, 1, people=[p1.code, p2.code, p3.code])
    _returned(letter)
    client = _reviewer(portal, bare_cycle)
    url = f"/inbox/documents/{letter.id}/reply"
    first = client.get("/inbox").text
    card = _card(first, letter)
    assert not card.cssselect(".answer") and not card.cssselect("input[checked]")
    csrf = csrf_of(first)

    reasons = "兼职情况\n尚在核实"
    objected = client.post(
        url, data={"csrf": csrf, "answer": "有异议", "text": reasons, "person": [p2.code, p3.code]}
    ).text
    assert "已记录回执意见：有异议" in objected
    card = _card(objected, letter)
    shown = card.cssselect(".answer")[0]
    assert _text(shown, ".given") == "有异议"
    assert _text(shown, ".named") == f"{p2.name}、{p3.name}"
    assert shown.cssselect(".text")[0].text_content() == reasons
    # The only form left is behind 修改, and it holds what was sent.
    assert [f.getparent().tag for f in card.cssselect("form.reply")] == ["details"]
    assert _text(shown, "details.change > summary") == "修改"
    form = shown.cssselect("details.change form.reply")[0]
    assert [i.get("value") for i in form.cssselect("input[name=answer][checked]")] == ["有异议"]
    ticked = [i.get("value") for i in form.cssselect("input[name=person][checked]")]
    assert ticked == [p2.code, p3.code]
    assert form.cssselect("textarea[name=text]")[0].text_content() == reasons

    changed = client.post(url, data={"csrf": csrf, "answer": "无异议", "text": ""}).text
    assert "已记录回执意见：无异议" in changed
    shown = _card(changed, letter).cssselect(".answer")[0]
    assert _text(shown, ".given") == "无异议" and not shown.cssselect(".named, .text")
    form = shown.cssselect("details.change form.reply")[0]
    assert [i.get("value") for i in form.cssselect("input[name=answer][checked]")] == ["无异议"]
    assert not form.cssselect("input[name=person][checked]")

    # Changing a reply changes the reply on the return, not the return: one row, one file,
    # and the audit log keeps both answers.
    with session_scope() as session:
        returns = session.exec(select(SignOff).where(SignOff.document_id == letter.id)).all()
        audit = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_key == f"{letter.id}/v1", AuditEntry.field == "reply")
            .order_by(AuditEntry.id)
        ).all()
    assert [(s.version, s.file_path, s.reply) for s in returns] == [
        (1, f"returns/{letter.id}/v1.pdf", Reply.NO_OBJECTION)
    ]
    assert [(a.before, a.after) for a in audit] == [(None, "有异议"), ("有异议", "无异议")]


@sqlite_only
def test_refusals_are_plain_chinese_with_the_offices_contact(
    portal: object, bare_cycle: int
) -> None:
    _, expired = new_link(bare_cycle, REVIEWER, expired=True)
    client = TestClient(portal)  # type: ignore[arg-type]
    refused = client.get(f"/r/{expired}")
    assert refused.status_code == 403
    page = lxml.html.fromstring(refused.text)
    assert _text(page, ".reason") == "链接已过期，请联系工作人员"
    assert _text(page, ".contact") == "如有疑问，请联系 干部科 王老师，电话 0571-87000000。"
    assert page.cssselect("header.top") and page.cssselect("main .card")  # the normal frame

    unknown = lxml.html.fromstring(client.get("/r/not-a-token").text)
    settings = get_settings()
    assert _text(unknown, ".reason") == "链接无效"
    assert settings.office_contact in _text(unknown, ".contact")

    # A reviewer's session: a document that is not theirs, then the link revoked mid-visit.
    link_id, token = new_link(bare_cycle, REVIEWER)
    browsing = TestClient(portal)  # type: ignore[arg-type]
    browsing.get(f"/r/{token}")
    missing = browsing.get("/inbox/documents/AP-9999-NO-NOTHING-00.pdf")
    assert missing.status_code == 404
    page = lxml.html.fromstring(missing.text)
    assert _text(page, ".reason") == "没有这份文件"
    assert "王老师" in _text(page, ".contact")
    from appraisal.models import ReviewerLink

    with session_scope() as session:
        link = session.get(ReviewerLink, link_id)
        assert link is not None
        link.revoked_at = utcnow()
        session.add(link)
    gone = lxml.html.fromstring(browsing.get("/inbox").text)
    assert _text(gone, ".reason") == "链接已被撤销，请联系工作人员"
    assert "0571-87000000" in _text(gone, ".contact")
    assert "/" not in _text(gone, "main")  # no English gloss after " / "
