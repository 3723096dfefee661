"""The tables the readers hand to the rest of pemilih: the contract between io, engine and store.

Every reader returns a `ReadResult`: one row per data row read (good and bad alike, nothing
dropped), canonical column names, every value as text, and the problems found, each naming
the row by its source reference (`<file>:<sheet>:<row>`, formats.md section 2) and the column.
A value that could be normalised is stored normalised (dates ISO `YYYY-MM-DD`, sex `L`/`P`,
marital `B`/`S`/`P`, region codes dotted); one that could not is kept as written, with a
problem on its row, so nothing is silently guessed or lost.

Polars is named here only in annotations, never imported: command modules take their
column lists from here, and `pemilih check` must be able to fork its workbook readers before
anything has loaded Polars (io/sheets.py), whichever commands the command line registers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# Canonical columns of a KPU voter list (formats.md section 2), in output order.
KPU_COLUMNS = [
    "kecamatan", "desa", "kode_desa", "tps", "no", "nkk", "nik", "nama", "tempat_lahir",
    "tanggal_lahir", "status_kawin", "jenis_kelamin", "alamat", "rt", "rw", "disabilitas",
    "ktp_el", "keterangan",
]
# Canonical columns of a civil-registry extract (formats.md section 3).
REGISTRY_COLUMNS = [
    "nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
    "alamat", "rt", "rw", "kode_wilayah", "pekerjaan", "status", "tgl_mati", "tgl_pindah",
    "kode_wilayah_tujuan", "tgl_datang",
]
# Columns every record carries in front of its data columns.
REF_COLUMNS = ["source_ref", "file", "sheet", "row"]
PROBLEM_COLUMNS = ["source_ref", "file", "sheet", "row", "column", "code", "reason"]

# Printed (formats.md) column name of each canonical column, for messages and findings.
KPU_HEADERS = {
    "kecamatan": "KECAMATAN", "desa": "KELURAHAN/DESA", "kode_desa": "KODE DESA", "tps": "TPS",
    "no": "NO", "nkk": "NKK", "nik": "NIK", "nama": "NAMA", "tempat_lahir": "TEMPAT LAHIR",
    "tanggal_lahir": "TANGGAL LAHIR", "status_kawin": "STATUS PERKAWINAN",
    "jenis_kelamin": "JENIS KELAMIN", "alamat": "ALAMAT", "rt": "RT", "rw": "RW",
    "disabilitas": "DISABILITAS", "ktp_el": "KTP-EL", "keterangan": "KETERANGAN",
}
REGISTRY_HEADERS = {
    "nik": "NIK", "nkk": "NO_KK", "nama": "NAMA_LGKP", "tempat_lahir": "TMPT_LHR",
    "tanggal_lahir": "TGL_LHR", "jenis_kelamin": "JENIS_KLMIN", "status_kawin": "STAT_KWN",
    "alamat": "ALAMAT", "rt": "NO_RT", "rw": "NO_RW", "kode_wilayah": "KODE_WILAYAH",
    "pekerjaan": "JENIS_PKRJN", "status": "STATUS", "tgl_mati": "TGL_MATI",
    "tgl_pindah": "TGL_PINDAH", "kode_wilayah_tujuan": "KODE_WILAYAH_TUJUAN",
    "tgl_datang": "TGL_DATANG",
}


class FileUnreadable(Exception):
    """The file cannot be read at all (not a spreadsheet, corrupt, empty): exit status 2."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file, self.reason = file, reason


@dataclass
class SourceFile:
    """One file as received: its bytes are kept as an immutable snapshot identified by sha256."""

    name: str  # base name as given
    path: str
    sha256: str
    size: int
    kind: str  # "kpu" or "registry"


@dataclass
class ReadResult:
    kind: str  # "kpu" or "registry"
    records: pl.DataFrame  # REF_COLUMNS + KPU_COLUMNS (or REGISTRY_COLUMNS), all Utf8 except row (Int64)
    # PROBLEM_COLUMNS; row null for file-level problems (FILE-UNREADABLE, COLUMN-MISSING, FILE-KIND),
    # column null for them too except COLUMN-MISSING, which names the missing column.
    problems: pl.DataFrame
    files: list[SourceFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # files refused whole, with the reason

    @property
    def ok(self) -> bool:
        return self.problems.height == 0 and not self.refused
