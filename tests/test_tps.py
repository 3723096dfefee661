"""TPS assignment (engine/tps.py, engine/tps_split.py).

Hand-made villages with the answer worked out by hand; a brute force over every way of
cutting small family sequences; and every rule of domain.md section 6 checked on two
populations: a synthetic one built here with a seeded random module, and the demo regency's
list from the generator.
"""
from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from itertools import combinations

import polars as pl
import pytest

from pemilih.engine.tps import assign_tps
from pemilih.engine.tps_split import balanced_starts

COLS = ["key", "kode_desa", "nkk", "rw", "rt", "alamat", "nama"]
DESA = "73.26.01.2001"
NKK_A = "7326010101200001"


def voter(key, desa=DESA, nkk=None, rw="1", rt="1", alamat="JL POROS", nama="PEMILIH"):
    return {"key": key, "kode_desa": desa, "nkk": nkk, "rw": rw, "rt": rt, "alamat": alamat, "nama": nama}


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={c: pl.String for c in COLS}, orient="row")


def singles(prefix, n, **kw):
    return [voter(f"{prefix}{i:04d}", **kw) for i in range(n)]


def family(prefix, n, nkk, **kw):
    return [voter(f"{prefix}{i:02d}", nkk=nkk, **kw) for i in range(n)]


def tps_of(result) -> dict:
    return dict(zip(result.voters["key"], result.voters["tps"]))


def sizes(result, desa=DESA) -> list[int]:
    """Voters per TPS of one village, in TPS order, counted from the voter rows."""
    counts = Counter(t for d, t in zip(result.voters["kode_desa"], result.voters["tps"]) if d == desa)
    return [counts[t] for t in sorted(counts)]


# --- hand-made villages -----------------------------------------------------------------

def test_601_voters_cap_600_two_even_tps():
    result = assign_tps(frame(singles("v", 601)), 600)
    assert sizes(result) == [300, 301]
    assert result.per_village.row(0, named=True)["tps"] == 2
    assert result.warnings == []


def test_600_voters_cap_600_one_tps():
    assert sizes(assign_tps(frame(singles("v", 600)), 600)) == [600]


def test_family_of_five_at_the_boundary_stays_whole():
    # 298 neighbours in RT 1, a family of 5 in RT 2, 298 in RT 3: the ideal cut (300.5) falls
    # inside the family; it goes whole to one side (298 | 303, or 303 | 298).
    rows = singles("a", 298, rt="1") + family("f", 5, NKK_A, rt="2") + singles("c", 298, rt="3")
    result = assign_tps(frame(rows), 600)
    got = tps_of(result)
    assert sorted(sizes(result)) == [298, 303]
    assert len({got[f"f{i:02d}"] for i in range(5)}) == 1
    assert {got[f"a{i:04d}"] for i in range(298)} == {1} and {got[f"c{i:04d}"] for i in range(298)} == {2}


def test_family_makes_one_more_tps_necessary():
    # 17 voters, cap 10: ceil(17/10) = 2, but 6 | 5-family | 6 cannot be cut in two runs of
    # at most 10 without splitting the family or the order: three TPS (6, 5, 6).
    rows = singles("a", 6, rt="1") + family("f", 5, NKK_A, rt="2") + singles("c", 6, rt="3")
    result = assign_tps(frame(rows), 10)
    assert sizes(result) == [6, 5, 6]
    assert {tps_of(result)[f"f{i:02d}"] for i in range(5)} == {2}
    assert len(result.warnings) == 1 and "memerlukan 3 TPS" in result.warnings[0]
    assert result.per_village.row(0, named=True)["tps_minimum"] == 2


def test_family_larger_than_cap_gets_its_own_tps_and_a_warning():
    rows = singles("a", 5, rw="1") + family("f", 12, NKK_A, rw="2") + singles("c", 5, rw="3")
    result = assign_tps(frame(rows), 10)
    got = tps_of(result)
    assert {got[f"f{i:02d}"] for i in range(12)} == {2}
    assert {got[k] for k in got if not k.startswith("f")} == {1}  # the other ten still fit in one
    assert sizes(result) == [10, 12]
    assert result.per_village.row(0, named=True)["keluarga_melebihi_batas"] == 1
    [warning] = result.warnings
    assert "12 pemilih" in warning and "melebihi batas 10" in warning and "TPS 002" in warning
    assert "732601**********" in warning and NKK_A not in warning


def test_two_villages_never_mixed_and_one_nkk_is_two_families():
    other = "73.26.02.2005"
    rows = (family("a", 3, NKK_A) + singles("b", 4) +
            family("x", 2, NKK_A, desa=other) + singles("y", 3, desa=other))
    result = assign_tps(frame(rows), 4)
    by_key = {k: (d, t) for k, d, t in result.voters.select("key", "kode_desa", "tps").iter_rows()}
    assert all(by_key[r["key"]][0] == r["kode_desa"] for r in rows)
    assert sizes(result, DESA) == [3, 4] and sizes(result, other) == [2, 3]
    pairs = sorted(result.per_tps.select("kode_desa", "tps").rows())
    assert pairs == [(DESA, 1), (DESA, 2), (other, 1), (other, 2)]


def test_empty_nkk_means_a_family_of_one():
    rows = [voter("n1", nkk=None), voter("n2", nkk=""), voter("n3", nkk="   "), voter("n4", nkk="-"),
            voter("n5", nkk=None)]
    result = assign_tps(frame(rows), 2)
    assert sorted(sizes(result)) == [1, 2, 2]
    assert result.per_village.row(0, named=True)["keluarga"] == 5


def test_damaged_nkk_does_not_merge_strangers():
    rows = ([voter(f"e{i}", nkk="7.32601E+15", rt=str(i)) for i in range(4)] +
            [voter(f"z{i}", nkk="0000000000000000", rt="9") for i in range(2)])
    result = assign_tps(frame(rows), 2)
    assert sizes(result) == [2, 2, 2]
    assert any("6 pemilih dengan NKK rusak" in w for w in result.warnings)


def test_nkk_written_with_spaces_is_the_same_family():
    rows = [voter("p1", nkk=NKK_A, rt="1"), voter("p2", nkk=" 7326 0101 0120 0001 ", rt="5"),
            voter("q1", rt="2"), voter("q2", rt="3")]
    got = tps_of(assign_tps(frame(rows), 2))
    assert got["p1"] == got["p2"]


def test_messy_rw_rt_are_ordered_as_numbers():
    rows = [voter("a", rw="2", rt="1", alamat="B"), voter("b", rw="002", rt=" 1 ", alamat="A"),
            voter("c", rw="10", rt="1", alamat="A"), voter("d", rw="9", rt="3", alamat="A"),
            voter("e", rw=" 9 ", rt="003", alamat=" a "), voter("f", rw=None, rt="1"),
            voter("g", rw="1", rt="12"), voter("h", rw="RW 1", rt="2")]
    result = assign_tps(frame(rows), 100)
    assert result.voters["key"].to_list() == ["h", "g", "b", "a", "d", "e", "c", "f"]
    assert result.voters["urut"].to_list() == list(range(1, 9))


def test_neighbours_stay_together_when_cut():
    # RT "3" and "003" are one RT: its 4 voters are not split by how the RT was written
    rows = ([voter(f"r1{i}", rt="1") for i in range(4)] + [voter("r30", rt="3"), voter("r31", rt="003"),
            voter("r32", rt=" 3"), voter("r33", rt="03")])
    got = tps_of(assign_tps(frame(rows), 4))
    assert {got[f"r1{i}"] for i in range(4)} == {1} and {got[f"r3{i}"] for i in range(4)} == {2}


def test_voter_without_village_gets_no_tps():
    rows = singles("v", 3) + [voter("lost", desa=None), voter("lost2", desa="  ")]
    result = assign_tps(frame(rows), 10)
    got = tps_of(result)
    assert got["lost"] is None and got["lost2"] is None and got["v0000"] == 1
    assert any("2 pemilih tanpa kode desa" in w for w in result.warnings)


def test_empty_list():
    result = assign_tps(frame([]), 10)
    assert result.voters.height == 0 and result.per_tps.height == 0 and result.warnings == []


@pytest.mark.parametrize("cap", [0, -3, 2.5, True, "600"])
def test_refuses_a_bad_cap(cap):
    with pytest.raises(ValueError, match="batas pemilih per TPS"):
        assign_tps(frame(singles("v", 3)), cap)


def test_refuses_duplicate_keys_and_missing_columns():
    with pytest.raises(ValueError, match="unik"):
        assign_tps(frame([voter("a"), voter("a")]), 10)
    with pytest.raises(ValueError, match="rt"):
        assign_tps(frame([voter("a")]).drop("rt"), 10)


# --- brute force over small sequences ------------------------------------------------------

def _all_cuts(sizes_, cap):
    """Every cut of the sequence into runs of at most cap: lists of run sizes."""
    m = len(sizes_)
    for k in range(m):
        for cuts in combinations(range(1, m), k):
            bounds = [0, *cuts, m]
            runs = [sum(sizes_[a:b]) for a, b in zip(bounds, bounds[1:])]
            if max(runs) <= cap:
                yield runs


def test_balanced_starts_matches_brute_force():
    rng = random.Random(20260601)
    for _ in range(400):
        m = rng.randint(1, 10)
        seq = [rng.randint(1, 6) for _ in range(m)]
        cap = rng.randint(max(seq), 14)
        options = list(_all_cuts(seq, cap))
        fewest = min(len(r) for r in options)
        best = [r for r in options if len(r) == fewest]
        bounds = [*balanced_starts(seq, cap), m]
        got = [sum(seq[a:b]) for a, b in zip(bounds, bounds[1:])]
        assert len(got) == fewest, (seq, cap, got)
        assert max(got) == min(max(r) for r in best), (seq, cap, got)
        if fewest == 2:  # one cut: the most even one
            assert min(got) == max(min(r) for r in best), (seq, cap, got)


# --- every rule on generated populations ----------------------------------------------------

def _number(v):
    found = re.search(r"\d+", v or "")
    return int(found.group()) if found else None


def _words(v):
    return " ".join((v or "").split()).upper()


def _family_nkk(v):
    s = re.sub(r"\s", "", v or "")
    if not re.search(r"\d", s) or re.fullmatch(r"0+|\d+[.,]?\d*[eE][+-]?\d+", s):
        return None
    return s


def _place(v):
    n = _number(v)
    return (n is None, n or 0, _words(v) if n is None else "")


def _greedy_runs(seq, cap):
    runs, load = 0, cap + 1
    for s in seq:
        if load + s > cap:
            runs, load = runs + 1, 0
        load += s
    return runs


def check_rules(rows: list[dict], cap: int) -> None:
    """Every rule of domain.md section 6, worked out from the rows independently."""
    result = assign_tps(frame(rows), cap)
    got = tps_of(result)
    assert len(got) == len(rows) and all(got[r["key"]] for r in rows)
    # families (village + usable NKK; otherwise the voter alone), in neighbourhood order
    order = sorted(rows, key=lambda r: (r["kode_desa"], _place(r["rw"]), _place(r["rt"]), _words(r["alamat"]),
                                        _family_nkk(r["nkk"]) or "", r["key"]))
    members = defaultdict(list)
    for r in order:
        members[(r["kode_desa"], _family_nkk(r["nkk"]) or ("alone", r["key"]))].append(r["key"])
    by_village = defaultdict(list)  # village -> families in order of their first member
    for (desa, _), keys in members.items():
        by_village[desa].append(keys)
    per_tps = {(d, t): n for d, t, n in result.per_tps.select("kode_desa", "tps", "pemilih").iter_rows()}
    for desa, fams in by_village.items():
        labels = []
        for keys in fams:
            tps = {got[k] for k in keys}
            assert len(tps) == 1, "a family is split"
            labels.append(tps.pop())
        load = Counter()
        for keys, t in zip(fams, labels):
            load[t] += len(keys)
        assert sorted(load) == list(range(1, len(load) + 1)), "TPS numbers are not 1..n"
        assert all(per_tps[(desa, t)] == n for t, n in load.items())
        big = {t for keys, t in zip(fams, labels) if len(keys) > cap}
        for t, n in load.items():
            assert n <= cap or (t in big and sum(1 for x in labels if x == t) == 1), "over the cap"
        regular = [(len(keys), t) for keys, t in zip(fams, labels) if len(keys) <= cap]
        run_labels = [t for _, t in regular]
        assert run_labels == sorted(run_labels), "a TPS is not a contiguous run of neighbours"
        seq = [s for s, _ in regular]
        k = len(set(run_labels))
        assert k == _greedy_runs(seq, cap) and k >= math.ceil(sum(seq) / cap), "not the fewest TPS"
        if seq:
            loads = [load[t] for t in set(run_labels)]
            n, largest = sum(seq), max(seq)
            assert max(loads) <= math.ceil(n / k) + largest - 1, "unbalanced (largest)"
            assert min(loads) >= n // k - (largest - 1), "unbalanced (smallest)"
    shuffled = frame(random.Random(5).sample(rows, len(rows)))
    again = assign_tps(shuffled, cap)
    assert again.voters.equals(result.voters) and again.warnings == result.warnings


def synthetic_population(seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows, key = [], 0
    for v in range(12):
        desa = f"73.26.{v % 4 + 1:02d}.{2001 + v}"
        target = rng.choice([25, 180, 599, 601, 1250, 2400])
        placed = 0
        while placed < target:
            size = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])
            nkk = None if rng.random() < 0.06 else f"7326{rng.randrange(10**12):012d}"
            rw, rt = rng.randint(1, 7), rng.randint(1, 12)
            for _ in range(size):
                written = nkk if nkk is None or rng.random() < 0.9 else f" {nkk[:4]} {nkk[4:]} "
                rows.append(voter(f"s{key:06d}", desa=desa, nkk=written,
                                  rw=rng.choice([str(rw), f"{rw:03d}", f" {rw} "]),
                                  rt=rng.choice([str(rt), f"{rt:03d}", f"{rt} ", f"RT {rt}"]) if rng.random() > .01 else None,
                                  alamat=rng.choice(["Dusun Satu", "dusun  satu", "Jl. Poros", "BUA"])))
                key += 1
            placed += size
    rows += family("giant", 70, "7326049999000001", desa="73.26.04.2004", rw="2", rt="2")
    return rows


@pytest.mark.parametrize("cap", [50, 300, 600])
def test_rules_hold_on_a_synthetic_population(cap):
    check_rules(synthetic_population(20260601), cap)


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory):
    from pemilih.generate import generate
    out = tmp_path_factory.mktemp("demo")
    generate(str(out), scale=0.02, seed=11, progress=False, processes=1)
    raw = pl.read_csv(out / "kpu" / "dpt_7326.csv", infer_schema=False)
    return (raw.with_row_index("key").select(
        pl.col("key").cast(pl.String), pl.col("KODE DESA").alias("kode_desa"), pl.col("NKK").alias("nkk"),
        pl.col("RW").alias("rw"), pl.col("RT").alias("rt"), pl.col("ALAMAT").alias("alamat"),
        pl.col("NAMA").alias("nama")).to_dicts())


@pytest.mark.parametrize("cap", [7, 25])
def test_rules_hold_on_the_demo_list(demo_rows, cap):
    placed = [r for r in demo_rows if r["kode_desa"]]
    assert len({r["kode_desa"] for r in placed}) == 151
    check_rules(placed, cap)


def test_demo_rows_without_village_code_are_reported(demo_rows):
    # the generator plants rows whose village code was left empty
    missing = sum(1 for r in demo_rows if not r["kode_desa"])
    assert missing > 0
    result = assign_tps(frame(demo_rows), 25)
    assert result.voters["tps"].null_count() == missing
    assert f"{missing} pemilih tanpa kode desa tidak diberi TPS; lengkapi kode desanya dulu." in result.warnings
