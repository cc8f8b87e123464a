"""The 年度考核登记表 in the portal: staff see every cadre's sections and enter the 主管领导评语
and the 考核委员会意见; the cadre writes the 个人总结 and, once graded, the 本人意见 through their
own link; a change without a reason is refused and nothing is lost."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from appraisal.db import session_scope
from appraisal.models import CadreRegistration
from appraisal.models.vocab import Grade
from appraisal.store.accounts import save_account
from tests.portal_helpers import PASSWORD, STAFF, csrf_of, new_link, staff_client
from tests.test_cadre import _cadre_cycle, _give_result


@pytest.fixture
def cadre_portal(app_env: Path, tmp_path: Path) -> tuple[object, int]:
    from appraisal.portal.app import create_app

    cycle_id = _cadre_cycle(tmp_path)
    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD)
    return create_app(), cycle_id


def test_staff_enter_the_opinions_and_the_cadre_writes_their_own(
    cadre_portal: tuple[object, int],
) -> None:
    app, cycle_id = cadre_portal
    client = staff_client(app)
    listing = client.get(f"/cycles/{cycle_id}/cadre")
    assert listing.status_code == 200 and 'id="cadre-G001"' in listing.text
    assert "平时工作 60%" in listing.text and "个人总结 0/3" in listing.text
    page = client.get(f"/cycles/{cycle_id}/cadre/G001")
    csrf = csrf_of(page.text)
    said = client.post(f"/cycles/{cycle_id}/cadre/G001/comment", data={
        "csrf": csrf, "text": "工作扎实。", "leader": "陈局长", "grade": "优秀"})  # fmt: skip
    assert "已记录 G001 的主管领导评语" in said.text
    rated = {"csrf": csrf, "text": "同意。", "rating-平时工作": "95"}
    said = client.post(f"/cycles/{cycle_id}/cadre/G001/committee",
                       data={**rated, "rating-专项工作": "abc"})  # fmt: skip
    assert "专项工作 评分应为 0 到 100 的数" in said.text
    said = client.post(f"/cycles/{cycle_id}/cadre/G001/committee",
                       data={**rated, "rating-专项工作": "90"})  # fmt: skip
    assert "已记录 G001 的考核委员会意见" in said.text and 'value="95"' in said.text
    again = client.post(f"/cycles/{cycle_id}/cadre/G001/comment", data={
        "csrf": csrf, "text": "改写。", "leader": "陈局长", "grade": "称职"})  # fmt: skip
    assert "修改须说明依据" in again.text

    # The cadre's own link: the summary now, the opinion once there is a grade.
    _, token = new_link(cycle_id, "王强", kind="本人")
    own = TestClient(app)  # type: ignore[arg-type]
    inbox = own.get(f"/r/{token}", follow_redirects=True)
    assert 'href="/inbox/cadre"' in inbox.text
    form = own.get("/inbox/cadre")
    assert form.status_code == 200 and "填写个人总结" in form.text
    assert 'action="/inbox/cadre/opinion"' not in form.text
    sent = own.post("/inbox/cadre/summary", data={"csrf": csrf_of(form.text),
                                                  "text": "全年完成预算编制。"})  # fmt: skip
    assert "已收到您的个人总结" in sent.text and "个人总结已提交" in sent.text
    _give_result(cycle_id, "G001", Grade.EXCELLENT)
    form = own.get("/inbox/cadre")
    assert "纳入选拔任用范围" in form.text
    sent = own.post("/inbox/cadre/opinion", data={"csrf": csrf_of(form.text), "agree": "不同意",
                                                  "text": ""})  # fmt: skip
    assert "本人意见 必填" in sent.text
    sent = own.post("/inbox/cadre/opinion", data={"csrf": csrf_of(form.text), "agree": "同意"})
    assert "已收到您的本人意见" in sent.text
    with session_scope() as session:
        row = session.exec(select(CadreRegistration)).one()
        assert row.summary == "全年完成预算编制。" and row.summary_channel == "本人链接"
        assert row.agrees is True and row.comment == "工作扎实。"
    listing = client.get(f"/cycles/{cycle_id}/cadre")
    assert "个人总结 1/3" in listing.text and "本人意见 1/3" in listing.text


def test_a_non_cadre_link_or_cycle_has_no_registration_page(bare_portal: object,
                                                           bare_cycle: int) -> None:  # fmt: skip
    client = staff_client(bare_portal)
    assert client.get(f"/cycles/{bare_cycle}/cadre").status_code == 404
    _, token = new_link(bare_cycle, "某单位")
    body = TestClient(bare_portal)  # type: ignore[arg-type]
    body.get(f"/r/{token}")
    assert body.get("/inbox/cadre").status_code == 404
