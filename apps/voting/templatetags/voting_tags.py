from django import template

from apps.voting.tally import num

register = template.Library()


@register.filter
def exact(value):
    """An exact amount (Fraction, Decimal, int) as text — never through a float."""
    from fractions import Fraction

    if value in (None, ""):
        return "—"
    return num(Fraction(value))
