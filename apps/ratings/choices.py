"""Enums of the rating engine and the surveys that other apps (dashboards, party) may need."""

from django.db import models


class SubjectKind(models.TextChoices):
    COMPANY_ORG = "company_org", "物业企业党组织星级"
    COMPOUND_PROJECT = "compound_project", "物业服务项目星级（质量标杆）"


class ItemMethod(models.TextChoices):
    ASSESSOR = "assessor", "评审打分（须附佐证）"
    OBJECTIVE = "objective", "客观指标（平台数据计算）"
    VETO = "veto", "一票否决"


class CurveKind(models.TextChoices):
    THRESHOLDS = "thresholds", "分档计分"
    LINEAR = "linear", "线性计分"


class Indicator(models.TextChoices):
    """Objective indicators computed from platform data (apps/ratings/indicators.py)."""

    RESPONSE_RATE = "response_rate", "工单响应率（%）"
    RESOLUTION_RATE = "resolution_rate", "工单解决率（%）"
    SATISFACTION_RATE = "satisfaction_rate", "工单满意率（%）"
    COMPOSITE_SCORE = "composite_score", "工单综合得分（0–100）"
    ON_TIME_RATE = "on_time_rate", "按时办结率（%）"
    COMPLAINTS_PER_1000 = "complaints_per_1000", "每千户投诉量"
    SURVEY_INDEX = "survey_index", "满意度测评指数（0–100）"
    BRANCH_PRESENT = "branch_present", "小区党支部覆盖率（%）"
    RED_COMMITTEE = "red_committee", "红色业委会覆盖率（%）"
    CROSS_APPOINTED = "cross_appointed", "交叉任职人数（每小区平均）"
    PARTY_MEMBERS = "party_members", "企业党组织党员人数"


class RoundStatus(models.TextChoices):
    OPEN = "open", "评定中"
    NOTICE = "notice", "公示中"
    CLOSED = "closed", "已结束"


class EntryStatus(models.TextChoices):
    PENDING = "pending", "待自评"
    SUBMITTED = "submitted", "已自评，待审核"
    REVIEWED = "reviewed", "已审核，待审定"
    APPROVED = "approved", "已审定，待公示"
    NOTICE = "notice", "公示中"
    FINAL = "final", "已生效"
    REVOKED = "revoked", "已撤销"


# Results that count as a subject's rating (the latest of these is its current rating).
RESULT_STATUSES = (EntryStatus.FINAL, EntryStatus.REVOKED)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    SCALE = "scale", "1–5 分量表"
    TEXT = "text", "开放填写"


class ResponseVia(models.TextChoices):
    LOGIN = "login", "登录居民"
    CODE = "code", "一次性户码"
