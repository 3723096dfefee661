"""Village names resolved without a regency: an index, not a scan of every village of Indonesia.

A list from another source (names, but codes not Kemendagri's) once took a third of a second
per distinct village name: every miss compared the name with all ~84,000 villages."""
from __future__ import annotations

import difflib

import pytest

from pemilih.domain import regions

LAANG_TANDUK = "73.26.01.1001"  # kelurahan Laang Tanduk, Kecamatan Rantepao (the reference's CSV)
VILLAGES_OF_TORAJA_UTARA = 151  # the generator's regency (truth/meta.json: villages)


@pytest.fixture(scope="module")
def reference() -> regions.Regions:
    return regions.load_regions()


@pytest.fixture
def compared(monkeypatch) -> list[list[str]]:
    """The spellings each close-match search compared the name with."""
    calls: list[list[str]] = []
    real = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        calls.append(list(possibilities))
        return real(word, possibilities, *args, **kwargs)
    monkeypatch.setattr(regions.difflib, "get_close_matches", counting)
    return calls


def test_an_exact_name_nationally_is_a_lookup(reference, compared):
    assert reference.find_village("LEMBANG Laang  Tanduk") == (reference.get(LAANG_TANDUK), [])
    assert compared == []


def test_a_name_shared_across_indonesia_returns_every_village_of_it(reference, compared):
    match, candidates = reference.find_village("SUKA MAJU")
    assert match is None and compared == []
    codes = {v.code for v in candidates}
    # Three of the 65 villages spelt exactly `Sukamaju` in the reference.
    assert {"12.06.04.2023", "12.07.23.2012", "12.72.05.1007"} <= codes and len(codes) >= 65
    assert all(regions.name_key(v.name) == "SUKAMAJU" for v in candidates)


def test_a_misspelling_nationally_compares_only_names_of_its_shape(reference, compared):
    match, candidates = reference.find_village("LAANG TANDUQ")
    assert match is None and LAANG_TANDUK in [v.code for v in candidates]
    (pool,) = compared
    # The slow path handed every village spelling of Indonesia (over 80,000) to difflib.
    assert 0 < len(pool) < 5_000
    assert all(k[0] == "L" and abs(len(k) - len("LAANGTANDUQ")) <= 2 for k in pool)


def test_a_misspelling_within_a_regency_compares_that_regency_only(reference, compared):
    match, candidates = reference.find_village("LAANG TANDUQ", "73.26")
    assert match is None and candidates[0].code == LAANG_TANDUK
    (pool,) = compared
    assert len(pool) <= VILLAGES_OF_TORAJA_UTARA


def test_a_kecamatan_narrows_a_national_search(reference, compared):
    match, candidates = reference.find_village("LAANG TANDUQ", None, "Rantepao")
    assert match is None and candidates[0].code == LAANG_TANDUK
    (pool,) = compared
    assert len(pool) < 100  # the villages of the kecamatan named Rantepao, not of Indonesia

def test_an_unknown_kecamatan_falls_back_to_the_regency(reference):
    assert reference.find_village("Laang Tanduk", "73.26", "NO SUCH KECAMATAN") == (reference.get(LAANG_TANDUK), [])
