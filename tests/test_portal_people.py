"""Staff pages over the pool: roster and records upload (all or nothing, errors in Chinese in a
table), the person list and a person's page, and starting a cycle after its check page; each
kept to the staff member's office."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sheetbuilders import person, roster_file, write_xlsx
from sqlmodel import col, func, select

from appraisal.db import session_scope
from appraisal.models import AuditEntry, Cycle, CycleMember, Person
from appraisal.models.vocab import Role
from appraisal.person_fields import ROSTER_FIELDS
from appraisal.portal import launcher
from appraisal.store.accounts import save_account
from appraisal.store.offices import add_office
from tests.cycle_helpers import import_pool
from tests.portal_helpers import PASSWORD, STAFF, csrf_of, log_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _account(username: str, office: str = "", role: Role = Role.CLERK) -> None:
    """A staff account in `office` (made under the top office if new), or in the top office."""
    with session_scope() as session:
        office_id = add_office(session, name=office).id if office else None
        save_account(session, username, password=PASSWORD, role=role, office_id=office_id)


def _client(app: object, username: str = STAFF) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert log_in(client, username, PASSWORD).url.path == "/"
    return client


@pytest.fixture
def portal(app_env: Path) -> object:
    from appraisal.portal.app import create_app

    _account(STAFF)
    return create_app()


def _upload(client: TestClient, kind: str, path: Path, **data: str) -> str:
    page = client.get("/imports")
    files = {"file": (path.name, path.read_bytes(), XLSX)}
    answer = client.post(f"/imports/{kind}", data={"csrf": csrf_of(page.text), **data},
                         files=files)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.text


def _people() -> dict[str, tuple[str, int]]:
    with session_scope() as session:
        return {p.code: (p.name, p.office_id) for p in session.exec(select(Person))}


def test_a_roster_with_one_error_imports_nothing_and_once_fixed_imports_everyone(
    portal: object, tmp_path: Path
) -> None:
    client = _client(portal)
    bad = roster_file(
        tmp_path / "花名册.xlsx", [person("P001"), person("P002", "李四", tier="精 英x")]
    )
    text = _upload(client, "roster", bad)
    assert "发现 1 处问题，未导入任何数据" in text
    assert "<th>表</th><th>行</th><th>列</th><th>原因</th>" in text
    assert "<td>花名册</td>" in text and '梯队<span class="cell">（I3）</span>' in text
    assert "“精英x”不在可选值中：名人、代表人士、精英" in text
    assert _people() == {}  # the clean row P001 waits for the whole file

    good = roster_file(tmp_path / "花名册.xlsx", [person("P001"), person("P002", "李四")])
    text = _upload(client, "roster", good)
    assert "已导入 花名册.xlsx" in text and "新增 2 人、更新 0 人、未变 0 人" in text
    assert _people() == {"P001": ("张三", 1), "P002": ("李四", 1)}

    moved = roster_file(tmp_path / "花名册.xlsx", [person("P001", employer="滨江医院 院长")])
    assert "新增 0 人、更新 1 人、未变 0 人" in _upload(client, "roster", moved)


def test_records_upload_names_unknown_people_and_imports_once_clean(
    portal: object, tmp_path: Path
) -> None:
    client = _client(portal)
    _upload(client, "roster", roster_file(tmp_path / "r.xlsx", [person("P001")]))
    header = ["编号", "姓名", "年度", "得分", "考核人", "备注"]
    wrong = write_xlsx(tmp_path / "考核.xlsx", {"组织考核": [header, ["P001", "张三", None, 91,
                       "考核组", ""], ["P404", "无名", None, 80, "考核组", ""]]})  # fmt: skip
    text = _upload(client, "records", wrong, year="2026")
    assert (
        "未导入任何数据" in text
        and "编号 P404 不在花名册中" in text
        and "<td>组织考核</td>" in text
    )
    bad_year = _upload(client, "records", wrong, year="12")
    assert "年度须为 1900 到 2100 之间的整数" in bad_year
    fixed = write_xlsx(tmp_path / "考核.xlsx", {"组织考核": [header, ["P001", "张三", None, 91,
                       "考核组", ""]]})  # fmt: skip
    text = _upload(client, "records", fixed, year="2026")
    assert "已导入 考核.xlsx" in text and '<td>组织考核</td><td class="num">1</td>' in text


def test_the_blank_templates_download_from_the_page(portal: object) -> None:
    client = _client(portal)
    page = client.get("/imports")
    assert "/imports/templates/roster.xlsx" in page.text
    for kind in ("roster", "records"):
        answer = client.get(f"/imports/templates/{kind}.xlsx")
        assert answer.status_code == 200 and answer.content[:2] == b"PK"
        assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    assert client.get("/imports/templates/other.xlsx").status_code == 404


def test_a_reader_may_look_but_not_upload(portal: object, tmp_path: Path) -> None:
    _account("reader", role=Role.READER)
    client = _client(portal, "reader")
    page = client.get("/imports")
    assert page.status_code == 200 and 'action="/imports/roster"' not in page.text
    path = roster_file(tmp_path / "r.xlsx", [person("P001")])
    refused = client.post("/imports/roster", data={"csrf": csrf_of(page.text)},
                          files={"file": ("r.xlsx", path.read_bytes(), XLSX)})  # fmt: skip
    assert refused.status_code == 403 and _people() == {}
    assert client.get("/cycles/new").status_code == 403


def test_another_office_neither_sees_nor_overwrites_our_people(
    portal: object, tmp_path: Path
) -> None:
    ours = _client(portal)
    _upload(ours, "roster", roster_file(tmp_path / "r.xlsx", [person("P001")]))
    _account("bob", office="西区统战部")
    theirs = _client(portal, "bob")
    text = _upload(theirs, "roster", roster_file(tmp_path / "r.xlsx",
                   [person("P009", "赵六"), person("P001", "冒名")]))  # fmt: skip
    assert "编号 P001 是其他单位的人员" in text and "未导入任何数据" in text
    assert '<td class="num">3</td>' in text  # the row named
    assert _people() == {"P001": ("张三", 1)}
    _upload(theirs, "roster", roster_file(tmp_path / "r.xlsx", [person("P009", "赵六")]))
    west = _people()["P009"][1]
    assert west != 1

    listed = theirs.get("/people").text
    assert "P009" in listed and "P001" not in listed
    assert theirs.get("/people/P001").status_code == 404
    assert theirs.get("/people?q=张三").text.count("/people/P001") == 0
    # The parent office sees its child's people.
    assert "P009" in ours.get("/people").text and ours.get("/people/P009").status_code == 200


@pytest.fixture
def pool(portal: object, tmp_path: Path) -> TestClient:
    client = _client(portal)
    rows = [
        person("P001", "张三", tier="精英", employer="滨江大学 教授"),
        person("P002", "李四", tier="代表人士", employer="滨江医院 主任"),
        person("P003", "张小明", tier="精英", employer="绿源农业公司 总经理"),
    ]
    rows[2][6] = "经济界"  # 界别
    _upload(client, "roster", roster_file(tmp_path / "r.xlsx", rows))
    return client


def _listed(client: TestClient, query: str) -> list[str]:
    text = client.get(f"/people?{query}").text
    return [code for code in ("P001", "P002", "P003") if f'/people/{code}"' in text]


def test_people_search_and_filters(pool: TestClient) -> None:
    assert _listed(pool, "") == ["P001", "P002", "P003"]
    assert _listed(pool, "q=张") == ["P001", "P003"]
    assert _listed(pool, "q=P002") == ["P002"]
    assert _listed(pool, "tier=精英") == ["P001", "P003"]
    assert _listed(pool, "sector=经济界") == ["P003"]
    assert _listed(pool, "unit=滨江") == ["P001", "P002"]
    assert _listed(pool, "q=张&tier=代表人士") == []
    assert _listed(pool, "q=%25") == []  # a % is a character, not a wildcard
    page = pool.get("/people?sector=经济界").text
    assert "符合条件的 1 人" in page and "<option selected>经济界</option>" in page


def test_people_pages_past_fifty(portal: object, tmp_path: Path) -> None:
    client = _client(portal)
    rows = [person(f"P{n:03d}", f"人员{n}") for n in range(1, 56)]
    _upload(client, "roster", roster_file(tmp_path / "r.xlsx", rows))
    first = client.get("/people").text
    assert "共 55 人，第 1 / 2 页" in first and '/people/P050"' in first
    assert '/people/P051"' not in first and 'href="/people?page=2"' in first
    second = client.get("/people?page=2").text
    assert '/people/P055"' in second and '/people/P001"' not in second


def test_a_person_page_shows_every_field_the_pool_stays_and_the_changes(
    pool: TestClient, tmp_path: Path
) -> None:
    moved = person("P001", "张三", tier="代表人士", employer="滨江大学 副校长")
    _upload(pool, "roster", roster_file(tmp_path / "r2.xlsx", [moved]))
    page = pool.get("/people/P001")
    assert page.status_code == 200
    for f in ROSTER_FIELDS:
        assert f.roster is not None and f"<dt>{f.roster.header}</dt>" in page.text
    assert "<dd>1975.03</dd>" in page.text  # a birth month without an invented day
    assert "名册导入：梯队调整" in page.text and "在库" in page.text
    changed = '<td>职务</td><td class="wrap">教授</td><td class="wrap">副校长</td>'

    assert changed in page.text
    assert "r2.xlsx 第2行" in page.text and "<td>alice</td>" in page.text
    assert "尚未参加考核周期" in page.text
    assert pool.get("/people/P999").status_code == 404


@pytest.fixture
def started_runs() -> Iterator[list[int]]:
    """Stage runs the launcher started: stopped at the end (the test only needs them started)."""
    ids: list[int] = []
    yield ids
    for cycle_id in ids:
        proc = launcher._running.get(cycle_id)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_starting_a_cycle_shows_who_lacks_what_and_starts_only_when_confirmed(
    portal: object, tmp_path: Path, started_runs: list[int]
) -> None:
    import_pool(tmp_path / "data", people=3)
    client = _client(portal)
    _upload(client, "roster", roster_file(tmp_path / "r.xlsx", [person("Q001", "钱七")]))
    _account("bob", office="西区统战部")
    _upload(_client(portal, "bob"), "roster", roster_file(tmp_path / "r.xlsx",
            [person("W001", "吴八")]))  # fmt: skip

    form = client.get("/cycles/new")
    assert form.status_code == 200 and "检查数据" in form.text
    data = {"csrf": csrf_of(form.text), "kind": "党外综合评价", "name": "2026年度测试",
            "year": "2026", "scheme": "default", "who": "all", "tier": "精英",
            "codes": ""}  # fmt: skip
    check = client.post("/cycles/new/check", data=data)
    assert check.status_code == 200
    # The parent office's pool includes its child's; the 名人 P00001 is left out unless named.
    assert "共 4 人" in check.text
    assert "Q001" in check.text and "钱七" in check.text and "缺少组织考核得分" in check.text
    assert 'name="allow_missing"' in check.text

    refused = client.post("/cycles/new/start", data=data)
    assert "请勾选" in refused.text
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Cycle)).one() == 0

    done = client.post("/cycles/new/start", data={**data, "allow_missing": "yes"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    with session_scope() as session:
        cycle = session.exec(select(Cycle)).one()
        assert cycle.id is not None
        started_runs.append(cycle.id)
        members = session.exec(
            select(Person.code).join(CycleMember, col(CycleMember.person_id) == col(Person.id))
        ).all()
        missing = session.exec(
            select(AuditEntry).where(AuditEntry.field == "started with missing inputs")
        ).one()
    assert done.headers["location"] == f"/cycles/{cycle.id}"
    assert cycle.office_id == 1 and len(members) == 4
    assert missing.actor == "staff:alice" and "Q001" in (missing.after or "")
    assert launcher.is_running(cycle.id)  # the first stage runs in its own process
    board = client.get(f"/cycles/{cycle.id}")
    assert "“2026年度测试”已启动" in board.text


def test_an_office_starts_cycles_over_its_own_people_only(portal: object, tmp_path: Path) -> None:
    import_pool(tmp_path / "data", people=3)  # the top office's
    _account("bob", office="西区统战部")
    bob = _client(portal, "bob")
    form = bob.get("/cycles/new")
    data = {"csrf": csrf_of(form.text), "kind": "党外综合评价", "name": "西区2026",
            "year": "2026", "scheme": "default", "who": "codes", "tier": "精英",
            "codes": "P00001"}  # fmt: skip
    check = bob.post("/cycles/new/check", data=data)
    assert check.status_code == 400 and "不在本单位当前人员库中：P00001" in check.text
    empty = bob.post("/cycles/new/check", data={**data, "who": "all"})
    assert "没有选中任何人" in empty.text
    blank = bob.post("/cycles/new/check", data={**data, "name": " ", "who": "codes", "codes": ""})
    assert "请填写周期名称" in blank.text and "请填写参加人员的编号" in blank.text


def test_a_person_page_lists_the_cycles_they_are_in(
    bare_cycle: int, bare_portal: object, app_env: Path
) -> None:
    from appraisal.models import Result
    from appraisal.models.vocab import Band, Grade

    with session_scope() as session:
        pid = session.exec(select(Person.id).where(Person.code == "P00001")).one()
        session.add(Result(cycle_id=bare_cycle, person_id=pid, points=80.0, org_score=90.0,
                           appraisal_score=88.0, composite=87.25, grade=Grade.COMPETENT,
                           band=Band.A))  # fmt: skip
    client = _client(bare_portal)
    page = client.get("/people/P00001").text
    assert f'<a href="/cycles/{bare_cycle}">测试周期</a>' in page
    assert "87.25" in page and "<td>称职</td>" in page and "<td>A</td>" in page
    _account("bob", office="西区统战部")
    assert _client(bare_portal, "bob").get("/people/P00001").status_code == 404


def test_a_cppcc_cycle_starts_on_its_own_scheme_over_everyone_without_a_tier(
    portal: object, tmp_path: Path, started_runs: list[int]
) -> None:
    """The start page with no scheme chosen: the kind's own (appraisal/kinds.py); a 政协年度履职
    cycle covers the roster, the 名人 too, and its members have no 十百千 tier."""
    import_pool(tmp_path / "data", people=3)
    client = _client(portal)
    form = client.get("/cycles/new")
    assert "政协年度履职：政协委员年度履职评价" in form.text and "按考核类型" in form.text
    data = {"csrf": csrf_of(form.text), "kind": "政协年度履职", "name": "2026年度政协委员履职",
            "year": "2026", "scheme": "", "who": "all", "tier": "精英", "codes": ""}  # fmt: skip
    check = client.post("/cycles/new/check", data=data)
    assert check.status_code == 200 and "本单位名册全部人员（不看梯队），共 3 人" in check.text
    assert "缺少组织考核得分" not in check.text  # the CPPCC scheme grades on points alone
    done = client.post("/cycles/new/start", data={**data, "allow_missing": "yes"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    with session_scope() as session:
        cycle = session.exec(select(Cycle)).one()
        assert cycle.id is not None
        tiers = session.exec(select(CycleMember.tier)).all()
    assert cycle.scheme_name.startswith("政协委员年度履职积分方案") and cycle.stage == "evaluation"
    assert len(tiers) == 3 and set(tiers) == {None}
    # Opened for the year: nothing runs until staff advance it at the year's end.
    page = client.get(f"/cycles/{cycle.id}").text
    assert "已开放" in page and "年终点“推进”开始综合评价" in page, page
    assert "正在生成" not in page
