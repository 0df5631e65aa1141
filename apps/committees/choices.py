"""Enums of the committees app that other apps need: import them from here, not from the models."""

from django.db import models


class CommitteeKind(models.TextChoices):
    OWNERS_COMMITTEE = "owners_committee", "业主委员会"
    MANAGEMENT = "management", "物业管理委员会（物管会）"


class MemberPosition(models.TextChoices):
    DIRECTOR = "director", "主任"
    DEPUTY = "deputy", "副主任"
    MEMBER = "member", "委员"
    CHAIR = "chair", "物管会主任（居委会）"
