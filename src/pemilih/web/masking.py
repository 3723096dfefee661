"""Masking personal data for screens and pages: nothing here shows a full NIK or NKK."""
from __future__ import annotations


def nik(value: str | None) -> str:
    """The region part and the last two digits: 7326********12."""
    if not value:
        return ""
    text = str(value)
    if len(text) < 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def name(value: str | None) -> str:
    """The first letter of each word, then stars: YOHANIS TANDI -> Y****** T****."""
    if not value:
        return ""
    return " ".join(w[0] + "*" * max(len(w) - 1, 2) for w in str(value).split())
