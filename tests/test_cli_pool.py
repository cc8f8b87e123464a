"""`appraisal pool`: propose, decide (a change needs its reason), confirm, approve, list."""

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.db import session_scope
from appraisal.flows.runmode import plain_calls
from appraisal.flows.tasks import score_cycle
from appraisal.models import Person
from appraisal.models.vocab import Tier
from tests.cycle_helpers import import_pool

runner = CliRunner()


def test_the_adjustment_from_the_command_line(app_env: Path, tmp_path: Path) -> None:
    import_pool(tmp_path / "data", people=5)
    started = runner.invoke(app, ["cycle", "start", "--name", "试点", "--year", "2026",
                                  "--no-run", "--allow-missing"])  # fmt: skip
    assert started.exit_code == 0, started.output
    early = runner.invoke(app, ["pool", "propose", "试点"])
    assert early.exit_code == 1 and "尚无评价结果" in early.output
    with plain_calls():
        score_cycle(1)
    proposed = runner.invoke(app, ["pool", "propose", "试点"])
    assert proposed.exit_code == 0 and "建议保留" in proposed.output, proposed.output
    unknown = runner.invoke(app, ["pool", "decide", "试点", "P00004", "升级"])
    assert unknown.exit_code == 1 and "未知的调整“升级”" in unknown.output
    bare = runner.invoke(app, ["pool", "decide", "试点", "P00004", "出库"])
    assert bare.exit_code == 1 and "须写明理由" in bare.output
    left = runner.invoke(app, ["pool", "decide", "试点", "P00004", "出库", "--reason", "移居外地"])
    assert left.exit_code == 0 and "P00004" in left.output and "移居外地" in left.output
    refused = runner.invoke(app, ["pool", "approve", "试点"])
    assert refused.exit_code == 1 and "尚未决定" in refused.output
    assert "已按建议决定 3 人" in runner.invoke(app, ["pool", "confirm", "试点"]).output
    approved = runner.invoke(app, ["pool", "approve", "试点"])
    assert approved.exit_code == 0 and "出库 1 人" in approved.output, approved.output
    assert "滚动调整审批表.docx" in approved.output and "人才库名单.xlsx" in approved.output
    listed = runner.invoke(app, ["pool", "list", "1"])
    assert "已由 staff 审核批准" in listed.output and "待决定 0 人" in listed.output
    with session_scope() as session:
        assert session.exec(select(Person.tier).where(Person.code == "P00001")).one() is (
            Tier.PROMINENT
        )
    again = runner.invoke(app, ["pool", "approve", "试点"])
    assert again.exit_code == 0 and "本次变动 0 人" in again.output
