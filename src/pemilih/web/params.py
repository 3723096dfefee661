"""Values read from a URL's query string or path, parsed in one place.

A malformed value (a day the calendar or the clock cannot hold, a number too big for the
database, text where a number belongs) becomes a `ParamError` whose message the page shows,
never a server error. Days are bounded: a recap period or a list's day lies between
EARLIEST and LATEST (a year 0000 or 9999 cannot be counted: the day after 9999-12-31 does not
exist).
"""
from __future__ import annotations

from datetime import date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
BIGGEST_ID = 2**63 - 1  # a database id (SQLite and PostgreSQL bigint)
HOW_DAY = "tulis sebagai TTTT-BB-HH"


class ParamError(ValueError):
    """A query or path value that cannot be used; the message says why (Bahasa Indonesia)."""


def _bounded(day: date, text: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ParamError(f"Tanggal '{text}' di luar rentang {EARLIEST.year}-{LATEST.year}.")
    return day


def day(text: str) -> date:
    """A day as the steps read one (cycle.common.day: TTTT-BB-HH as a date field sends it, or
    as operators write it), within EARLIEST..LATEST."""
    from pemilih.cycle.common import StepError
    from pemilih.cycle.common import day as parse
    text = (text or "").strip()
    try:
        return _bounded(parse(text), text[:40])
    except StepError:
        raise ParamError(f"Tanggal '{text[:40]}' tidak sah; {HOW_DAY}.") from None


def compact_day(text: str) -> date:
    """A day written TTTTBBHH (as in a comparison key)."""
    try:
        return _bounded(datetime.strptime(text, "%Y%m%d").date(), text)
    except ValueError as err:
        if isinstance(err, ParamError):
            raise
        raise ParamError(f"Tanggal '{text[:40]}' tidak sah.") from None


def month(year: int, month_number: int) -> date:
    """The first day of a month."""
    if not 1 <= month_number <= 12 or not EARLIEST.year <= year <= LATEST.year:
        raise ParamError(f"Bulan tidak dikenal: {year:04d}-{month_number:02d} (bulan 01-12, tahun "
                         f"{EARLIEST.year}-{LATEST.year}).")
    return date(year, month_number, 1)


def identifier(text: str) -> int:
    """A database id written as digits."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or int(text) > BIGGEST_ID:
        raise ParamError(f"Nomor '{text[:40]}' tidak sah.")
    return int(text)


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is never a value anyone typed; no
    database text column can hold one (PostgreSQL refuses it with an error): 400 before any
    view reads it. (Form bodies are left to the views: reading them here would parse uploads
    before a view chooses how.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest
        query = request.GET
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in query.getlist(k)) for k in query):
            return HttpResponseBadRequest(b"Alamat halaman memuat karakter NUL yang tidak sah.",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
