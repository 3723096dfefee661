"""The reasons people read: one line in Bahasa Indonesia per finding, built column-wise.

A reason says what the registry shows and how the voter was found in it. It never shows a
full NIK or NKK (masked to the first six digits, formats.md section 1) nor a birth date
(an age instead); the other columns of the finding carry the values themselves. Where the
list's NIK or NKK and the registry's differ by a typing slip, the reason names the position
and the digits (domain/masking.digit_difference), the one part a reviewer of masked numbers
could not otherwise see.
"""
from __future__ import annotations

import json
import math
from datetime import date

import polars as pl

# Field -> how its difference is said.
U_TEXT = {
    "NIK": "NIK di daftar tidak sama dengan NIK di data Disdukcapil",
    "NKK": "nomor KK di daftar tidak sama dengan data Disdukcapil (KK baru atau salah tulis)",
    "NAMA": "ejaan nama berbeda dengan data Disdukcapil",
    "TEMPAT LAHIR": "tempat lahir berbeda dengan data Disdukcapil",
    "TANGGAL LAHIR": "tanggal lahir berbeda dengan data Disdukcapil",
    "JENIS KELAMIN": "jenis kelamin berbeda dengan data Disdukcapil",
    "STATUS PERKAWINAN": "status perkawinan berubah menurut data Disdukcapil",
    "ALAMAT": "alamat berbeda dengan data Disdukcapil",
    "RT": "RT berbeda dengan data Disdukcapil",
    "RW": "RW berbeda dengan data Disdukcapil",
    "KODE DESA": "pindah tempat tinggal di dalam kabupaten menurut data Disdukcapil",
}


def printed(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def found_by(evidence: str | None) -> str:
    """How a probabilistic link was made: the fields that spoke for it, and its score."""
    if not evidence:
        return "cocok lewat NIK"
    doc = json.loads(evidence)
    agree = [f["field"] for f in doc["fields"] if (f.get("weight") or 0) > 0]
    score = f"{math.floor(doc['score'] * 100) / 100:.2f}".replace(".", ",")  # never 1,00
    fields = ", ".join(agree) if agree else "beberapa data"
    note = f"; {doc['note']}" if doc.get("note") else ""
    return f"ditemukan lewat pencocokan {fields} (skor {score}){note}"


def how_found(links: pl.DataFrame) -> pl.Expr:
    """found_by() of each row's link, as an expression on `lid` (only probabilistic links
    cost anything)."""
    prob = links.filter(pl.col("method") != "nik")
    text = dict(zip(prob["lid"], (found_by(e) for e in prob["evidence"])))
    return pl.col("lid").replace_strict(text, default="cocok lewat NIK", return_dtype=pl.String)


def village_names(codes: pl.Series) -> dict[str, str]:
    """Upper-case names of these village codes (from the packaged reference)."""
    from pemilih.domain.region_tables import villages
    table = villages().filter(pl.col("code").is_in(codes.unique().implode()))
    return dict(zip(table["code"], table["name"].str.to_uppercase()))


ID_FIELDS = ("NIK", "NKK")


def slip(current: pl.Expr, other: pl.Expr) -> pl.Expr:
    """` (digit ke-9: 3 ↔ 8)` where the two identifiers differ by a typing slip, else ""."""
    from pemilih.domain.masking import digit_difference

    def said(pair: dict) -> str:
        text = digit_difference(pair["a"], pair["b"])
        return f" ({text})" if text else ""
    return pl.struct(current.alias("a"), other.alias("b")).map_elements(said, return_dtype=pl.String).fill_null("")


def u_reason(field: pl.Expr, current: pl.Expr, proposed: pl.Expr, found: pl.Expr,
             villages: dict[str, str]) -> pl.Expr:
    """Reason of a `U` finding (field, listed and proposed values, how the voter was found);
    `villages` names the village codes proposed."""
    base = field.replace_strict(U_TEXT, default="data berbeda dengan data Disdukcapil")
    base = pl.when(field.is_in(ID_FIELDS)).then(base + slip(current, proposed)).otherwise(base)
    moved = pl.lit("pindah tempat tinggal di dalam kabupaten ke ") + proposed.replace_strict(
        villages, default=proposed) + pl.lit(" menurut data Disdukcapil")
    text = pl.when(field == "KODE DESA").then(moved).otherwise(base)
    return text.str.slice(0, 1).str.to_uppercase() + text.str.slice(1) + pl.lit("; ") + found
