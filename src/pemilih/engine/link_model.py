"""The probabilistic linkage model: comparisons, blocking rules, training, the shipped file.

A Fellegi-Sunter model (Splink, DuckDB backend) for the list rows the exact NIK join could
not place. Its comparisons follow what identifies an Indonesian resident:

* NIK: region and serial only (the birth-date digits are compared as the birth date), so a
  typo in a NIK counts once, and a stranger born the same day in the same district does not
  look like a typo.
* birth date: exact (not a placeholder day), a placeholder day (01-01, 01-07, 31-12: only
  the year was known) in the same year, day and month swapped, one keystroke off, two
  keystrokes off, same year.
* name: whole names in the matcher's spelling (titles, MUH./MUHAMMAD, old spelling OE/DJ/TJ
  folded), the same words in another order, the same sound (SYAMSUDDIN/SAMSUDIN), near
  spellings, one name contained in the other (a word dropped or added), one word shared; an
  exact name weighs by how rare it is in the registry (term-frequency adjustment).
* residence: family card (NKK), else village and address, else village, else address alone,
  else district. One comparison, not three: a move changes card, village and address
  together, and scoring them apart would count one move as three pieces of evidence against
  the person.
* sex, birthplace.

The trained model is shipped as `data/linkage_model.json` and loaded at run time; training
happens once, with `pemilih train-linkage`, on generated data (or a real verified list).
Labels in the model file are Bahasa Indonesia: they become the evidence people read.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pemilih.contract import KPU_HEADERS
from pemilih.domain.dates import PLACEHOLDER_DAYS

if TYPE_CHECKING:  # Splink is loaded only to train or re-estimate: scoring needs none of it
    import splink.comparison_library as cl
    from splink import SettingsCreator
    from splink.comparison_level_library import CustomLevel

MODEL_FILE = "linkage_model.json"
# Field label (formats.md section 2 names) of each comparison, for evidence and reasons.
FIELD_OF = {c: KPU_HEADERS.get(c) or f"{KPU_HEADERS['nkk']}/{KPU_HEADERS['kode_desa']}/{KPU_HEADERS['alamat']}"
            for c in ("nik", "tanggal_lahir", "nama", "domisili", "jenis_kelamin", "tempat_lahir")}


def _null(cond: str) -> CustomLevel:
    from splink.comparison_level_library import CustomLevel
    return CustomLevel(cond, "kosong").configure(is_null_level=True)


def _level(cond: str, label: str) -> CustomLevel:
    from splink.comparison_level_library import CustomLevel
    return CustomLevel(cond, label)


def _comparison(name: str, levels: list) -> cl.CustomComparison:
    import splink.comparison_library as cl
    from splink.comparison_level_library import ElseLevel
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
    return [nik, _birth_date(), _name(), _home(), _sex(), _birthplace()]


def _birth_date() -> cl.CustomComparison:
    year_l, year_r = "CAST(substr(dob_l, 1, 4) AS INTEGER)", "CAST(substr(dob_r, 1, 4) AS INTEGER)"
    placeholder = ", ".join(f"'{d}'" for d in PLACEHOLDER_DAYS)
    either = f"(substr(dob_l, 6) IN ({placeholder}) OR substr(dob_r, 6) IN ({placeholder}))"
    return _comparison("tanggal_lahir", [
        _null("dob_l IS NULL OR dob_r IS NULL"),
        # A placeholder day (only the year was known) agreeing says no more than the year.
        _level(f"dob_l = dob_r AND NOT {either}", "sama"),
        _level(f"substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND {either}",
               "tahun sama, tanggal pengganti (hanya tahun diketahui)"),
        _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
               " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "hari dan bulan tertukar"),
        _level(f"levenshtein(dob_l, dob_r) <= 1 OR (substr(dob_l, 5) = substr(dob_r, 5)"
               f" AND abs({year_l} - {year_r}) = 1)", "beda satu ketikan"),
        _level("levenshtein(dob_l, dob_r) <= 2", "beda dua ketikan"),
        _level("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "tahun sama"),
    ])


def _near_words(a: str, b: str, at: float | None = 0.88) -> str:
    """SQL: how many words of name `a` are nearly (Jaro-Winkler at least `at`; None: exactly)
    a word of name `b`, an initial counting as near the words it begins (`A RAHMAN` / `ANDI RAHMAN`)."""
    same = "x = y" if at is None else f"jaro_winkler_similarity(x, y) >= {at}"
    near = f"{same} OR (length(x) = 1 AND starts_with(y, x)) OR (length(y) = 1 AND starts_with(x, y))"
    return (f"list_count(list_filter(name_tokens_{a}, lambda x: list_bool_or(list_transform(name_tokens_{b}, "
            f"lambda y: {near}))))")


def _name() -> cl.CustomComparison:
    jw = "jaro_winkler_similarity"
    every = (f"{_near_words('l', 'r')} = len(name_tokens_l) OR {_near_words('r', 'l')} = len(name_tokens_r)")
    initials = (f"{_near_words('l', 'r', None)} = len(name_tokens_l)"
                f" OR {_near_words('r', 'l', None)} = len(name_tokens_r)")
    return _comparison("nama", [
        _null("name_flat_l IS NULL OR name_flat_r IS NULL"),
        # Term-frequency adjusted: two MUHAMMAD ILHAMs agree on less than two PAULUS RIDUANs.
        _level("name_flat_l = name_flat_r", "sama").configure(tf_adjustment_column="name_flat",
                                                            tf_adjustment_weight=1.0),
        _level("name_sorted_l = name_sorted_r", "sama, urutan kata berbeda"),
        _level("name_sound_l = name_sound_r", "bunyi sama, ejaan lain"),
        _level(f"{jw}(name_flat_l, name_flat_r) >= 0.92 OR {jw}(name_sorted_l, name_sorted_r) >= 0.92",
               "hampir sama (salah ketik)"),
        _level("list_has_all(name_tokens_l, name_tokens_r) OR list_has_all(name_tokens_r, name_tokens_l)",
               "satu nama termuat dalam yang lain"),
        _level(initials, "satu nama termuat, dengan inisial"),
        # Each word of one name is nearly a word of the other (typos, another order, a word more).
        _level(every, "kata-kata nama hampir sama"),
        _level(f"{jw}(name_flat_l, name_flat_r) >= 0.8", "mirip"),
        _level("list_has_any(name_tokens_l, name_tokens_r)", "satu kata nama sama"),
        _level(f"{_near_words('l', 'r')} >= 1", "satu kata nama hampir sama"),
    ])


def _home() -> cl.CustomComparison:
    """Family card, village and address as one comparison: a move changes all three, and
    scoring them apart would count one move as three pieces of evidence against the person.
    The address weighs with the village it lies in; in another village it still speaks for a
    village code written wrong."""
    shared = "len(list_intersect(address_tokens_l, address_tokens_r))"
    most = "greatest(len(address_tokens_l), len(address_tokens_r))"
    near = (f"(address_l = address_r OR jaro_winkler_similarity(address_l, address_r) >= 0.9"
            f" OR {shared} * 2 >= {most})")
    return _comparison("domisili", [
        _null("(nkk_ok_l IS NULL AND village_l IS NULL AND address_l IS NULL)"
              " OR (nkk_ok_r IS NULL AND village_r IS NULL AND address_r IS NULL)"),
        _level("nkk_ok_l = nkk_ok_r", "NKK sama"),
        _level("hamming(nkk_ok_l, nkk_ok_r) = 1", "NKK beda satu digit"),
        _level("village_l = village_r AND address_l = address_r", "NKK lain, desa dan alamat sama"),
        _level(f"village_l = village_r AND {near}", "NKK lain, desa sama, alamat hampir sama"),
        _level("village_l = village_r", "NKK lain, desa sama"),
        _level(near, "desa lain, alamat sama"),
        _level("district_l = district_r", "NKK lain, kecamatan sama"),
    ])


def _sex() -> cl.CustomComparison:
    return _comparison("jenis_kelamin", [_null("sex_l IS NULL OR sex_r IS NULL"), _level("sex_l = sex_r", "sama")])


def _birthplace() -> cl.CustomComparison:
    return _comparison("tempat_lahir", [
        _null("place_l IS NULL OR place_r IS NULL"),
        _level("place_l = place_r", "sama"),
        _level("jaro_winkler_similarity(place_l, place_r) >= 0.9", "mirip"),
    ])


# A family card's members share card and address and sometimes a name (a child named after a
# parent): within one card, a birth date unlike the registry's by more than a slip is another
# member of the family, whatever the other fields say. Such a best candidate is never taken
# as a link on its own; a person decides (link_prob.best_links).
FAMILY_LEVEL = ("domisili", "NKK sama")
OTHER_MEMBER_DATES = ("tanggal_lahir", ("berbeda", "tahun sama"))
# A name in part (a middle name left out or an initial, a letter mistyped in the middle) whose
# first and last words agree says less when those are common together (MUHAMMAD ... RAHMAN)
# than when they are rare (PAULUS ... RIDUAN): at these levels the weight is adjusted by the
# rarity of the two words together (link_prob.name_frequencies, engine/link_score). Splink's
# own term-frequency adjustment, log2(u / frequency), suits an exact level only: a partial
# level's u is far below any value's frequency, and every pair would lose weight.
ENDS_RARITY_LEVELS = ("nama", ("hampir sama (salah ketik)", "satu nama termuat dalam yang lain",
                               "satu nama termuat, dengan inisial", "kata-kata nama hampir sama"))
# A name that shares nothing with the registry's is no evidence of the person: a birth year,
# an address, a village are shared by a household or a neighbour. Unless the whole birth date
# agrees too (FULL_DATE_LEVELS: a name written another way entirely, a nickname, agreeing by
# chance with a housemate's day and month is rare), such a best candidate is never a link on
# its own either (link_prob.best_links).
NAME_UNLIKE_LEVELS = ("nama", ("berbeda",))
# Birth-date levels that say more than the year (for the evidence a duplicate needs, dedupe).
FULL_DATE_LEVELS = ("sama", "hari dan bulan tertukar", "beda satu ketikan")


@dataclass(frozen=True)
class Block:
    """Pairs agreeing on every one of `keys` are scored. `left` names the list row's columns
    when they differ from the registry's; `explode` names list columns any of whose words may
    agree; a `wide` block is used only when the pairs it makes are affordable (link_prob)."""
    keys: tuple[str, ...]
    left: tuple[str, ...] = ()
    explode: tuple[str, ...] = ()
    wide: bool = False
    scope: str | None = None  # a column the pair must agree on too, when both sides have it
    # A list row whose keys more than this many registry records share gets no pairs from this
    # block (link_prob.bounded): its keys tell too few people apart, and the narrower blocks on
    # the same values (the name with the birth year or the whole date) still pair it.
    most: int | None = None

    def __post_init__(self):
        if self.most is not None and self.explode:
            raise ValueError("a bounded block counts one key per list row: it cannot explode words")

    @property
    def list_keys(self) -> tuple[str, ...]:
        return self.left or self.keys

    def rule(self) -> dict:
        """The blocking rule in Splink's settings form."""
        sql = " AND ".join(f'l."{a}" = r."{b}"' for a, b in zip(self.list_keys, self.keys))
        if self.scope:
            sql += f' AND (l."{self.scope}" IS NULL OR r."{self.scope}" IS NULL OR l."{self.scope}" = r."{self.scope}")'
        rule = {"blocking_rule": sql, "sql_dialect": "duckdb"}
        return rule | ({"arrays_to_explode": list(self.explode)} if self.explode else {})


# Which pairs are scored. Always: a birth date (as written or as in the NIK), a family card, a
# whole name as it sounds (the matcher's spelling included) with the birth year or district,
# a name word with the birth year and district. When affordable (link_prob.blocks): a name
# word with the village, the village with the birth year (a name rewritten whole), the whole
# name as it sounds, a name word with the birth year anywhere in the registry, a name word
# with an address word, and the name's first and last words (a middle name written out, as an
# initial or left out): they find the person whose birth date and village are both written
# wrong, or who moved far.
# A name's sound with the district alone finds someone whose birth date is wholly wrong; a name
# that more than NAMESAKES_IN_DISTRICT people of the district share (AISYAH in a city's district:
# some two thousand) cannot tell them apart without the date, and would bring every namesake to
# be scored: those rows are left to the blocks with the birth year or the whole date.
# Sex is compared, never blocked on: it is often blank in lists from other sources.
# A birth date alone, and a name's sound with the birth year, are blocks within the row's regency
# (every regency when the row's village or the record's region is unknown): a province holds ten
# or twenty times a regency's people born on any day or in any year under the commonest names,
# and the pairs, compared with the whole province, would grow with its square. Someone who moved
# to another regency is still found by the name's sound with the whole birth date, by the family
# card, or (a list not of the registry's making) by the wide blocks.
NAMESAKES_IN_DISTRICT = 100
BLOCKS = (
    Block(("dob",), scope="regency"),
    Block(("dob",), left=("nik_dob",), scope="regency"),
    Block(("nkk_ok",)),
    Block(("name_sound", "birth_year"), scope="regency"),
    Block(("name_sound", "dob")),
    Block(("name_sound", "district"), most=NAMESAKES_IN_DISTRICT),
    Block(("name_tokens", "birth_year", "district"), explode=("name_tokens",)),
    Block(("name_ends",), wide=True),
    Block(("name_tokens", "village"), explode=("name_tokens",), wide=True),
    Block(("village", "birth_year"), wide=True),
    Block(("name_sound",), wide=True),
    Block(("name_tokens", "birth_year"), explode=("name_tokens",), wide=True),
    Block(("address_tokens", "name_tokens"), explode=("address_tokens", "name_tokens"), wide=True),
)


def blocking_rules(blocks=BLOCKS) -> list[dict]:
    return [b.rule() for b in blocks]


# Columns the model reads (besides unique_id and source_dataset).
COLUMNS = ["nik_rs", "nik_region", "dob", "nik_dob", "birth_year", "name_flat", "name_tokens", "name_sorted",
           "name_sound", "name_ends", "nkk_ok", "sex", "place", "address", "address_tokens", "village", "district",
           "regency"]


def settings() -> SettingsCreator:
    from splink import SettingsCreator
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
