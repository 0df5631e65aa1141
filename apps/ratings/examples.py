"""The example schemes shipped with the platform, clearly marked 示例: no Linyi or Heze scheme is
public (RULES.md §5). The structure follows Wuhan's five areas (组织建设好、骨干队伍好、
服务质量好、运营管理好、社会形象好) and the demo sheet's 党建引领好 items; a city copies it as a
new version and replaces points, curves and cut-offs with its own document's."""

from __future__ import annotations

from apps.ratings.choices import CurveKind, Indicator, ItemMethod

ASSESSOR, OBJECTIVE = ItemMethod.ASSESSOR, ItemMethod.OBJECTIVE


def _obj(code, name, points, indicator, curve_kind, curve, guidance=""):
    return {
        "code": code,
        "name": name,
        "method": OBJECTIVE,
        "max_points": points,
        "indicator": indicator,
        "curve_kind": curve_kind,
        "curve": curve,
        "guidance": guidance,
    }


def _ass(code, name, points, guidance=""):
    return {"code": code, "name": name, "method": ASSESSOR, "max_points": points, "guidance": guidance}


COMPANY_ORG_TITLE = "物业服务企业党组织星级评定办法（示例）"
COMPANY_ORG_CUTOFFS = [60, 70, 80, 86, 92]
COMPANY_ORG = {
    "dimensions": [
        {
            "name": "组织建设好",
            "max_points": 20,
            "items": [
                _ass(
                    "A1", "党组织设置规范，按期换届，“三会一课”等组织生活正常", 14, "查阅会议记录、换届材料"
                ),
                _obj(
                    "A2",
                    "企业党组织党员人数",
                    3,
                    Indicator.PARTY_MEMBERS,
                    CurveKind.THRESHOLDS,
                    {"steps": [[3, 1], [5, 2], [8, 3]]},
                    "3人得1分，5人得2分，8人及以上得3分",
                ),
                _obj(
                    "A3",
                    "服务小区建立党支部",
                    3,
                    Indicator.BRANCH_PRESENT,
                    CurveKind.LINEAR,
                    {"zero": 0, "full": 40},
                    "覆盖率0%得0分，40%及以上得满分，其间按比例",
                ),
            ],
        },
        {
            "name": "骨干队伍好",
            "max_points": 15,
            "items": [
                _ass(
                    "B1", "项目经理、一线骨干中党员比例，党员亮身份、设岗定责", 13, "查阅人员名册、岗位设置"
                ),
                _obj(
                    "B2",
                    "与业委会交叉任职",
                    2,
                    Indicator.CROSS_APPOINTED,
                    CurveKind.THRESHOLDS,
                    {"steps": [[0.2, 1], [0.5, 2]]},
                    "每小区平均交叉任职人数",
                ),
            ],
        },
        {
            "name": "服务质量好",
            "max_points": 35,
            "items": [
                _obj(
                    "C1",
                    "吹哨报到工单综合得分",
                    6,
                    Indicator.COMPOSITE_SCORE,
                    CurveKind.LINEAR,
                    {"zero": 50, "full": 85, "missing": 4.8},
                    "50分得0分，85分及以上得满分；考评期内无回访的得4.8分",
                ),
                _obj(
                    "C2",
                    "居民满意度测评指数",
                    10,
                    Indicator.SURVEY_INDEX,
                    CurveKind.LINEAR,
                    {"zero": 40, "full": 75},
                    "指数40得0分，75及以上得满分",
                ),
                _obj(
                    "C3",
                    "每千户工单量",
                    4,
                    Indicator.COMPLAINTS_PER_1000,
                    CurveKind.THRESHOLDS,
                    {"steps": [[400, 1], [200, 2], [100, 4]], "lower_is_better": True},
                    "考评期内每千户派给企业的工单不超过100件得4分，200件得2分，400件得1分",
                ),
                _obj(
                    "C4",
                    "工单按时办结率",
                    2,
                    Indicator.ON_TIME_RATE,
                    CurveKind.LINEAR,
                    {"zero": 60, "full": 95, "missing": 1.6},
                ),
                _ass("C5", "服务现场检查（环境、秩序、设施）", 13, "随机抽查服务小区"),
            ],
        },
        {
            "name": "运营管理好",
            "max_points": 15,
            "items": [
                _ass("D1", "制度健全，收支公开，服务合同履约", 13, "查阅公示材料、合同"),
                _obj(
                    "D2",
                    "服务小区为红色业委会",
                    2,
                    Indicator.RED_COMMITTEE,
                    CurveKind.LINEAR,
                    {"zero": 0, "full": 20},
                ),
            ],
        },
        {
            "name": "社会形象好",
            "max_points": 15,
            "items": [
                _ass("E1", "参与社区共建、公益服务、兜底管理或“大手牵小手”", 8),
                _ass("E2", "服务品牌与荣誉（如“沂蒙红管家服务三六五”品牌创建）", 7),
            ],
        },
    ],
    "vetoes": [
        {"code": "V1", "name": "未建立党组织或党组织长期不开展活动"},
        {"code": "V2", "name": "考评期内发生重大安全责任事故"},
        {"code": "V3", "name": "列入月度工单“黑榜”且未整改"},
        {"code": "V4", "name": "经查实的严重投诉或违法违规行为"},
    ],
}

PROJECT_TITLE = "物业服务项目星级评定办法（质量标杆，示例）"
PROJECT_CUTOFFS = [60, 70, 80, 88, 94]
PROJECT = {
    "dimensions": [
        {
            "name": "党建引领好",
            "max_points": 20,
            "items": [
                _obj(
                    "P1",
                    "小区建立党支部",
                    5,
                    Indicator.BRANCH_PRESENT,
                    CurveKind.THRESHOLDS,
                    {"steps": [[100, 5]]},
                ),
                _obj(
                    "P2",
                    "红色业委会",
                    6,
                    Indicator.RED_COMMITTEE,
                    CurveKind.THRESHOLDS,
                    {"steps": [[100, 6]]},
                ),
                _obj(
                    "P3",
                    "交叉任职人数",
                    9,
                    Indicator.CROSS_APPOINTED,
                    CurveKind.THRESHOLDS,
                    {"steps": [[1, 3], [2, 6], [3, 9]]},
                    "交叉任职 3+3+3",
                ),
            ],
        },
        {
            "name": "服务质量好",
            "max_points": 50,
            "items": [
                _obj(
                    "Q1",
                    "工单综合得分",
                    15,
                    Indicator.COMPOSITE_SCORE,
                    CurveKind.LINEAR,
                    {"zero": 50, "full": 85},
                ),
                _obj(
                    "Q2",
                    "满意度测评指数",
                    15,
                    Indicator.SURVEY_INDEX,
                    CurveKind.LINEAR,
                    {"zero": 40, "full": 80},
                ),
                _obj(
                    "Q3",
                    "每千户投诉量",
                    10,
                    Indicator.COMPLAINTS_PER_1000,
                    CurveKind.THRESHOLDS,
                    {"steps": [[400, 4], [200, 7], [100, 10]], "lower_is_better": True},
                ),
                _ass("Q4", "环境卫生、绿化、设施设备维护现场检查", 10),
            ],
        },
        {
            "name": "运营管理好",
            "max_points": 30,
            "items": [
                _ass("R1", "收费与公共收益公示", 10),
                _ass("R2", "安全管理与应急预案", 10),
                _ass("R3", "档案与服务合同履约", 10),
            ],
        },
    ],
    "vetoes": [
        {"code": "V1", "name": "考评期内发生重大安全责任事故"},
        {"code": "V2", "name": "经查实的严重投诉"},
    ],
}
