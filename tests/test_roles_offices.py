"""Roles and offices: every staff route tried as each role and from another office.

The routes are read from the application itself, so a page added later is tried too; a route
with a path parameter this file has no value for fails the test until one is given."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from appraisal.db import session_scope
from appraisal.models import Cycle, Office, Person
from appraisal.models.vocab import DutyKind, Role
from appraisal.roles import Action, allows
from appraisal.store.accounts import AccountError, accounts, save_account
from appraisal.store.claims import submit_claim
from appraisal.store.cycles import get_cycle
from appraisal.store.figures import add_activity, add_figure, add_site
from appraisal.store.offices import add_office, issuing_office, offices_below
from appraisal.store.talks import add_talk, parse_talk
from tests.portal_helpers import csrf_of, log_in, new_link, stored_state

PASSWORD = "a long enough password"
PUBLIC = ("/login", "/logout")
REVIEWER_PAGES = (  # a reviewer's link opens these, not a login
    "appraisal.portal.inbox",
    "appraisal.portal.body_nominations",
    "appraisal.portal.own_report",
    "appraisal.portal.own_duties",
    "appraisal.portal.own_cadre",
)
# Pages that need more than reading (经办 or 管理员), whatever their method.
MANAGE_PREFIX = "/admin"
# Pages that are a step of an action (a confirmation, a form that starts something): 经办's.
# Path parameters that name something an office owns: another office's value is a 404.
OWNED = (
    "cycle_id", "link_id", "code", "document_id", "event_id", "figure_id", "claim_id",
    "duty_event_id",
)  # fmt: skip
RUN_PAGES = {"/links/{link_id}/revoke", "/cycles/new"}
# What only a 审核 user (or an administrator) may do: approving the pool adjustment, and 审定
# (a 经办 is refused it).
# Recording duties through the year (登记, or 经办 and 管理员): a 登记 account's scope decides the
# kinds (tests/test_duty_recording.py).
RECORD_PAGES = {
    "/duties/events",
    "/duties/events/{duty_event_id}/attendance",
    "/duties/events/{duty_event_id}/outcome",
    "/duties/proposals",
    "/duties/proposals/new",
}
APPROVE_PAGES = {
    "/cycles/{cycle_id}/pool/approve",
    "/cycles/{cycle_id}/approval/grade",
    "/cycles/{cycle_id}/approval/confirm",
}


def api_routes(routes: list[object]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI 0.150+ wraps included routers
            yield from api_routes(route.original_router.routes)


def staff_routes(app: object) -> Iterator[tuple[str, str]]:
    for route in api_routes(app.routes):  # type: ignore[attr-defined]
        if route.path in PUBLIC or route.endpoint.__module__ in REVIEWER_PAGES:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path


def filled(path: str, values: dict[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"{path}: give tests/test_roles_offices.py a value for {{{name}}}")
        return str(values[name])

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def client_for(app: object, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)  # type: ignore[arg-type]
    landed = log_in(client, username, PASSWORD)
    assert landed.url.path == "/", landed.text
    return client, csrf_of(landed.text)


@pytest.fixture
def offices(bare_cycle: int) -> dict[str, int]:
    """本单位 → 甲区 and 乙区; the cycle and its people belong to 甲区."""
    with session_scope() as session:
        a = add_office(session, name="甲区委统战部", contact="王老师", phone="1234")
        b = add_office(session, name="乙区委统战部")
        ids = {"root": 1, "a": a.id or 0, "b": b.id or 0}
        cycle = session.get(Cycle, bare_cycle)
        assert cycle is not None
        cycle.office_id = ids["a"]
        session.add(cycle)
        for person in session.exec(select(Person)):
            person.office_id = ids["a"]
            session.add(person)
        for role in Role:
            save_account(session, f"a-{role.name.lower()}", password=PASSWORD, role=role,
                         office_id=ids["a"])  # fmt: skip
        save_account(session, "b-admin", password=PASSWORD, role=Role.ADMIN, office_id=ids["b"])
        save_account(session, "root-reader", password=PASSWORD, role=Role.READER, office_id=1)
    return ids


def values_for(cycle_id: int) -> dict[str, object]:
    link_id, _ = new_link(cycle_id, "某单位")
    with session_scope() as session:
        code = session.exec(select(Person.code).order_by(Person.code)).first()
        # A figure of the cycle's office (甲区), with a site and an activity.
        office_id = session.exec(select(Cycle.office_id).where(Cycle.id == cycle_id)).one()
        figure = add_figure(session, values={"姓名": "王伯谦"}, actor="t", office_id=office_id)
        figure_id = figure.figure.id or 0
        site = add_site(session, figure_id=figure_id, kind="纪念馆", name="王伯谦纪念馆", actor="t")
        activity = add_activity(session, figure_id=figure_id, held_on="2024.10", kind="展览",
                                summary="生平展", actor="t")  # fmt: skip
        site_id, activity_id = site.id, activity.id
        talk = add_talk(session, code=code or "", actor="t",
                        talk=parse_talk("2026-03-15", "日常谈心", "李明", "谈心"))  # fmt: skip
        talk_id = talk.id
        claim_id = _claim(session, cycle_id, code or "")
    return {
        "claim_id": claim_id,
        "talk_id": talk_id,
        "figure_id": figure_id,
        "site_id": site_id,
        "activity_id": activity_id,
        "cycle_id": cycle_id,
        "link_id": link_id,
        "event_id": 1,
        "duty_event_id": 1,
        "entry_id": 1,
        "code": code,
        "document_id": "NM-0001",
        "decision": "accept",
        "kind": "roster",
        "report_id": 1,
        "section": "summary",
    }


def _claim(session: Session, cycle_id: int, code: str) -> int:
    """A pending 履职申报 of the cycle's office (甲区), with its evidence."""
    evidence = Path(str(tmp_output())).parent / "申报材料.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    claim = submit_claim(
        session, cycle=get_cycle(session, cycle_id), code=code, kind=DutyKind.ACTIVITY,
        title="活动", held_on=None, role=None, note="", source=evidence, file_name="照片.png",
        actor="t", by_link=True,
    )  # fmt: skip
    return claim.id or 0


def test_the_role_table() -> None:
    assert all(allows(Role.ADMIN, action) for action in Action)
    assert allows(Role.CLERK, Action.RUN) and not allows(Role.CLERK, Action.MANAGE)
    assert allows(Role.APPROVER, Action.APPROVE) and not allows(Role.APPROVER, Action.RUN)
    assert [a for a in Action if allows(Role.READER, a)] == [Action.READ]
    assert [a for a in Action if allows(Role.RECORDER, a)] == [Action.READ, Action.RECORD]
    assert allows(Role.CLERK, Action.RECORD) and not allows(Role.APPROVER, Action.RECORD)


def test_an_office_sees_itself_and_everything_below_it() -> None:
    tree = [Office(id=1, name="市"), Office(id=2, name="甲", parent_id=1),
            Office(id=3, name="乙", parent_id=1), Office(id=4, name="甲一", parent_id=2),
            Office(id=5, name="环", parent_id=6), Office(id=6, name="路", parent_id=5)]  # fmt: skip
    assert offices_below(tree, 1) == {1, 2, 3, 4}
    assert offices_below(tree, 2) == {2, 4}
    assert offices_below(tree, 4) == {4}
    assert offices_below(tree, 5) == {5, 6}  # a loop in bad data ends


def test_every_staff_route_as_each_role(
    bare_cycle: int, bare_portal: object, offices: dict[str, int]
) -> None:
    values = values_for(bare_cycle)
    routes = list(staff_routes(bare_portal))
    assert len(routes) >= 10, routes
    before = stored_state(tmp_output())
    for role in Role:
        client, csrf = client_for(bare_portal, f"a-{role.name.lower()}")
        for method, path in routes:
            needed = (
                Action.MANAGE
                if path.startswith(MANAGE_PREFIX)
                else Action.APPROVE
                if path in APPROVE_PAGES
                else Action.RECORD
                if path in RECORD_PAGES
                else Action.READ
                if method == "GET" and path not in RUN_PAGES
                else Action.RUN
            )
            if method == "POST" and role in (Role.CLERK, Role.ADMIN) and allows(role, needed):
                continue  # they may: their POSTs are tried in the tests of each page
            url = filled(path, values)
            answer = client.request(method, url, data={"csrf": csrf}, follow_redirects=False)
            if allows(role, needed):
                assert answer.status_code != 403, (role, method, path, answer.text[:300])
            else:
                assert answer.status_code == 403, (role, method, path, answer.status_code)
                assert f"您的角色是“{role.value}”" in answer.text
    assert stored_state(tmp_output()) == before


def test_every_staff_route_from_another_office(
    bare_cycle: int, bare_portal: object, offices: dict[str, int]
) -> None:
    values = values_for(bare_cycle)
    before = stored_state(tmp_output())
    stranger, csrf = client_for(bare_portal, "b-admin")
    with session_scope() as session:
        cycle_name = session.exec(select(Cycle.name)).one()
        person = session.exec(select(Person)).first()
        assert person is not None
    tried = 0
    for method, path in staff_routes(bare_portal):
        if not any(f"{{{name}" in path for name in OWNED):
            continue
        answer = stranger.request(
            method, filled(path, values), data={"csrf": csrf}, follow_redirects=False
        )
        assert answer.status_code == 404, (method, path, answer.status_code, answer.text[:300])
        tried += 1
    assert tried >= 8
    for method, path in staff_routes(bare_portal):
        if "{" in path or method != "GET" or path in RUN_PAGES:
            continue
        page = stranger.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert cycle_name not in page.text and person.name not in page.text, path
    assert stored_state(tmp_output()) == before
    # The parent office sees its child's cycle; the child office its own.
    for username in ("root-reader", "a-reader"):
        client, _ = client_for(bare_portal, username)
        assert cycle_name in client.get("/").text
        assert client.get(f"/cycles/{bare_cycle}").status_code == 200


def test_administrators_manage_accounts_of_their_offices_only(
    bare_cycle: int, bare_portal: object, offices: dict[str, int]
) -> None:
    admin, csrf = client_for(bare_portal, "a-admin")
    page = admin.get("/admin").text
    assert "a-clerk" in page and "b-admin" not in page and "乙区委统战部" not in page
    made = admin.post(
        "/admin/accounts",
        data={
            "csrf": csrf,
            "username": "a-new",
            "password": PASSWORD,
            "role": "只读",
            "office_id": offices["a"],
        },
    )
    assert "账户 a-new 已保存：只读，甲区委统战部" in made.text
    refused = admin.post(
        "/admin/accounts",
        data={
            "csrf": csrf,
            "username": "sneaky",
            "password": PASSWORD,
            "role": "管理员",
            "office_id": offices["b"],
        },
    )
    assert "只能把账户设在本单位或下级单位" in refused.text
    taken = admin.post(
        "/admin/accounts", data={"csrf": csrf, "username": "b-admin", "role": "只读"}
    )
    assert "属于其他单位" in taken.text
    with session_scope() as session:
        names = {row.username: row for row in accounts(session)}
    assert "sneaky" not in names and names["b-admin"].role == Role.ADMIN
    assert names["a-new"].role == Role.READER
    # A changed role takes effect at once: the account's sessions end.
    clerk, _ = client_for(bare_portal, "a-clerk")
    admin.post("/admin/accounts", data={"csrf": csrf, "username": "a-clerk", "role": "只读"})
    assert clerk.get("/", follow_redirects=False).headers["location"] == "/login"
    with session_scope() as session, pytest.raises(AccountError, match="新建账户需要设置密码"):
        save_account(session, "nobody", role=Role.CLERK)


def tmp_output() -> object:
    from appraisal.settings import get_settings

    return get_settings().output_dir


def test_a_cycle_of_a_sub_office_prints_that_office_and_its_nearest_contact(
    offices: dict[str, int],
) -> None:
    configured = {"name": "中共某市委统战部", "number_prefix": "统战评", "contact": "综合组",
                  "phone": "0000"}  # fmt: skip
    with session_scope() as session:
        below = add_office(session, name="甲区某街道统战办", parent="甲区委统战部")
        assert below.id is not None
        own = issuing_office(session, offices["a"], **configured)
        inherited = issuing_office(session, below.id, **configured)
        top = issuing_office(session, offices["root"], **configured)
        bare = issuing_office(session, offices["b"], **configured)
    assert own == {**configured, "name": "甲区委统战部", "contact": "王老师", "phone": "1234"}
    assert inherited == {**own, "name": "甲区某街道统战办"}
    assert top == configured
    assert bare == {**configured, "name": "乙区委统战部"}  # no contact of its own or above
