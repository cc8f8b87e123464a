"""履职申报 and the member's own view: a member sees their duty records with the points each
earns and the rule behind it; claims a duty the office did not record, with evidence; staff accept
(the claim becomes a 履职记录, source 本人申报) or decline with a reason the member reads."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlmodel import col, delete, select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.models import AuditEntry, Cycle, DutyClaim, DutyRecord, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import (
    Attendance,
    ClaimStatus,
    DutyKind,
    DutyRole,
    DutySource,
    Stage,
)
from appraisal.paths import located
from appraisal.scheme import default_scheme_path, parse_scheme
from appraisal.scoring.inputs import DutyItem
from appraisal.scoring.points import explain_duties
from appraisal.store import claims
from appraisal.store.cycles import get_cycle
from appraisal.store.own_duties import own_year
from appraisal.store.stage_runs import open_stage_run
from tests.portal_helpers import csrf_of, new_link, staff_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the first bytes decide what a file is


def a_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def one_meeting(cycle_id: int) -> tuple[Person, Person, int]:
    """The cycle's first two people; the first with a single recorded meeting this year (and
    nothing else, so no category cap hides a claim's points)."""
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        a, b = session.exec(select(Person).order_by(Person.code)).all()[:2]
        session.exec(delete(DutyRecord).where(col(DutyRecord.person_id) == a.id))  # type: ignore[call-overload]
        session.add(
            DutyRecord(
                person_id=a.id or 0, year=cycle.year, record_key="EV-1", kind=DutyKind.MEETING,
                title="界别协商座谈会", held_on=date(cycle.year, 3, 5),
                attendance=Attendance.PRESENT, source=DutySource.RECORDED,
                recorded_by="委员联络委", recorded_at=utcnow(),
            )
        )  # fmt: skip
        return a, b, cycle.year


def test_the_rule_behind_each_record() -> None:
    scheme = parse_scheme(default_scheme_path().read_text(encoding="utf-8"))
    rows = explain_duties(
        scheme.points,
        [
            DutyItem(DutyKind.PLENARY, attendance=Attendance.UNEXCUSED, title="全会"),
            DutyItem(DutyKind.PROPOSAL, role=DutyRole.COSIGNER, cosigners=2, title="联名提案"),
            DutyItem(DutyKind.ACTIVITY, title="活动"),
            DutyItem(DutyKind.COMMUNITY, title="进社区"),
        ],
        scheme.decimals,
    )
    # An absence's penalty comes off the total, not off the record (the page shows it apart).
    assert [(r.category, r.points) for r in rows] == [
        ("会议", "0"), ("提案", "2.5"), ("活动", "2"), ("不计分", "0")
    ]  # fmt: skip
    assert "无故缺席另从合计中扣 10 分" in rows[0].rule
    assert "联名按 0.5 倍计，按联名人数 2 人平分" in rows[1].rule
    assert "方案未规定进社区计分" in rows[3].rule


def test_claims_accepted_and_declined(bare_cycle: int, tmp_path: Path) -> None:
    cycle_id = bare_cycle
    a, _, year = one_meeting(cycle_id)
    evidence = a_pdf(tmp_path / "调研通知.pdf")
    runner = CliRunner()
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        person = session.get(Person, a.id)
        assert person is not None
        before = own_year(session, cycle, person)
        assert before.points.points == "5" and len(before.points.duties) == 1
        assert before.points.duties[0].points.rule == "其他会议出席计 5 分"
        research = claims.submit_claim(
            session, cycle=cycle, code=a.code, kind=DutyKind.RESEARCH, title="乡村振兴专题调研",
            held_on=date(year, 6, 1), role=None, note="随调研组赴三镇", source=evidence,
            file_name=evidence.name, actor=f"reviewer:本人/{a.name}", by_link=True,
        )  # fmt: skip
        speech = claims.submit_claim(
            session, cycle=cycle, code=a.code, kind=DutyKind.SPEECH, title="大会发言",
            held_on=None, role=None, note="", source=evidence, file_name="发言稿.pdf",
            actor=f"reviewer:本人/{a.name}", by_link=True,
        )  # fmt: skip
        word = tmp_path / "签到表.docx"
        word.write_bytes(b"PK\x03\x04 a word file")
        with pytest.raises(claims.ClaimError, match=r"签到表\.docx 不是 PDF、JPG 或 PNG"):
            claims.submit_claim(
                session, cycle=cycle, code=a.code, kind=DutyKind.ACTIVITY, title="活动",
                held_on=None, role=None, note="", source=word, file_name=word.name,
                actor="x", by_link=True,
            )  # fmt: skip
        with pytest.raises(claims.ClaimError, match="不在 2026 年度内"):
            claims.submit_claim(
                session, cycle=cycle, code=a.code, kind=DutyKind.ACTIVITY, title="活动",
                held_on=date(year - 1, 12, 1), role=None, note="", source=evidence,
                file_name="x.pdf", actor="x", by_link=True,
            )  # fmt: skip
        ids = research.id or 0, speech.id or 0
    # The evidence is kept as it came, with its SHA-256.
    with session_scope() as session:
        kept = session.get(DutyClaim, ids[0])
        assert kept is not None and kept.status is ClaimStatus.PENDING
        assert located(kept.evidence_path).read_bytes() == evidence.read_bytes()

    listed = runner.invoke(app, ["claims", "list"])
    assert listed.exit_code == 0, listed.output
    assert "共 2 件，待审核 2 件" in listed.output
    shown = runner.invoke(app, ["claims", "show", str(ids[0])])
    assert "事项：乡村振兴专题调研" in shown.output and "随调研组赴三镇" in shown.output
    assert kept.evidence_sha256 in shown.output
    no_reason = runner.invoke(app, ["claims", "decline", str(ids[1]), "--reason", " "])
    assert no_reason.exit_code != 0 and "须写明理由" in no_reason.output
    declined = runner.invoke(
        app, ["claims", "decline", str(ids[1]), "--reason", "大会发言名单中没有本人"]
    )
    assert declined.exit_code == 0, declined.output
    accepted = runner.invoke(app, ["claims", "accept", str(ids[0])])
    assert accepted.exit_code == 0 and f"CL-{ids[0]}" in accepted.output, accepted.output
    again = runner.invoke(app, ["claims", "decline", str(ids[0]), "--reason", "重复"])
    assert again.exit_code != 0 and "不能再次决定" in again.output and "已采纳" in again.output

    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        person = session.get(Person, a.id)
        assert person is not None
        after = own_year(session, cycle, person)
        record = session.exec(
            select(DutyRecord).where(DutyRecord.record_key == f"CL-{ids[0]}")
        ).one()
        assert (record.source, record.recorded_by, record.kind) == (
            DutySource.CLAIMED, "staff", DutyKind.RESEARCH
        )  # fmt: skip
        decided = {c.id: c for c in after.claims}
        assert decided[ids[0]].record_id == record.id
        assert decided[ids[1]].status is ClaimStatus.DECLINED
        assert decided[ids[1]].reason == "大会发言名单中没有本人"
        audit = session.exec(
            select(AuditEntry.after, AuditEntry.reason).where(AuditEntry.entity == "duty_claim")
        ).all()
        assert ("未采纳", "大会发言名单中没有本人") in audit and ("已采纳", "采纳") in audit
    # The total changes by exactly the rule's points: 调研 earns 2 under the default scheme.
    new = next(d for d in after.points.duties if d.line.source is DutySource.CLAIMED)
    assert (new.points.points, new.points.rule) == ("2", "调研每次计 2 分")
    assert after.points.points == "7"

    # A paper claim entered by staff, with its scan; once the evaluation has begun, no more.
    paper = runner.invoke(
        app,
        ["claims", "submit", str(cycle_id), a.code, str(evidence), "--kind", "视察",
         "--title", "食品安全视察", "--on", f"{year}-09-09"],
    )  # fmt: skip
    assert paper.exit_code == 0 and "待审核" in paper.output, paper.output
    with session_scope() as session:
        open_stage_run(session, cycle_id, Stage.EVALUATION, date(year, 12, 3))
        last = session.exec(select(DutyClaim).order_by(col(DutyClaim.id).desc())).first()
        assert last is not None and last.channel == claims.BY_STAFF
    late = runner.invoke(app, ["claims", "accept", str(last.id)])
    assert late.exit_code != 0 and "综合评价已经开始" in late.output
    closed = runner.invoke(
        app, ["claims", "submit", str(cycle_id), a.code, str(evidence), "--kind", "活动",
              "--title", "补报"],
    )  # fmt: skip
    assert closed.exit_code != 0 and "不再接收履职申报" in closed.output


def _link(staff: TestClient, cycle_id: int, name: str) -> str:
    listing = staff.get(f"/cycles/{cycle_id}/reports").text
    made = staff.post(
        f"/cycles/{cycle_id}/links", data={"csrf": csrf_of(listing), "reviewer": f"本人/{name}"}
    )
    return re.findall(r"/r/([A-Za-z0-9_\-]+)", made.text)[0]


def test_the_member_page_and_the_staff_page(
    bare_cycle: int, bare_portal: object, tmp_path: Path
) -> None:
    cycle_id = bare_cycle
    a, b, year = one_meeting(cycle_id)
    staff = staff_client(bare_portal)
    member = TestClient(bare_portal)  # type: ignore[arg-type]
    inbox = member.get(f"/r/{_link(staff, cycle_id, a.name)}").text
    assert 'href="/inbox/duties"' in inbox
    own = member.get("/inbox/duties").text
    assert f"{year} 年度履职积分：5 分" in own and "界别协商座谈会" in own
    assert "其他会议出席计 5 分" in own and "委员联络委" in own and "尚未申报" in own

    def claim(title: str, name: str, content: bytes, kind: str = "活动") -> str:
        page = member.get("/inbox/duties").text
        return member.post(
            "/inbox/duties",
            data={"csrf": csrf_of(page), "duty_kind": kind, "title": title,
                  "duty_on": f"{year}-05-20", "duty_role": "", "note": "见照片"},
            files={"file": (name, content, "application/octet-stream")},
        ).text  # fmt: skip

    done = claim("社区议事会", "现场照片.png", PNG)
    assert "已收到您的履职申报“社区议事会”" in done and "待审核" in done
    bad = claim("社区议事会", "照片.heic", b"ftypheic not an image")
    assert "照片.heic 不是 PDF、JPG 或 PNG 文件" in bad
    claim("助学活动", "通知.pdf", a_pdf(tmp_path / "n.pdf").read_bytes())
    with session_scope() as session:
        first, second = session.exec(select(DutyClaim.id).order_by(col(DutyClaim.id))).all()

    # Another member's link sees none of it and cannot decide; a body's link has no such page.
    other = TestClient(bare_portal)  # type: ignore[arg-type]
    other.get(f"/r/{_link(staff, cycle_id, b.name)}")
    theirs = other.get("/inbox/duties").text
    assert "社区议事会" not in theirs and "界别协商座谈会" not in theirs
    refused = other.post(f"/claims/{first}/accept", data={"csrf": csrf_of(theirs)})
    assert refused.url.path == "/login"
    assert other.get(f"/claims/{first}/evidence").url.path == "/login"
    _, body_token = new_link(cycle_id, "某单位")
    body = TestClient(bare_portal)  # type: ignore[arg-type]
    body.get(f"/r/{body_token}")
    assert body.get("/inbox/duties").status_code == 404

    # Staff see the queue, open the evidence, decline one (a reason needed) and accept one.
    queue = staff.get("/claims").text
    assert "2 件待审核" in queue and "社区议事会" in queue and a.name in queue
    assert staff.get(f"/claims/{first}/evidence").content == PNG
    empty = staff.post(f"/claims/{second}/decline", data={"csrf": csrf_of(queue), "reason": ""})
    assert "须写明理由" in empty.text
    staff.post(
        f"/claims/{second}/decline", data={"csrf": csrf_of(queue), "reason": "活动名单中没有本人"}
    )
    took = staff.post(f"/claims/{first}/accept", data={"csrf": csrf_of(queue)})
    assert f"计入履职记录 CL-{first}" in took.text
    twice = staff.post(f"/claims/{first}/accept", data={"csrf": csrf_of(queue)})
    assert "不能再次决定" in twice.text
    assert "没有待审核的履职申报" in twice.text

    # Staff enter a paper claim with its scan; a bad scan is refused naming it.
    listing = staff.get("/claims").text
    paper = {"csrf": csrf_of(listing), "cycle": str(cycle_id), "code": b.code,
             "duty_kind": "视察", "title": "食品安全视察", "duty_on": f"{year}-09-09",
             "duty_role": "", "note": "纸质申报"}  # fmt: skip
    wrong = staff.post("/claims/submit", data=paper, files={"file": ("扫描.tif", b"II*\x00")})
    assert "扫描.tif 不是 PDF、JPG 或 PNG 文件" in wrong.text
    entered = staff.post("/claims/submit", data=paper, files={"file": ("扫描.png", PNG)})
    assert f"已代录 {b.code} 的履职申报“食品安全视察”" in entered.text
    assert "1 件待审核" in entered.text and "工作人员代录" in entered.text

    # The member reads both decisions and the points with the accepted claim counted.
    own = member.get("/inbox/duties").text
    assert f"{year} 年度履职积分：7 分" in own and "活动每次计 2 分" in own
    accepted = re.search(rf'id="claim-{first}".*?</div>', own, re.S)
    declined = re.search(rf'id="claim-{second}".*?</div>', own, re.S)
    assert accepted is not None and "已采纳" in accepted.group(0)
    assert declined is not None and "未采纳" in declined.group(0)
    assert "活动名单中没有本人" in declined.group(0)
    with session_scope() as session:
        when = session.exec(select(DutyRecord.recorded_at).where(
            DutyRecord.record_key == f"CL-{first}")).one()  # fmt: skip
        assert isinstance(when, datetime)
        assert session.exec(select(Cycle.year)).one() == year
