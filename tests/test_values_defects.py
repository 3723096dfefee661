"""The disagreements between entry points that one judge per field removed, as plain cases
written by hand. Each of these failed on the code before pemilih.domain.values (they use only
functions that existed then)."""
from __future__ import annotations

import polars as pl

from pemilih.domain.nik import mask, nik_problems
from pemilih.domain.regions import load_regions
from pemilih.io import coklit_values, identity
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, voter, write_csv

FLOAT_NIK = "7326014507890001.0"  # what Excel leaves of 7326014507890001


def _listed(tmp_path, **overrides) -> dict:
    """The second row of a list read back (the first one is a plain valid voter)."""
    rows = [voter(no=1), voter(no=2, **overrides)]
    return read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)]).records.row(1, named=True)


def test_disability_zero_is_none_and_codes_are_sorted_on_list_import_as_in_coklit(tmp_path):
    assert _listed(tmp_path, DISABILITAS="0")["disabilitas"] is None
    assert _listed(tmp_path, DISABILITAS="6,1")["disabilitas"] == "1,6"
    assert coklit_values.judge("disabilitas", "0") == (None, None)
    assert coklit_values.judge("disabilitas", "6,1") == ("1,6", None)


def test_a_float_nik_typed_into_a_coklit_cell_is_refused_with_the_nik_masked():
    value, reason = coklit_values.judge("nik", FLOAT_NIK)
    assert value is None
    assert "7326014507890001" not in reason and mask("7326014507890001") in reason


def test_the_scalar_and_the_column_wise_nik_checks_give_the_same_float_reason():
    [scalar] = nik_problems(FLOAT_NIK)
    df = pl.DataFrame({"_i": pl.Series([0], dtype=pl.UInt32), "nik": [FLOAT_NIK]})
    _, _, found = identity.check_id(df, "nik", "NIK", load_regions().district_prefixes)
    assert found.select("code", "reason").rows() == [(scalar.code, scalar.reason)]
    assert "7326014507890001" not in scalar.reason


def test_coklit_takes_the_aliases_a_list_import_takes(tmp_path):
    listed = _listed(tmp_path, **{"STATUS PERKAWINAN": "kawin", "KTP-EL": "ya", "JENIS KELAMIN": "laki-laki"})
    assert (listed["status_kawin"], listed["ktp_el"], listed["jenis_kelamin"]) == ("S", "S", "L")
    assert [coklit_values.judge(c, v)[0] for c, v in
            (("status_kawin", "kawin"), ("ktp_el", "ya"), ("jenis_kelamin", "laki-laki"))] == ["S", "S", "L"]


def test_list_import_stores_names_in_capitals_with_single_spaces_as_coklit_does(tmp_path):
    listed = _listed(tmp_path, NAMA="yohanes  patiku", ALAMAT=" dusun   2 ", **{"TEMPAT LAHIR": "Makale"})
    assert (listed["nama"], listed["alamat"], listed["tempat_lahir"]) == ("YOHANES PATIKU", "DUSUN 2", "MAKALE")
    assert coklit_values.judge("nama", "yohanes  patiku") == ("YOHANES PATIKU", None)


def test_an_rt_with_a_tps_prefix_is_refused_in_coklit_as_on_list_import(tmp_path):
    assert _listed(tmp_path, RT="TPS 5")["rt"] == "TPS 5"  # kept as written, with RT-INVALID
    assert coklit_values.judge("rt", "TPS 5")[0] is None


def test_same_value_compares_stored_forms():
    assert coklit_values.same_value("rt", "7", "007")
    assert coklit_values.same_value("disabilitas", "6,1", "1,6")
    assert coklit_values.same_value("tanggal_lahir", "02-03-1980", "1980-03-02")
    assert coklit_values.same_value("nama", "Ne'  Rante", "NE' RANTE")
    assert not coklit_values.same_value("rt", "7", "017")
