"""Minutes and the decision list of a joint meeting as a Word file (python-docx), for signing."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "宋体"


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Chinese text needs the East Asian font


def meeting_docx(meeting) -> bytes:
    document = Document()
    _font(document)
    document.add_heading(meeting.title, level=1)
    when = timezone.localtime(meeting.scheduled_at).strftime("%Y年%m月%d日 %H:%M")
    document.add_paragraph(f"召集单位：{meeting.convener_name}")
    document.add_paragraph(f"会议时间：{when}    会议地点：{meeting.location or '—'}")
    if meeting.compound_id:
        document.add_paragraph(f"涉及小区：{meeting.compound.name}")

    document.add_heading("参会单位", level=2)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("单位类型", "单位", "参会人", "出席"), strict=True):
        cell.text = text
    for i in meeting.invitees.all():
        row = table.add_row().cells
        row[0].text = i.get_kind_display()
        row[1].text = i.unit_name
        row[2].text = i.person_name or ""
        row[3].text = {True: "出席", False: "缺席", None: "—"}[i.attended]

    document.add_heading("会议议题", level=2)
    for n, item in enumerate(meeting.agenda.all(), 1):
        document.add_paragraph(f"{n}. {item.title}")

    document.add_heading("会议纪要", level=2)
    for line in (meeting.minutes or "（尚未记录）").splitlines():
        document.add_paragraph(line)

    document.add_heading("议定事项", level=2)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    headers = ("序号", "议定事项", "责任单位", "完成期限", "佐证材料", "落实情况")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for n, d in enumerate(meeting.decisions.all(), 1):
        row = table.add_row().cells
        row[0].text = str(n)
        row[1].text = d.text
        row[2].text = d.owner_unit
        row[3].text = d.deadline.strftime("%Y-%m-%d")
        row[4].text = d.required_evidence
        row[5].text = d.evidence_note if d.status == "closed" else d.get_status_display()

    document.add_paragraph("")
    document.add_paragraph("参会单位签字：")
    for i in meeting.invitees.all():
        document.add_paragraph(f"{i.unit_name}：____________________")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
