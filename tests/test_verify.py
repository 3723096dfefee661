"""`verify()`: every finding code on small hand-made cases, and what must not be a finding.

The ground truth is written here by hand (who is dead, who moved, which row is a copy); the
tables follow pemilih.contract (text, ISO dates, dotted village codes), as the readers
produce them.
"""
from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from pemilih.contract import KPU_COLUMNS, PROBLEM_COLUMNS, REF_COLUMNS, REGISTRY_COLUMNS
from pemilih.domain.nik import make_nik
from pemilih.engine.findings import COLUMNS, EXTRA, verify

ON, DPS = date(2027, 3, 17), date(2027, 1, 15)
A, B_, C, D = "73.26.01.1001", "73.26.01.1002", "73.26.02.1003", "73.26.03.1004"
_serial = iter(range(1, 10_000))


def person(name: str, dob: str, sex: str = "L", village: str = A, **kw) -> dict:
    """A registry record (records.py layout) with a NIK made the registry's way."""
    y, m, d = (int(x) for x in dob.split("-"))
    rec = dict.fromkeys(REGISTRY_COLUMNS)
    rec.update(nik=make_nik("732601", date(y, m, d), sex, next(_serial)), nkk=f"73260101{next(_serial):08d}",
               nama=name, tempat_lahir="RANTEPAO", tanggal_lahir=dob, jenis_kelamin=sex, status_kawin="S",
               alamat="LINGKUNGAN TALLUNG", rt="001", rw="002", kode_wilayah=village, pekerjaan="PETANI/PEKEBUN",
               status="HIDUP")
    rec.update(kw)
    return rec


def row(p: dict, **kw) -> dict:
    """A list row copied from a registry record, changed by `kw` (KPU column names)."""
    rec = dict.fromkeys(REF_COLUMNS + KPU_COLUMNS)
    rec.update(kecamatan="RANTEPAO", desa="X", kode_desa=p["kode_wilayah"], tps="001", nkk=p["nkk"],
               nik=p["nik"], nama=p["nama"], tempat_lahir=p["tempat_lahir"], tanggal_lahir=p["tanggal_lahir"],
               status_kawin=p["status_kawin"], jenis_kelamin=p["jenis_kelamin"], alamat=p["alamat"],
               rt=p["rt"], rw=p["rw"], ktp_el="S")
    rec.update(kw)
    return rec


def tables(rows: list[dict], people: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    for i, r in enumerate(rows, start=2):
        r.update(source_ref=f"dpt.csv::{i}", file="dpt.csv", sheet="", row=i, no=str(i - 1))
    schema_l = {c: (pl.Int64 if c == "row" else pl.String) for c in REF_COLUMNS + KPU_COLUMNS}
    schema_r = {c: pl.String for c in REGISTRY_COLUMNS}
    return pl.DataFrame(rows, schema=schema_l), pl.DataFrame(people, schema=schema_r)


def fillers(n: int) -> list[dict]:
    """Unrelated residents, so that the registry is not tiny (the prior is one in its size)."""
    first = ["MARTHEN", "YOSEF", "DEBORA", "RUTH", "SAMUEL", "LUKAS", "MARIA", "PAULUS"]
    last = ["TANDIRERUNG", "PALIMBONG", "ALLO", "BATARA", "TODING", "LEMBANG"]
    out = []
    for i in range(n):
        sex = "P" if i % 3 == 0 else "L"
        out.append(person(f"{first[i % 8]} {last[i % 6]}", f"19{50 + i % 45}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                          sex, village=[A, B_, C][i % 3]))
    return out


def by_ref(findings: pl.DataFrame) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for ref, code, fld in findings.select("source_ref", "code", "field").iter_rows():
        out.setdefault(ref, []).append((code, fld))
    return out


@pytest.fixture(scope="module")
def scenario():
    p = {k: person(*v[:2], **v[2]) for k, v in {
        "clean": ("YOHANIS SAMPE", "1970-05-12", {}),
        "cosmetic": ("MUHAMMAD AKBAR", "1980-01-20", {}),
        "apostrophe": ("NE' RANTE", "1940-03-03", {"jenis_kelamin": "P"}),
        "typo": ("AGUSTINA PALIMBONG", "1975-02-11", {"jenis_kelamin": "P"}),
        "dob": ("DANIEL TANDI", "1985-07-14", {}),
        "sex": ("MARKUS ALLO", "1966-10-02", {}),
        "married": ("RIBKA SAMPE", "1999-04-30", {"jenis_kelamin": "P"}),
        "moved": ("PETRUS BATARA", "1978-12-01", {"kode_wilayah": C, "alamat": "DUSUN LEMPO", "rw": "004"}),
        "nik_typo": ("SIMON PONGTIKU", "1962-06-06", {}),
        "nik_empty": ("LAI TOMBI", "1955-09-19", {"jenis_kelamin": "P"}),
        "dead": ("YAKOBUS RANTE", "1930-01-01", {"status": "MATI", "tgl_mati": "2025-01-01"}),
        "gone": ("FRANS SULO'", "1990-08-08", {"tgl_pindah": "2024-05-01", "kode_wilayah_tujuan": "73.71.01.1001"}),
        "tni": ("ANDREAS BUNGA'", "2001-03-03", {"pekerjaan": "TENTARA NASIONAL INDONESIA", "status_kawin": "B"}),
        "polri": ("DAVID LOLO", "2000-02-02", {"pekerjaan": "KEPOLISIAN RI", "status_kawin": "B"}),
        "minor": ("NAOMI TODING", "2011-01-01", {"status_kawin": "B", "jenis_kelamin": "P"}),
        "married_minor": ("ESTER TODING", "2011-02-02", {"status_kawin": "S", "jenis_kelamin": "P"}),
        "recent": ("YULIUS DATU", "1988-05-05", {"tgl_datang": "2026-10-01"}),
        "dup_same": ("TIMOTIUS ALLO", "1983-03-13", {}),
        "dup_other": ("ELIAS LEMBANG", "1972-07-27", {}),
        "dup_dead": ("SARLOTA RANTE", "1935-05-25", {"jenis_kelamin": "P", "status": "MATI", "tgl_mati": "2024-02-02"}),
        "new": ("KORNELIUS BATARA", "2005-05-05", {"status_kawin": "B"}),
        "child": ("ANAK BATARA", "2016-06-16", {"status_kawin": "B"}),
        "elsewhere": ("YOSUA TANDI", "1970-01-01", {"kode_wilayah": D}),
        "place": ("LIDIA ALLO", "1981-11-11", {"jenis_kelamin": "P", "tempat_lahir": "MAKALE"}),
        "rt": ("SAMUEL TODING", "1977-07-07", {"rt": "003"}),
    }.items()}
    typo_nik = p["nik_typo"]["nik"][:-2] + ("9" if p["nik_typo"]["nik"][-2] != "9" else "8") + p["nik_typo"]["nik"][-1]
    other_nik = p["dup_other"]["nik"][:13] + "7" + p["dup_other"]["nik"][14:]
    ghost_nik = make_nik("732601", date(1981, 1, 1), "L", 9999)
    rows = [
        row(p["clean"]),
        row(p["cosmetic"], nama="H. Muh.  Akbar"),
        row(p["apostrophe"], nama="Ne Rante", tempat_lahir="Rantepao", alamat="lingkungan  tallung", rt="1"),
        row(p["typo"], nama="AGUSTINA PALIMBNG"),
        row(p["dob"], tanggal_lahir="1985-07-15"),
        row(p["sex"], jenis_kelamin="P"),
        row(p["married"], status_kawin="B"),
        row(p["moved"], kode_desa=A, nkk="7326010199990001", alamat="LINGKUNGAN TALLUNG", rw="002"),
        row(p["nik_typo"], nik=typo_nik),
        row(p["nik_empty"], nik=None),
        row(p["dead"], rt="003"),
        row(p["gone"]),
        row(p["tni"]),
        row(p["polri"]),
        row(p["minor"]),
        row(p["married_minor"]),
        row(p["recent"]),
        row({**p["clean"], "nik": ghost_nik, "nama": "HANTU BELAKA", "tanggal_lahir": "1981-01-01",
             "nkk": "7326019999990001"}),
        row(p["dup_same"]),
        row(p["dup_same"]),
        row(p["dup_other"]),
        row(p["dup_dead"]),
        row(p["dup_dead"], nama="SARLOTA RANTE"),
        row(p["dup_other"], nik=other_nik, kode_desa=B_, alamat="DUSUN BARU", rt="004"),
        row(p["place"], tempat_lahir="MAKALLE"),
        row(p["rt"], rt="001"),
    ]
    people = list(p.values()) + fillers(60)
    lst, reg = tables(rows, people)
    problems = pl.DataFrame([{"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2,
                              "column": "NIK", "code": "NIK-DOB-MISMATCH", "reason": "contoh masalah baris"}],
                            schema={c: (pl.Int64 if c == "row" else pl.String) for c in PROBLEM_COLUMNS})
    result = verify(lst, reg, ON, "PILKALEM", DPS, problems)
    p["_all"] = people
    return p, rows, result


def test_columns_are_the_contract_plus_key_and_evidence(scenario):
    _, _, result = scenario
    assert result.findings.columns == COLUMNS + EXTRA
    assert all(dtype == pl.String for dtype in result.findings.dtypes)


def test_clean_and_cosmetic_rows_have_no_findings(scenario):
    _, rows, result = scenario
    found = by_ref(result.findings)
    assert "dpt.csv::3" not in found  # H. Muh.  Akbar / MUHAMMAD AKBAR
    assert "dpt.csv::4" not in found  # Ne Rante / NE' RANTE, place and address case, RT 1 / 001
    assert found["dpt.csv::2"] == [("NIK-DOB-MISMATCH", "NIK")]  # only the reader's problem


@pytest.mark.parametrize("ref,field,current,proposed", [
    ("dpt.csv::5", "NAMA", "AGUSTINA PALIMBNG", "AGUSTINA PALIMBONG"),
    ("dpt.csv::6", "TANGGAL LAHIR", "15-07-1985", "14-07-1985"),
    ("dpt.csv::7", "JENIS KELAMIN", "P", "L"),
    ("dpt.csv::8", "STATUS PERKAWINAN", "B", "S"),
    ("dpt.csv::9", "KODE DESA", A, C),
    ("dpt.csv::9", "ALAMAT", "LINGKUNGAN TALLUNG", "DUSUN LEMPO"),
    ("dpt.csv::9", "RW", "002", "004"),
    ("dpt.csv::10", "NIK", None, None),
    ("dpt.csv::11", "NIK", "", None),
    ("dpt.csv::26", "TEMPAT LAHIR", "MAKALLE", "MAKALE"),
    ("dpt.csv::27", "RT", "001", "003"),
])
def test_one_u_per_field_that_differs(scenario, ref, field, current, proposed):
    p, rows, result = scenario
    hit = result.findings.filter((pl.col("source_ref") == ref) & (pl.col("code") == "U") & (pl.col("field") == field))
    assert hit.height == 1
    if current is not None:
        assert hit["current"][0] == current
    if proposed is not None:
        assert hit["proposed"][0] == proposed
    assert hit["current"][0] != hit["proposed"][0]


def test_wrong_or_empty_nik_gets_the_registry_nik(scenario):
    p, rows, result = scenario
    f = result.findings
    typo = f.filter((pl.col("source_ref") == "dpt.csv::10") & (pl.col("field") == "NIK"))
    assert typo["proposed"][0] == p["nik_typo"]["nik"] and typo["registry_nik"][0] == p["nik_typo"]["nik"]
    assert 0.9 <= float(typo["score"][0]) < 1.0  # a probabilistic link, with its evidence
    assert '"fields"' in typo["evidence"][0] and "TANGGAL LAHIR" in typo["evidence"][0]
    empty = f.filter((pl.col("source_ref") == "dpt.csv::11") & (pl.col("field") == "NIK"))
    assert empty["proposed"][0] == p["nik_empty"]["nik"]


def test_move_inside_the_regency_changes_only_what_moved(scenario):
    _, _, result = scenario
    fields = {f for c, f in by_ref(result.findings)["dpt.csv::9"]}
    assert fields == {"KODE DESA", "ALAMAT", "RW", "NKK"}


@pytest.mark.parametrize("ref,code", [
    ("dpt.csv::12", "TMS-1"), ("dpt.csv::13", "TMS-4"), ("dpt.csv::14", "TMS-6"), ("dpt.csv::15", "TMS-7"),
    ("dpt.csv::16", "TMS-3"), ("dpt.csv::18", "TMS-D"), ("dpt.csv::19", "TMS-5"),
])
def test_tms_codes(scenario, ref, code):
    _, _, result = scenario
    codes = [c for c, _ in by_ref(result.findings)[ref]]
    assert codes[0] == code
    assert "U" not in codes  # a row that leaves the list gets no corrections (the dead man's RT)


def test_married_minor_may_vote(scenario):
    _, _, result = scenario
    assert "dpt.csv::17" not in by_ref(result.findings)


def test_unknown_voter_is_also_an_unknown_nik(scenario):
    _, _, result = scenario
    assert by_ref(result.findings)["dpt.csv::19"] == [("TMS-5", ""), ("NIK-NOT-FOUND", "NIK")]


def test_duplicates_one_tms2_per_pair_on_the_copy(scenario):
    _, _, result = scenario
    dups = result.findings.filter(pl.col("code") == "TMS-2").select("source_ref", "duplicate_of").rows()
    assert sorted(dups) == [("dpt.csv::21", "dpt.csv::20"),   # same NIK: the later row goes
                            ("dpt.csv::24", "dpt.csv::23"),   # dead and listed twice
                            ("dpt.csv::25", "dpt.csv::22")]   # other NIK, other village: the worse row goes
    found = by_ref(result.findings)
    assert "dpt.csv::20" not in found and "dpt.csv::22" not in found
    assert [c for c, _ in found["dpt.csv::23"]] == ["TMS-1"]


def test_new_voters_are_eligible_residents_of_the_lists_villages(scenario):
    p, _, result = scenario
    new = set(result.findings.filter(pl.col("code") == "B")["registry_nik"])
    assert p["new"]["nik"] in new
    assert p["child"]["nik"] not in new and p["elsewhere"]["nik"] not in new
    assert not new & {p[k]["nik"] for k in ("dead", "gone", "tni", "minor", "recent")}
    b = result.findings.filter(pl.col("code") == "B")
    assert (b["source_ref"] == "").all() and (b["nik"] == b["registry_nik"]).all()


def test_every_finding_is_explained_without_personal_numbers(scenario):
    _, _, result = scenario
    f = result.findings
    assert (f["reason"].str.len_chars() > 10).all()
    assert not f["reason"].str.contains(r"(?:^|\D)\d{16}(?:\D|$)").any()
    scores = f["score"].cast(pl.Float64)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert all(re.fullmatch(r"[^/\\:]+:[^:]*:\d+", r) for r in f.filter(pl.col("code") != "B")["source_ref"])


def test_finding_keys_are_unique_and_stable(scenario):
    p, rows, result = scenario
    assert result.findings["finding_key"].n_unique() == result.findings.height
    lst, reg = tables([dict(r) for r in rows], p["_all"])
    again = verify(lst, reg, ON, "PILKALEM", DPS)
    keys = set(again.findings["finding_key"])
    assert set(result.findings.filter(pl.col("code").is_in(["U", "TMS-2", "B"]))["finding_key"]) <= keys


def test_finding_keys_are_the_md5_any_tool_recomputes(scenario):
    """formats.md: the first 16 hex digits of the MD5 of code|source_ref|field|proposed|registry_nik,
    recomputed here one by one with hashlib, in the frame's order (non-ASCII text too)."""
    import hashlib

    from pemilih.contract import FINDING_KEY_PARTS
    from pemilih.engine.findings import finding_keys
    _, _, result = scenario
    odd = result.findings.head(3).with_columns(pl.lit("Ñ ö 漢字 | x").alias("proposed"))
    for frame in (result.findings, odd, result.findings.head(0)):
        want = ["|".join(r[c] for c in FINDING_KEY_PARTS) for r in frame.iter_rows(named=True)]
        want = [hashlib.md5(t.encode("utf-8")).hexdigest()[:16] for t in want]
        assert finding_keys(frame).to_list() == want


def test_regime_without_domicile_rule_has_no_tms_d():
    p = person("YULIUS DATU", "1988-05-05", tgl_datang="2026-10-01")
    lst, reg = tables([row(p)], [p] + fillers(20))
    result = verify(lst, reg, ON, "PEMILU2024")
    assert "TMS-D" not in set(result.findings["code"])


def test_registry_statuses_follow_the_eligibility_rules():
    """The column-wise rules give what pemilih.domain.eligibility gives, person by person,
    around every boundary (17th birthday on and around voting day, 29 February, 6 months)."""
    import random
    from datetime import timedelta

    from pemilih.domain.eligibility import Person, ineligibility
    from pemilih.engine.findings_status import statuses
    from pemilih.engine.held import held
    rng = random.Random(3)
    on, dps = date(2028, 2, 29), date(2027, 8, 31)
    people = []
    for i in range(3000):
        born = date(2011, 2, 29 - 1) + timedelta(days=rng.randint(-400, 400)) if i % 2 else \
            date(1950, 1, 1) + timedelta(days=rng.randint(0, 25000))
        arrived = dps - timedelta(days=rng.randint(150, 220)) if rng.random() < 0.4 else None
        job = rng.choice(["PETANI/PEKEBUN", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI", None])
        people.append(dict(tanggal_lahir=born.isoformat(), status_kawin=rng.choice("BSP"), pekerjaan=job,
                           tgl_datang=arrived.isoformat() if arrived else None, status="HIDUP", tgl_mati=None,
                           tgl_pindah=None, kode_wilayah_tujuan=None, kode_wilayah=A))
    reg = pl.DataFrame(people, schema={c: pl.String for c in people[0]})
    got = statuses(reg, on, "PILKALEM", dps, "73.26")["code"].to_list()
    want = [ineligibility(Person(date.fromisoformat(p["tanggal_lahir"]), p["status_kawin"], p["pekerjaan"],
                                 date.fromisoformat(p["tgl_datang"]) if p["tgl_datang"] else None), on, dps)
            for p in people]
    assert got == want
    # The same with the status columns held as categories, as `pemilih verify` holds them.
    assert isinstance(held(reg)["pekerjaan"].dtype, pl.Categorical)
    assert statuses(held(reg), on, "PILKALEM", dps, "73.26")["code"].to_list() == want


def test_the_extracts_area_is_its_regency_or_its_province():
    from pemilih.engine.findings_status import current_village, home_area, statuses
    from pemilih.engine.held import held

    def extract(codes, moved_to=None):
        n = len(codes)
        return pl.DataFrame({"kode_wilayah": codes, "kode_wilayah_tujuan": moved_to or [None] * n,
                             "tgl_pindah": [None if t is None else "2026-01-05" for t in (moved_to or [None] * n)],
                             "tanggal_lahir": ["1980-01-01"] * n, "status_kawin": ["B"] * n, "pekerjaan": [None] * n,
                             "status": ["HIDUP"] * n, "tgl_mati": [None] * n, "tgl_datang": [None] * n},
                            schema_overrides={c: pl.String for c in ("kode_wilayah_tujuan", "tgl_pindah", "pekerjaan",
                                                                     "tgl_mati", "tgl_datang")})
    regency = ["73.26.01.2001"] * 9 + ["73.71.01.1001"]  # one resident listed in Makassar
    province = ["73.26.01.2001"] * 3 + ["73.71.01.1001"] * 4 + ["73.16.02.2003"] * 3
    assert home_area(extract(regency)) == "73.26"
    assert home_area(extract(province)) == "73"
    assert home_area(extract(["73.26.01.2001", "74.01.01.2001", "75.01.01.2001"])) is None
    # In a provincial extract a move to another regency of it is a move inside (no TMS-4)...
    for moved in (extract(province, [None] * 9 + ["73.71.02.1002"]),
                  held(extract(province, [None] * 9 + ["73.71.02.1002"]))):  # as verify holds it
        assert current_village(moved, "73")["kode_wilayah"][9] == "73.71.02.1002"
        assert statuses(moved, date(2027, 3, 17), "PILKALEM", None, "73")["code"].to_list() == [None] * 10
        # ...and in a regency's extract a move out of the regency, as is everyone living elsewhere.
        codes = statuses(moved, date(2027, 3, 17), "PILKALEM", None, "73.26")["code"].to_list()
        assert codes == [None] * 3 + ["TMS-4"] * 7


def test_a_nik_typed_one_digit_wrong_is_named_by_position_and_digits(scenario):
    """Issue 14: both NIKs masked, the reviewer could not see the slip. The list's NIK of
    SIMON PONGTIKU has its 15th digit changed (the fixture's typo_nik): the reason names that
    position and the two digits, and no other digit of either NIK."""
    p, _, result = scenario
    true = p["nik_typo"]["nik"]
    typed = "9" if true[-2] != "9" else "8"
    said = f"(digit ke-15: {typed} ↔ {true[-2]})"
    f = result.findings.filter(pl.col("source_ref") == "dpt.csv::10")
    reasons = dict(zip(f["code"] + ":" + f["field"].fill_null(""), f["reason"]))
    assert reasons["U:NIK"].startswith(f"NIK di daftar tidak sama dengan NIK di data Disdukcapil {said}; ")
    assert reasons["NIK-NOT-FOUND:NIK"] == f"NIK tidak terdaftar di data Disdukcapil {said}"
    # the moved voter's NKK is another number, not a slip: no digit of it is told
    nkk = result.findings.filter((pl.col("source_ref") == "dpt.csv::9") & (pl.col("field") == "NKK"))
    assert "digit ke-" not in nkk["reason"][0]


def test_an_uncertain_candidate_is_asked_about_not_struck():
    """A row linked only by name, birth date and home, below the threshold, is LINK-UNCERTAIN
    (a person decides) with its candidate named; a row nobody resembles stays TMS-5."""
    who = person("YOHANIS PALIMBONG", "1968-04-21")
    people = [who] + fillers(60)
    rows = [row(who, nik=""), row(person("ZAKARIA MANGALLO", "1991-12-03"), nik="")]
    lst, reg = tables(rows, people)
    # A threshold no probability reaches: every close candidate is below it.
    found = verify(lst, reg, ON, "PILKALEM", DPS, threshold=1.01).findings
    first = found.filter(pl.col("source_ref") == "dpt.csv::2")
    assert first["code"].to_list() == ["LINK-UNCERTAIN"]
    assert first["registry_nik"].to_list() == [who["nik"]]
    assert who["nik"] not in first["reason"][0] and who["nik"][:6] in first["reason"][0]
    assert float(first["score"][0]) >= 0.5 and first["evidence"][0].startswith("{")
    assert found.filter(pl.col("source_ref") == "dpt.csv::3")["code"].to_list() == ["TMS-5"]
    # At the usual threshold the same row is linked and needs nothing.
    usual = verify(lst, reg, ON, "PILKALEM", DPS).findings
    assert "LINK-UNCERTAIN" not in usual["code"].to_list()
    assert usual.filter(pl.col("source_ref") == "dpt.csv::2")["code"].to_list() == ["U"]


def test_a_namesake_in_the_same_family_card_is_not_a_duplicate():
    """A father listed without NIK, named like his son (same card and address, birth dates 22
    years apart), is never linked to the son's record: no TMS-2, no corrections from the son."""
    son = person("BENYAMIN PARINDING", "2000-02-09", nkk="7326012201170003")
    people = [son] + fillers(60)
    father = row(son, nik="", tanggal_lahir="1978-08-29")
    lst, reg = tables([row(son), father], people)
    found = verify(lst, reg, ON, "PILKALEM", DPS).findings
    assert "TMS-2" not in found["code"].to_list()
    father_codes = found.filter(pl.col("source_ref") == "dpt.csv::3")["code"].to_list()
    assert father_codes in (["LINK-UNCERTAIN"], ["TMS-5"])
    assert "U" not in father_codes


def _evidence(**levels) -> str:
    """Evidence JSON with these (field, level, weight) entries."""
    import json
    return json.dumps({"method": "probabilistik", "score": 0.95, "match_weight": 5.0,
                       "fields": [{"field": f, "level": lv, "weight": w} for f, (lv, w) in levels.items()]})


def test_a_duplicate_across_villages_needs_more_than_name_and_birth_year():
    from pemilih.engine.dedupe import beyond_name_and_year, weak_across_villages
    name_year = _evidence(NAMA=("sama", 12.0), **{"TANGGAL LAHIR": ("tahun sama", 1.0), "JENIS KELAMIN": ("sama", 1.0)})
    placeholder = _evidence(NAMA=("sama", 12.0), **{"TANGGAL LAHIR": ("sama", 9.0)})
    card = _evidence(NAMA=("sama", 12.0), **{"NKK/KODE DESA/ALAMAT": ("NKK sama", 15.0)})
    assert not beyond_name_and_year(name_year, "1970-05-12")
    assert not beyond_name_and_year(placeholder, "1970-12-31")  # 31 December: only the year was known
    assert beyond_name_and_year(placeholder, "1970-05-12")
    assert beyond_name_and_year(card, "1970-05-12") and beyond_name_and_year(None, None)  # None: a NIK link
    lst = pl.DataFrame({"kode_desa": [A, C, A, C, C, A], "tanggal_lahir": ["1970-05-12"] * 6})
    links = pl.DataFrame({
        "lid": [0, 1, 2, 3, 4, 5], "rid": [7, 7, 8, 8, 9, 9],
        "method": ["nik", "probabilistik", "nik", "probabilistik", "probabilistik", "probabilistik"],
        "score": [1.0, 0.97, 1.0, 0.97, 0.99, 0.95],
        "evidence": [None, name_year, None, card, name_year, name_year]}).cast({"lid": pl.UInt32, "rid": pl.UInt32})
    # rid 7: the weak row in another village goes; rid 8: the card is evidence, it stays;
    # rid 9: nobody has evidence, the best-scored row stays and the other goes.
    assert sorted(weak_across_villages(links, lst).to_list()) == [1, 5]
    same_village = lst.with_columns(pl.lit(A).alias("kode_desa"))
    assert weak_across_villages(links, same_village).to_list() == []
