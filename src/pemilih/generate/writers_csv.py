"""Flat CSV files: the KPU list (formats.md section 2), the registry extract (section 3) and
the ground-truth tables. UTF-8 without BOM, `,`, `\\n`, quoted only where needed.
"""
from __future__ import annotations

import csv
import io

from pemilih.contract import KPU_HEADERS, REGISTRY_HEADERS

from .listing import ListRow, fmt_date
from .people import Person

# The contract's printed column names, in contract order (formats.md sections 2 and 3).
KPU_HEADER = list(KPU_HEADERS.values())
REGISTRY_HEADER = list(REGISTRY_HEADERS.values())
SEX_WORD = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
WRITE_LINES = 50_000  # lines joined and written at a time


def _d(day) -> str:
    return fmt_date(day) if day else ""


def write_table(path: str, header: list[str], rows) -> None:
    """CSV with csv.writer's exact output (QUOTE_MINIMAL), faster: a row whose fields hold no
    comma, quote or line break is simply joined; only the others go through csv.writer."""
    special = io.StringIO()
    quoting = csv.writer(special, lineterminator="\n")
    commas = len(header) - 1
    with open(path, "w", encoding="utf-8", newline="") as fh:
        lines = [",".join(header) + "\n"]
        for row in rows:
            line = ",".join(row)
            if line.count(",") != commas or '"' in line or "\n" in line or "\r" in line:
                special.seek(0)
                special.truncate()
                quoting.writerow(row)
                line = special.getvalue()[:-1]
            lines.append(line + "\n")
            if len(lines) == WRITE_LINES:
                # A province's extract is some ten million lines: held whole with the text they
                # are joined into, over 3 GB on top of the world they are made from.
                fh.write("".join(lines))
                lines.clear()
        fh.write("".join(lines))


def write_list_csv(path: str, rows: list[ListRow]) -> None:
    upper = {}
    for r in rows:
        upper.setdefault(r.village.district_name, r.village.district_name.upper())
    write_table(path, KPU_HEADER, (
        (upper[r.village.district_name], r.desa_csv, r.kode_csv, f"{r.tps:03d}", str(r.no), r.nkk, r.nik,
         r.nama, r.tempat, r.tgl, r.kawin, r.jk, r.alamat, r.rt, r.rw, r.dis, r.ktp, r.ket) for r in rows))


def registry_people(people: list[Person]) -> list[Person]:
    """Everyone the registry knows in the regency since 2015, ordered by village and family card."""
    known = [p for p in people if p.village]
    known.sort(key=lambda p: (p.village, p.nkk, p.pid))
    return known


def write_registry_csv(path: str, people: list[Person]) -> None:
    write_table(path, REGISTRY_HEADER, (
        (p.nik, p.nkk, p.name, p.birthplace, _d(p.dob), SEX_WORD[p.sex], p.marital, p.alamat, p.rt,
         p.rw, p.village, p.occupation, p.status, _d(p.died), _d(p.moved_out), p.dest, _d(p.arrived))
        for p in people))


def write_dicts(path: str, columns: list[str], rows: list[dict]) -> None:
    write_table(path, columns, ([str(d[c]) for c in columns] for d in rows))
