"""The vocabulary of work orders (业主吹哨、支部报到), shared by models, services and forms."""

from django.db import models

from apps.workdays import calendar


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "待派单"
    DISPATCHED = "dispatched", "待签收"
    SIGNED = "signed", "办理中"
    RESOLVED = "resolved", "待回访"
    CALLED_BACK = "called_back", "已回访待结案"
    CLOSED = "closed", "已结案"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已合并"


TERMINAL = frozenset({Status.CLOSED, Status.REJECTED, Status.MERGED})
OPEN = frozenset(set(Status) - TERMINAL)
# Stages whose lateness escalates automatically (the callback stage only shows cards).
ESCALATABLE = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED, Status.CALLED_BACK}
)


class Level(models.TextChoices):
    """Who holds the order's desk (受理派单层级); escalation moves one step up."""

    COMMUNITY = "community", "社区"
    STREET = "street", "街道（镇）"
    COUNTY = "county", "县区"
    CITY = "city", "市级"


LEVEL_ORDER = [Level.COMMUNITY, Level.STREET, Level.COUNTY, Level.CITY]
NEXT_LEVEL = {LEVEL_ORDER[i]: LEVEL_ORDER[i + 1] for i in range(len(LEVEL_ORDER) - 1)}


def level_region_code(region_code: str, level: str) -> str:
    """The code of the region that holds the desk at `level`, from a community code."""
    return {
        Level.COMMUNITY: region_code,
        Level.STREET: region_code[:9],
        Level.COUNTY: region_code[:6],
        Level.CITY: region_code[:4] + "00",
    }[level]


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Channel(models.TextChoices):
    RESIDENT_APP = "resident_app", "居民自助提交"
    STAFF = "staff", "社区工作人员代报"
    GRID = "grid", "网格员代报"
    HOTLINE = "hotline", "热线"
    OPEN311 = "open311", "Open311接口"


class HandlerKind(models.TextChoices):
    COMPANY = "company", "物业服务企业"
    COMMITTEE = "committee", "业委会（物管会）"
    STREET_OFFICE = "street_office", "街道办事处"
    DEPARTMENT = "department", "职能部门"


# Street offices are Department rows of kind street_office; both kinds point at Department.
DEPARTMENT_KINDS = frozenset({HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT})


class LimitUnit(models.TextChoices):
    WORKING_DAYS = calendar.WORKING_DAYS, "工作日"
    DAYS = calendar.DAYS, "自然日"
    HOURS = calendar.HOURS, "小时"


class SlaCard(models.TextChoices):
    NONE = "none", "正常"
    YELLOW = "yellow", "黄牌（临期）"
    RED = "red", "红牌（超期）"


class EscalationReason(models.TextChoices):
    OVERDUE = "overdue", "超期未办"
    REPEATED = "repeated", "重复、集中反映"
    REFUSED = "refused", "推诿、多次退单"
    BADLY_HANDLED = "badly_handled", "办理不力、群众不满意"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class AssignmentOutcome(models.TextChoices):
    OPEN = "open", "办理中"
    RETURNED = "returned", "已退单"
    RESOLVED = "resolved", "已办结"
    WITHDRAWN = "withdrawn", "已收回（升级督办）"


class ExtensionState(models.TextChoices):
    """A handling unit's request for more time (延期申请), decided by the desk that dispatched."""

    NONE = "", "未申请"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class PhotoStage(models.TextChoices):
    INTAKE = "intake", "诉求照片"
    RESOLUTION = "resolution", "办结照片"


# The verbs of the workflow: audit verb "workorder.<verb>", permission "<verb>_workorder".
VERBS = {
    "submit": "提交诉求",
    "accept": "受理（报到）",
    "dispatch": "派单",
    "sign": "签收",
    "return": "退单",
    "resolve": "办结",
    "callback": "回访",
    "close": "结案",
    "reopen": "重办",
    "escalate": "升级督办",
    "merge": "合并重复工单",
    "reject": "不予受理",
    "extend": "申请延期",
    "approve_extension": "审批延期",
}
