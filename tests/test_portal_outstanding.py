"""Staff run a stage from the cycle page: what is still awaited, by reviewer and by person with
names; many documents waived with one reason (page and CLI, all or nothing); a letter's reply
entered from its page; reminders listed with names and queued once a day; downloads named by
person; 撤销 asks first; a finished cycle says so in the list."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app as cli
from appraisal.db import session_scope
from appraisal.identity import document_id
from appraisal.models import (
    Cycle,
    Document,
    Dossier,
    Office,
    OutboxMessage,
    Person,
    Result,
    SignOff,
    StaffUser,
)
from appraisal.models.vocab import Reply, Role, SignOffMethod, Stage
from appraisal.paths import stored
from appraisal.portal.downloads import download_name
from appraisal.reminding import document_titles
from appraisal.settings import get_settings
from appraisal.store.outstanding import stage_account
from tests.cycle_helpers import TODAY, answered_letter, sqlite_only
from tests.portal_helpers import STAFF, csrf_of, new_link, staff_client

# The postgres variant waits for its fixture to keep the first office (roles, second part).
runner = CliRunner()
REVIEWERS = ("市工商联", "市民建")


@pytest.fixture
def seeded(bare_cycle: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The nomination stage of `bare_cycle` as staff meet it on TODAY: per person a form to
    each of two units, due three days ago; one of them returned, one waived earlier, and a
    notice that asks for no return."""
    monkeypatch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    ids: dict[str, list[str]] = {r: [] for r in REVIEWERS}
    with session_scope() as session:
        cycle = session.get(Cycle, bare_cycle)
        assert cycle is not None
        cycle.stage = Stage.NOMINATION
        session.add(cycle)
        people = session.exec(select(Person).order_by(Person.code)).all()
        for person in people:
            for unit in REVIEWERS:
                doc_id = document_id(
                    cycle_id=bare_cycle, stage=Stage.NOMINATION, template_id="nomination_form",
                    person_code=person.code, recipient=unit,
                )  # fmt: skip
                session.add(_doc(doc_id, bare_cycle, person.id, unit, needs=True))
                ids[unit].append(doc_id)
        notice = document_id(
            cycle_id=bare_cycle, stage=Stage.NOMINATION, template_id="nomination_form",
            person_code="", recipient="统战部",
        )  # fmt: skip
        session.add(_doc(notice, bare_cycle, None, "统战部", needs=False))
        session.flush()
        session.add(SignOff(document_id=ids["市民建"][0], version=1, method=SignOffMethod.SCAN,
                            sha256="x", file_path="v1.pdf"))  # fmt: skip
        session.add(SignOff(document_id=ids["市民建"][1], version=1, method=SignOffMethod.WAIVER,
                            reason="当面交回"))  # fmt: skip
    return ids


def _doc(doc_id: str, cycle_id: int, person_id: int | None, unit: str, needs: bool) -> Document:
    return Document(
        id=doc_id, cycle_id=cycle_id, stage=Stage.NOMINATION, template_id="nomination_form",
        template_version="1", person_id=person_id, recipient_kind="推荐单位",
        recipient_name=unit, docx_path="", docx_sha256="", needs_signoff=needs,
        due_on=TODAY - timedelta(days=3),
    )  # fmt: skip


def _names() -> dict[str, str]:
    with session_scope() as session:
        return {p.code: p.name for p in session.exec(select(Person))}


def _waivers() -> list[tuple[str, str]]:
    with session_scope() as session:
        rows = session.exec(select(SignOff).where(SignOff.method == SignOffMethod.WAIVER)).all()
        return sorted((s.document_id, s.reason) for s in rows)


@sqlite_only
def test_the_counts_add_up_and_name_everyone(bare_cycle: int, seeded: dict[str, list[str]]) -> None:
    with session_scope() as session:
        account = stage_account(session, bare_cycle, Stage.NOMINATION, TODAY)
    counts = (account.generated, account.for_reading, account.returned, account.waived)
    assert counts == (7, 1, 1, 1)
    assert len(account.awaited) == 4 and all(d.days_overdue == 3 for d in account.awaited)
    assert account.explained() == (
        "已生成 7 份；其中 1 份仅供阅知，无需回传；"
        "需回传的 6 份中，已回传 1 份、已免于回传 1 份、待回传 4 份。"
    )
    assert [(g.name, len(g.documents)) for g in account.by_reviewer()] == [
        ("市工商联", 3), ("市民建", 1),
    ]  # fmt: skip
    names = _names()
    assert [(p.code, p.name) for p in account.by_person()] == sorted(names.items())

    from appraisal.portal.app import create_app

    staff = staff_client(create_app())
    board = staff.get(f"/cycles/{bare_cycle}").text
    assert "需回传的 6 份中，已回传 1 份、已免于回传 1 份、待回传 4 份" in board
    assert "/outstanding" in board and "市工商联（推荐单位）" in board
    page = staff.get(f"/cycles/{bare_cycle}/outstanding").text
    for code, name in names.items():
        assert f"{code} {name}" in page
    assert page.count('type="checkbox" name="doc"') == 4
    assert "逾期 3 天" in page and 'value="reviewer:推荐单位/市工商联"' in page


@sqlite_only
def test_staff_waive_many_with_one_reason_all_or_nothing(
    bare_cycle: int, seeded: dict[str, list[str]]
) -> None:
    from appraisal.portal.app import create_app

    staff = staff_client(create_app())
    url = f"/cycles/{bare_cycle}/outstanding"
    csrf = csrf_of(staff.get(url).text)
    before = _waivers()
    first, second, third = seeded["市工商联"]
    bad = first[:-1] + ("0" if first[-1] != "0" else "1")
    waive = f"/cycles/{bare_cycle}/waive"
    refused = staff.post(waive, data={"csrf": csrf, "reason": "电话确认", "doc": [second, bad]})
    assert f"本周期没有编号为 {bad} 的文件" in refused.text and first in refused.text
    assert "未作任何免于回传" in refused.text and _waivers() == before

    ticked = staff.post(waive, data={"csrf": csrf, "reason": "电话确认", "doc": [first, second]})
    assert "已将 2 份文件免于回传，理由：电话确认" in ticked.text
    everyone = staff.post(
        f"/cycles/{bare_cycle}/waive",
        data={"csrf": csrf, "reason": "单位撤并", "group": "reviewer:推荐单位/市工商联"},
    )
    assert "已将 1 份文件免于回传" in everyone.text
    assert _waivers() == sorted([*before, (first, "电话确认"), (second, "电话确认"),
                                 (third, "单位撤并")])  # fmt: skip
    assert "已免于回传 4 份、待回传 1 份" in staff.get(url).text


@sqlite_only
def test_the_cli_waives_many_ids_or_names_the_wrong_one(
    bare_cycle: int, seeded: dict[str, list[str]]
) -> None:
    first, second, _ = seeded["市工商联"]
    typo = first[:-2] + first[-1] + first[-2] if first[-1] != first[-2] else first + "X"
    before = _waivers()
    wrong = runner.invoke(cli, ["signoff", "waive", second, typo, "--reason", "原件已交"])
    assert wrong.exit_code == 1
    assert f"没有编号为 {typo} 的文件" in wrong.output and f"相近的编号：{first}" in wrong.output
    assert _waivers() == before
    blank = runner.invoke(cli, ["signoff", "waive", first, "--reason", " "])
    assert blank.exit_code == 1 and "理由" in blank.output
    done = runner.invoke(cli, ["signoff", "waive", first, second, "--reason", "原件已交"])
    assert done.exit_code == 0, done.output
    assert "共 2 份文件已免于回传" in done.output
    assert (first, "原件已交") in _waivers() and (second, "原件已交") in _waivers()


@sqlite_only
def test_reminders_name_reviewer_and_people_and_queue_once(
    bare_cycle: int, seeded: dict[str, list[str]]
) -> None:
    names = _names()
    listed = runner.invoke(cli, ["remind", str(bare_cycle)])
    assert listed.exit_code == 0, listed.output
    assert "市工商联" in listed.output and "共 4 份逾期" in listed.output
    assert all(name in listed.output for name in names.values())

    from appraisal.portal.app import create_app

    staff = staff_client(create_app())
    board = staff.get(f"/cycles/{bare_cycle}").text
    assert "催办" in board and "逾期未回传 4 份，涉及 2 个接收方" in board
    chased = board.split('id="overdue"')[1].split("</table>")[0]
    for unit in REVIEWERS:  # each reviewer named once, on the first of their rows
        assert chased.count(f'<td data-label="接收方">{unit}（推荐单位）</td>') == 1
    csrf = csrf_of(board)
    queued = staff.post(f"/cycles/{bare_cycle}/remind", data={"csrf": csrf})
    assert "已将 2 封催办邮件放入待发邮件" in queued.text
    again = staff.post(f"/cycles/{bare_cycle}/remind", data={"csrf": csrf})
    assert "今天已为这些接收方排过催办邮件，不再重复" in again.text
    with session_scope() as session:
        reminders = session.exec(select(OutboxMessage).where(OutboxMessage.purpose == "reminder"))
        assert sorted(m.reviewer_name for m in reminders) == ["市工商联", "市民建"]


@sqlite_only
def test_a_letter_reply_entered_from_its_page(bare_cycle: int) -> None:
    letter = "AP-0001-ZQ-TEST000000-00"
    codes = answered_letter(bare_cycle, letter)
    names = _names()
    from appraisal.portal.app import create_app

    staff = staff_client(create_app())
    url = f"/cycles/{bare_cycle}/files/{letter}"
    shown = staff.get(url).text
    assert "录入回执意见" in shown
    for code in codes:
        assert f'name="person" value="{code}"' in shown and f"{code} {names[code]}" in shown
    csrf = csrf_of(shown)
    no_text = staff.post(f"{url}/reply",
                         data={"csrf": csrf, "answer": "有异议", "person": [codes[1]]})  # fmt: skip
    assert "有异议时请写明具体意见" in no_text.text
    done = staff.post(
        f"{url}/reply",
        data={"csrf": csrf, "answer": "有异议", "text": "兼职未报告", "person": [codes[1]]},
    )
    assert f"已记录回执意见：有异议，已标记待核：{codes[1]}" in done.text
    with session_scope() as session:
        slip = session.exec(select(SignOff).where(SignOff.document_id == letter)).one()
        flagged = session.exec(
            select(Person.code).join(Result, Result.person_id == Person.id).where(Result.flagged)
        ).all()
    assert (slip.reply, slip.reply_text, slip.reply_people) == (
        Reply.OBJECTION, "兼职未报告", [codes[1]],
    )  # fmt: skip
    assert flagged == [codes[1]]
    assert staff.get(f"/cycles/{bare_cycle}/files/AP-0001-ZQ-NONE").status_code == 404


@sqlite_only
def test_revoke_asks_first_and_finished_cycles_say_so(bare_cycle: int) -> None:
    from appraisal.portal.app import create_app

    link_id, _ = new_link(bare_cycle, "市工商联")
    kept_id, _ = new_link(bare_cycle, "市侨联")
    staff: TestClient = staff_client(create_app())
    board = staff.get(f"/cycles/{bare_cycle}").text
    assert _link_state(board, kept_id) == "有效"
    assert f'href="/links/{link_id}/revoke"' in board
    csrf = csrf_of(board)
    unconfirmed = staff.post(f"/links/{link_id}/revoke", data={"csrf": csrf})
    assert "确认撤销" in unconfirmed.text and unconfirmed.url.path == f"/links/{link_id}/revoke"
    assert "已撤销" not in staff.get(f"/cycles/{bare_cycle}").text
    done = staff.post(f"/links/{link_id}/revoke", data={"csrf": csrf, "confirm": "yes"})
    assert f"已撤销链接 #{link_id}" in done.text

    with session_scope() as session:
        cycle = session.get(Cycle, bare_cycle)
        assert cycle is not None
        cycle.stage = Stage.DONE
        session.add(cycle)
    listing = staff.get("/").text
    assert "已归档" in listing and "—" not in listing
    archived = staff.get(f"/cycles/{bare_cycle}").text
    assert _link_state(archived, link_id) == "已撤销"
    assert _link_state(archived, kept_id) == "仅可查看（已归档）"  # no longer takes files


def _link_state(board: str, link_id: int) -> str:
    """The 状态 cell of a link's row in the board's link table."""
    rows = lxml.html.fromstring(board).xpath(f"//tr[td[1]='{link_id}']")
    assert len(rows) == 1, f"link #{link_id} is not listed once"
    return str(rows[0].xpath("string(td[5])")).strip()


def test_downloads_are_named_by_person() -> None:
    assert download_name("P001", "张三") == "P001 张三.pdf"
    assert download_name("AP-0001-NM-X", "推荐表", "李/四") == "AP-0001-NM-X 推荐表 李_四.pdf"
    assert download_name("P002", "") == "P002.pdf"


@sqlite_only
def test_pdfs_download_under_the_persons_name(
    bare_cycle: int, seeded: dict[str, list[str]], app_env: Path
) -> None:
    from appraisal.portal.app import create_app

    doc_id = seeded["市工商联"][0]
    pdf = app_env / "somewhere" / "doc.pdf"
    bag = app_env / "dossiers" / "bag"
    (bag / "data").mkdir(parents=True)
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    (bag / "data" / "dossier.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    with session_scope() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None and doc.person_id is not None
        doc.pdf_path = stored(pdf)
        session.add(doc)
        person = session.get(Person, doc.person_id)
        assert person is not None
        code, name = person.code, person.name
        session.add(Dossier(cycle_id=bare_cycle, person_id=person.id, path=stored(bag),
                            fingerprint="f", pages=1, files=1, bytes=10))  # fmt: skip
    staff = staff_client(create_app())
    title = document_titles()["nomination_form"]
    got = staff.get(f"/cycles/{bare_cycle}/documents/{doc_id}.pdf")
    assert got.status_code == 200
    assert got.headers["content-disposition"].endswith(
        "filename*=utf-8''" + quote(f"{doc_id} {title} {name}.pdf")
    )
    sealed = staff.get(f"/cycles/{bare_cycle}/dossiers/{code}.pdf")
    assert sealed.headers["content-disposition"].endswith(
        "filename*=utf-8''" + quote(f"{code} {name}.pdf")
    )
    board = staff.get(f"/cycles/{bare_cycle}").text
    assert f'{code}.pdf">{code} {name}</a>' in board and "dossier.pdf" not in board


@sqlite_only
def test_the_board_refreshes_itself_only_while_a_stage_runs(bare_cycle: int) -> None:
    from appraisal.portal import launcher
    from appraisal.portal.app import create_app

    staff = staff_client(create_app())
    refresh = '<meta http-equiv="refresh" content="5">'
    assert refresh not in staff.get(f"/cycles/{bare_cycle}").text
    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    launcher._running[bare_cycle] = run  # a run as start_command leaves it
    try:
        running = staff.get(f"/cycles/{bare_cycle}").text
        assert refresh in running and "本页每 5 秒自动刷新" in running
    finally:
        run.kill()
        run.wait()
    assert refresh not in staff.get(f"/cycles/{bare_cycle}").text


@sqlite_only
def test_a_reader_and_another_office_change_nothing(
    bare_cycle: int, seeded: dict[str, list[str]]
) -> None:
    from appraisal.portal.app import create_app

    letter = "AP-0001-ZQ-TEST000000-00"
    codes = answered_letter(bare_cycle, letter)
    link_id, _ = new_link(bare_cycle, "市工商联")
    app = create_app()
    staff = staff_client(app)
    csrf = csrf_of(staff.get(f"/cycles/{bare_cycle}").text)
    _set_account(role=Role.READER)
    doc = seeded["市工商联"][0]
    changes = {
        f"/cycles/{bare_cycle}/waive": {"reason": "试试", "doc": [doc]},
        f"/cycles/{bare_cycle}/remind": {},
        f"/cycles/{bare_cycle}/files/{letter}/reply": {"answer": "无异议"},
        f"/links/{link_id}/revoke": {"confirm": "yes"},
    }
    before = (_waivers(), _replies(letter))
    assert staff.get(f"/cycles/{bare_cycle}/outstanding").status_code == 200
    assert staff.get(f"/cycles/{bare_cycle}/files/{letter}").status_code == 200
    for url, data in changes.items():
        refused = staff.post(url, data={"csrf": csrf, **data})
        assert refused.status_code == 403 and "只读" in refused.text, url
    assert staff.get(f"/links/{link_id}/revoke").status_code == 403

    _set_account(role=Role.CLERK, office="其他单位")
    for url in (f"/cycles/{bare_cycle}/outstanding", f"/cycles/{bare_cycle}/files/{letter}",
                f"/links/{link_id}/revoke"):  # fmt: skip
        assert staff.get(url).status_code == 404, url
    for url, data in changes.items():
        assert staff.post(url, data={"csrf": csrf, **data}).status_code == 404, url
    assert (_waivers(), _replies(letter)) == before and codes


def _set_account(role: Role, office: str = "") -> None:
    with session_scope() as session:
        user = session.exec(select(StaffUser).where(StaffUser.username == STAFF)).one()
        user.role = role
        if office:
            other = Office(name=office)
            session.add(other)
            session.flush()
            assert other.id is not None
            user.office_id = other.id
        session.add(user)


def _replies(letter: str) -> list[object]:
    with session_scope() as session:
        return [s.reply for s in session.exec(select(SignOff).where(SignOff.document_id == letter))]


@sqlite_only
def test_the_evaluation_names_the_people_still_without_a_grade(bare_cycle: int) -> None:
    from appraisal.portal.app import create_app

    form = document_id(
        cycle_id=bare_cycle, stage=Stage.EVALUATION, template_id="evaluation_form",
        person_code="", recipient="统战部",
    )  # fmt: skip
    with session_scope() as session:
        session.add(Document(
            id=form, cycle_id=bare_cycle, stage=Stage.EVALUATION, template_id="evaluation_form",
            template_version="1", recipient_kind="统战部", recipient_name="统战部", docx_path="",
            docx_sha256="", needs_signoff=False,
        ))  # fmt: skip
    page = staff_client(create_app()).get(f"/cycles/{bare_cycle}/outstanding?stage=evaluation")
    assert "另有 3 人等次尚未评定" in page.text and "本阶段没有待回传的文件" in page.text
    for code, name in _names().items():
        assert f"<li>{code} {name}</li>" in page.text
