"""Enums of the programmes (兜底, 大手牵小手, subsidies) that other apps may need."""

from django.db import models


class ArrangementMode(models.TextChoices):
    """How a compound is served; the values match registry.ManagementMode (minus "none")."""

    MARKET = "market", "市场化物业企业"
    FALLBACK = "fallback", "公益性物业兜底"
    PAIRING = "pairing", "大手牵小手"
    STREET_CENTRE = "street_centre", "街道物业服务中心"
    SELF_MANAGED = "self_managed", "业主自治管理"


MODES_WITH_COMPANY = (ArrangementMode.MARKET, ArrangementMode.FALLBACK, ArrangementMode.PAIRING)


class Basic(models.TextChoices):
    """The four basics (四保) of RULES.md §8."""

    SECURITY = "security", "保安"
    CLEANING = "cleaning", "保洁"
    GREENERY = "greenery", "保绿"
    REPAIRS = "repairs", "保修"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    SIGNED = "signed", "已签订"
    CONCLUDED = "concluded", "已结束"


class PairingOutcome(models.TextChoices):
    MARKET_CONTRACT = "market_contract", "签订市场化物业服务合同"
    EXTENDED = "extended", "延长帮扶期"
    FALLBACK = "fallback", "转为公益性物业兜底"


class SubsidyBasis(models.TextChoices):
    PER_AREA = "per_area", "按建筑面积（元/㎡·月）"
    PER_HOUSEHOLD = "per_household", "按户（元/户·月）"


class Programme(models.TextChoices):
    FALLBACK = "fallback", "公益性物业兜底"
    PAIRING = "pairing", "大手牵小手"


class SubsidyStatus(models.TextChoices):
    APPLIED = "applied", "已申请"
    APPROVED = "approved", "已审核通过"
    REFUSED = "refused", "未通过"
    DISBURSED = "disbursed", "已拨付"
