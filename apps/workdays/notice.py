"""Reading the dates out of the State Council's holiday notice (国务院办公厅关于X年部分节假日安排的通知).

Pure functions. The operator pastes the notice's text (or just its numbered lines); each line
such as

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

gives the holidays (every day of a 放假 range) and the make-up working days (the days before
上班). Everything in parentheses is ignored. A line that names dates but cannot be read is
reported by its number, so nothing half-read is saved.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

_PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
# 2027年1月1日 / 1月1日 / 3日 (a day of the month just named)
_DATE = r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日"
_RANGE = re.compile(_DATE + r"\s*(?:至|—|－|-|~|～)\s*" + _DATE)
_SINGLE = re.compile(_DATE)
_NUMBERED = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")


@dataclass
class Holiday:
    name: str
    days: list[datetime.date]
    workdays: list[datetime.date]


@dataclass
class ParsedNotice:
    year: int
    holidays: list[Holiday] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # dates of another year (e.g. 12月31日)

    @property
    def holiday_dates(self) -> list[datetime.date]:
        return sorted({d for h in self.holidays for d in h.days})

    @property
    def workday_dates(self) -> list[datetime.date]:
        return sorted({d for h in self.holidays for d in h.workdays})


class _Cursor:
    """The year and month a bare "15日" refers to: those of the date read just before."""

    def __init__(self, year: int):
        self.year, self.month = year, None

    def date(self, y, m, d) -> datetime.date:
        if y:
            self.year = int(y)
        if m:
            self.month = int(m)
        if self.month is None:
            raise ValueError(f"“{d}日”缺少月份")
        return datetime.date(self.year, self.month, int(d))


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    if end < start:
        raise ValueError(f"{start:%m月%d日}至{end:%m月%d日}：结束日期早于开始日期")
    if (end - start).days > 15:
        raise ValueError(f"{start:%m月%d日}至{end:%m月%d日}：一次放假不会超过15天，请检查")
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def parse_notice(text: str, year: int) -> ParsedNotice:
    """The holidays and make-up working days of `year` named in the notice's text."""
    result = ParsedNotice(year=year)
    lines = [line.strip() for line in re.split(r"[\r\n]+", text or "") if line.strip()]
    for number, line in enumerate(lines, start=1):
        plain = _PARENS.sub("", line)
        if not _SINGLE.search(plain):
            continue  # the notice's preamble and closing words
        name_part, _, rest = _NUMBERED.sub("", plain).partition("：")
        if not rest:
            name_part, rest = "", plain
        name = name_part.strip() or f"第{number}行"
        cursor = _Cursor(year)
        try:
            days, workdays = [], []
            for sentence in re.split(r"[。；;]", rest):
                if not _SINGLE.search(sentence):
                    continue
                if "上班" in sentence:
                    workdays += [cursor.date(*m.groups()) for m in _SINGLE.finditer(sentence)]
                elif "放假" in sentence or "休息" in sentence:
                    found = _RANGE.search(sentence)
                    if found:
                        g = found.groups()
                        start = cursor.date(*g[:3])
                        days += _days(start, cursor.date(*g[3:]))
                    else:
                        days.append(cursor.date(*_SINGLE.search(sentence).groups()))
                else:
                    raise ValueError(f"“{sentence.strip()}”：看不出是放假还是上班")
        except ValueError as exc:
            result.errors.append(f"第{number}行（{name}）：{exc}")
            continue
        if not days and not workdays:
            continue
        for d in [*days, *workdays]:
            if d.year != year:
                result.ignored.append(f"{name}：{d.year}年{d.month}月{d.day}日不属于{year}年，未录入")
        result.holidays.append(
            Holiday(
                name=name,
                days=[d for d in days if d.year == year],
                workdays=[d for d in workdays if d.year == year],
            )
        )
    overlap = set(result.holiday_dates) & set(result.workday_dates)
    if overlap:
        result.errors.append(
            "以下日期既是放假又是上班：" + "、".join(f"{d:%m月%d日}" for d in sorted(overlap))
        )
    for d in result.workday_dates:
        if d.weekday() < 5:
            result.errors.append(f"{d.month}月{d.day}日是工作日（周一至周五），无需调休上班，请检查")
    if not result.holidays and not result.errors:
        result.errors.append("没有读到任何日期：请粘贴通知中“一、元旦：……”这样的各条安排")
    return result
