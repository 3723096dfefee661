"""The `<option>`s of a village filter, made once per change of the event log.

A province has about 3,000 villages: the template's loop over them cost 40-100 ms of every
page of the voter list and of the review queue (measured, issue 17), more than all its
queries. The options are made here once per list of villages and workspace state; a page
only marks its selected village.
"""
from __future__ import annotations

import threading

from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pemilih.web import workspace

_cache: dict = {}
_lock = threading.Lock()


def options(name: str, rows, selected: str | None) -> SafeString:
    """`<option>`s of `rows()` ((value, label) pairs), cached as `name` until the next event;
    the option whose value is `selected` selected."""
    key = workspace.state()
    with _lock:
        made = _cache.get(name)
        if made is None or made[0] != key:
            made = (key, format_html_join("", '<option value="{}">{}</option>', rows()))
            _cache[name] = made
    html = str(made[1])
    if selected:
        plain = f'<option value="{escape(selected)}">'
        html = html.replace(plain, plain[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 - made by format_html_join; only a constant inserted
