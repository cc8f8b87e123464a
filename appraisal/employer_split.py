"""Splitting the old roster column 工作单位及职务 into 工作单位 and 职务, when it can be done
without guessing.

The letter to "所在单位党组织" is addressed to the 工作单位 alone: "滨江市人民医院心内科主任" must
become 滨江市人民医院 + 心内科主任, not an addressee "滨江市人民医院心内科主任党组织". The rule:
- "单位 职务" written with one space between two words splits at the space;
- otherwise the 工作单位 ends at the last organisation word (医院, 公司, 大学, 学院, 局, 中心 …)
  that is not the start of a post (院 in 院长, 委 in 党委书记), and the rest is the 职务;
- text listing several posts (、，；/) or with no organisation word is not split: staff decide.
The migration (0012) and the roster import both use this one function.
"""

import re
from dataclasses import dataclass

# Longest first, so that 有限公司 wins over 公司 and 研究院 over 院 at the same end.
ORGANISATION_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            "有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "医院", "卫生院", "保健院",
            "大学", "学院", "中学", "小学", "学校", "幼儿园", "研究院", "研究所", "设计院",
            "科学院", "委员会", "政府", "办公室", "办事处", "局", "厅", "院", "所", "中心",
            "协会", "学会", "商会", "联合会", "工商联", "银行", "支行", "分行", "报社",
            "电视台", "出版社", "图书馆", "博物馆", "文化馆", "纪念馆", "事务所", "合作社",
            "街道", "社区", "党委", "党组", "总支", "支部", "检察院", "法院", "部", "厂", "馆",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Posts whose first characters look like the end of an organisation: 院长, 所长, 党委书记 …
POST_WORDS: tuple[str, ...] = (
    "院长", "副院长", "所长", "副所长", "局长", "副局长", "厅长", "副厅长", "部长", "副部长",
    "馆长", "副馆长", "厂长", "副厂长", "党委书记", "党委副书记", "党委委员", "党组书记",
    "党组副书记", "党组成员", "总支书记", "支部书记", "院士",
)  # fmt: skip
_SEVERAL = re.compile(r"[、，,；;/|]")


@dataclass(frozen=True)
class EmployerPost:
    employer: str
    post: str


def split_employer_post(text: str) -> EmployerPost | None:
    """工作单位 and 职务 from one 工作单位及职务 text, or None when the split would be a guess."""
    text = " ".join(text.split())
    if not text or _SEVERAL.search(text):
        return None
    words = text.split(" ")
    if len(words) == 2:
        return EmployerPost(words[0], words[1])
    compact = "".join(words)
    end = _employer_end(compact)
    if end is None:
        return None
    return EmployerPost(compact[:end], compact[end:])


def is_organisation(text: str) -> bool:
    """Whether `text` reads as an organisation's name alone (ends with an organisation word)."""
    compact = "".join(text.split())
    return bool(compact) and _employer_end(compact) == len(compact)


def split_or_whole(text: str) -> EmployerPost:
    """The split, or everything as the 工作单位 with an empty 职务 when it cannot be split."""
    split = split_employer_post(text)
    return split if split is not None else EmployerPost(" ".join(text.split()), "")


def unsplit(employer: str, post: str) -> bool:
    """Whether a person's 工作单位 is probably still 工作单位及职务 waiting for staff: no 职务
    and a 工作单位 that does not end as an organisation's name does."""
    return not post.strip() and bool(employer.strip()) and not is_organisation(employer)


def joined(employer: str, post: str) -> str:
    """工作单位及职务 as documents print it: 滨江市人民医院心内科主任."""
    return f"{employer.strip()}{post.strip()}"


def _employer_end(text: str) -> int | None:
    """Where the employer ends: after the last organisation word not starting a post."""
    post_spans = [
        (m.start(), m.start() + len(word))
        for word in POST_WORDS
        for m in re.finditer(re.escape(word), text)
    ]
    best: int | None = None
    for suffix in ORGANISATION_SUFFIXES:
        for m in re.finditer(re.escape(suffix), text):
            start, end = m.start(), m.end()
            if start == 0:
                continue  # a name is not an organisation word alone
            # 院 of 院长 starts a post; 委员 inside 委员会 does not.
            if any(ps < end < pe for ps, pe in post_spans):
                continue
            if best is None or end > best:
                best = end
    return best
