"""Column headers and title blocks: finding them by their contents, never by their position.

Header cells are compared by a key that ignores case, spacing and punctuation, so `KTP-EL`,
`ktp el` and `KTP_EL` are one column. Every alias of formats.md sections 2 and 3 is known.
A grid here is a list of rows, each a list of cell values (text or, from a workbook, numbers
and dates); only text cells can be headers or title lines. This module does not import
Polars: the workbook workers of `pemilih check` use it in processes that never load it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pemilih.contract import (
    ALIASES,
    COMBINED_BIRTH,
    COMBINED_BIRTH_HEADERS,
    HEADERS,
    KPU_ALIASES,
    KPU_REQUIRED,
    REGION_PARTS,
    REGISTRY_ALIASES,
    REGISTRY_REQUIRED,
)
from pemilih.contract import TITLE_KEYS as _TITLE_KEYS

_NON_KEY = re.compile(r"[^A-Z0-9]")
_TITLE_CELL = re.compile(r"^\s*([A-Za-z][A-Za-z /._-]*?)\s*:\s*(.*?)\s*$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_ID_DIGITS = re.compile(r"\d{6}")
SCAN_ROWS = 60  # a header further down than this is not a header


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """`Kelurahan / Desa` and `KELURAHAN_DESA` give the same key (cached: headers repeat)."""
    return _NON_KEY.sub("", text.upper())


def _alias_keys(aliases: dict[str, list[str]]) -> dict[str, str]:
    keys = {key(a): col for col, names in aliases.items() for a in names}
    keys.update({key(a): COMBINED_BIRTH for a in COMBINED_BIRTH_HEADERS})
    return keys


KPU_KEYS = _alias_keys(KPU_ALIASES)
REGISTRY_KEYS = _alias_keys(REGISTRY_ALIASES)
KIND_KEYS = {"kpu": KPU_KEYS, "registry": REGISTRY_KEYS}
ALL_KEYS = set(KPU_KEYS) | set(REGISTRY_KEYS)
TITLE_KEYS = {key(k): what for k, what in _TITLE_KEYS.items()}


@dataclass
class Header:
    """Where a grid's header is and what each of its columns holds."""

    keys: dict[int, str]  # column index -> header key (recognised ones only)
    first_data: int  # index of the first row below the header (and its column-number row)
    title: dict[str, str] = field(default_factory=dict)  # prov/kab/kec/desa/tps from the title block
    row: int = 0  # index of the (first) header row in the grid

    def score(self, kind: str) -> int:
        return sum(k in KIND_KEYS[kind] for k in self.keys.values())

    def columns(self, kind: str) -> dict[int, str]:
        """Column index -> canonical column for this kind; the first of two same columns wins."""
        known, taken = KIND_KEYS[kind], {}
        for idx in sorted(self.keys):
            col = known.get(self.keys[idx])
            if col and col not in taken.values():
                taken[idx] = col
        return taken


def _row_keys(row) -> dict[int, str]:
    return {i: k for i, cell in enumerate(row) if cell.__class__ is str and cell
            and (k := key(cell)) in ALL_KEYS}


def find_header(grid: list[list]) -> Header | None:
    """The header: the first row among the first ones naming at least 3 known columns,
    NIK or NAMA among them (or 5). Title lines never name 3, so the scan stops there."""
    best, best_keys = -1, {}
    for i, row in enumerate(grid[:SCAN_ROWS]):
        keys = _row_keys(row)
        if len(keys) >= 3 and ({"NIK", "NAMA"} & set(keys.values()) or len(keys) >= 5):
            best, best_keys = i, keys
            break
    if best < 0:
        return None
    keys, first = dict(best_keys), best + 1
    if first < len(grid) and _is_sub_header(grid[best], grid[first]):
        keys.update(_row_keys(grid[first]))  # the lower cell is the precise one
        first += 1
    if first < len(grid) and _is_column_numbers(grid[first]):
        first += 1
    return Header(keys, first, parse_title(grid[:best]), best)


def _is_sub_header(main, sub) -> bool:
    """A second header row: names columns only under empty or group cells, and holds no data."""
    sub_keys = _row_keys(sub)
    if not sub_keys or any(_ID_DIGITS.search(str(c)) for c in sub if c != ""):
        return False
    main_keys = _row_keys(main)
    return all(KPU_KEYS.get(main_keys.get(i)) in (None, COMBINED_BIRTH) for i in sub_keys)


def _is_column_numbers(row) -> bool:
    """The `(1) (2) (3)` row some forms print under the header (as text, or number cells)."""
    cells = [(str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)).strip() for c in row]
    cells = [c for c in cells if c]
    return len(cells) >= 3 and all(_COLUMN_NUMBER.fullmatch(c) for c in cells)


def parse_title(rows: list[list]) -> dict[str, str]:
    """`KECAMATAN : RANTEPAO` lines above the header, in one cell or spread over a few."""
    found: dict[str, str] = {}
    for row in rows:
        cells = [c.strip() for c in row if c.__class__ is str and c and not c.isspace()]
        i = 0
        while i < len(cells):
            what, value, used = _title_pair(cells, i)
            if what and value and what not in found:
                found[what] = value
            i += used
    return found


def _title_pair(cells: list[str], i: int) -> tuple[str | None, str, int]:
    """(what, value, cells used) for a title entry starting at cells[i]; what is None if none."""
    m = _TITLE_CELL.match(cells[i])
    if m:  # `KECAMATAN : RANTEPAO`, or `KECAMATAN :` with the value in the next cell
        what = TITLE_KEYS.get(key(m.group(1)))
        if what and m.group(2):
            return what, m.group(2), 1
        if what and i + 1 < len(cells):
            return what, cells[i + 1], 2
        return None, "", 1
    what = TITLE_KEYS.get(key(cells[i]))
    if not what or i + 1 >= len(cells):
        return None, "", 1  # a lone word such as `DESA` is not a title entry
    following = cells[i + 1]
    if following == ":" and i + 2 < len(cells):  # `KECAMATAN` | `:` | `RANTEPAO`
        return what, cells[i + 2], 3
    if following.startswith(":") and following[1:].strip():  # `KECAMATAN` | `: RANTEPAO`
        return what, following[1:].strip(), 2
    return None, "", 1


def detect_kind(headers: list[Header]) -> str:
    """`registry` when the headers name more registry columns than KPU ones, else `kpu`."""
    kpu = sum(h.score("kpu") + (2 if h.title else 0) for h in headers)
    return "registry" if sum(h.score("registry") for h in headers) > kpu else "kpu"


def missing_columns(kind: str, columns: set[str], title: dict[str, str]) -> list[str]:
    """Required canonical columns the header lacks (formats.md 2 and 3, with their exceptions)."""
    have = set(columns)
    if COMBINED_BIRTH in have:
        have |= {"tempat_lahir", "tanggal_lahir"}
    if kind == "registry":
        missing = [c for c in REGISTRY_REQUIRED if c not in have]
        if "kode_wilayah" not in have and not set(REGION_PARTS) <= have:
            missing.append("kode_wilayah")
        return missing
    missing = []
    has_code = "kode_desa" in have
    if not (has_code or "kecamatan" in have or "kec" in title):
        missing.append("kecamatan")
    if not (has_code or "desa" in have or "desa" in title):
        missing.append("desa")
    if "tps" not in have and "tps" not in title:
        missing.append("tps")
    return missing + [c for c in KPU_REQUIRED if c not in have]


def printed(kind: str) -> dict[str, str]:
    """Canonical column -> its printed (formats.md) name, for messages."""
    return HEADERS[kind]


def alias_hint(kind: str, column: str) -> str:
    """`NIK (juga diterima: NO NIK)` for a missing-column message."""
    names = ALIASES[kind].get(column, [])
    printed_name = printed(kind).get(column, column.upper())
    others = [n for n in names if n != printed_name]
    if column == "kode_wilayah":
        others.append(" + ".join(REGION_PARTS.values()))
    return f"{printed_name} (juga diterima: {', '.join(others)})" if others else printed_name
