"""The longest realistic values a template's fields get, for looking at layouts and testing them.

A layout that holds these holds a real cycle: the longest names, units and posts of the demo
pool, four-character ethnic names, dates and IDs in the forms documents print, and reasons of
two hundred characters. Fields not listed here get sample_context's made-up text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from appraisal.pdf.layout import unbreakable
from appraisal.render.image import Image, qr_image
from appraisal.render.manifest import FieldSpec, TemplateSpec
from appraisal.render.samples import SAMPLE_ID, sample_context

UNIT_POST = "滨江市人民医院党委委员、副院长、心血管内科主任医师、中国医师协会心血管内科医师分会委员"
REASON = (
    "该同志政治立场坚定，坚持中国共产党的领导，拥护党的路线方针政策；履职尽责，积极参政议政，"
    "近三年围绕优化营商环境、基层医疗卫生服务体系建设等提出提案和社情民意信息十余件，其中两件"
    "获市领导批示；在本行业有较高知名度和影响力，群众基础好，团结协作意识强，廉洁自律，作风"
    "扎实，符合党外代表人士的条件，同意推荐为市级党外代表人士，建议列入重点培养人选加以使用，"
    "并在今后工作中进一步加强政治历练和实践锻炼，提高协商议政能力。"
)

TEXT: dict[str, str] = {
    "文档编号": SAMPLE_ID,
    "发文机关": "中共滨江市委统一战线工作部",
    "文号": "滨统评〔2026〕128号",
    "成文日期": "2026年12月31日",
    "主送机关": "中共滨江市纪律检查委员会、滨江市监察委员会",
    "联系人": "干部科 欧阳晓明",
    "联系电话": "0571-87654321",
    "回复期限": "2027年1月15日",
    "周期名称": "2026年度党外代表人士综合评价",
    "年度": "2026",
    "姓名": "欧阳慕容雪",
    "性别": "女",
    "民族": "维吾尔族",
    "出生年月": "1972年11月",
    "政治面貌": "九三学社社员",
    "学历": "博士研究生",
    "职称": "主任医师（二级）",
    "工作单位及职务": UNIT_POST,
    # The 信息采集表 prints the two apart: the longest unit, and the rest of UNIT_POST as posts.
    "工作单位": "滨江市第一人民医院（滨江大学附属第一医院）",
    "职务": "党委委员、副院长、心血管内科主任医师、中国医师协会心血管内科医师分会委员",
    "人员编号": "P000128",
    "信息日期": "2026年12月31日",
    "籍贯": "新疆维吾尔自治区伊犁哈萨克自治州",
    "入党派时间": "1998年12月",
    "参加工作时间": "1995年8月",
    "界别": "医药卫生界",
    "统战对象类别": "无党派人士",
    "社会职务": "滨江市政协常委、滨江市欧美同学会副会长、中华医学会心血管病学分会委员",
    "专业领域": "心血管内科、介入治疗、公共卫生政策",
    "入库层级": "代表人士",
    "推荐层级": "代表人士",
    "推荐单位": "滨江市卫生健康委员会机关党委",
    "推荐理由": REASON,
    "测评组别": "单位领导班子成员",
    "张次": "第12张，共12张",
    "份数": "本组别发放128份",
    "民主测评": "86.43",
    "测评结论": REASON,
    "谈话时间": "2026年12月10日 上午9时30分",
    "谈话地点": "中共滨江市委统战部三楼第二会议室",
    "谈话人": "滨江市委统战部干部科科长 欧阳晓明",
    "记录人": "干部科 司马静",
    "谈话事由": "年度综合评价组织考核谈心谈话",
    "谈话内容": REASON + "\n" + REASON,
    "考核人": "滨江市委统战部、市委组织部联合考核组",
    "履职积分": "118.50",
    "履职积分折算": "88.88",
    "积分折算": "188.88",
    "计分依据": (
        "《政协滨江市委员会委员年度履职积分方案（试行）》（2026.1版），本周期启动时存档，可按原规则复算"
    ),
    "本人结果": "你的履职积分188.88分，等次为基本称职（暂缓，待审定），各类履职情况如下：",
    "组织考核": "90.25",
    "组织考核权重": "40%",
    "民主测评权重": "30%",
    "履职积分权重": "30%",
    "综合得分": "88.88",
    "等次": "基本称职",
    "档次": "B",
    "分册": "市级党外代表人士",
    "结果说明": REASON,
    "保管期限": "永久",
    "档案名称": "政协委员年度履职档案",
    "环节": "征求意见",
    "另卷说明": "本周期致单位公函卷",
    "调整统计": "入库 12 人，晋升 18 人，调整 11 人，出库 9 人，保留 728 人",
    "名额情况": "名人 10 人（名额 10 人）；代表人士 137 人（名额 130 人，超出 7 人）；"
    "精英 646 人（名额 653 人）",
    "经办人": "干部科 欧阳晓明",
    "审核人": "副部长 司马慕容",
    "审核日期": "2026年12月31日",
    "审定统计": "审定 9876 人，其中调整等次 123 人，暂缓 45 人",
    "审定人": "副部长 司马慕容",
    "审定日期": "2026年12月31日",
    "推荐统计": "36 个推荐单位共推荐 812 人次、793 人，采纳 760 人，不采纳 28 人，待定 5 人",
    "汇总日期": "2026年12月31日",
    "原等次": "基本称职",
    "申请日期": "2026年12月31日",
    "申请理由": REASON,
    "复核结论": "变更考核等次为“基本称职”",
    "决定理由": REASON,
    "新等次": "基本称职",
    "决定说明": "经复核，你的考核等次由“不称职”变更为“基本称职”，考核结果、考核登记表及考核评价"
    "档案一并更正。",
    "周期类别": "党外综合评价",
    "推荐期限": "2026年12月31日",
    "对象类别": "民主党派成员、无党派人士、党外知识分子、少数民族人士、宗教界人士、"
    "非公有制经济人士、新的社会阶层人士、出国和归国留学人员、香港同胞、澳门同胞、台湾同胞及其在大陆的亲属、"
    "华侨、归侨及侨眷、其他需要联系和团结的人员",
    "年龄条件": "推荐当年1月1日年满25周岁；推荐为代表人士的不超过60周岁，推荐为精英的不超过50周岁",
    # The cadre kind's 年度考核登记表.
    "考核指标得分": "92.55",
    "主管领导": "司马慕容",
    "建议等次": "基本称职",
    "结果运用": "予以诫勉，按规定调整工作岗位或职务；下一年度考核前由分管领导进行跟踪谈话",
    "本人意见": "不同意：" + REASON[:120],
    "推荐单位名单": "民革滨江市委员会、民盟滨江市委员会、民建滨江市委员会、民进滨江市委员会、"
    "农工党滨江市委员会、致公党滨江市委员会、九三学社滨江市委员会、滨江市无党派人士联谊会、"
    "滨江市民族宗教事务局、滨江市工商业联合会、滨江市归国华侨联合会、滨江市欧美同学会",
}

ROW: dict[str, str] = {
    "序号": "128",
    "起止年月": "2015年09月—2026年12月",
    "单位及职务": UNIT_POST,
    "应参评人数": "125",
    "发出票数": "125",
    "收回票数": "124",
    "有效票数": "123",
    "优秀": "100",
    "称职": "20",
    "基本称职": "2",
    "不称职": "1",
    "弃权": "1",
    "得分": "86.43",
    "是否有效": "有效",
    "类别": "社情民意",
    "明细": "参加市政协组织的基层医疗卫生服务体系建设专题调研，形成调研报告一篇",
    "上限": "20.00",
    "事项": "年度内无故缺席市政协全体会议两次以上，经提醒仍未改正",
    "来源": "滨江市政协办公室",
    "扣分": "5.00",
    "指标": "专项工作",
    "内容": "组织交办的临时性、专项性任务：完成情况和实际成效，牵头或参与的程度",
    "维度": "政治表现",
    "权重": "30%",
    "评分": "92.5",
    "姓名": "欧阳慕容雪",
    "性别": "女",
    "出生年月": "1972年11月",
    "政治面貌": "九三学社社员",
    "工作单位及职务": UNIT_POST,
    "综合得分": "88.88",
    "等次": "基本称职",
    "档次": "B",
    "备注": "征求意见有异议，经核实不影响评价；提醒谈话",
    "谈话时间": "2026.12.10",
    "谈话类别": "谈话函询",
    "谈话人": "欧阳晓明（滨江市委统战部干部科科长）",
    "谈话内容": REASON[:150],
    "后续跟进": "本人表示诚恳接受，已书面说明有关情况，并按要求补交年度履职报告",
    "文件名称": "征求意见函（致中共滨江市纪律检查委员会）",
    "文档编号": SAMPLE_ID,
    "页码": "128",
    "主送单位": "中共滨江市纪律检查委员会、滨江市监察委员会",
    "回复情况": "有异议：该同志所在单位反映其存在违规兼职问题，正在核实",
    "回件日期": "2026.12.20",
    "编号": "P000128",
    "原梯队": "代表人士",
    "调整": "调整",
    "新梯队": "精英",
    "推荐单位": "滨江市卫生健康委员会机关党委",
    "单位类别": "港澳台海外社团",
    "统战对象类别": "台湾同胞及其在大陆的亲属",
    "推荐层级": "代表人士",
    "决定": "不采纳",
    "说明": "年龄超过本方案精英的最高年龄；另由滨江市归国华侨联合会、滨江市欧美同学会推荐",
    "推荐人数": "128",
    "采纳": "100",
    "不采纳": "20",
    "待定": "8",
    "阶段": "征求意见",
    "主要内容": "就有关人选征求纪检监察机关、组织部门和所在单位党组织等方面的意见",
    "开始日期": "2026年12月31日",
    "截止日期": "2026年12月31日",
    "理由": "等次基本称职，档次B，有否决事项；经研究，考虑其本年度因病请假较多、所在单位"
    "另有说明，改为继续培养观察，下一年度再作研究",
}


def long_context(
    spec: TemplateSpec, fields: dict[str, FieldSpec], rows: int = 12
) -> dict[str, Any]:
    """Every field of the template at its longest realistic value; lists have `rows` rows
    (enough to run a table over a page)."""
    context = sample_context(spec, fields, rows=rows)
    for name in spec.fields:
        field = fields.get(name, FieldSpec(name, ""))
        if field.kind == "image":
            context[name] = qr_image(SAMPLE_ID)
        elif field.kind == "list" and field.items:
            context[name] = [
                {item: ROW.get(item, context[name][i][item]) for item in field.items}
                for i in range(rows)
            ]
        elif field.kind == "list":
            context[name] = [REASON[: 60 + 20 * (i % 4)] for i in range(min(rows, 5))]
        elif name in TEXT:
            context[name] = TEXT[name]
    return context


def printed_words(context: dict[str, Any], template: Path) -> set[str]:
    """What of a filled template must print on one line: the short words, dates and IDs of its
    values, and the short labels of its tables (序号, 出生年月)."""
    values: list[str] = []
    for value in context.values():
        for row in value if isinstance(value, list) else [value]:
            cells = row.values() if isinstance(row, dict) else [row]
            values += [str(v) for v in cells if not isinstance(v, Image)]
    labels = [
        cell.text
        for table in docx.Document(str(template)).tables
        for row in table.rows
        for cell in row.cells
        if "{" not in cell.text
    ]
    return unbreakable(values + labels)
