"""The scheme file: the default loads and holds the brief's rules; every mistake is named by key."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from appraisal.cli import app
from appraisal.models.vocab import FindingCategory, FindingEffect, Grade
from appraisal.scheme import Scheme, SchemeError, default_scheme_path, load_scheme, parse_scheme

DEFAULT_TEXT = default_scheme_path().read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(text, "edited.toml")
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def _edit(old: str, new: str) -> str:
    assert DEFAULT_TEXT.count(old) == 1, f"{old!r} must occur once in the default scheme"
    return DEFAULT_TEXT.replace(old, new)


def test_default_scheme_holds_the_briefs_rules() -> None:
    scheme = load_scheme(default_scheme_path())
    assert scheme.name and scheme.version
    caps = {name: float(c.cap) for name, c in scheme.points.categories.items()}
    assert caps == {"meetings": 50, "proposals": 25, "activities": 10, "reports": 15, "bonus": 20}
    w = scheme.composite.weights
    assert (float(w.org), float(w.appraisal), float(w.points)) == (0.4, 0.3, 0.3)
    assert [(g.grade, float(g.min)) for g in scheme.grades] == [
        (Grade.EXCELLENT, 90),
        (Grade.COMPETENT, 70),
        (Grade.BASIC, 60),
        (Grade.INCOMPETENT, 0),
    ]
    # The 党外 scale: the four grades a ballot offers, and no 良好 anywhere in the default.
    assert Grade.GOOD not in [g.grade for g in scheme.grades]
    assert "良好" not in DEFAULT_TEXT
    assert (scheme.quota.scope, scheme.quota.at_least_one_from) == ("本周期", 5)
    assert {b.band: float(b.min) for b in scheme.bands} == {"A": 85, "B": 60, "C": 0}
    assert str(scheme.ballots.pass_share) == "2/3" and str(scheme.ballots.fail_share) == "1/3"
    assert scheme.recipients.solicitation.always == ["纪委监委", "组织部", "所在单位党组织"]
    assert len(scheme.recipients.solicitation.private_sector) == 8
    assert scheme.recipients.notification == [
        "本人",
        "所在单位",
        "所在党派或界别",
        "组织部",
        "统战部",
    ]


def test_default_negative_list_codes_and_effects() -> None:
    items = {i.code: i for i in load_scheme(default_scheme_path()).negative_list.items}
    expected = (
        [f"P{n:02}" for n in range(1, 11)]
        + [f"D{n:02}" for n in range(1, 16)]
        + [f"J{n:02}" for n in range(1, 16)]
        + [f"Z{n:02}" for n in range(1, 11)]
    )
    assert sorted(items) == sorted(expected)
    prefix = {"P": "政治立场", "D": "履职尽责", "J": "遵规守纪", "Z": "作风形象"}
    for code, item in items.items():
        assert item.category == FindingCategory(prefix[code[0]]), code
        if item.effect is FindingEffect.DEDUCTION:
            assert item.deduction is not None and 2 <= item.deduction <= 10, code
    assert all(items[c].effect is FindingEffect.VETO for c in expected[:10])
    assert items["J01"].text == "立案审查" and items["J01"].effect is FindingEffect.VETO
    assert items["D03"].effect is FindingEffect.DEDUCTION
    assert items["Z02"].effect is FindingEffect.DEDUCTION
    # An open case, a sanction in force, a violation of law, unpaid taxes, a dishonesty record.
    for code in ("J01", "J02", "J03", "J05", "J06"):
        assert items[code].effect is FindingEffect.VETO, code


def test_scheme_is_reproducible_from_its_text_alone() -> None:
    scheme = load_scheme(default_scheme_path())
    again = parse_scheme(scheme.text, "cycle.scheme_toml")
    assert isinstance(again, Scheme)
    assert again == scheme
    assert again.sha256 == scheme.sha256 and len(scheme.sha256) == 64
    assert scheme.text == DEFAULT_TEXT


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ('"出席" = 50', '"出度" = 50', "points.kinds.全会.attendance.出度", "未知的键"),
        ('[points.kinds."发言"]', '[points.kinds."演讲"]', "points.kinds.演讲", "未知的键"),
        ("excellent_percent = 15", "excellent_pct = 15", "quota.excellent_pct", "未知的键"),
        ("excellent_percent = 15", "excellent_pct = 15", "quota.excellent_percent", "缺少"),
        ("org = 0.4", "org = 0.5", "composite.weights", "权重之和须为 1"),
        ("min = 85", "min = 60", "bands", "区间重叠"),
        ('grade = "不称职"\nmin = 0', 'grade = "不称职"\nmin = 10', "grades", "min = 0"),
        ('{ code = "P02"', '{ code = "P01"', "negative_list.items.1.code", "P01 与第 0 项重复"),
        (
            'deduction = 3, text = "全年未报送',
            'deduction = 30, text = "全年未报送',
            "negative_list.items.12.deduction",
            "（D03）",
        ),
        (
            'effect = "否决", text = "立案审查"',
            'effect = "否", text = "立案审查"',
            "negative_list.items.25.effect",
            "（J01）",
        ),
        (
            'effect = "否决", text = "立案审查"',
            'effect = "否决", deduction = 5, text = "立案审查"',
            "negative_list.items.25.deduction",
            "否决事项不设扣分",
        ),
        (
            '{ code = "P03", category = "政治立场", effect = "否决"',
            '{ code = "P03", category = "政治立场", effect = "扣分", deduction = 5',
            "negative_list.items.2.effect",
            "都须为否决",
        ),
        ('quorum = "1/2"', 'quorum = "1/0"', "ballots.quorum", "比例"),
        ('pass_share = "2/3"', "pass_share = 1.5", "ballots.pass_share", "0 到 1 之间"),
        ('"不称职" = 0\n', '"不称职" = 0\n"弃权" = 0\n', "ballots.values.弃权", "弃权票"),
        (
            'category = "activities"\nbase = 2\n\n[points.kinds."调研"]',
            'category = "activity"\nbase = 2\n\n[points.kinds."调研"]',
            "points.kinds.活动.category",
            "未知的类别",
        ),
        ("archive = 30", "", "deadlines", "archive"),
        ("nomination = 15", "nomination = 0", "deadlines.nomination", "greater than or equal to 1"),
        ('"联名" = 0.5', "", "points.roles", "联名"),
        (
            'normalise = "cap"',
            'normalise = "squash"',
            "points.normalise",
            "'cap', 'scale' or 'base'",
        ),
        ('cap_grade = "基本称职"', 'cap_grade = "一般"', "ballots.cap_grade", "应为"),
        ('scope = "本周期"', 'scope = "单位"', "quota.scope", "'工作单位'"),
        (
            "at_least_one_from = 5",
            "at_least_one_from = -1",
            "quota.at_least_one_from",
            "大于或等于 0",
        ),
    ],
)
def test_each_mistake_is_named_by_its_key(old: str, new: str, key: str, words: str) -> None:
    problems = _problems(_edit(old, new))
    hits = [p for p in problems if p.startswith(f"方案 edited.toml：字段 {key}：")]
    assert hits, problems
    assert any(words in p for p in hits), hits


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            "org = 0.4",
            'org = "x"',
            "方案 edited.toml：字段 composite.weights.org：应为数字 / "
            "Input should be a valid decimal",
        ),
        (
            "nomination = 15",
            "nomination = 0",
            "方案 edited.toml：字段 deadlines.nomination：应为大于或等于 1 的数 / "
            "Input should be greater than or equal to 1",
        ),
        (
            'normalise = "cap"',
            'normalise = "squash"',
            "方案 edited.toml：字段 points.normalise：应为以下之一（'cap'、'scale'、'base'） / "
            "Input should be 'cap', 'scale' or 'base'",
        ),
        (
            "excellent_percent = 15",
            "excellent_pct = 15",
            "方案 edited.toml：字段 quota.excellent_percent：缺少：这一项必须填写 / Field required",
        ),
        (
            "decimals = 2",
            "decimals = 2.5",
            "方案 edited.toml：字段 decimals：应为整数，不能带小数 / "
            "Input should be a valid integer, got a number with a fractional part",
        ),
    ],
)
def test_pydantic_complaints_read_in_chinese_first(old: str, new: str, line: str) -> None:
    from appraisal.portal.web import chinese_part

    assert line in _problems(_edit(old, new))
    # The portal shows the part before the gloss: it must be found, and be the whole Chinese.
    assert chinese_part(line) == line.split(" / ")[0]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('cap_grade = "基本称职"', 'cap_grade = "良好"', "ballots.cap_grade"),
        ('fail_grade = "不称职"', 'fail_grade = "良好"', "ballots.fail_grade"),
        ('"基本称职" = "B"', '"良好" = "B"', "band_caps.良好"),
        ('grade = "不称职"\nband = "C"', 'grade = "良好"\nband = "C"', "veto.grade"),
        ('leave_grades = ["不称职"]', 'leave_grades = ["不称职", "良好"]', "pool.leave_grades"),
        ('promote_grades = ["优秀"]', 'promote_grades = ["良好"]', "pool.adjust.promote_grades"),
        ('demote_grades = ["基本称职"]', 'demote_grades = ["良好"]', "pool.adjust.demote_grades"),
    ],
)
def test_rules_may_only_name_grades_of_the_scale(old: str, new: str, key: str) -> None:
    assert (
        f"方案 edited.toml：字段 {key}：“良好”不在本方案的等次（grades）中；"
        "可选：优秀、称职、基本称职、不称职 / not a grade of this scheme"
    ) in _problems(_edit(old, new))


def test_a_scale_without_the_ballot_cap_grade_is_refused() -> None:
    # Dropping 基本称职 from the scale leaves the ballot cap, the band cap and the pool rule
    # naming it: all three are refused together.
    text = _edit('[[grades]]\ngrade = "基本称职"\nmin = 60\n\n', "")
    keys = [p.split("：")[1].removeprefix("字段 ") for p in _problems(text)]
    assert keys == ["ballots.cap_grade", "band_caps.基本称职", "pool.adjust.demote_grades"]


def test_cli_check_refuses_a_grade_outside_the_scale(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(_edit('cap_grade = "基本称职"', 'cap_grade = "良好"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["scheme", "check", str(bad)])
    assert result.exit_code != 0
    assert "字段 ballots.cap_grade：“良好”不在本方案的等次（grades）中" in result.output


def test_all_cross_field_problems_are_listed_together() -> None:
    text = _edit("org = 0.4", "org = 0.5").replace('{ code = "P02"', '{ code = "P01"')
    problems = _problems(text)
    assert len(problems) == 2
    assert {p.split("：")[1].removeprefix("字段 ") for p in problems} == {
        "composite.weights",
        "negative_list.items.1.code",
    }


def test_toml_syntax_error_names_line_and_column() -> None:
    text = _edit("decimals = 2", "decimals = ")
    line = DEFAULT_TEXT.splitlines().index("decimals = 2") + 1
    (problem,) = _problems(text)
    assert problem.startswith(f"方案 edited.toml：第 {line} 行第 12 列：TOML 语法错误 / ")


def test_toml_repeated_key_is_a_syntax_error_with_its_line() -> None:
    (problem,) = _problems(_edit('version = "2026.1"', 'version = "2026.1"\nname = "again"'))
    line = DEFAULT_TEXT.splitlines().index('version = "2026.1"') + 2
    assert problem.startswith(f"方案 edited.toml：第 {line} 行第 "), problem


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match=r"方案 .*missing\.toml：文件不存在 / no such file"):
        load_scheme(tmp_path / "missing.toml")
    latin = tmp_path / "gbk.toml"
    latin.write_bytes('name = "默认"'.encode("gbk"))
    with pytest.raises(SchemeError, match=r"方案 .*gbk\.toml：第 \d+ 字节不是 UTF-8"):
        load_scheme(latin)


def test_byte_order_mark_from_windows_editors_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + DEFAULT_TEXT.encode("utf-8"))
    assert load_scheme(path).sha256 == load_scheme(default_scheme_path()).sha256


def test_cli_check_ok_and_problems(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["scheme", "check", str(default_scheme_path())])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.stdout and "默认方案" in ok.stdout and "2026.1" in ok.stdout

    bad = tmp_path / "bad.toml"
    bad.write_text(_edit("org = 0.4", "org = 0.5").replace('"P02"', '"P01"'), encoding="utf-8")
    result = runner.invoke(app, ["scheme", "check", str(bad)])
    assert result.exit_code == 1
    assert f"方案 {bad}：字段 composite.weights：权重之和须为 1" in result.stderr
    assert f"方案 {bad}：字段 negative_list.items.1.code：P01 与第 0 项重复" in result.stderr
    assert "Traceback" not in result.output


def test_cli_default_writes_a_scheme_that_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "mine" / "scheme.toml"
    first = runner.invoke(app, ["scheme", "default", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8") == DEFAULT_TEXT
    assert runner.invoke(app, ["scheme", "check", str(out)]).exit_code == 0

    again = runner.invoke(app, ["scheme", "default", str(out)])
    assert again.exit_code == 1 and "文件已存在" in again.stderr
    assert runner.invoke(app, ["scheme", "default", str(out), "--force"]).exit_code == 0
