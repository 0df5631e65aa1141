"""`{% order_campaign_links order %}` on the work-order page and `{% order_campaign_progress order %}`
on the resident's tracking page: the project and meetings a whistle was lifted into."""

from django import template

from apps.campaigns.selectors import order_links

register = template.Library()


@register.inclusion_tag("campaigns/_order_links.html", takes_context=True)
def order_campaign_links(context, order):
    request = context.get("request")
    return {
        "links": order_links(order, getattr(request, "user", None)),
        "order": order,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("campaigns/_order_progress.html")
def order_campaign_progress(order):
    return {"links": order_links(order, None)}
