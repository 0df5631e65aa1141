"""The editable part of the working-day calendar (工作日历): the State Council's yearly holiday
notice entered by hand for years the `chinese-calendar` package does not know yet, and
corrections for years it does. Logic lives in apps/workdays/calendar.py."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope


class WorkdayYear(TimeStampedModel):
    """A year whose holiday notice (放假通知) has been entered completely into the override table.

    A year counts as known to the calendar when the package carries it or a row here says the
    notice is in: a half-entered year never passes for a complete one.
    """

    year = models.PositiveSmallIntegerField(
        "年度",
        unique=True,
        validators=[MinValueValidator(2000, "年度不早于2000年"), MaxValueValidator(2100, "年度不晚于2100年")],
        error_messages={"unique": "该年度的放假安排已登记"},
    )
    notice = models.CharField(
        "放假通知",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度放假安排"
        verbose_name_plural = "年度放假安排"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年放假安排"

    def clean(self):
        from apps.core.validators import future_date_errors

        errors = future_date_errors(self, {"published_on": "发布日期"})
        if self.published_on and self.year and self.published_on.year > self.year:
            errors.setdefault("published_on", f"{self.year}年的放假通知不会晚于{self.year}年发布")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        # The national calendar: everybody with a scope may read it.
        return models.Q()


class WorkdayOverride(TimeStampedModel):
    """One day whose status differs from the default: a holiday on a weekday, or a make-up
    working weekend (调休上班). Overrides win over the package."""

    date = models.DateField("日期", unique=True, error_messages={"unique": "该日期已有调整记录"})
    is_workday = models.BooleanField("是否上班", help_text="勾选：该日上班（如调休的周末）；不勾选：该日放假")
    note = models.CharField("说明", max_length=100, blank=True, help_text="如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'}"

    def clean(self):
        if self.date and not 2000 <= self.date.year <= 2100:
            raise ValidationError({"date": "日期应在2000年至2100年之间"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return models.Q()
