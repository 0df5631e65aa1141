"""Enums of the party app that other apps need: import them from here, not from the models."""

from django.db import models


class PartyOrgKind(models.TextChoices):
    INDUSTRY_COMMITTEE = "industry_committee", "物业行业党组织"
    COMPANY_ORG = "company_org", "物业企业党组织"
    COMPOUND_BRANCH = "compound_branch", "小区党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    COMMUNITY_ORG = "community_org", "社区党组织"
