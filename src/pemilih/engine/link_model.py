"""The probabilistic linkage model: comparisons, blocking rules, training, the shipped file.

A Fellegi-Sunter model (Splink, DuckDB backend) for the list rows the exact NIK join could
not place. Its comparisons follow what identifies an Indonesian resident:

* NIK: region and serial only (the birth-date digits are compared as the birth date), so a
  typo in a NIK counts once, and a stranger born the same day in the same district does not
  look like a typo.
* birth date: exact, day and month swapped, one keystroke off, same year.
* name: whole names in the matcher's spelling (titles, MUH./MUHAMMAD, old spelling OE/DJ/TJ
  folded), near spellings, one name contained in the other (a word dropped or added); an
  exact name weighs by how rare it is in the registry (term-frequency adjustment).
* residence: family card (NKK), else village, else district. One comparison, not three:
  a move changes card and village together, and scoring them apart would count one move
  as two pieces of evidence against the person.
* sex, birthplace.

The trained model is shipped as `data/linkage_model.json` and loaded at run time; training
happens once, with `pemilih train-linkage`, on generated data (or a real verified list).
Labels in the model file are Bahasa Indonesia: they become the evidence people read.
"""
from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path

import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.comparison_level_library import CustomLevel, ElseLevel

from pemilih.contract import KPU_HEADERS

MODEL_FILE = "linkage_model.json"
# Field label (formats.md section 2 names) of each comparison, for evidence and reasons.
FIELD_OF = {c: KPU_HEADERS.get(c) or f"{KPU_HEADERS['nkk']}/{KPU_HEADERS['kode_desa']}"
            for c in ("nik", "tanggal_lahir", "nama", "domisili", "jenis_kelamin", "tempat_lahir")}


def _null(cond: str) -> CustomLevel:
    return CustomLevel(cond, "kosong").configure(is_null_level=True)


def _level(cond: str, label: str) -> CustomLevel:
    return CustomLevel(cond, label)


def _comparison(name: str, levels: list) -> cl.CustomComparison:
    return cl.CustomComparison(levels + [ElseLevel().configure(label_for_charts="berbeda")],
                               output_column_name=name, comparison_description=FIELD_OF[name])


def comparisons() -> list:
    nik = _comparison("nik", [
        _null("(nik_rs_l IS NULL AND nik_region_l IS NULL) OR nik_rs_r IS NULL"),
        _level("nik_rs_l = nik_rs_r", "kode wilayah dan nomor urut sama"),
        _level("hamming(nik_rs_l, nik_rs_r) = 1", "beda satu digit"),
        _level("hamming(nik_rs_l, nik_rs_r) = 2", "beda dua digit (mis. dua angka tertukar)"),
        _level("nik_region_l = nik_region_r", "kode wilayah sama"),
    ])
    year_l, year_r = "CAST(substr(dob_l, 1, 4) AS INTEGER)", "CAST(substr(dob_r, 1, 4) AS INTEGER)"
    dob = _comparison("tanggal_lahir", [
        _null("dob_l IS NULL OR dob_r IS NULL"),
        _level("dob_l = dob_r", "sama"),
        _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
               " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "hari dan bulan tertukar"),
        _level(f"levenshtein(dob_l, dob_r) <= 1 OR (substr(dob_l, 5) = substr(dob_r, 5)"
               f" AND abs({year_l} - {year_r}) = 1)", "beda satu ketikan"),
        _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "tahun sama"),
    ])
    name = _comparison("nama", [
        _null("name_flat_l IS NULL OR name_flat_r IS NULL"),
        # Term-frequency adjusted: two MUHAMMAD ILHAMs agree on less than two PAULUS RIDUANs.
        _level("name_flat_l = name_flat_r", "sama").configure(tf_adjustment_column="name_flat",
                                                            tf_adjustment_weight=1.0),
        _level("jaro_winkler_similarity(name_flat_l, name_flat_r) >= 0.92", "hampir sama (salah ketik)"),
        _level("list_has_all(name_tokens_l, name_tokens_r) OR list_has_all(name_tokens_r, name_tokens_l)",
               "satu nama termuat dalam yang lain"),
        _level("jaro_winkler_similarity(name_flat_l, name_flat_r) >= 0.8", "mirip"),
    ])
    home = _comparison("domisili", [
        _null("(nkk_ok_l IS NULL AND village_l IS NULL) OR (nkk_ok_r IS NULL AND village_r IS NULL)"),
        _level("nkk_ok_l = nkk_ok_r", "NKK sama"),
        _level("hamming(nkk_ok_l, nkk_ok_r) = 1", "NKK beda satu digit"),
        _level("village_l = village_r", "NKK lain, desa sama"),
        _level("district_l = district_r", "NKK lain, kecamatan sama"),
    ])
    sex = _comparison("jenis_kelamin", [_null("sex_l IS NULL OR sex_r IS NULL"),
                                        _level("sex_l = sex_r", "sama")])
    place = _comparison("tempat_lahir", [
        _null("place_l IS NULL OR place_r IS NULL"),
        _level("place_l = place_r", "sama"),
        _level("jaro_winkler_similarity(place_l, place_r) >= 0.9", "mirip"),
    ])
    return [nik, dob, name, home, sex, place]


def blocking_rules() -> list:
    """Which pairs are scored: same birth date (as written or as in the NIK), same family card,
    same name and birth year or district, or a shared name word with the same birth year, sex
    and district (a name alone would pull in every MARIA of the regency)."""
    return [
        block_on("dob"),
        "l.nik_dob = r.dob",
        block_on("nkk_ok"),
        block_on("name_flat", "birth_year"),
        block_on("name_flat", "district"),
        block_on("name_tokens", "birth_year", "sex", "district", arrays_to_explode=["name_tokens"]),
    ]


# Columns the model reads (besides unique_id and source_dataset).
COLUMNS = ["nik_rs", "nik_region", "dob", "nik_dob", "birth_year", "name_flat", "name_tokens",
           "nkk_ok", "sex", "place", "village", "district"]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )


def shipped_model_path() -> Path:
    return Path(str(resources.files("pemilih.engine") / "data" / MODEL_FILE))


def load_model(path: str | Path | None = None) -> dict:
    """The trained model as a Splink settings dict (the shipped one unless a path is given)."""
    with open(path or shipped_model_path(), encoding="utf-8") as fh:
        return json.load(fh)


def quiet_splink() -> None:
    """Splink logs every step at INFO; a verifier wants none of it in its output."""
    logging.getLogger("splink").setLevel(logging.ERROR)
