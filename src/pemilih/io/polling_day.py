"""The polling-day pack's shared part: a set DPT cut into its TPS, each voter's cells as the
pack prints them, and what every document of the pack prints about the election.

The cells are the announcement's (io/announcement_pdf.printed): NIK masked by domain/masking
(the polling officers' copy is handed around a TPS: what is not public is masked), the age
on the voting day instead of the birth date, no disability. The voters of a TPS are numbered
as on the announcement, so the number on an invitation is the voter's line on every list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pemilih.domain.region_tables import village_title_or_listed
from pemilih.io.announcement_pdf import printed


@dataclass(frozen=True)
class TpsVoters:
    kode_desa: str
    kecamatan: str
    desa: str
    village: str  # as a person names it: `Lembang Limbong`
    tps: str  # "001"
    # (No, NIK masked, NAMA, L/P, UMUR, ALAMAT, RT, RW) per voter, in list order
    rows: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def men(self) -> int:
        return sum(r[3] == "L" for r in self.rows)

    @property
    def women(self) -> int:
        return sum(r[3] == "P" for r in self.rows)


@dataclass(frozen=True)
class TpsPlace:
    """What the register says of a TPS (blank when nothing is entered)."""

    place: str = ""
    address: str = ""
    coordinates: str = ""


@dataclass(frozen=True)
class Heading:
    """What every document of one village's pack prints."""

    election: str  # Pemilihan Kepala Lembang Serentak 2027
    voting_day: date
    hours: str  # `07.00 s.d. 13.00`
    agency: str  # the committee's full name
    number: str  # the document's number
    signed_on: date
    signer: dict  # name, position, nip (as io/document_flow's signature blocks take them)
    regency: str = ""


def tps_voters(voters: pl.DataFrame, voting_day: date) -> list[TpsVoters]:
    """The list cut into its TPS, in village code and TPS order (`voters`: a set list with
    every column of the announcement's INPUT, `tps` in three digits)."""
    table = printed(voters, voting_day).sort(["_key", "_tps_order", "tps"], nulls_last=True, maintain_order=True)
    out = []
    for (_, tps), group in table.group_by("_key", "tps", maintain_order=True):
        first = group.row(0, named=True)
        numbered = group.with_columns(pl.int_range(1, pl.len() + 1).cast(pl.String).alias("_no"))
        rows = numbered.select("_no", "nik", "nama", "jenis_kelamin", "umur", "alamat", "rt", "rw").rows()
        out.append(TpsVoters(first["kode_desa"], first["kecamatan"], first["desa"],
                             village_title_or_listed(first["kode_desa"], first["desa"]), tps, rows))
    return out

