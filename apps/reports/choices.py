from django.db import models


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "定时生成"
    DEMAND = "demand", "手动生成"
