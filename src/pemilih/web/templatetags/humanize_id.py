"""Numbers as Indonesians write them: 185.123 (dot for thousands)."""
from django import template

register = template.Library()


@register.filter
def ribuan(value):
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return value


@register.filter
def jenis_peristiwa(kind):
    """An event kind as a person reads it (store/events.py's one label per kind)."""
    from pemilih.store.events import label
    return label(str(kind))
