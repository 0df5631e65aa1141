"""Enums of owners' joint decisions that other apps and the templates need."""

from django.db import models

from apps.voting.tally import MATTERS


class DecisionForm(models.TextChoices):
    """山东 第26条: a meeting, written solicitation or internet solicitation."""

    MEETING = "meeting", "集体讨论（业主大会会议）"
    WRITTEN = "written", "书面征求意见"
    INTERNET = "internet", "互联网征求意见"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    OPEN = "open", "表决中"
    CLOSED = "closed", "已截止（待公布）"
    PUBLISHED = "published", "已公布"


class Choice(models.TextChoices):
    YES = "yes", "同意"
    NO = "no", "反对"
    ABSTAIN = "abstain", "弃权"


class Channel(models.TextChoices):
    ONLINE = "online", "业主网上投票"
    PAPER = "paper", "纸质选票（双人录入）"
    PROXY = "proxy", "受托人代为投票"


class AreaBasis(models.TextChoices):
    """司法解释 第8条."""

    REGISTERED = "registered", "不动产登记面积"
    SURVEYED = "surveyed", "测绘实测面积"
    CONTRACT = "contract", "房屋买卖合同面积"


class PaperStatus(models.TextChoices):
    AWAITING_SECOND = "awaiting_second", "待第二人复录"
    MATCHED = "matched", "两次录入一致，已计票"
    MISMATCH = "mismatch", "两次录入不一致（阻止计票）"
    VOID = "void", "已作废"


MATTER_CHOICES = [(n, f"第{n}项：{title}") for n, (title, _) in MATTERS.items()]
