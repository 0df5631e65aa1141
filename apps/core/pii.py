"""One masking rule for personal data (RULES.md §7), applied at every rendering.

A model declares which of its fields hold personal data and which permission unmasks them:

    class Owner(TimeStampedModel):
        pii_fields = {"name": "name", "phone": "mobile", "id_last4": "id_last4"}
        pii_permission = "registry.view_owner_pii"   # "" = nobody sees it unmasked on a page

Every surface goes through this module: the audit timeline (`mask_changes`, always masked — the
unmasked view is the logged reveal of the object's own page), edit forms and admin change forms
(`PiiFormMixin` in apps.core.forms: shown masked, the stored value kept unless the user types a
new one), Excel exports and the API (the masked properties of the model), notifications.
Free text (a work order's description, a note) is scrubbed of anything that looks like a mobile
number or an ID number by `scrub_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from apps.core.validators import mask_id_last4, mask_mobile, mask_name


def mask_id_number(value: str) -> str:
    v = (value or "").strip()
    return f"{'*' * 14}{v[-4:]}" if len(v) >= 4 else ("****" if v else "")


MASKERS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "mobile": mask_mobile,
    "id_last4": mask_id_last4,
    "id_number": mask_id_number,
}

# A mobile number or an 18-character ID number standing alone in free text.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def pii_fields(model) -> dict[str, str]:
    return dict(getattr(model, "pii_fields", None) or {})


def pii_permission(model) -> str:
    return getattr(model, "pii_permission", "") or ""


def can_unmask(user, model) -> bool:
    """Whether the user's role may see this model's personal data unmasked (and be logged)."""
    perm = pii_permission(model)
    return bool(perm) and user is not None and user.has_perm(perm)


def mask_field(model, name: str, value):
    kind = pii_fields(model).get(name)
    if kind is None or value in (None, ""):
        return value
    return MASKERS[kind](str(value))


def scrub_text(value):
    """Free text with mobile and ID numbers masked (any length of text, any model)."""
    if not isinstance(value, str) or len(value) < 11:
        return value
    value = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), value)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(0)), value)


def mask_value(model, name: str, value):
    """An audit value as anybody may read it: masked if it is personal data, scrubbed if text."""
    if name in pii_fields(model):
        return mask_field(model, name, value)
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: mask_value(model, k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(model, name, v) for v in value]
    return value


def mask_changes(model, changes: dict) -> dict:
    """An Event.changes dict ({field: [before, after]} or {field: value}) with personal data masked."""
    out = {}
    for name, pair in (changes or {}).items():
        if isinstance(pair, list):
            out[name] = [mask_value(model, name, v) for v in pair]
        else:
            out[name] = mask_value(model, name, pair)
    return out
