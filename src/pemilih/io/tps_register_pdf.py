"""The register of an election's TPS (daftar TPS) as a signable document: per village and TPS
its place, address and coordinates, with the voters L/P/JML of the list it is printed for;
title, number, totals and the signature of the agency that keeps the register.

Landscape A4, laid out by io/document_flow; a place or address too long for its column wraps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.io.document_flow import ROW, Flow, heading, letterhead, signed_at, wrapped_table, write_document
from pemilih.io.pdf_common import LANDSCAPE, Column, Table, thousands

TITLE = "Daftar Tempat Pemungutan Suara"
NOT_ENTERED = "(belum dicatat)"


@dataclass(frozen=True)
class RegisterLine:
    kecamatan: str
    village: str  # `Lembang Limbong`
    tps: str  # "001"
    place: str
    address: str
    coordinates: str
    men: int
    women: int


def columns(width: float) -> list[Column]:
    fixed = [Column("No", 26, "right"), Column("Kecamatan", 78), Column("Desa/Lembang", 98),
             Column("TPS", 30, "centre"), Column("Koordinat", 92), Column("L", 38, "right"),
             Column("P", 38, "right"), Column("JML", 42, "right")]
    free = (width - sum(c.width for c in fixed)) / 2
    return [*fixed[:4], Column("Tempat", free), Column("Alamat", free), *fixed[4:]]


def write_tps_register(path, lines: list[RegisterLine], *, election: str, stage: str, number: str, agency: str,
                       regency: str, place: str, day: date, signer: dict) -> Path:
    """Write the register to path; returns the path. `stage`: the list the voters are counted
    on (DPT, or DPS before it); `signer`: name, position, nip."""
    content = dict(lines=lines, election=election, stage=stage, number=number, agency=agency, regency=regency,
                   place=place, day=day, signer=signer)
    return write_document(path, f"{TITLE} {election}", lambda flow: _lay_out(flow, **content), pagesize=LANDSCAPE,
                          note=f"Nomor {number}")


def _lay_out(flow: Flow, *, lines, election, stage, number, agency, regency, place, day, signer) -> None:
    letterhead(flow, agency, (regency,) if regency else ())
    heading(flow, TITLE, number, (election,))
    flow.paragraph(f"Tempat pemungutan suara (TPS) {election} per desa/lembang, dengan jumlah pemilih menurut "
                   f"{stage} yang ditetapkan:")
    flow.gap()
    table = Table(columns(flow.width), flow.left, size=8, row_height=ROW)
    rows = [[str(i), x.kecamatan, x.village, x.tps, x.place or NOT_ENTERED, x.address, x.coordinates,
             thousands(x.men), thousands(x.women), thousands(x.men + x.women)] for i, x in enumerate(lines, 1)]
    men, women = sum(x.men for x in lines), sum(x.women for x in lines)
    rows.append(["", "JUMLAH", f"{len({x.village for x in lines})} desa/lembang", str(len(lines)), "", "", "",
                 thousands(men), thousands(women), thousands(men + women)])
    wrapped_table(flow, table, rows, shade_last=True)
    signed_at(flow, place, day, {**signer, "agency": agency})
