"""A nominating body's 提名推荐 pages, through the real portal: it proposes a new person and
someone on the roster with its link, sees the checks, corrects and withdraws while 待定, cannot
touch what staff decided, uploads its own workbook; another body's link, another kind of link,
an expired link and a form without its token change nothing."""

from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, Nomination, Person
from appraisal.models.vocab import NominationStatus, Stage
from appraisal.store.cycles import get_cycle, set_stage
from tests.portal_helpers import csrf_of, new_link, staff_client

A, B = "民盟滨江市委", "滨江市工商联"
PAGE = "/inbox/nominations"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW = {
    "body_kind": "民主党派", "name": "林晓", "gender": "女", "ethnicity": "汉族",
    "birth_date": "1988.05", "party": "民盟盟员", "category": "民主党派成员",
    "employer": "滨江大学", "post": "化学系副教授", "tier": "精英",
    "reason": "长期从事教学科研，积极参政议政。",
    "start": ["2010.07", "2016.01"], "end": ["2015.12", ""],
    "line": ["滨江大学化学系讲师", "滨江大学化学系副教授"],
}  # fmt: skip


def _open(app: object, token: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert client.get(f"/r/{token}").url.path == "/inbox"
    return client


def _post(client: TestClient, path: str, data: dict[str, object]) -> Response:
    csrf = csrf_of(client.get(PAGE).text)
    return client.post(path, data={"csrf": csrf, **data})


def _rows() -> list[Nomination]:
    with session_scope() as session:
        return list(session.exec(select(Nomination).order_by(Nomination.id)))  # type: ignore[arg-type]


def _someone() -> Person:
    with session_scope() as session:
        return session.exec(select(Person).order_by(Person.code)).first()  # type: ignore[return-value]


def _workbook(path: Path, body: str, second_body: str | None = None) -> bytes:
    from appraisal.sheets.nominations import write_nomination_template

    write_nomination_template(path)
    book = load_workbook(path)
    person = ["女", "汉族", "1988.05", "民盟盟员", "民主党派成员", "教育", "滨江大学", "副教授"]
    book["推荐人选"].append(["1", body, "非公经济", None, "林晓", *person, None, None, None,
                          "精英", "服务民营企业技术攻关"])  # fmt: skip
    if second_body:
        book["推荐人选"].append(["2", second_body, "民主党派", None, "周敏", *person, None,
                              None, None, "精英", "推荐"])  # fmt: skip
    book.save(path)
    return path.read_bytes()


def _upload(client: TestClient, content: bytes) -> Response:
    csrf = csrf_of(client.get(PAGE).text)
    files = {"file": ("本单位推荐.xlsx", content, XLSX)}
    return client.post(f"{PAGE}/import", data={"csrf": csrf}, files=files)


def test_a_body_nominates_through_its_link(
    bare_cycle: int, bare_portal: object, tmp_path: Path
) -> None:
    _, token_a = new_link(bare_cycle, A)
    _, token_b = new_link(bare_cycle, B)
    body_a, body_b = _open(bare_portal, token_a), _open(bare_portal, token_b)
    inbox = body_a.get("/inbox").text
    assert 'href="/inbox/nominations"' in inbox and "进入提名推荐" in inbox
    shown = body_a.get(PAGE)
    assert (
        shown.status_code == 200
        and "推荐新人选" in shown.text
        and "推荐人才库中的人选" in shown.text
    )

    # A bad form is refused with the workbook's words, naming the field; what was typed stays.
    bad = _post(body_a, PAGE, {**NEW, "birth_date": "", "post": "很" * 200})
    assert bad.status_code == 400
    text = bad.text
    assert "职务：太长：200 个字符，最多 128 个" in text
    assert 'value="林晓"' in text and "滨江大学化学系副教授" in text
    assert _rows() == []
    bad_line = _post(body_a, PAGE, {**NEW, "end": ["2009.12", ""]})
    assert "简历第1条 截止年月：截止年月 2009-12-01 早于起始年月 2010-07-01" in bad_line.text

    # A new person, with 简历; the body is the link's, whatever the form says.
    done = _post(body_a, PAGE, {**NEW, "body": B})
    assert "已提交第" in done.text
    [made] = _rows()
    assert (made.body, made.source, made.status) == (A, "网上提交", NominationStatus.PENDING)
    assert [c["text"] for c in made.career] == NEW["line"]
    # The same candidate again: no second row.
    again = _post(body_a, PAGE, NEW)
    assert "此前已提交，内容未变" in again.text and len(_rows()) == 1
    with session_scope() as session:
        audit = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "nomination", AuditEntry.field == "recorded"
            )
        ).one()
    assert audit.actor == f"reviewer:推荐单位/{A}" and audit.reason == "网上提交"

    # Someone on the roster: 编号 and 姓名 must be one person's, else nothing is said of the 编号.
    person = _someone()
    pool = {"body_kind": "民主党派", "person_code": person.code, "tier": "代表人士",
            "reason": "在界别群众中有较好影响"}  # fmt: skip
    wrong = _post(body_a, PAGE, {**pool, "name": "无此人"})
    assert wrong.status_code == 400
    assert f"名册中没有编号为 {person.code}、姓名为 无此人 的人员" in wrong.text
    unknown = _post(body_a, PAGE, {**pool, "person_code": "NO-SUCH", "name": "无此人"})
    assert "名册中没有编号为 NO-SUCH、姓名为 无此人 的人员" in unknown.text
    _post(body_a, PAGE, {**pool, "name": person.name})
    listed = body_a.get(PAGE).text
    ours = [n for n in _rows() if n.person_code == person.code]
    assert len(ours) == 1 and ours[0].body == A
    assert "提示：已在人才库中" in listed or "提示：已是本轮评价对象" in listed
    assert "已在人才库（" not in listed  # the tier held is staff's to see

    # Body B proposes the same newcomer with its own workbook; a row for another body refuses
    # the whole file, naming the row.
    mixed = _upload(body_b, _workbook(tmp_path / "mixed.xlsx", B, second_body=A))
    assert mixed.status_code == 400
    assert "未导入任何数据" in mixed.text and f"推荐单位“{A}”不是本单位（{B}）" in mixed.text
    assert '<td class="num">4</td>' in mixed.text
    assert len(_rows()) == 2
    fine = _upload(body_b, _workbook(tmp_path / "fine.xlsx", B))
    assert "新增 1 条" in fine.text
    from_b = next(n for n in _rows() if n.body == B)
    assert from_b.source == "本单位推荐.xlsx 第3行"
    # A learns that someone else nominated its candidate, not who.
    listed = body_a.get(PAGE).text
    assert "另有其他推荐单位推荐" in listed and B not in listed
    assert body_a.get(f"{PAGE}/{from_b.id}").status_code == 404

    # B cannot change or withdraw A's nomination.
    refused = _post(body_b, f"{PAGE}/{made.id}/withdraw", {})
    assert f"本单位没有第{made.id}号推荐" in refused.text
    refused = _post(body_b, f"{PAGE}/{made.id}", {**NEW, "reason": "改掉"})
    assert refused.status_code == 404
    assert next(n for n in _rows() if n.id == made.id).reason == NEW["reason"]

    # A corrects its nomination while 待定, then withdraws the roster one.
    form = body_a.get(f"{PAGE}/{made.id}").text
    assert "修改第" in form and 'value="1988.05"' in form and 'value="2010.07"' in form
    fixed = _post(body_a, f"{PAGE}/{made.id}", {**NEW, "reason": "主持国家自然科学基金项目。"})
    assert "已修改第" in fixed.text
    assert next(n for n in _rows() if n.id == made.id).reason == "主持国家自然科学基金项目。"
    gone = _post(body_a, f"{PAGE}/{ours[0].id}/withdraw", {})
    assert "已撤回" in gone.text and all(n.id != ours[0].id for n in _rows())
    with session_scope() as session:
        withdrawn = session.exec(select(AuditEntry).where(AuditEntry.field == "withdrawn")).one()
    assert withdrawn.actor == f"reviewer:推荐单位/{A}" and person.name in (withdrawn.before or "")

    # Staff see both, marked by where they came from, and accept the newcomer (with B's).
    staff = staff_client(bare_portal)
    page = f"/cycles/{bare_cycle}/nominations"
    staff_view = staff.get(page).text
    assert "网上提交" in staff_view and "表格导入" in staff_view
    csrf = csrf_of(staff_view)
    staff.post(f"{page}/decide", data={"csrf": csrf, "nomination": str(made.id),
                                       "decision": "采纳"})  # fmt: skip
    assert {n.status for n in _rows()} == {NominationStatus.ACCEPTED}

    # Decided: no more changes, by form, by workbook or by withdrawal.
    listed = body_a.get(PAGE).text
    assert "采纳" in listed and f'href="{PAGE}/{made.id}"' not in listed
    late = _post(body_a, f"{PAGE}/{made.id}", {**NEW, "reason": "再改"})
    assert "已采纳，不能再修改" in late.text and "保存修改" not in late.text
    late = _post(body_a, f"{PAGE}/{made.id}/withdraw", {})
    assert "已采纳，不能再撤回" in late.text
    resent = _post(body_a, PAGE, {**NEW, "reason": "再改"})
    assert "已采纳，不能再修改" in resent.text
    assert next(n for n in _rows() if n.id == made.id).reason == "主持国家自然科学基金项目。"

    # Once the assessment starts, the page only shows what was nominated.
    csrf = csrf_of(body_a.get(PAGE).text)
    with session_scope() as session:
        set_stage(session, get_cycle(session, bare_cycle), Stage.ASSESSMENT, actor="test",
                  reason="test")  # fmt: skip
    closed = body_a.get(PAGE).text
    assert "提名推荐已结束" in closed and "推荐新人选" not in closed
    after = body_a.post(PAGE, data={"csrf": csrf, **NEW, "name": "王新"})
    assert after.status_code == 400 and "已过提名推荐阶段" in after.text
    assert "王新" not in {n.name for n in _rows()}


def test_other_links_get_no_nomination_page(bare_cycle: int, bare_portal: object) -> None:
    _, assessor = new_link(bare_cycle, "张测评", "测评人")
    other = _open(bare_portal, assessor)
    assert "提名推荐" not in other.get("/inbox").text
    assert other.get(PAGE).status_code == 404
    csrf = csrf_of(other.get("/inbox").text) if 'name="csrf"' in other.get("/inbox").text else ""
    assert other.post(PAGE, data={"csrf": csrf, **NEW}).status_code == 404
    assert _rows() == []

    _, expired = new_link(bare_cycle, A, expired=True)
    stale = TestClient(bare_portal)  # type: ignore[arg-type]
    assert stale.get(f"/r/{expired}").status_code == 403
    assert stale.get(PAGE).status_code == 403
    assert stale.post(PAGE, data=NEW).status_code == 403

    # A body's form without the session's token is refused.
    _, token = new_link(bare_cycle, A)
    body = _open(bare_portal, token)
    assert body.post(PAGE, data={"csrf": "forged", **NEW}).status_code == 403
    assert body.post(f"{PAGE}/import", data={"csrf": "forged"}).status_code == 403
    assert _rows() == []
    template = body.get(f"{PAGE}/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
