"""The vocabulary of campaigns (大排查), livelihood projects (民生项目) and joint meetings (联席会议)."""

from django.db import models


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class Severity(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较重"
    HIGH = "high", "严重"


class Handling(models.TextChoices):
    """What the inspector suggests doing with a problem."""

    WORKORDER = "workorder", "转工单办理"
    PROJECT = "project", "列入民生项目"
    MEETING = "meeting", "提交联席会议协调"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待处置"
    WORKORDER = "workorder", "已转工单"
    PROJECT = "project", "已立项"
    MERGED = "merged", "已并入项目"


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "财政"
    MAINTENANCE_FUND = "maintenance_fund", "维修资金"
    COMPANY = "company", "企业"
    OWNERS = "owners", "业主自筹"
    OTHER = "other", "其他"


class ProjectStatus(models.TextChoices):
    OPEN = "open", "实施中"
    CLOSED = "closed", "已完成"


class SubItemStatus(models.TextChoices):
    PLANNED = "planned", "未开工"
    IN_PROGRESS = "in_progress", "施工中"
    COMPLETED = "completed", "完工待验收"
    ACCEPTED = "accepted", "已验收"


SUBITEM_OPEN = frozenset({SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS, SubItemStatus.COMPLETED})


class UnitKind(models.TextChoices):
    """Kinds of unit that take part: invitees of a meeting, owners of a decision or sub-item."""

    BRANCH = "branch", "小区党支部"
    COMMITTEE = "committee", "业委会（物管会）"
    COMPANY = "company", "物业服务企业"
    DEPARTMENT = "department", "职能部门"
    COMMUNITY = "community", "社区居委会"
    STREET = "street", "街道办事处"
    OTHER = "other", "其他"


class PhotoKind(models.TextChoices):
    PROBLEM = "problem", "问题照片"
    BEFORE = "before", "施工前"
    AFTER = "after", "施工后"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "待召开"
    HELD = "held", "已召开"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "落实中"
    CLOSED = "closed", "已办结"


class Card(models.TextChoices):
    NONE = "none", "正常"
    YELLOW = "yellow", "黄牌预警"
    RED = "red", "红牌逾期"
