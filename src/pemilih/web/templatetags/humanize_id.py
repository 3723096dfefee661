"""Numbers as Indonesians write them: 185.123 (dot for thousands)."""
from django import template

register = template.Library()


@register.filter
def ribuan(value):
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return value
