"""Region levels and kinds: what other apps need, imported from here rather than from the
models (which re-export them)."""

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县区"
    STREET = "street", "街道（乡镇）"
    COMMUNITY = "community", "社区（村）"


class RegionKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "地级市"
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    DEV_ZONE = "dev_zone", "功能区（开发区）"
    STREET = "street", "街道"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    URBAN_COMMUNITY = "urban_community", "城市社区"
    VILLAGE = "village", "村"
    OTHER = "other", "其他"
