"""Enums of public spaces, recoveries and room bookings that other apps may need."""

from django.db import models


class SpaceKind(models.TextChoices):
    PROPERTY_SERVICE = "property_service", "物业服务用房"
    COMMITTEE_OFFICE = "committee_office", "业委会办公用房"
    GOVERNMENT = "government", "政务管理用房"
    COMMUNITY = "community", "社区用房（社区服务设施）"
    PARTY_CENTRE = "party_centre", "党群服务中心"
    OTHER = "other", "其他公共配套"


class RoomType(models.TextChoices):
    """What the space physically is: only ordinary rooms count as 物业服务用房 (菏泽 第17条)."""

    ROOM = "room", "房间"
    SHAFT = "shaft", "电梯井/管道井"
    STAIRWELL = "stairwell", "楼梯间"
    CORRIDOR = "corridor", "公共门厅/过道"
    BASEMENT = "basement", "地下室"
    GARAGE = "garage", "车库（棚）"
    EQUIPMENT = "equipment", "变电室/设备间/垃圾房"
    GUARD = "guard", "门卫室"
    CIVIL_DEFENCE = "civil_defence", "人防工程"


class SpaceStatus(models.TextChoices):
    AS_INTENDED = "as_intended", "按规划用途使用"
    OCCUPIED = "occupied", "被占用"
    VACANT = "vacant", "闲置"
    CONVERTED = "converted", "经业主大会同意改变用途"


class DocumentKind(models.TextChoices):
    PLANNING = "planning", "规划许可/核实文件"
    HANDOVER = "handover", "移交记录"
    DECISION = "decision", "业主大会决定"
    ACTION = "action", "联合执法文书"
    PHOTO = "photo", "现场照片"
    OTHER = "other", "其他"


class OccupantKind(models.TextChoices):
    DEVELOPER = "developer", "开发建设单位"
    PROPERTY_COMPANY = "property_company", "物业服务企业"
    BUSINESS = "business", "经营户"
    INDIVIDUAL = "individual", "个人"
    OTHER = "other", "其他"


class RecoveryStatus(models.TextChoices):
    FOUND = "found", "发现占用"
    ACTION = "action", "联合清理中"
    RECOVERED = "recovered", "已收回"
    HANDED_OVER = "handed_over", "已移交"
    CONVERTED = "converted", "已建成服务阵地"


class HandoverTo(models.TextChoices):
    BRANCH = "branch", "小区党支部"
    COMMITTEE = "committee", "业主委员会"


class RoomUse(models.TextChoices):
    MORAL_LECTURE = "moral_lecture", "道德讲堂"
    AFTER_SCHOOL = "after_school", "四点半学堂"
    READING = "reading", "图书阅览室"
    CANTEEN = "canteen", "小区食堂"
    DAY_CARE = "day_care", "日间照料中心"
    COUNSELLING = "counselling", "心理咨询室"
    CHOIR = "choir", "合唱排练"
    CALLIGRAPHY = "calligraphy", "书法课堂"
    PARTY = "party", "党员活动"
    MEETING = "meeting", "议事协商"
    OTHER = "other", "其他活动"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已确认"
    CHECKED_IN = "checked_in", "已签到"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已取消"


# A booking in one of these holds its slot (no other booking of the room may overlap it).
HOLDING = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.CHECKED_IN)
# Counted as used time in the statistics.
USED = (BookingStatus.APPROVED, BookingStatus.CHECKED_IN)
