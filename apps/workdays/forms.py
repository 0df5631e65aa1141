"""The notice form: paste the State Council's notice, preview the dates, save."""

from __future__ import annotations

from django import forms

from apps.workdays.notice import ParsedNotice, parse_notice


class NoticeForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度",
            "invalid": "年度应为四位数字",
            "min_value": "年度不早于2000年",
            "max_value": "年度不晚于2100年",
        },
    )
    notice = forms.CharField(
        label="放假通知名称",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
        error_messages={"required": "请填写放假通知名称", "max_length": "放假通知名称不超过200字"},
    )
    published_on = forms.DateField(
        label="发布日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "发布日期格式应为 年-月-日"},
    )
    text = forms.CharField(
        label="通知中的放假安排",
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "一、元旦：1月1日（周五）放假1天，不调休。\n二、春节：……"}
        ),
        help_text="把通知正文（至少“一、元旦：……”到最后一条）复制粘贴到这里；括号里的农历、星期会被忽略。",
        error_messages={"required": "请粘贴通知中的放假安排"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed: ParsedNotice | None = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") and cleaned.get("text"):
            self.parsed = parse_notice(cleaned["text"], cleaned["year"])
            for message in self.parsed.errors:
                self.add_error("text", message)
        return cleaned
