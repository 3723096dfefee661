"""The masking rule (pemilih.domain.masking): hand-made cases, and the column (Polars) forms
giving exactly what the single-value forms give over generated values."""
from __future__ import annotations

import re
from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pemilih.domain.masking import (
    HIDDEN,
    id_expr,
    mask_birth_date,
    mask_digits_in_text,
    mask_field,
    mask_id,
    mask_name,
    text_expr,
)

NIK, NKK = "7326014507890001", "7326010101010009"
SHOWN = "732601**********"


@pytest.mark.parametrize("value, shown", [
    (NIK, SHOWN), (NKK, SHOWN), (f" {NIK} ", SHOWN), (f"\t{NIK}\n", SHOWN),
    ("732601450789000", SHOWN),  # 15 digits: one missing
    ("73260145078900012", SHOWN),  # 17 digits
    (f"{NIK}.0", SHOWN), ("7326014507890000", SHOWN),  # what Excel leaves of a number
    ("7.32601E+15", "7.3260**********"), ("7.32601450789E+15", "7.3260**********"),
    ("12345", "12345**********"), ("1", "1**********"),  # short: masked all the same
    (7326014507890001, SHOWN), (7326014507890001.0, SHOWN),
    ("", ""), ("   ", ""), (None, ""),
])
def test_mask_id(value, shown):
    assert mask_id(value) == shown


@pytest.mark.parametrize("text, shown", [
    (f"NIK {NIK} salah", f"NIK {SHOWN} salah"),
    (f"{NIK}/{NKK}", f"{SHOWN}/{SHOWN}"),
    ("nomor 732601450789000 kurang satu", f"nomor {SHOWN} kurang satu"),  # 15 digits
    ("nomor 73260145078900 kurang dua", f"nomor {SHOWN} kurang dua"),  # 14
    ("angka 73260145078", f"angka {SHOWN}"),  # 11 digits: the shortest masked
    ("73260145078900012", SHOWN),
    (f"tersimpan sebagai angka ({NIK}.0)", f"tersimpan sebagai angka ({SHOWN}.0)"),
    ("7.32601450789E+15", "7.3260**********E+15"),  # no 7 digits of the NIK across the point
    ("7,326014507890001e+15", "7,3260**********e+15"),
    (f"baru:{NIK}", f"baru:{SHOWN}"),  # a new voter's key
    (f"PEMILIH{NIK}X", f"PEMILIH{SHOWN}X"),
    # left as written: a 10-digit village code, codes with dots, dates, counts, scores, and
    # a float whose 6 significant digits are the region part only
    ("DPS_7326012001_PANTANAKAN_LOLO.pdf", "DPS_7326012001_PANTANAKAN_LOLO.pdf"),
    ("KODE DESA '7326012001' bukan kode desa", "KODE DESA '7326012001' bukan kode desa"),
    ("73.26.01.2001 pada 01-05-1990", "73.26.01.2001 pada 01-05-1990"),
    ("190.231 pemilih, skor 0,95", "190.231 pemilih, skor 0,95"),
    ("7.32601E+15", "7.32601E+15"),
    ("", ""), (None, ""),
])
def test_mask_digits_in_text(text, shown):
    assert mask_digits_in_text(text) == shown


@pytest.mark.parametrize("name, shown", [
    ("YOHANIS TANDI", "Y****** T****"), ("NE' RANTE", "N** R****"), ("A", "A**"), ("  RUTH  ", "R***"),
    ("", ""), (None, ""),
])
def test_mask_name(name, shown):
    assert mask_name(name) == shown


@pytest.mark.parametrize("field, value, shown", [
    ("NIK", NIK, SHOWN), ("nik", NIK, SHOWN), ("NKK", NKK, SHOWN), ("nkk", NKK, SHOWN), ("NO_KK", NKK, SHOWN),
    ("NIK", "", ""), ("NKK", None, ""),
    ("TANGGAL LAHIR", "05-07-1989", "**-**-1989"), ("tanggal_lahir", "1989-07-05", "**-**-1989"),
    ("TGL_LHR", "05/07/1989", "**-**-1989"), ("TANGGAL LAHIR", date(1989, 7, 5), "**-**-1989"),
    ("TANGGAL LAHIR", datetime(1989, 7, 5, 0, 0), "**-**-1989"),
    ("TANGGAL LAHIR", "31-02-85", "**-**-****"), ("TANGGAL LAHIR", NIK, "**-**-****"),
    ("TANGGAL LAHIR", "", ""), ("TANGGAL LAHIR", None, ""),
    ("DISABILITAS", "1,6", HIDDEN), ("disabilitas", "", HIDDEN), ("DISABILITAS", None, HIDDEN),
    ("NAMA", f"PEMILIH {NIK}", f"PEMILIH {SHOWN}"), ("KETERANGAN", f"NKK {NKK}", f"NKK {SHOWN}"),
    ("ALAMAT", "DUSUN 1", "DUSUN 1"), ("NAMA", None, ""), (None, "RANTEPAO", "RANTEPAO"),
])
def test_mask_field(field, value, shown):
    assert mask_field(field, value) == shown


def test_birth_date_year_only():
    assert mask_birth_date("1989-07-05 00:00:00") == "**-**-1989"


# --- generated values: the column forms equal the single-value forms ---------------------------

digits = st.text(alphabet="0123456789", max_size=20)
floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(str),
    st.integers(0, 10**17).map(float).map(str),  # 7326014507890000.0
    st.builds(lambda n, k, e: f"{n:.{k}{e}}", st.integers(0, 10**17), st.integers(0, 15), st.sampled_from("eE")),
    st.builds(lambda n, k: f"{n:.{k}E}".replace(".", ","), st.integers(0, 10**17), st.integers(0, 15)),
)
pieces = st.one_of(digits, floats, st.text(max_size=8), st.sampled_from([" ", ".", ",", "-", "/", "E+", "\n"]))
mixed = st.lists(pieces, max_size=8).map("".join)
values = st.one_of(st.none(), digits, floats, mixed, st.text())


def _column(expr, items: list) -> list:
    return pl.DataFrame({"v": items}, schema={"v": pl.String}).select(expr(pl.col("v")))["v"].to_list()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(values, min_size=1, max_size=30))
def test_column_forms_equal_the_single_value_forms(items):
    assert _column(id_expr, items) == [mask_id(v) for v in items]
    assert _column(text_expr, items) == [mask_digits_in_text(v) for v in items]


def test_column_forms_keep_the_column_name():
    frame = pl.DataFrame({"nik": [NIK, None]}).select(id_expr(pl.col("nik")), text_expr(pl.col("nik")).alias("t"))
    assert frame.to_dicts() == [{"nik": SHOWN, "t": SHOWN}, {"nik": "", "t": ""}]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=10),
       st.text(alphabet="0123456789", min_size=16, max_size=16),
       st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=10))
def test_an_identifier_anywhere_in_text_shows_its_first_six_digits_only(before, number, after):
    shown = mask_digits_in_text(before + number + after)
    assert number[:6] + "**********" in shown
    assert not re.search(r"[0-9]{7}", shown.replace(before, "", 1))


@settings(max_examples=300, deadline=None)
@given(values)
def test_no_run_of_eleven_digits_survives(value):
    assert not re.search(r"[0-9]{11}", mask_digits_in_text(value))
