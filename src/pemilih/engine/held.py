"""How the registry extract is held in memory while it is verified: its columns of few
values as categories.

A text cell costs a 16-byte view, plus its bytes when longer than 12; a category costs 4
bytes, and each distinct value is kept once. The columns held so are those with few values:
what became of the resident (status, dates of death, move and arrival, destination,
occupation: mostly empty) and sex, marital status, RT, RW, place of birth and region code.
For a provincial extract that is a third of its memory (0.45 GB of 1.5 GB at 5.4 million
records). Names, NIK, NKK, birth dates and addresses stay text: nearly every value differs.

Polars' text functions and joins refuse categories, and a category kept in a finding would
leak into files: whoever reads a held column as text goes through text() or textual().
"""
from __future__ import annotations

import polars as pl

# What became of the resident (read by engine/findings_status.py), mostly empty.
STATUS_COLUMNS = ("status", "pekerjaan", "tgl_mati", "tgl_pindah", "kode_wilayah_tujuan", "tgl_datang")
HELD_COLUMNS = STATUS_COLUMNS + ("jenis_kelamin", "status_kawin", "rt", "rw", "tempat_lahir", "kode_wilayah")


def held(registry: pl.DataFrame) -> pl.DataFrame:
    """The extract with its HELD_COLUMNS as categories (those held already left as they are)."""
    return registry.with_columns(pl.col(c).cast(pl.Categorical) for c in HELD_COLUMNS
                                 if registry.schema.get(c) == pl.String)


def text(col: str) -> pl.Expr:
    """A column as text, whether held as a category or not."""
    return pl.col(col).cast(pl.String)


def textual(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every column held as categories as text again: for a part of the
    extract (a slice, the candidates) about to be read by text functions."""
    cats = [c for c, t in frame.schema.items() if t == pl.Categorical]
    return frame.with_columns(pl.col(cats).cast(pl.String)) if cats else frame
