"""A TPS's place as a committee writes it down: the place's name (`Halaman Kantor Lembang
Limbong`), its address, and optionally its coordinates, `lintang,bujur` in decimal degrees
(`-2.9701,119.8987`, as a phone's map shares them).

Coordinates are checked against Indonesia's extent (latitude 11.5 S to 6.5 N, longitude
94.5 E to 141.5 E): a TPS elsewhere is a typing error, most often latitude and longitude
written the other way round. Decimal commas (`-2,9701, 119,8987`) are read too.
"""
from __future__ import annotations

import re

MAX_PLACE, MAX_ADDRESS = 120, 200  # what fits a line of the notices and two of an invitation
LATITUDES, LONGITUDES = (-11.5, 6.5), (94.5, 141.5)
EXAMPLE = "-2.9701,119.8987"
_NUMBER = r"(-?[0-9]{1,3}(?:[.,][0-9]+)?)"
_PAIR = re.compile(rf"^\s*{_NUMBER}\s*[,;\s]\s*{_NUMBER}\s*$")


def coordinates(text: str) -> tuple[float, float]:
    """(latitude, longitude) of `lintang,bujur`; ValueError (Bahasa Indonesia) when it is not
    two decimal degrees within Indonesia."""
    found = _PAIR.match(text or "")
    if not found:
        raise ValueError(f"Koordinat '{text}' tidak terbaca: tulis lintang,bujur dalam derajat desimal, "
                         f"mis. {EXAMPLE}")
    lat, lon = (round(float(v.replace(",", ".")), 6) for v in found.groups())
    if not (LATITUDES[0] <= lat <= LATITUDES[1] and LONGITUDES[0] <= lon <= LONGITUDES[1]):
        swapped = LATITUDES[0] <= lon <= LATITUDES[1] and LONGITUDES[0] <= lat <= LONGITUDES[1]
        raise ValueError(f"Koordinat {text.strip()} di luar wilayah Indonesia (lintang {LATITUDES[0]} s.d. "
                         f"{LATITUDES[1]}, bujur {LONGITUDES[0]} s.d. {LONGITUDES[1]})"
                         + ("; lintang dan bujur tampaknya tertukar" if swapped else ""))
    return lat, lon


def printed_coordinates(lat: float | None, lon: float | None) -> str:
    """`-2.9701, 119.8987` (as entered, up to 6 decimals), '' when there are none."""
    if lat is None or lon is None:
        return ""
    return f"{_short(lat)}, {_short(lon)}"


def _short(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def text(value: str, label: str, limit: int) -> str:
    """A place's name or address on one line (spaces folded); ValueError when empty or too long."""
    folded = " ".join((value or "").split())
    if not folded:
        raise ValueError(f"{label} wajib diisi")
    if len(folded) > limit:
        raise ValueError(f"{label} paling panjang {limit} huruf ({len(folded)} ditulis)")
    return folded
