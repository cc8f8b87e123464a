"""Fixed vocabularies shared by the data, the spreadsheets, the scheme and the documents.

Values are the Chinese words staff see in Excel and in documents; the database stores them as is,
so a row read with plain SQL still makes sense to a person.
"""

from enum import StrEnum


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class Tier(StrEnum):
    """The 十百千 pool tiers, from the top."""

    PROMINENT = "名人"
    REPRESENTATIVE = "代表人士"
    RISING = "精英"


class EntryKind(StrEnum):
    """The dated entries of a person's file (信息管理): 简历, 奖惩, 培训, 挂职."""

    CAREER = "简历"
    MERIT = "奖惩"
    TRAINING = "培训"
    SECONDMENT = "挂职"


class Merit(StrEnum):
    """Which of the two a 奖惩 entry is."""

    REWARD = "奖励"
    SANCTION = "惩处"


class TalkKind(StrEnum):
    """The kinds of 谈心谈话 held through the year (五位一体, seed 002). Management is between
    equals (seed 000): a 提醒谈话 reminds; nothing here is a disciplinary 诫勉."""

    ROUTINE = "日常谈心"
    REMINDER = "提醒谈话"
    INQUIRY = "谈话函询"


class BodyKind(StrEnum):
    """The fields a nominating body (推荐单位) belongs to, as seed 002 names them."""

    PARTY = "民主党派"
    NON_PARTY = "无党派"
    ETHNIC_RELIGIOUS = "民族宗教"
    PRIVATE_SECTOR = "非公经济"
    OVERSEAS = "港澳台海外社团"
    OTHER = "其他"


class NominationStatus(StrEnum):
    """Where staff's decision on a nomination stands."""

    PENDING = "待定"
    ACCEPTED = "采纳"
    DECLINED = "不采纳"


class CycleKind(StrEnum):
    NON_PARTY = "党外综合评价"
    CPPCC = "政协年度履职"
    CADRE = "干部年度考核"


class Stage(StrEnum):
    """Keys are English in the data; appraisal/stages.py holds what staff read and the rest."""

    MOBILIZATION = "mobilization"  # 动员部署: the bodies are told to nominate
    NOMINATION = "nomination"
    ASSESSMENT = "assessment"
    EVALUATION = "evaluation"
    SOLICITATION = "solicitation"
    APPROVAL = "approval"  # 审定: the 审核 confirms or adjusts each grade before anyone is told
    NOTIFICATION = "notification"
    ARCHIVE = "archive"
    DONE = "done"


class DutyKind(StrEnum):
    PLENARY = "全会"
    STANDING_COMMITTEE = "常委会"
    MEETING = "其他会议"
    ACTIVITY = "活动"
    RESEARCH = "调研"
    INSPECTION = "视察"
    TRAINING = "培训"
    PROPOSAL = "提案"
    REPORT = "社情民意"
    SPEECH = "发言"
    # 代表委员进社区, 联系群众 (seed 004); 建议 and 询问 as a 人大代表's or 委员's own duties.
    COMMUNITY = "进社区"
    SUGGESTION = "建议"
    INQUIRY = "询问"


class DutySource(StrEnum):
    """How a 履职记录 came in: the year's workbook, recorded by the department that organised the
    duty (谁组织谁记录), or claimed by the member and accepted by the office."""

    IMPORTED = "导入"
    RECORDED = "登记"
    CLAIMED = "本人申报"


class ClaimStatus(StrEnum):
    """履职申报: a duty the member says the office did not record, until staff decide on it."""

    PENDING = "待审核"
    ACCEPTED = "已采纳"
    DECLINED = "未采纳"


class DutyRole(StrEnum):
    SOLE = "独立"
    LEAD = "领衔"
    COSIGNER = "联名"


class Attendance(StrEnum):
    PRESENT = "出席"
    EXCUSED = "请假"
    UNEXCUSED = "缺席"


class DutyOutcome(StrEnum):
    NONE = "无"
    ACCEPTED = "立案"
    KEY = "重点"
    EXCELLENT = "优秀"
    ADOPTED = "采用"
    INSTRUCTION = "批示"


class Dimension(StrEnum):
    """组织考核's dimensions (seed 002: 政治表现、思想状况、履行职责、廉洁自律), rated 0 to 100
    each; the scheme's [assessment] weights make them the 组织考核 score."""

    POLITICAL = "政治表现"
    THINKING = "思想状况"
    DUTY = "履行职责"
    INTEGRITY = "廉洁自律"


class Vote(StrEnum):
    EXCELLENT = "优秀"
    COMPETENT = "称职"
    BASIC = "基本称职"
    INCOMPETENT = "不称职"
    ABSTAIN = "弃权"


class RaterGroup(StrEnum):
    LEADERS = "领导班子"
    COLLEAGUES = "同事"
    SUBORDINATES = "下属"
    PARTY = "所在党派"
    SECTOR = "界别群众"


class FindingCategory(StrEnum):
    POLITICAL = "政治立场"
    DUTY = "履职尽责"
    DISCIPLINE = "遵规守纪"
    CONDUCT = "作风形象"


class FindingEffect(StrEnum):
    VETO = "否决"
    DEDUCTION = "扣分"


class Grade(StrEnum):
    EXCELLENT = "优秀"
    GOOD = "良好"
    COMPETENT = "称职"
    BASIC = "基本称职"
    INCOMPETENT = "不称职"


class Decision(StrEnum):
    """What staff decide for a person the engine cannot (or should not yet) grade."""

    DEFERRED = "暂缓评定"  # graded later, once what is missing or under review is settled
    EXEMPT = "免评"  # not graded this cycle


class HoldStatus(StrEnum):
    """Where staff's decision on an objection that holds a person's result stands."""

    PENDING = "待核实"
    KEPT = "核实后维持"  # the grade stands
    ADJUSTED = "调整"  # a new grade from the scheme's scale, with the reason


class Band(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class SignOffMethod(StrEnum):
    SCAN = "scan"
    DIGITAL = "digital"
    WAIVER = "waiver"


class Reply(StrEnum):
    NO_OBJECTION = "无异议"
    OBJECTION = "有异议"


class Role(StrEnum):
    """A staff account's role; appraisal/roles.py says what each may do."""

    ADMIN = "管理员"
    CLERK = "经办"
    APPROVER = "审核"
    READER = "只读"
    # 谁组织谁记录: a department's account that records the duties it organises, of the duty
    # kinds its scope names (StaffUser.duty_kinds).
    RECORDER = "登记"


class PoolMove(StrEnum):
    """What the rolling adjustment (有进有出, seed 002) does with one person after a cycle."""

    ADMIT = "入库"  # not in the pool yet: comes in at their tier
    KEEP = "保留"
    PROMOTE = "晋升"  # 精英 → 代表人士
    DEMOTE = "调整"  # 代表人士 → 精英
    LEAVE = "出库"


class SiteKind(StrEnum):
    """The kinds of place that keep a 统战名人's memory (seed 002: 名人故居, 教育基地)."""

    FORMER_RESIDENCE = "名人故居"
    MEMORIAL_HALL = "纪念馆"
    EDUCATION_BASE = "教育基地"
    OTHER = "其他"


class ActivityKind(StrEnum):
    """What the city does to publicise a 统战名人 (宣传活动)."""

    COMMEMORATION = "纪念活动"
    THEME_EDUCATION = "主题教育"
    PUBLICATION = "出版"
    EXHIBITION = "展览"
    OTHER = "其他"


class ReviewStatus(StrEnum):
    """Where a 复核申请 stands."""

    PENDING = "待决定"
    KEPT = "维持"
    CHANGED = "变更"
