"""Dates and numbers in Indonesian words, as official letters and minutes write them:
`Senin, 12 April 2027` and `hari Senin tanggal dua belas bulan April tahun dua ribu dua puluh
tujuh`."""
from __future__ import annotations

from datetime import date

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday() order
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")
_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")
_SCALES = ((10 ** 12, "triliun"), (10 ** 9, "miliar"), (10 ** 6, "juta"), (1000, "ribu"),
           (100, "ratus"))


def day_name(d: date) -> str:
    return DAY_NAMES[d.weekday()]


def long_date(d: date) -> str:
    """`12 April 2027`."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def day_and_date(d: date) -> str:
    """`Senin, 12 April 2027`."""
    return f"{day_name(d)}, {long_date(d)}"


def number_words(n: int) -> str:
    """`2027` -> `dua ribu dua puluh tujuh`. Indonesian says se- for one hundred and one
    thousand (seratus, seribu) but satu juta."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_UNITS[tens]} puluh" + (f" {_UNITS[rest]}" if rest else "")
    for size, word in _SCALES:
        if n >= size:
            lead, rest = divmod(n, size)
            head = f"se{word}" if lead == 1 and size in (100, 1000) else f"{number_words(lead)} {word}"
            return head + (f" {number_words(rest)}" if rest else "")
    raise AssertionError(n)  # unreachable: every n >= 100 has a scale


def date_in_words(d: date) -> str:
    """`Senin tanggal dua belas bulan April tahun dua ribu dua puluh tujuh`."""
    return (f"{day_name(d)} tanggal {number_words(d.day)} bulan {MONTH_NAMES[d.month - 1]} "
            f"tahun {number_words(d.year)}")
