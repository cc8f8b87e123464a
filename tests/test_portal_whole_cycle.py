"""A whole small cycle run only through the browser, as staff and reviewers would: log in, upload
the roster (one error, fixed, uploaded again) and the records, start the cycle after its check
page, follow each stage, reviewers open their links on a phone and return signed documents and
their reply, a bulk waiver, advance through every stage, archive, download a dossier.

Staff work at 1280 px; each staff page is also opened at 390 px (a phone) in a second window and
must fit it; reviewers work at 390 px. Screenshots go to output/screenshots/cycle-*.png."""

import re
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.demo_data import write_demo_data
from appraisal.models.vocab import Role, Stage
from appraisal.settings import get_settings
from appraisal.simulate import eseal_return
from appraisal.stages import STAGE_NAMES
from appraisal.store.accounts import save_account
from tests.browser_helpers import SHOTS, chromium, served_portal, visit
from tests.cycle_helpers import YEAR, require_soffice, sqlite_only

pytestmark = pytest.mark.libreoffice
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STAFF, PASSWORD = "wang", "a long enough password"
APPROVER = "li"  # a 审核, who 审定 the grades
STAGE_WAIT = 420  # seconds a stage run may take on a loaded two-core machine
NAMES = {name: stage for stage, name in STAGE_NAMES.items()}


class Walk:
    """Staff's window at 1280 px and a phone-sized twin that follows it for screenshots."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        self.phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        self.shots = 0
        self.too_wide: list[str] = []

    def log_in(self) -> None:
        for tab in (self.page, self.phone):
            tab.goto(f"{self.base}/login")
            tab.fill('input[name="username"]', STAFF)
            tab.fill('input[name="password"]', PASSWORD)
            tab.click('button[type="submit"]')
            tab.wait_for_url(f"{self.base}/")

    def go(self, path: str) -> None:
        visit(self.page, f"{self.base}{path}")

    def shoot(self, name: str) -> None:
        """This page at 1280 px, and the same address at 390 px, which must fit the phone."""
        self.page.screenshot(path=str(SHOTS / f"cycle-{name}-1280.png"), full_page=True)
        visit(self.phone, self.page.url)
        self.phone.screenshot(path=str(SHOTS / f"cycle-{name}-390.png"), full_page=True)
        width = self.phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.too_wide.append(f"{name}: {width} px")
        self.shots += 2

    def current_stage(self) -> Stage:
        return NAMES[self.page.locator("#current-stage").inner_text().strip()]

    def wait_for_run(self, cycle_url: str, leaving: Stage | None) -> Stage:
        """Reload the cycle's page until the stage run has ended and moved the cycle on."""
        deadline = time.monotonic() + STAGE_WAIT
        while True:
            self.go(cycle_url)
            running = self.page.locator(".badge.running").count() > 0
            stage = self.current_stage()
            if not running and stage != leaving:
                return stage
            assert time.monotonic() < deadline, f"the run after {leaving} took over {STAGE_WAIT} s"
            time.sleep(3)


def _roster_with_an_error(roster: Path, out: Path) -> Path:
    book = openpyxl.load_workbook(roster)
    book["花名册"]["C3"] = "男性"  # 性别 must be 男 or 女
    book.save(out)
    return out


def _upload(walk: Walk, form: str, path: Path) -> None:
    walk.page.locator(f'form[action="{form}"] input[type="file"]').set_input_files(str(path))
    walk.page.locator(f'form[action="{form}"] button[type="submit"]').click()


def _link_for(walk: Walk, cycle_url: str, reviewer: str) -> str:
    walk.go(cycle_url)
    walk.page.select_option('select[name="reviewer"]', reviewer)
    walk.page.get_by_role("button", name="生成链接").click()
    shown = walk.page.locator(".flash.link").inner_text()
    found = re.search(r"(http://\S+/r/\S+)", shown)
    assert found, shown
    return found.group(1)


def _reviewers(walk: Walk) -> list[str]:
    return [
        value
        for value in walk.page.locator('select[name="reviewer"] option').evaluate_all(
            "options => options.map(o => o.value)"
        )
        if value
    ]


def _return_on_a_phone(
    browser: Any, link: str, folder: Path, seed: int, *, reply: str | None = None
) -> int:
    """A reviewer opens their link on a phone, downloads each document still owed, seals it and
    uploads it; a 征求意见函 is answered. Returns how many were returned."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    inbox = context.new_page()
    inbox.goto(link)
    inbox.wait_for_url(re.compile(r".*/inbox$"))
    returned = 0
    for card in inbox.locator("section.doc").all():
        if card.locator(".status").inner_text().strip() != "待签署回传":
            continue
        doc_id = (card.get_attribute("id") or "").removeprefix("doc-")
        with inbox.expect_download() as info:
            card.get_by_text("下载 PDF").click()
        plain = folder / f"{doc_id}.pdf"
        info.value.save_as(plain)
        sealed = eseal_return(plain, folder / f"sealed-{doc_id}.pdf", seed=seed, seal_text="审核")
        card = inbox.locator(f"#doc-{doc_id}")
        card.locator('input[type="file"]').set_input_files(str(sealed))
        card.get_by_role("button", name="上传").click()
        inbox.locator(".flash.ok").wait_for()
        returned += 1
        if reply is not None and inbox.locator(f"#doc-{doc_id} form.reply").count():
            card = inbox.locator(f"#doc-{doc_id}")
            card.locator(f'input[name="answer"][value="{reply}"]').check()
            card.get_by_role("button", name="提交意见").click()
            inbox.locator(".flash.ok").wait_for()
    assert inbox.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    inbox.screenshot(path=str(SHOTS / f"cycle-inbox-{seed}-390.png"), full_page=True)
    context.close()
    return returned


def _waive_everything_owed(walk: Walk, cycle_url: str, name: str) -> int:
    walk.go(f"{cycle_url}/outstanding")
    boxes = walk.page.locator('#waive-form input[name="doc"]')
    count = boxes.count()
    if count == 0:
        return 0
    for box in boxes.all():
        box.check()
    walk.page.fill('#waive-form input[name="reason"]', "原件已当面交回，见收件登记簿")
    walk.shoot(f"{name}-waive")
    walk.page.locator("#waive-selected").click()
    walk.page.locator(".flash.ok").wait_for()
    return count


def _approve_in_the_browser(walk: Walk, browser: Any, cycle_url: str) -> None:
    walk.go(f"{cycle_url}/approval")
    assert walk.page.locator("#confirm-grades").count() == 0  # a 经办 sees no 审定 button
    walk.shoot("approval-clerk")
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    page.goto(f"{walk.base}/login")
    page.fill('input[name="username"]', APPROVER)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{walk.base}/")
    page.goto(f"{walk.base}{cycle_url}/approval")
    page.locator("#confirm-grades").click()
    page.locator(".flash.ok").wait_for()
    page.screenshot(path=str(SHOTS / "cycle-approval-1280.png"), full_page=True)
    page.context.close()


@sqlite_only
def test_a_whole_cycle_in_the_browser(app_env: Path, harness_api: str, tmp_path: Path) -> None:
    require_soffice()
    get_settings.cache_clear()
    from appraisal.db import session_scope

    with session_scope() as session:
        save_account(session, STAFF, password=PASSWORD, role=Role.CLERK)
        save_account(session, APPROVER, password=PASSWORD, role=Role.APPROVER)
    # Four people: a cycle started over "all" leaves the 名人 out, so three are appraised.
    roster, records = write_demo_data(tmp_path / "data", people=4, seed=11, year=YEAR)
    wrong = _roster_with_an_error(roster, tmp_path / "花名册-有误.xlsx")
    folder = tmp_path / "reviewer"
    folder.mkdir()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_portal() as base, chromium() as browser:
        walk = Walk(browser, base)
        walk.log_in()
        walk.shoot("cycles-empty")

        # The roster: refused with its error in a table, nothing imported; then fixed.
        walk.go("/imports")
        _upload(walk, "/imports/roster", wrong)
        errors = walk.page.locator("table.issues")
        assert "性别" in errors.inner_text() and "3" in errors.inner_text()
        walk.shoot("roster-error")
        walk.go("/people")
        assert "王娟颖" not in walk.page.content()
        walk.go("/imports")
        _upload(walk, "/imports/roster", roster)
        walk.page.get_by_text("新增 4 人").wait_for()
        walk.go("/imports")
        _upload(walk, "/imports/records", records)
        walk.page.locator("#import-done, #import-issues").first.wait_for()
        assert walk.page.locator("#import-done").count(), walk.page.locator("main").inner_text()
        walk.shoot("records-imported")
        walk.go("/people")
        assert walk.page.locator("table tbody tr").count() == 4
        walk.shoot("people")

        # Start: the check page first, then the cycle, with 动员部署 (the 工作通知 and 实施方案 to
        # the default scheme's nominating bodies) running in its process.
        walk.go("/cycles/new")
        walk.page.fill('input[name="name"]', f"{YEAR}年度党外代表人士综合评价")
        walk.page.fill('input[name="year"]', str(YEAR))
        walk.page.get_by_role("button", name="检查数据").click()
        walk.shoot("start-check")
        if walk.page.locator('input[name="allow_missing"]').count():
            walk.page.check('input[name="allow_missing"]')
        walk.page.get_by_role("button", name="启动周期").click()
        walk.page.wait_for_url(re.compile(r".*/cycles/\d+$"))
        cycle_url = walk.page.url.removeprefix(base)
        stage = walk.wait_for_run(cycle_url, None)
        assert stage == Stage.MOBILIZATION
        walk.shoot("mobilization")

        # Every stage: reviewers return on their phones where a reviewer signs, staff waive the
        # rest at once, then advance; until the cycle is done.
        seed = 0
        seen: list[Stage] = []
        waived = returned = 0
        while stage != Stage.DONE:
            seen.append(stage)
            assert len(seen) <= len(STAGE_NAMES), seen
            walk.go(cycle_url)
            if stage in (Stage.NOMINATION, Stage.SOLICITATION):
                for reviewer in _reviewers(walk)[:2]:
                    link = _link_for(walk, cycle_url, reviewer)
                    seed += 1
                    returned += _return_on_a_phone(
                        browser, link, folder, seed,
                        reply="无异议" if stage == Stage.SOLICITATION else None,
                    )  # fmt: skip
            if stage == Stage.APPROVAL:  # the 审核 审定 every grade; the 经办 may not
                _approve_in_the_browser(walk, browser, cycle_url)
            else:
                waived += _waive_everything_owed(walk, cycle_url, stage.value)
            walk.go(cycle_url)
            walk.shoot(f"{stage.value}-gate")
            if stage == Stage.ARCHIVE:  # sealing is its own step
                walk.page.locator("#archive").click()
            else:
                advance = walk.page.locator("#advance")
                assert advance.is_enabled(), walk.page.locator("#explained").inner_text()
                advance.click()
            walk.page.locator(".flash").first.wait_for()
            stage = walk.wait_for_run(cycle_url, stage)
        assert seen[:3] == [Stage.MOBILIZATION, Stage.NOMINATION, Stage.ASSESSMENT]
        assert Stage.ARCHIVE in seen
        assert returned >= 2 and waived >= 1
        walk.shoot("done")

        # The archive: each dossier is a link named by the person, and downloads as 编号 姓名.pdf.
        dossier = walk.page.locator("#dossiers a").first
        label = dossier.inner_text().strip()
        assert re.fullmatch(r"P\d+ \S+", label), label
        with walk.page.expect_download() as info:
            dossier.click()
        saved = tmp_path / "dossier.pdf"
        info.value.save_as(saved)
        assert info.value.suggested_filename == f"{label}.pdf"
        assert saved.read_bytes().startswith(b"%PDF")
        walk.go("/")
        walk.shoot("cycles-done")
    assert not walk.too_wide, walk.too_wide
    assert walk.shots >= 20
