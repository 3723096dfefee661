"""One judge per field (pemilih.domain.values), used alike by every entry point.

The expected values here are written by hand (formats.md section 1), or generated from the
contract's own rules (make_nik); the properties compare the entry points with one another:
list import (columns.judge_column / dates.judge_dates / identity.check_id over Polars columns),
the coklit workbook's cells (io/coklit_values.judge) and public responses (store/responses).
The defects these judges replaced are plain tests in test_values_defects.py.
"""
from __future__ import annotations

import os
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pemilih.domain import values as judges
from pemilih.domain.nik import make_nik, nik_problems
from pemilih.domain.regions import district_prefixes
from pemilih.io import coklit_values, dates, identity, values
from pemilih.io.columns import judge_column
from pemilih.store.responses import judge_cell

TODAY = date.today()
# PEMILIH_HYPOTHESIS_EXAMPLES=2000 for a longer search than the suite's.
SETTINGS = settings(max_examples=int(os.environ.get("PEMILIH_HYPOTHESIS_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --- the canonical forms, by hand ------------------------------------------------------------

CANONICAL = [
    ("jenis_kelamin", "laki-laki", "L"), ("jenis_kelamin", "Perempuan", "P"), ("jenis_kelamin", " p ", "P"),
    ("status_kawin", "belum kawin", "B"), ("status_kawin", "K", "S"), ("status_kawin", "Cerai Mati", "P"),
    ("ktp_el", "ya", "S"), ("ktp_el", "belum", "B"), ("ktp_el", None, None),
    ("tps", "1", "001"), ("tps", "TPS 12", "012"), ("tps", "tps03", "003"),
    ("rt", "7", "007"), ("rt", "0", "000"), ("rw", "010", "010"),
    ("disabilitas", None, None), ("disabilitas", "0", None), ("disabilitas", "0,0", None),
    ("disabilitas", "6,1", "1,6"), ("disabilitas", "1, 6", "1,6"), ("disabilitas", "6;1;6", "1,6"),
    ("disabilitas", "0,3", "3"), ("disabilitas", "4/2", "2,4"),
    ("tanggal_lahir", "02-03-1980", "1980-03-02"), ("tanggal_lahir", "2/3/1980", "1980-03-02"),
    ("tanggal_lahir", "02|03|1980", "1980-03-02"), ("tanggal_lahir", "1980-03-02", "1980-03-02"),
    ("nama", "  ne'   rante ", "NE' RANTE"), ("tempat_lahir", "Rantepao", "RANTEPAO"),
    ("alamat", "dusun\t1", "DUSUN 1"), ("kode_desa", "7326012001", "73.26.01.2001"),
    ("keterangan", "pindah  ke   Makale", "pindah ke Makale"),
    ("nik", "'7326014507890001", "7326014507890001"), ("nkk", " 7326010101200001 ", "7326010101200001"),
]
REFUSED = [
    ("jenis_kelamin", "W", "SEX-INVALID"), ("jenis_kelamin", None, "SEX-INVALID"),
    ("status_kawin", "1", "KAWIN-INVALID"), ("ktp_el", "Q", "KTPEL-INVALID"),
    ("tps", "0", "TPS-INVALID"), ("tps", "TPS A", "TPS-INVALID"), ("rt", "RT1", "RT-INVALID"),
    ("rt", "1 2", "RT-INVALID"), ("rw", "1234", "RW-INVALID"), ("rw", None, "RW-INVALID"),
    ("disabilitas", "7", "DISABILITAS-INVALID"), ("disabilitas", "12", "DISABILITAS-INVALID"),
    ("tanggal_lahir", "31-02-1980", "DATE-INVALID"), ("tanggal_lahir", "12-05-01980", "DATE-INVALID"),
    ("tanggal_lahir", None, "DATE-INVALID"), ("kode_desa", "ABC", "KODE-DESA-UNKNOWN"),
    ("nik", "7326014507890001.0", "NIK-FLOAT"), ("nik", "73260145078900", "NIK-LENGTH"),
    ("nik", "9999994507890001", "NIK-REGION"), ("nik", "7326013207890001", "NIK-DATE"),
    ("nkk", "73260101012000O1", "NKK-INVALID"), ("nkk", "7.32601E+15", "NKK-FLOAT"),
    ("nik", "7326014507890000", "NIK-SERIAL"), ("nama", None, "NAMA-EMPTY"), ("nama", "=A1", "NAMA-FORMULA"),
    ("nama", "@ANDI", "NAMA-FORMULA"), ("nama", " 123 ", "NAMA-DIGITS"), ("nama", "ANDI 2", "NAMA-INVALID"),
    ("nama", "ANDI/ANDY", "NAMA-INVALID"),
]


@pytest.mark.parametrize("field,written,stored", CANONICAL)
def test_each_field_has_one_stored_form(field, written, stored):
    assert judges.judge(field, written) == judges.Verdict(stored)
    assert coklit_values.judge(field, written) == (stored, None)
    assert judge_cell(field, written).value == stored


@pytest.mark.parametrize("field,written,code", REFUSED)
def test_each_field_refuses_with_one_code_and_reason(field, written, code):
    verdict = judges.judge(field, written)
    assert verdict.code == code and verdict.reason
    assert coklit_values.judge(field, written) == (None, verdict.reason)
    assert judge_cell(field, written) == verdict


def test_registry_marital_codes_are_an_explicit_wider_set():
    assert judges.registry_marital_status("3") == judges.Verdict("P")
    assert judges.marital_status("3").code == "KAWIN-INVALID"
    assert "kode 1-4" in judges.registry_marital_status("9").reason


def test_reasons_never_quote_personal_data():
    for field, written in (("disabilitas", "TUNANETRA"), ("tanggal_lahir", "31-02-1980"),
                           ("nik", "7326014507890001.0"), ("nik", "7.326014507890001E+15"),
                           ("nkk", "7326010101200001.0")):
        reason = judges.judge(field, written).reason
        assert written not in reason and "7326014507890001" not in reason and "7326010101200001" not in reason


# --- every entry point, the same answer: properties -----------------------------------------

ALIASES = ["L", "P", "LK", "PR", "laki-laki", "Laki Laki", "perempuan", "pria", "wanita", "1", "2", "3", "4",
           "B", "S", "K", "BK", "belum kawin", "belum menikah", "kawin", "sudah kawin", "menikah", "cerai hidup",
           "cerai mati", "janda", "duda", "pernah kawin", "Y", "T", "ya", "tidak", "sudah", "belum", "ada",
           "tidak ada", "TPS 1", "tps 01", "TPS01", "TPS", "0", "00", "000", "007", "1,6", "6, 1", "1;6", "0,1",
           "2/4", "1.6", "RT 1", "-", "TPS 0"]
ALPHABET = "0123456789ABCDELPSTKYabdeklpsty,;/.- \t\u00a0|'=+@’`("


def _random_case(text: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if f else c for c, f in zip(text, flips + [False] * len(text)))


written_text = st.one_of(
    st.none(),
    st.text(ALPHABET, max_size=10),
    st.builds(_random_case, st.sampled_from(ALIASES), st.lists(st.booleans(), max_size=16)),
    st.builds(lambda a, b, c: f"{b}{a}{c}", st.sampled_from(ALIASES), st.sampled_from(["", " ", "  ", "\t"]),
              st.sampled_from(["", " ", "\u00a0"])),
)
SIMPLE = ["jenis_kelamin", "status_kawin", "ktp_el", "tps", "rt", "rw", "disabilitas", "nama", "tempat_lahir",
          "alamat", "keterangan"]


def _outcome(verdict) -> tuple:
    return ("ok", verdict.value) if verdict.ok else ("bad", verdict.code, verdict.reason)


def _list_import(col: str, texts: list[str | None]) -> list[tuple]:
    """The list-import path: the column's judge once per distinct value, over a Polars column."""
    df = pl.DataFrame({"_i": pl.Series(range(len(texts)), dtype=pl.UInt32), col: pl.Series(texts, dtype=pl.String)})
    value, problems = judge_column(df, col, values.kpu_judges()[col], values.AS_IS.get(col))
    return _rows(value.to_list(), problems, len(texts))


def _rows(stored: list, problems: pl.DataFrame | None, n: int) -> list[tuple]:
    bad = {} if problems is None else {i: (c, r) for i, c, r in problems.select("_i", "code", "reason").rows()}
    return [("bad", *bad[i]) if i in bad else ("ok", stored[i]) for i in range(n)]


def _coklit(col: str, text: str | None) -> tuple:
    value, reason = coklit_values.judge(col, text)
    return ("ok", value) if reason is None else ("bad", reason)


def _without_code(outcome: tuple) -> tuple:
    return outcome if outcome[0] == "ok" else ("bad", outcome[-1])


@SETTINGS
@given(col=st.sampled_from(SIMPLE), texts=st.lists(written_text, min_size=1, max_size=25))
def test_list_import_coklit_and_responses_agree(col, texts):
    imported = _list_import(col, texts)
    for text, listed in zip(texts, imported):
        response = _outcome(judge_cell(col, text))
        assert listed == response, (col, text)
        assert _without_code(listed) == _coklit(col, text), (col, text)


date_text = st.one_of(
    st.none(),
    st.text("0123456789-/|. ", max_size=12),
    st.builds(lambda d, sep, order, pad: (f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if order == "iso" else
                                          sep.join([f"{d.day:0{pad}d}", f"{d.month:0{pad}d}", f"{d.year:04d}"]
                                                   if order == "dmy" else
                                                   [f"{d.month:0{pad}d}", f"{d.day:0{pad}d}", f"{d.year:04d}"])),
              st.dates(date(1840, 1, 1), date(2110, 12, 31)), st.sampled_from(["-", "/", "|", ".", " - "]),
              st.sampled_from(["dmy", "mdy", "iso"]), st.sampled_from([1, 2])),
    st.builds(lambda a, b, c: f"{a:02d}-{b:02d}-{c}", st.integers(0, 39), st.integers(0, 15),
              st.sampled_from(["1980", "01980", "80", "2031", "1849", "+1980"])),
)


@SETTINGS
@given(texts=st.lists(date_text, min_size=1, max_size=25))
def test_birth_dates_agree_between_the_column_wise_reader_and_the_judge(texts):
    df = pl.DataFrame({"_i": pl.Series(range(len(texts)), dtype=pl.UInt32), "file": ["a.csv"] * len(texts),
                       "tanggal_lahir": pl.Series(texts, dtype=pl.String)})
    value, problems = dates.judge_dates(df, "tanggal_lahir", "TANGGAL LAHIR", set(), True, TODAY)
    for text, listed in zip(texts, _rows(value.to_list(), problems, len(texts))):
        assert listed == _outcome(judge_cell("tanggal_lahir", text)), text
        assert _without_code(listed) == _coklit("tanggal_lahir", text), text


# NIKs: valid ones made by the registry's rule, and each way one goes wrong.
PREFIXES = sorted(district_prefixes())[:400:7]
people = st.tuples(st.sampled_from(PREFIXES), st.dates(date(1930, 1, 1), date(2009, 12, 31)),
                   st.sampled_from("LP"), st.integers(1, 9999))


def _spoil(nik: str, how: str, n: int) -> str:
    return {
        "valid": nik, "short": nik[:16 - 1 - n % 5], "long": nik + str(n % 10) * (1 + n % 3),
        "letter": nik[:n % 16] + "O" + nik[n % 16 + 1:], "float": nik + ".0",
        "sci": f"{int(nik):.{10 + n % 5}E}", "region": "999999" + nik[6:], "region0": "000000" + nik[6:],
        "day": nik[:6] + f"{32 + n % 8:02d}" + nik[8:], "day0": nik[:6] + "00" + nik[8:],
        "month": nik[:8] + f"{13 + n % 80:02d}" + nik[10:], "spaced": f" {nik} ", "quote": "'" + nik,
        "empty": "", "dash": nik[:6] + "-" + nik[6:], "serial0": nik[:12] + "0000",
        "serial0region": "999999" + nik[6:12] + "0000", "serial0day": nik[:6] + "00" + nik[8:12] + "0000",
    }[how]


SPOILS = ["valid", "valid", "short", "long", "letter", "float", "sci", "region", "region0", "day", "day0",
          "month", "spaced", "quote", "empty", "dash", "serial0", "serial0region", "serial0day"]
nik_case = st.tuples(people, st.sampled_from(SPOILS), st.integers(0, 999), st.sampled_from(["same", "other", None]),
                     st.sampled_from(["same", "other", None]), st.booleans())


def _nik_frame(cases):
    """(frame as the reader makes it, the expected scalar inputs) for generated NIK cases."""
    rows = []
    for (region, born, sex, serial), how, n, sex_is, born_is, numeric in cases:
        nik = _spoil(make_nik(region, born, sex, serial), how, n)
        person_sex = None if sex_is is None else (sex if sex_is == "same" else ("P" if sex == "L" else "L"))
        other_day = born.replace(day=2 if born.day == 1 else 1)
        person_born = None if born_is is None else (born if born_is == "same" else other_day)
        rows.append((nik, person_sex, person_born, numeric and how in ("valid", "float")))
    df = pl.DataFrame({"_i": pl.Series(range(len(rows)), dtype=pl.UInt32),
                       "nik": pl.Series([r[0] or None for r in rows], dtype=pl.String),
                       "_nik_num": [r[3] for r in rows],
                       "jenis_kelamin": pl.Series([r[1] for r in rows], dtype=pl.String),
                       "tanggal_lahir": pl.Series([r[2].isoformat() if r[2] else None for r in rows],
                                                  dtype=pl.String)})
    return df, rows


@SETTINGS
@given(cases=st.lists(nik_case, min_size=1, max_size=30))
def test_scalar_and_column_wise_nik_checks_give_the_same_codes_and_reasons(cases):
    df, rows = _nik_frame(cases)
    prefixes = district_prefixes()
    text, well, found = identity.check_id(df, "nik", "NIK", prefixes)
    person = identity.check_person(df.with_columns(text), well, "jenis_kelamin", "tanggal_lahir",
                                   df["tanggal_lahir"].is_not_null())
    got = pl.concat([found, person]).with_row_index("_n").sort("_i", "_n")
    for i, (nik, sex, born, numeric) in enumerate(rows):
        want = [(p.code, p.reason) for p in nik_problems(nik, prefixes.__contains__, born, sex, numeric=numeric)]
        mine = got.filter(pl.col("_i") == i).select("code", "reason").rows()
        assert mine == want, (nik, sex, born, numeric)
        for _, reason in mine:
            assert not any(len(run) >= 15 for run in reason.replace("*", " ").split()), reason


@SETTINGS
@given(cases=st.lists(nik_case, min_size=1, max_size=30), label=st.sampled_from(["NIK", "NKK"]))
def test_identifiers_agree_between_list_import_coklit_and_responses(cases, label):
    df, rows = _nik_frame(cases)
    col = label.lower()
    df = df.rename({"nik": col, "_nik_num": f"_{col}_num"})
    text, well, found = identity.check_id(df, col, label, district_prefixes())
    if col == "nik":  # the encoded date only: no sex or birth date given
        blank = df.with_columns(text, pl.lit(None, pl.String).alias("jenis_kelamin"))
        found = pl.concat([found, identity.check_person(blank, well, "jenis_kelamin", "tanggal_lahir",
                                                        pl.Series([False] * df.height))])
    first = found.with_row_index("_n").sort("_i", "_n").unique("_i", keep="first", maintain_order=True)
    listed = _rows(text.to_list(), first, df.height)
    for (nik, _, _, numeric), got in zip(rows, listed):
        raw = float(nik) if numeric else (nik or None)
        assert _without_code(got) == _coklit(col, raw), nik
        if not numeric:
            assert got == _outcome(judge_cell(col, nik or None)), nik


NAME_SAMPLES = ["NE' RANTE", "MUH. AMIN", "DRS. YOHANIS, S.PD.", "SITI-AMINAH", "A", "DUSUN 1", "A  B", " A", "A ",
                "Ma'ruf", "ÀGÜSTINA", "A\tB", "=SUM(A1)", "-A", "+A", "@A", "", "'A", "`X`", "{A}", "A\u00a0B", "A-",
                "A .", "123", "A1", "ANDI 2", "ABDUL, S1", "NE’ RANTE", "A/B", ".", "A\nB"]


def test_the_name_shortcut_keeps_only_what_the_judge_keeps():
    """values.AS_IS lets Polars skip values; each one it skips, both name judges keep unchanged."""
    assert values.AS_IS == {"nama": judges.NAME_AS_IS}
    skipped = pl.Series(NAME_SAMPLES).str.contains(judges.NAME_AS_IS).to_list()
    for text, skip in zip(NAME_SAMPLES, skipped):
        if skip:
            assert judges.name(text) == judges.Verdict(text), text
            assert judges.registry_name(text) == judges.Verdict(text), text
    assert skipped[:5] == [True] * 5 and not any(skipped[5:9])


@SETTINGS
@given(texts=st.lists(st.text("ABZaz019 '.,-=+@’`/\t", max_size=8), min_size=1, max_size=30))
def test_the_name_shortcut_never_skips_what_the_judge_would_change(texts):
    for text, skip in zip(texts, pl.Series(texts).str.contains(judges.NAME_AS_IS).to_list()):
        if skip:
            assert judges.name(text) == judges.Verdict(text), text
