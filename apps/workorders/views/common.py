"""What the work-order pages share: the steps a resident sees, the sentence that says who must
act by when, timeline summaries, the action runner and the photo response."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse

from apps.core.errors import ConflictError, DomainError
from apps.workorders.choices import EscalationReason, Level, Satisfaction, Status
from apps.workorders.services.common import CONFLICT
from apps.workorders.templatetags.workorders import deadline

# The steps of the resident's progress bar, and the timeline verbs that complete each one.
STEPS = [
    ("submit", "提交诉求"),
    ("accept", "社区受理"),
    ("dispatch", "派单"),
    ("sign", "签收办理"),
    ("resolve", "办结"),
    ("callback", "回访"),
    ("close", "结案"),
]
STEP_OF_STATUS = {
    Status.SUBMITTED: 0,
    Status.ACCEPTED: 1,
    Status.DISPATCHED: 2,
    Status.SIGNED: 3,
    Status.RESOLVED: 4,
    Status.CALLED_BACK: 5,
    Status.CLOSED: 6,
}
STEP_OF_VERB = {
    "submit": 0,
    "accept": 1,
    "dispatch": 2,
    "reopen": 2,
    "sign": 3,
    "resolve": 4,
    "callback": 5,
    "close": 6,
}

# Who must act next, as a sentence with the deadline in it.
STAGE_SENTENCE = {
    Status.SUBMITTED: "社区应在{due}受理",
    Status.ACCEPTED: "{desk}应在{due}派给处理单位",
    Status.DISPATCHED: "处理单位应在{due}签收",
    Status.SIGNED: "处理单位应在{due}办结",
    Status.RESOLVED: "社区应在{due}回访",
}
DESK_NAME = {Level.COMMUNITY: "社区", Level.STREET: "街道", Level.COUNTY: "县区", Level.CITY: "市级"}


LABEL_FALLBACK = {"workorder.deadline_set": "补算期限"}


@dataclass
class TimelineRow:
    at: object
    label: str
    actor: str = ""
    note: str = ""
    summary: str = ""


def public_rows(timeline) -> list[TimelineRow]:
    """The public timeline, newest first: what happened and when, no names or notes."""
    return [TimelineRow(at=e.at, label=LABEL_FALLBACK.get(e.verb, e.label)) for e in reversed(timeline)]


@dataclass
class Step:
    label: str
    state: str  # done / current / todo
    at: object = None


def steps_for(order, timeline) -> list[Step]:
    """The seven steps: done up to the order's status (with the time each was last reached —
    rework and escalation repeat steps), the next one current. Rejected and merged orders show
    only the submission as done."""
    last_done = STEP_OF_STATUS.get(order.status, 0)
    reached_at: dict[int, object] = {}
    for entry in timeline:
        index = STEP_OF_VERB.get(entry.verb.rsplit(".", 1)[-1])
        if index is not None:
            reached_at[index] = entry.at
    out = []
    for i, (_verb, label) in enumerate(STEPS):
        if i <= last_done:
            out.append(Step(label, "done", reached_at.get(i)))
        elif i == last_done + 1 and order.is_open:
            out.append(Step(label, "current"))
        else:
            out.append(Step(label, "todo"))
    return out


def stage_sentence(order) -> str:
    """ "处理单位应在3月5日（周四）24:00前办结（还剩2天）" — or why there is no deadline."""
    template = STAGE_SENTENCE.get(order.status)
    if template is None:
        return ""
    if order.due_at is None:
        if order.calendar_missing:
            return template.format(due="期限待定（当年法定节假日安排尚未录入）", desk=DESK_NAME[order.level])
        return ""
    return template.format(due=deadline(order.due_at), desk=DESK_NAME[order.level])


def callback_summary(cb, *, to_reporter: bool = False) -> str:
    """A call-back in one line; `to_reporter` speaks to the reporter ("您")."""
    if not cb.reached:
        return "社区回访时未能联系上您" if to_reporter else "未联系上诉求人"
    if to_reporter:
        who = "您的评价" if cb.by_reporter else "社区回访"
        contacted = f"承办单位联系过您：{'是' if cb.contacted else '否'}"
    else:
        who = "诉求人自评" if cb.by_reporter else "社区回访"
        contacted = f"承办单位联系过诉求人：{'是' if cb.contacted else '否'}"
    parts = [
        who,
        contacted,
        f"问题已解决：{'是' if cb.solved else '否'}",
        f"满意度：{Satisfaction(cb.satisfaction).label}",
    ]
    if to_reporter and cb.by_reporter and cb.note:
        parts.append(f"您的意见：{cb.note}")  # the reporter's own words, shown back to them
    return "；".join(parts)


def event_summary(entry, *, assignments: dict) -> str:
    """One line that says what an audit event did, beyond its verb and note."""
    verb = entry.verb.rsplit(".", 1)[-1]
    changes = entry.changes or {}
    if verb in ("dispatch", "reopen") and "assignment" in changes:
        assignment = assignments.get(changes["assignment"][1])
        if assignment is not None:
            return f"派至：{assignment.unit}"
    if verb == "escalate" and "level" in changes:
        before, after = changes["level"]
        reason = (changes.get("reason") or [None, ""])[1]
        text = f"{Level(before).label} → {Level(after).label}"
        if reason in EscalationReason.values:
            text += f"（{EscalationReason(reason).label}）"
        return text
    if verb == "callback" and "callback" in changes:
        answers = changes["callback"][1] or {}
        if not answers.get("reached"):
            return "未联系上诉求人"
        sat = answers.get("satisfaction")
        who = "诉求人自评" if answers.get("by_reporter") else "回访"
        return f"{who}：{'已解决' if answers.get('solved') else '未解决'}，{Satisfaction(sat).label if sat else ''}"
    if verb in ("extend", "approve_extension") and "extension" in changes:
        ext = changes["extension"][1] or {}
        if verb == "extend":
            return f"申请延期{ext.get('days')}个工作日"
        return f"批准延期{ext.get('days')}个工作日" if ext.get("approved") else "不批准延期"
    if verb == "merge" and "target_code" in changes:
        return f"合并至查询码 {changes['target_code'][1]}"
    return ""


# ------------------------------------------------------------------ running a verb
def run_service(form):
    """Call the form's service; a refusal lands on the form. Returns (result, HTTP status)."""
    try:
        return form.service()(**form.service_kwargs()), 200
    except Http404:
        raise
    except DomainError as exc:
        placed = False
        for name, messages in exc.field_errors.items():
            if name in form.fields:
                for message in messages:
                    form.add_error(name, message)
                placed = True
        if not placed or exc.message not in str(form.errors):
            form.add_error(None, exc.message)
        return None, exc.status


def check_version(request, order) -> None:
    """A form carries the version of the order it was drawn for: if somebody acted since, refuse
    with the conflict message before anything runs (the services compare-and-set as well)."""
    seen = request.POST.get("version")
    if seen is not None and seen != str(order.version):
        raise ConflictError(CONFLICT)


def refusal_status(exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    return getattr(exc, "status", 400)


# ------------------------------------------------------------------ photos
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def photo_response(photo) -> HttpResponse:
    """The file of a photo the caller may see. Behind nginx (MEDIA_ACCEL_REDIRECT) nginx sends
    the file from its `internal` /media/ location; otherwise it is streamed from the storage."""
    content_type = CONTENT_TYPES.get(photo.image_format, "application/octet-stream")
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/{settings.MEDIA_URL.strip('/')}/{photo.file.name}"
    else:
        try:
            handle = photo.file.storage.open(photo.file.name, "rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404("照片文件不存在") from exc
        response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
