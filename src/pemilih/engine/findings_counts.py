"""What Disdukcapil's verification minutes count: the findings per code, male (L) and female
(P) apart where the sex is known, each code with its meaning and what it does to the list in
words (never a bare code).

The sex of a finding is the list row's (`source_ref`), else, for a voter the list lacks (B),
the registry record's (`registry_nik`); a finding whose sex is known from neither is counted in
the total only. Data-quality codes (NIK-LENGTH, DATE-INVALID, ...) are no code table's: their
meaning is said here, from the field and the problem the code names.
"""
from __future__ import annotations

import polars as pl

from pemilih.domain import codes as code_tables
from pemilih.domain.fields import FIELD_NAMES
from pemilih.engine import encoded_registry

# What a code of the tables does to the list (domain/codes EFFECTS), as the minutes say it.
EFFECT_TEXT = {
    code_tables.STRIKE: "dicoret dari daftar pemilih",
    code_tables.MOVE: "dipindahkan ke TPS yang sesuai di desa yang sama",
    code_tables.CORRECT: "datanya diperbaiki",
    code_tables.ADD: "ditambahkan ke daftar pemilih",
    code_tables.NOTE: "dicatat tanpa mengubah daftar",
}
QUALITY_EFFECT = "diperiksa dan diperbaiki datanya bila perlu; daftar tidak diubah oleh temuan ini"
# Data-quality codes said in full; others are read as <FIELD>-<PROBLEM> (below).
QUALITY_TEXT = {
    "NIK-NOT-FOUND": "NIK tidak terdaftar di data kependudukan",
    "LINK-UNCERTAIN": "belum pasti orang yang sama dengan penduduk yang paling mirip di data kependudukan",
    "NIK-DUPLICATE": "NIK yang sama tertulis pada lebih dari satu baris",
    "NIK-SERIAL": "nomor urut NIK (digit 13-16) 0000 tidak pernah diberikan",
    "NIK-DATE": "tanggal lahir dalam NIK bukan tanggal yang mungkin",
    "NIK-DOB-MISMATCH": "tanggal lahir tidak cocok dengan tanggal dalam NIK",
    "NIK-SEX-MISMATCH": "jenis kelamin tidak cocok dengan NIK",
    "DATE-INVALID": "tanggal tidak dapat dibaca atau tidak mungkin",
    "DATE-AMBIGUOUS": "tanggal dapat dibaca lebih dari satu cara",
    "KODE-DESA-UNKNOWN": "kode desa tidak dikenal",
    "DESA-UNKNOWN": "nama desa tidak dikenal",
    "DESA-MISMATCH": "nama desa tidak sesuai dengan kode desa",
    "KECAMATAN-UNKNOWN": "nama kecamatan tidak dikenal",
    "KECAMATAN-MISMATCH": "nama kecamatan tidak sesuai dengan kode desa",
}
# The field a data-quality code's first part names (domain/nik, domain/values), as a sentence
# names it (domain/fields.FIELD_NAMES, the one place of those words).
CODE_FIELDS = {"NIK": "nik", "NKK": "nkk", "NAMA": "nama", "SEX": "jenis_kelamin", "KAWIN": "status_kawin",
               "RT": "rt", "RW": "rw", "TPS": "tps", "KTPEL": "ktp_el", "DISABILITAS": "disabilitas"}
FIELD_TEXT = {prefix: FIELD_NAMES[column] for prefix, column in CODE_FIELDS.items()}
PROBLEM_TEXT = {"LENGTH": "tidak 16 digit", "EMPTY": "kosong", "INVALID": "isiannya tidak sah",
                "FLOAT": "tertulis sebagai angka pecahan (rusak oleh program lembar kerja)",
                "REGION": "kode wilayahnya (6 digit pertama) tidak dikenal", "DIGITS": "memuat angka",
                "FORMULA": "memuat rumus lembar kerja"}
SEXES = ("L", "P")


def meaning(code: str, regime: str) -> str:
    """The code in words: its label in the regime's table, else the data-quality problem it names."""
    table = code_tables.code_table(regime)
    if code in table:
        return table[code].label
    if code in QUALITY_TEXT:
        return QUALITY_TEXT[code]
    field, _, problem = code.rpartition("-")
    if field in FIELD_TEXT and problem in PROBLEM_TEXT:
        return f"{FIELD_TEXT[field]} {PROBLEM_TEXT[problem]}"
    return "masalah mutu data"


def effect_text(code: str, regime: str) -> str:
    """What the code does to the list, in words."""
    found = code_tables.effect(code, regime)
    return EFFECT_TEXT[found] if found else QUALITY_EFFECT


def order(code: str, regime: str) -> tuple:
    """The codes of the tables in KPU's order (TMS by number, U, B), data-quality codes after."""
    return (code not in code_tables.code_table(regime), code_tables.count_order(code))


def with_sex(findings: pl.DataFrame, records: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """code and sex (L, P or null) of each finding: the list row's, else the registry record's."""
    def sex_of(frame: pl.DataFrame, key: str, alias: str) -> pl.DataFrame:
        sex = pl.col("jenis_kelamin").cast(pl.String).str.strip_chars().str.to_uppercase().str.slice(0, 1)
        return (frame.select(pl.col(key).cast(pl.String).alias(alias), sex.alias(f"_{alias}"))
                .filter(pl.col(alias).is_not_null()).unique(alias, keep="first"))
    out = (findings.select("code", pl.col("source_ref").cast(pl.String), pl.col("registry_nik").cast(pl.String))
           .join(sex_of(records, "source_ref", "source_ref"), on="source_ref", how="left", maintain_order="left")
           .join(sex_of(registry, encoded_registry.ref_column(registry), "registry_nik"), on="registry_nik",
                 how="left", maintain_order="left"))
    sex = pl.coalesce("_source_ref", "_registry_nik")
    return out.select("code", pl.when(sex.is_in(SEXES)).then(sex).alias("sex"))


def by_code(coded: pl.DataFrame, regime: str) -> list[tuple[str, int, int, int]]:
    """(code, L, P, total) per code of `coded` (code, sex), in order()."""
    counted = coded.group_by("code").agg((pl.col("sex") == "L").sum().alias("l"),
                                         (pl.col("sex") == "P").sum().alias("p"), pl.len().alias("n"))
    rows = [(c, int(l_), int(p_), int(n)) for c, l_, p_, n in counted.select("code", "l", "p", "n").iter_rows()]
    return sorted(rows, key=lambda r: order(r[0], regime))
