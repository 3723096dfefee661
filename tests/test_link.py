"""Linkage: NIK features, the exact join and its doubts, the probabilistic stage, the model."""
from __future__ import annotations

import json

import polars as pl
import pytest
from test_verify import fillers, person, row, tables

from pemilih.engine import link_model
from pemilih.engine.link import link
from pemilih.engine.link_prepare import prepare, with_nik_dates


def test_nik_features_undo_typing_and_excel():
    df = pl.DataFrame({"nik": ["7326014507890001", "73260l45O7890001", "7.32601450789E+15", "7.32601E+15",
                               "732601450789001", None, "abc"],
                       "nkk": None, "nama": "X", "tempat_lahir": None, "tanggal_lahir": None,
                       "jenis_kelamin": "P", "kode_desa": None}, schema_overrides={"nkk": pl.String,
                                                                                  "tempat_lahir": pl.String,
                                                                                  "tanggal_lahir": pl.String,
                                                                                  "kode_desa": pl.String})
    f = with_nik_dates(prepare(df, "kpu"))
    assert f["nik_full"].to_list() == ["7326014507890001", "7326014507890001", None, None, "732601450789001",
                                       None, None]
    assert f["nik_pre"].to_list()[2:4] == ["732601450789", "732601"]
    # digits 7-12 are the birth date, day + 40 for women: 45 -> the 5th
    assert f["nik_dob"].to_list()[:3] == ["1989-07-05", "1989-07-05", "1989-07-05"]
    assert f["dob"][0] == "1989-07-05"  # no written date: the NIK's
    assert f["nik_rs"][0] == "7326010001" and f["nik_region"][3] == "732601"


def _link(rows, people):
    lst, reg = tables(rows, people)
    result = link(lst, reg)
    niks = reg["nik"]
    return {r: (niks[rid], method, score, ev) for r, rid, method, score, ev
            in result.links.select("lid", "rid", "method", "score", "evidence").iter_rows()}, result


def test_exact_nik_links_score_one_and_doubtful_ones_are_not_taken():
    p, q = person("YOHANIS SAMPE", "1970-05-12"), person("MARIA TANDI", "1990-01-01", "P")
    stranger = row(p, nama="BENYAMIN PONGTIKU", tanggal_lahir="1951-11-30", nkk="7326019876540001")
    links, _ = _link([row(p), row(q, nama="MARIA TANDIE"), stranger], [p, q] + fillers(30))
    assert links[0][:3] == (p["nik"], "nik", 1.0) and links[0][3] is None
    assert links[1][:2] == (q["nik"], "nik")  # a name typo does not undo a NIK match
    assert 2 not in links  # same NIK, nothing else alike: someone else written with that NIK


@pytest.mark.parametrize("change", [
    {"nik": None},                                       # empty
    {"nik": "7.32601450789E+15"},                         # Excel
    {"nik": "PLACEHOLDER-O"},                             # O typed for 0
    {"nik": "PLACEHOLDER-SWAP"},                          # two digits swapped
    {"nik": "PLACEHOLDER-SHORT"},                         # a digit lost
    {"nik": None, "nkk": "7326019999990002", "kode_desa": "73.26.02.1003"},  # and moved
])
def test_broken_niks_are_linked_by_the_rest(change):
    p = person("AGUSTINA PALIMBONG", "1989-07-05", "P")
    nik = p["nik"]
    fixes = {"PLACEHOLDER-O": nik[:4] + "O" + nik[5:] if nik[4] == "0" else nik.replace("0", "O", 1),
             "PLACEHOLDER-SWAP": nik[:13] + nik[14] + nik[13] + nik[15:] if nik[13] != nik[14] else nik[:12] + "9" + nik[13:],
             "PLACEHOLDER-SHORT": nik[:14] + nik[15]}
    change = {k: fixes.get(v, v) for k, v in change.items()}
    if change["nik"] and change["nik"].startswith("7.326"):
        change["nik"] = f"{nik[0]}.{nik[1:12]}E+15"
    links, _ = _link([row(p, **change)], [p] + fillers(40))
    assert links[0][0] == nik and links[0][1] == "probabilistik"
    evidence = json.loads(links[0][3])
    assert {f["field"] for f in evidence["fields"]} == set(link_model.FIELD_OF.values())
    assert all({"field", "level", "weight"} <= f.keys() for f in evidence["fields"])
    assert 0.9 <= evidence["score"] < 1


def test_a_stranger_born_the_same_day_nearby_is_not_a_typo():
    """Ghost: NIK one serial away from a real person born the same day, another name, own card."""
    real = person("YOHANIS SAMPE", "1970-05-12")
    ghost_nik = real["nik"][:15] + ("2" if real["nik"][15] != "2" else "3")
    ghost = row(real, nik=ghost_nik, nama="BENYAMIN LOLO", nkk="7326011111110001", tempat_lahir="MAKALE")
    links, _ = _link([ghost], [real] + fillers(40))
    assert links == {}


def test_family_members_are_not_each_other():
    """Same card, same address, different names and birth dates: no link without a NIK."""
    father = person("YOHANIS SAMPE", "1960-01-01")
    son = person("DANIEL SAMPE", "1990-02-02", nkk=father["nkk"])
    links, _ = _link([row(son, nik=None, nama="DANIEL SAMPE")], [father, son] + fillers(30))
    assert links[0][0] == son["nik"]
    links, _ = _link([row(son, nik=None)], [father] + fillers(30))  # the son is not in the registry
    assert links == {}


def test_shipped_model_is_trained_and_speaks_bahasa():
    model = link_model.load_model()
    outputs = [c["output_column_name"] for c in model["comparisons"]]
    assert outputs == list(link_model.FIELD_OF)
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            if not level.get("is_null_level"):
                assert 0 < level["m_probability"] <= 1 and 0 < level["u_probability"] <= 1
            assert level["label_for_charts"] and "_" not in level["label_for_charts"]
    assert 0 < model["probability_two_random_records_match"] < 1e-3


@pytest.mark.slow
def test_train_linkage_writes_a_model_verify_can_use(tmp_path):
    from pemilih.engine.link_train import train
    p = [person(f"ORANG {chr(65 + i % 26)}{chr(65 + i // 26)}", f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}")
         for i in range(300)]
    rows = [row(x) for x in p[:250]] + [row(x, nik=None) for x in p[250:260]]
    lst, reg = tables(rows, p)
    out = tmp_path / "model.json"
    model = train(lst, reg, out, u_pairs=2e5)
    assert json.loads(out.read_text())["comparisons"]
    result = link(lst, reg, model)
    assert result.links.height == 260


def test_name_words_in_order_as_a_list_sort_would_put_them():
    """sorted_words: one or two words by comparison, longer names as lists; the same as
    sorting every name's words (written out here by Python's sorted)."""
    from pemilih.engine.link_prepare import add_name_features
    written = ["YOHANIS SAMPE", "SAMPE YOHANIS", "ANDI ANDI", "RANTE", "MUH ARIF RAHMAN", "B A C D", "",
               None, "ÑOÑO ÁLVAREZ", "SITI  AISYAH", "A B", "Z Y X"]
    got = add_name_features(pl.DataFrame({"nama": written, "tempat_lahir": [None] * len(written)}))
    want = [None if not tokens else "".join(sorted(tokens))
            for tokens in got["name_tokens"].to_list()]
    assert got["name_sorted"].to_list() == want
    assert {len(t) for t in got["name_tokens"].drop_nulls().to_list()} >= {1, 2, 3, 4}


def test_name_features_per_distinct_name_are_each_names_own():
    """name_features works a name out once and takes it back by a join: every row gets what its
    own name gives, worked out from the reference spelling rules (domain.names) one by one."""
    from pemilih.domain import names as N
    from pemilih.engine.link_prepare import name_features
    written = ["MUH. ARIF RAHMAN", "SITI  AISYAH", None, "", "RANTE", "MUH. ARIF RAHMAN", "123", "ANDI ANDI",
               "RANTE", None, "YOHANIS SAMPE"]
    got = name_features(pl.Series("nama", written))
    assert got.height == len(written)
    for i, name in enumerate(written):
        key = N.link_key(name)
        row = got.row(i, named=True)
        if not key:
            assert all(v is None for v in row.values()), name
            continue
        words = key.split(" ")
        assert row["name_key"] == key and row["name_flat"] == key.replace(" ", "")
        assert row["name_tokens"] == words and row["name_sound"] == N.sound_key(name).replace(" ", "")
        assert row["name_ends"] == (f"{words[0]} {words[-1]}" if len(words) >= 2 else None)
        assert row["name_sorted"] == "".join(sorted(words))
