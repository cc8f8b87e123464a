"""The rule splitting the old 工作单位及职务 into 工作单位 and 职务; guesses are left to staff."""

import pytest

from appraisal.employer_split import (
    EmployerPost,
    is_organisation,
    joined,
    split_employer_post,
    split_or_whole,
    unsplit,
)


@pytest.mark.parametrize(
    ("text", "employer", "post"),
    [
        ("滨江市人民医院心内科主任", "滨江市人民医院", "心内科主任"),
        ("某大学 教授", "某大学", "教授"),
        ("滨江大学化学学院院长", "滨江大学化学学院", "院长"),  # 院 of 院长 starts the post
        ("市委统战部副部长", "市委统战部", "副部长"),
        ("滨江大学党委书记", "滨江大学", "党委书记"),
        ("滨江市疾病预防控制中心主任", "滨江市疾病预防控制中心", "主任"),
        ("滨江市绿源农业发展有限公司董事长", "滨江市绿源农业发展有限公司", "董事长"),
        ("民盟滨江市委员会副主委", "民盟滨江市委员会", "副主委"),
        ("滨江市社会科学院研究员", "滨江市社会科学院", "研究员"),
        ("  滨江 大学 教授 ", "滨江大学", "教授"),
        ("滨江市人民医院", "滨江市人民医院", ""),  # an organisation alone has no post
    ],
)
def test_splits_where_the_organisation_word_says_where(text: str, employer: str, post: str) -> None:
    assert split_employer_post(text) == EmployerPost(employer, post)
    assert joined(employer, post) == "".join(text.split())


@pytest.mark.parametrize(
    "text",
    ["某大学教授、某公司独立董事", "滨江大学 教授（二级）， 博导", "教授", "", "张三工作室负责人"],
)
def test_no_split_when_it_would_be_a_guess(text: str) -> None:
    assert split_employer_post(text) is None
    whole = split_or_whole(text)
    assert (whole.employer, whole.post) == (" ".join(text.split()), "")


def test_unsplit_is_an_employer_that_is_no_organisation_and_no_post() -> None:
    assert unsplit("某大学教授、某公司独立董事", "")
    assert unsplit("教授", "")
    assert not unsplit("滨江市人民医院", "")
    assert not unsplit("滨江市人民医院", "心内科主任")
    assert not unsplit("", "")
    assert is_organisation("滨江市 人民医院") and not is_organisation("心内科主任")
