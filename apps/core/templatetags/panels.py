"""`{% page_panels "slot" obj %}`: what other apps contribute to this page (Contribution.page_panels),
each Panel's template rendered with its context, so that a page never loads another app's tags."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from apps.core.contributions import Panel
from apps.core.contributions import page_panels as contributed

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, slot: str, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    html = [
        render_to_string(p.template, {"panel": p.context, **p.context}, request=request)
        for p in contributed(slot, user=user, obj=obj)
        if isinstance(p, Panel)
    ]
    return mark_safe("".join(html))
