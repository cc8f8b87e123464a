"""The portal in a real browser (Debian's chromium driven by Playwright): reviewers open their
links, download and return their documents, and staff watch the gate open and advance the stage.
Screenshots of the inbox and the dashboard are saved under output/screenshots/."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appraisal.paths import located
from appraisal.settings import get_settings
from appraisal.simulate import eseal_return
from tests.browser_helpers import SHOTS, chromium, served_portal, visit
from tests.cycle_helpers import sqlite_only
from tests.portal_helpers import PASSWORD, STAFF, PortalCycle, new_link, nomination_cycle

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def cycle(app_env: Path, harness_api: str, tmp_path: Path) -> PortalCycle:
    get_settings.cache_clear()
    return nomination_cycle(app_env, tmp_path / "data", people=3)


@pytest.fixture
def server(cycle: PortalCycle) -> Iterator[str]:
    with served_portal() as base:
        yield base


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def _returned(page: object, stage: str) -> int:
    return int(page.locator(f'tr[data-stage="{stage}"] td.returned').inner_text())  # type: ignore[attr-defined]


@sqlite_only
def test_reviewers_return_and_staff_advance(
    cycle: PortalCycle, server: str, browser: object, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    staff = browser.new_page(viewport={"width": 1200, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    staff.goto(f"{server}/cycles/{cycle.cycle_id}")
    expect(staff).to_have_url(f"{server}/login")
    staff.fill('input[name="username"]', STAFF)
    staff.fill('input[name="password"]', PASSWORD)
    staff.click('button[type="submit"]')
    staff.goto(f"{server}/cycles/{cycle.cycle_id}")
    assert _returned(staff, "nomination") == 0
    expect(staff.locator("#advance")).to_be_disabled()
    expect(staff.locator('tr[data-stage="nomination"] td.gate')).to_have_text("等待回传")

    for n, (kind, name) in enumerate(cycle.reviewers()):
        _, token = new_link(cycle.cycle_id, name, kind)
        context = browser.new_context(  # type: ignore[attr-defined]
            accept_downloads=True, viewport={"width": 1000, "height": 800}, locale="zh-CN"
        )
        inbox = context.new_page()
        inbox.goto(f"{server}/r/{token}")
        expect(inbox).to_have_url(f"{server}/inbox")
        for doc in cycle.docs_of(name):
            card = inbox.locator(f"#doc-{doc.id}")
            expect(card.locator(".status")).to_have_text("待签署回传")
            with inbox.expect_download() as info:
                card.get_by_text("下载 PDF").click()
            downloaded = tmp_path / f"{doc.id}.pdf"
            info.value.save_as(downloaded)
            assert downloaded.read_bytes() == located(doc.pdf_path).read_bytes()
            if n == 0:
                inbox.screenshot(path=str(SHOTS / "inbox-before.png"), full_page=True)
                # The download sent back as it is, unsigned, is refused and the reason shown.
                card.locator('input[type="file"]').set_input_files(str(downloaded))
                card.get_by_role("button", name="上传").click()
                expect(inbox.locator(".flash.error")).to_contain_text("没有签字或盖章")
                card = inbox.locator(f"#doc-{doc.id}")
            sealed = eseal_return(downloaded, tmp_path / f"sealed-{doc.id}.pdf", seed=n,
                                  seal_text=name)  # fmt: skip
            card.locator('input[type="file"]').set_input_files(str(sealed))
            card.get_by_role("button", name="上传").click()
            expect(inbox.locator(".flash.ok")).to_contain_text("已收到")
            expect(inbox.locator(f"#doc-{doc.id} .status")).to_have_text("已回传")
        expect(inbox.locator("#owed")).to_have_text("全部文件已回传，谢谢")
        if n == 0:
            inbox.screenshot(path=str(SHOTS / "inbox.png"), full_page=True)
        context.close()
        visit(staff, staff.url)
        assert _returned(staff, "nomination") == sum(
            len(cycle.docs_of(r)) for _, r in cycle.reviewers()[: n + 1]
        )

    expect(staff.locator('tr[data-stage="nomination"] td.gate')).to_have_text("已开启")
    expect(staff.locator("#advance")).to_be_enabled()
    staff.screenshot(path=str(SHOTS / "dashboard-gate-open.png"), full_page=True)
    staff.click("#advance")
    expect(staff.locator(".flash")).to_contain_text("已开始运行下一阶段")
    # The stage runs in its own process (Prefect, LibreOffice); the page only reads the database.
    generated = staff.locator('tr[data-stage="assessment"] td').nth(1)
    deadline = time.monotonic() + 300
    while staff.locator(".badge.running").count() or generated.inner_text() == "0":
        assert time.monotonic() < deadline, "the assessment stage did not finish in 5 minutes"
        time.sleep(3)
        visit(staff, staff.url)
    expect(staff.locator("#current-stage")).to_have_text("组织考核")
    expect(staff.locator('tr[data-stage="assessment"] td.gate')).to_have_text("等待回传")
    staff.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
