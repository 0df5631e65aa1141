"""Enums of the registry that other apps need (the company kinds, the management modes, the
department kinds ...): import them from here, not from the models (which re-export them)."""

from django.db import models


class CompanyKind(models.TextChoices):
    MARKET = "market", "市场化物业企业"
    PUBLIC_WELFARE = "public_welfare", "国有公益性物业企业"


class DepartmentKind(models.TextChoices):
    HOUSING = "housing", "住建（房管）"
    URBAN_MANAGEMENT = "urban_management", "城管（综合执法）"
    PUBLIC_SECURITY = "public_security", "公安"
    FIRE = "fire", "消防救援"
    MARKET_REGULATION = "market_regulation", "市场监管"
    WATER = "water", "供水"
    POWER = "power", "供电"
    GAS = "gas", "燃气"
    HEATING = "heating", "供热"
    NATURAL_RESOURCES = "natural_resources", "自然资源和规划"
    STREET_OFFICE = "street_office", "街道办事处"
    OTHER = "other", "其他"


class ManagementMode(models.TextChoices):
    MARKET = "market", "市场化物业企业"
    FALLBACK = "fallback", "公益性物业兜底"
    PAIRING = "pairing", "大手牵小手"
    STREET_CENTRE = "street_centre", "街道物业服务中心"
    SELF_MANAGED = "self_managed", "业主自治管理"
    NONE = "none", "无物业管理"


class UnitKind(models.TextChoices):
    DWELLING = "dwelling", "住宅"
    SHOP = "shop", "商业用房"
    PARKING = "parking", "车位（登记为专有部分）"
    OTHER = "other", "其他"
