"""The staff CLI for cycles: start, list, status and advance, through Typer's runner."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.settings import get_settings
from tests.cycle_helpers import import_pool

runner = CliRunner()


@pytest.fixture
def pool(app_env: Path, tmp_path: Path) -> Path:
    import_pool(tmp_path / "data", people=3)
    return app_env


def _start(*extra: str) -> object:
    args = ["cycle", "start", "--name", "试点", "--year", "2026", "--no-run", *extra]
    return runner.invoke(app, args)


def test_start_list_status(pool: Path) -> None:
    result = _start()
    assert result.exit_code == 0, result.output
    assert "已启动第1号考核周期" in result.output
    listed = json.loads(runner.invoke(app, ["cycle", "list", "--json"]).output)
    # A new cycle starts at 动员部署.
    assert [(c["id"], c["name"], c["stage"]) for c in listed] == [(1, "试点", "mobilization")]
    status = runner.invoke(app, ["cycle", "status", "试点", "--json"])
    data = json.loads(status.output)
    assert [s["stage"] for s in data["stages"]][:3] == ["mobilization", "nomination", "assessment"]
    assert data["stages"][0]["generated"] == 0 and not data["stages"][0]["gate_open"]
    table = runner.invoke(app, ["cycle", "status", "1"])
    assert table.exit_code == 0 and "动员部署" in table.output and "闸门" in table.output


def test_start_refuses_bad_input(pool: Path) -> None:
    assert _start().exit_code == 0
    # The same name for another cycle is refused (the same start again resumes it instead).
    again = runner.invoke(app, ["cycle", "start", "--name", "试点", "--year", "2025", "--no-run"])
    assert again.exit_code == 1 and "已有名为“试点”的考核周期" in again.output
    result = runner.invoke(app, ["cycle", "start", "--name", "B", "--year", "2026",
                                 "--people", "tier:不存在", "--no-run"])  # fmt: skip
    assert result.exit_code == 1 and "没有梯队“不存在”" in result.output
    result = runner.invoke(app, ["cycle", "status", "no-such-cycle"])
    assert result.exit_code == 1 and "错误：没有考核周期“no-such-cycle”" in result.output


def test_a_broken_template_stops_the_cycle_before_it_starts(
    pool: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.render.manifest import default_templates_dir
    from appraisal.render.prepared import PreparedTemplate  # noqa: F401  (renderer present)

    staff = tmp_path / "staff-templates"
    staff.mkdir()
    src = default_templates_dir() / "推荐表.docx"
    broken = staff / "推荐表.docx"
    shutil.copy(src, broken)
    _replace_in_docx(broken, "{{ 姓名 }}", "{{ 姓名 }}{{ 未知字段 }}")
    monkeypatch.setenv("APPRAISAL_TEMPLATES_DIR", str(staff))
    get_settings.cache_clear()
    result = _start()
    assert result.exit_code == 1
    assert "未知字段" in result.output and "nomination_form" in result.output
    listed = json.loads(runner.invoke(app, ["cycle", "list", "--json"]).output)
    assert listed == []


def test_a_template_the_sandbox_refuses_stops_check_and_start(
    pool: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appraisal.render.manifest import default_templates_dir

    staff = tmp_path / "staff-templates"
    staff.mkdir()
    hostile = staff / "推荐表.docx"
    shutil.copy(default_templates_dir() / "推荐表.docx", hostile)
    _replace_in_docx(hostile, "{{ 姓名 }}", "{{ 姓名.__class__.__mro__ }}")
    monkeypatch.setenv("APPRAISAL_TEMPLATES_DIR", str(staff))
    get_settings.cache_clear()
    checked = runner.invoke(app, ["templates", "check"])
    assert checked.exit_code == 1
    assert "nomination_form" in checked.output and "'__class__'" in checked.output
    assert "表达式：{{ 姓名.__class__.__mro__ }}） / refused by the sandbox" in checked.output
    result = _start()
    assert result.exit_code == 1 and "文书模板有问题，周期未启动" in result.output
    assert "Traceback" not in result.output
    assert json.loads(runner.invoke(app, ["cycle", "list", "--json"]).output) == []


def _replace_in_docx(path: Path, old: str, new: str) -> None:
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    xml = dict((i.filename, d) for i, d in items)["word/document.xml"].decode()
    assert old in xml, f"{old} not found as one run in the template"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "word/document.xml":
                data = xml.replace(old, new, 1).encode()
            zout.writestr(info, data)


def test_start_a_cppcc_cycle_on_its_own_scheme_and_stages(pool: Path) -> None:
    result = _start("--kind", "政协年度履职", "--allow-missing")
    assert result.exit_code == 0, result.output
    (cycle,) = json.loads(runner.invoke(app, ["cycle", "list", "--json"]).output)
    # Opened for the year, not run: departments record and members claim until `advance`.
    assert "周期已开放" in result.output and "已运行" not in result.output, result.output
    assert cycle["kind"] == "政协年度履职" and cycle["stage"] == "evaluation"
    assert cycle["scheme"].startswith("政协委员年度履职积分方案")
    data = json.loads(runner.invoke(app, ["cycle", "status", "1", "--json"]).output)
    # Only its own working stages: no 动员部署, 提名推荐, 组织考核 or 征求意见.
    assert [s["stage"] for s in data["stages"]] == ["evaluation", "approval", "notification"]
