"""The demo's 统战名人: two fictional historical figures of the fictional 滨江市, with the places
and activities that keep their memory (seed 002: 名人故居, 教育基地, 宣传). Plain values; the
demo enters them through the same store functions staff use."""

from dataclasses import dataclass, field

from appraisal.demo_words import CITY

DECIDED_BY = f"中共{CITY}委统战部"
NUMBER = "滨统〔2019〕12号"


@dataclass(frozen=True)
class DemoSite:
    kind: str
    name: str
    address: str = ""
    opening: str = ""
    plaque_on: str = ""


@dataclass(frozen=True)
class DemoActivity:
    held_on: str
    kind: str
    summary: str
    organiser: str = ""


@dataclass(frozen=True)
class DemoFigure:
    values: dict[str, str]  # by the labels staff see (姓名, 生卒年 ...)
    sites: list[DemoSite] = field(default_factory=list)
    activities: list[DemoActivity] = field(default_factory=list)


FIGURES = [
    DemoFigure(
        values={
            "姓名": "沈敬之",
            "生卒年": "1889—1962",
            "籍贯": f"{CITY}青石镇",
            "身份界别": f"教育家，中国民主促进会{CITY}地方组织创始人之一",
            "生平事迹": (
                "早年就读于京师大学堂，归乡后创办青石女子学堂，倡导平民教育。抗战时期组织"
                f"{CITY}各界救亡协会，掩护进步青年。1950年代参与筹建民进{CITY}地方组织，"
                f"历任{CITY}政协副主席，致力于统一战线和地方教育事业。"
            ),
            "入选时间": "2019.05",
            "入选依据": DECIDED_BY,
            "文号": NUMBER,
        },
        sites=[
            DemoSite(
                "名人故居",
                "沈敬之故居",
                f"{CITY}老城区青果巷 27 号",
                "周二至周日 9:00—16:30 开放，免费参观",
                "2020.09.30",
            ),
            DemoSite(
                "教育基地",
                f"{CITY}爱国统一战线教育基地（沈敬之故居）",
                f"{CITY}老城区青果巷 27 号",
                "团体参观请提前预约",
                "2021.06",
            ),
        ],
        activities=[
            DemoActivity(
                "2024.11.08", "纪念活动", "纪念沈敬之先生诞辰135周年座谈会", f"民进{CITY}委员会"
            ),
            DemoActivity("2025.05", "主题教育", "“走进名人故居”同心教育活动", DECIDED_BY),
        ],
    ),
    DemoFigure(
        values={
            "姓名": "顾怀远",
            "生卒年": "1901—1978",
            "籍贯": f"{CITY}临江县",
            "身份界别": f"民族工商业者，{CITY}工商业联合会首任主任委员",
            "生平事迹": (
                f"1920年代创办{CITY}第一家机器纺织厂。抗战时期将工厂内迁，坚持生产支援抗战。"
                f"新中国成立后带头参加公私合营，主持筹建{CITY}工商业联合会。"
            ),
            "入选时间": "2019.05",
            "入选依据": DECIDED_BY,
            "文号": NUMBER,
        },
        sites=[
            DemoSite(
                "纪念馆",
                f"顾怀远纪念馆（{CITY}民族工商业陈列馆）",
                f"{CITY}临江县江滨路 88 号",
                "周三至周日开放",
                "2022.10",
            ),
        ],
        activities=[
            DemoActivity(
                "2023.12",
                "出版",
                f"《顾怀远与{CITY}民族工商业》出版",
                f"{CITY}政协文化文史和学习委员会",
            ),
        ],
    ),
]
