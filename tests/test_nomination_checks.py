"""The nomination checks: the scheme's rules, duplicates across bodies, the pool."""

from datetime import date

from appraisal.nomination_checks import Candidate, Facts, age_on, candidate_key, check_nominations
from appraisal.scheme.load import default_scheme_path, load_scheme

RULES = load_scheme(default_scheme_path()).nomination


def _new(body: str = "民盟市委", **changes: object) -> Candidate:
    values: dict[str, object] = {
        "body": body,
        "tier": "精英",
        "name": "林晓",
        "gender": "女",
        "ethnicity": "汉族",
        "birth_date": date(1988, 5, 1),
        "party": "民盟盟员",
        "category": "民主党派成员",
        "employer": "滨江市第一中学",
        "post": "教师",
        "reason": "教学成绩突出，积极参政议政。",
    }
    values.update(changes)
    return Candidate(**values)  # type: ignore[arg-type]


def test_the_default_scheme_has_nomination_rules() -> None:
    assert RULES is not None
    assert len(RULES.categories) == 12


def test_a_complete_new_candidate_passes() -> None:
    [found] = check_nominations([_new()], RULES, Facts(year=2026))
    assert found.problems == [] and found.warnings == []


def test_missing_required_fields_are_named() -> None:
    [found] = check_nominations([_new(ethnicity="", reason=" ")], RULES, Facts(year=2026))
    assert "未填写民族" in found.problems
    assert "未填写推荐理由" in found.problems


def test_age_limits_per_tier() -> None:
    old = _new(tier="精英", birth_date=date(1970, 3, 1))
    fits_higher = _new(tier="代表人士", birth_date=date(1970, 3, 1))
    young = _new(birth_date=date(2004, 1, 1))
    found = [check_nominations([n], RULES, Facts(year=2026))[0] for n in (old, fits_higher, young)]
    assert any("超过本方案精英的最高年龄 50 岁" in p for p in found[0].problems)
    assert found[1].problems == []
    assert any("低于本方案的最低年龄 25 岁" in p for p in found[2].problems)
    assert age_on(date(1970, 1, 1), 2026) == 56 and age_on(date(1970, 3, 1), 2026) == 55


def test_category_and_tier_must_be_allowed() -> None:
    [found] = check_nominations([_new(category="工人", tier="名人")], RULES, Facts(year=2026))
    assert any("统战对象类别“工人”" in p for p in found.problems)
    assert any("推荐层级“名人”无效" in p for p in found.problems)


def test_the_same_new_person_from_two_bodies_is_one_person() -> None:
    a, b = _new("民盟市委"), _new("市工商联")
    assert a.key == b.key == candidate_key("", "林晓", date(1988, 5, 20))
    found = check_nominations([a, b, _new("民盟市委", name="王海")], RULES, Facts(year=2026))
    assert any("另由市工商联推荐" in w for w in found[0].warnings)
    assert any("另由民盟市委推荐" in w for w in found[1].warnings)
    assert found[2].warnings == []


def test_the_same_body_twice_is_a_problem() -> None:
    found = check_nominations([_new(), _new()], RULES, Facts(year=2026))
    assert all(any("重复推荐" in p for p in f.problems) for f in found)


def test_a_pool_person_by_code() -> None:
    facts = Facts(
        year=2026,
        roster={"P001": ("陈明", date(1975, 3, 1)), "P002": ("林晓", date(1988, 5, 1))},
        pool={"P001": "精英"},
        members=frozenset({"P001"}),
    )
    by_code = Candidate(body="民盟市委", tier="代表人士", person_code="P001", reason="履职突出")
    twice = Candidate(body="市工商联", tier="代表人士", person_code="P001", reason="履职突出")
    unknown = Candidate(body="民盟市委", tier="精英", person_code="P999", reason="好")
    found = check_nominations([by_code, twice, unknown, _new()], RULES, facts)
    assert "已在人才库（精英）" in found[0].warnings
    assert "已是本轮评价对象" in found[0].warnings
    assert any("另由市工商联推荐" in w for w in found[0].warnings)
    assert found[0].problems == []
    assert any("编号 P999 不在名册中" in p for p in found[2].problems)
    # A "new" candidate who looks like someone on the roster is only a warning.
    assert any("编号 P002" in w for w in found[3].warnings)


def test_without_rules_only_identity_and_duplicates_are_checked() -> None:
    [found] = check_nominations([_new(category="工人", ethnicity="")], None, Facts(year=2026))
    assert found.problems == []
