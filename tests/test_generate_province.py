"""`pemilih generate --province 73`: all 24 regencies of Sulawesi Selatan, with the cases that
cross regencies (movers, duplicates, NIK region-digit typos) and a truth that names them right.

The truth is checked against hand-made expectations and the written list and registry files,
never against the generator's own objects. One tiny province (scale 0.002) for the module.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pemilih.cli import main
from pemilih.generate.mangle import nik_region_typo, retyped_region

SCALE, SEED = 0.002, 11
# Kepmendagri 2025: the 24 regencies and cities of Sulawesi Selatan, typed by hand.
SULSEL = ["7301", "7302", "7303", "7304", "7305", "7306", "7307", "7308", "7309", "7310", "7311", "7312",
          "7313", "7314", "7315", "7316", "7317", "7318", "7322", "7324", "7326", "7371", "7372", "7373"]


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def prov(tmp_path_factory):
    out = tmp_path_factory.mktemp("sulsel")
    assert main(["generate", "--province", "73", "--out", str(out), "--scale", str(SCALE),
                 "--seed", str(SEED)]) == 0
    rows = {}
    for code in SULSEL:
        for line, r in enumerate(read_csv(out / "kpu" / f"dpt_{code}.csv"), start=2):
            rows[f"dpt_{code}.csv::{line}"] = r
    registry = {r["NIK"]: r for r in read_csv(out / "registry" / "disdukcapil_73.csv")}
    truth = {r["csv_ref"]: r["kinds"].split(";") for r in read_csv(out / "truth" / "list_rows.csv")}
    findings: dict[str, list[dict]] = {}
    for f in read_csv(out / "truth" / "expected_findings.csv"):
        findings.setdefault(f["source_ref"], []).append(f)
    problems = read_csv(out / "truth" / "check_defects.csv")
    return {"out": out, "rows": rows, "registry": registry, "truth": truth, "findings": findings,
            "problems": problems, "meta": json.loads((out / "truth" / "meta.json").read_text("utf-8"))}


def refs_of(prov, kind: str) -> list[str]:
    return [ref for ref, kinds in prov["truth"].items() if kind in kinds]


def test_nik_region_typo_by_hand():
    # Only 73.16.01 is one digit away and in another regency; 73.26.02 is the same regency.
    prefixes = frozenset({"731601", "732602", "737101"})
    assert nik_region_typo("7326011234560001", prefixes, _Rng(), set()) == "7316011234560001"
    assert nik_region_typo("7326011234560001", prefixes, _Rng(), {"7316011234560001"}) is None
    assert retyped_region("7326011234560001", "73.71.01", set()) == "7371011234560001"
    assert retyped_region("7326011234560001", "73.26.01", set()) is None


class _Rng:
    def choice(self, seq):
        return seq[0]


def test_layout_one_list_per_regency_and_one_provincial_extract(prov):
    out = prov["out"]
    assert sorted(p.name for p in (out / "kpu").glob("*.csv")) == [f"dpt_{c}.csv" for c in SULSEL]
    assert [p.name for p in (out / "registry").iterdir()] == ["disdukcapil_73.csv"]
    for ref, r in prov["rows"].items():
        regency = ref[4:8]
        assert r["KODE DESA"] == "" or r["KODE DESA"].replace(".", "")[:4] == regency, ref
    meta = prov["meta"]
    assert meta["province"]["code"] == "73" and len(meta["province"]["regencies"]) == 24
    assert "regency" not in meta
    assert {r["name"] for r in meta["province"]["regencies"]} >= {"TORAJA UTARA", "KOTA MAKASSAR", "BONE"}


def test_without_workbooks_the_same_csvs_and_truth(prov, tmp_path):
    # `--no-workbooks` (a province at scale 1.0 does not fit in memory with them): every CSV and
    # truth table byte for byte as with them; no workbook, and the meta says there are none.
    out = tmp_path / "csv-only"
    assert main(["generate", "--province", "73", "--out", str(out), "--scale", str(SCALE),
                 "--seed", str(SEED), "--no-workbooks"]) == 0
    assert not list((out / "kpu" / "form").glob("*.xlsx"))
    assert list((prov["out"] / "kpu" / "form").glob("*.xlsx"))
    written = sorted(p.relative_to(out) for p in out.rglob("*.csv"))
    assert written == sorted(p.relative_to(prov["out"]) for p in prov["out"].rglob("*.csv"))
    for rel in written:
        assert (out / rel).read_bytes() == (prov["out"] / rel).read_bytes(), rel
    meta = json.loads((out / "truth" / "meta.json").read_text("utf-8"))
    assert meta["counts"]["workbooks"] == 0 and "kpu_workbooks" not in meta["files"]
    assert prov["meta"]["counts"]["workbooks"] == prov["meta"]["counts"]["villages"] > 0
    assert meta["findings"] == prov["meta"]["findings"]


def test_every_regency_has_voters_and_villages(prov):
    per = {c: 0 for c in SULSEL}
    for ref in prov["rows"]:
        per[ref[4:8]] += 1
    assert min(per.values()) > 50
    # Makassar (1.48 million people) lists more voters than Selayar (143 thousand).
    assert per["7371"] > per["7301"]


def test_movers_between_regencies_are_u_on_kode_desa_not_tms4(prov):
    later = ("DIED", "MOVED-OUT", "NEW-TNI", "NEW-POLRI")  # what happened after the move decides
    movers = [ref for ref in refs_of(prov, "MOVED-REGENCY")
              if not any(k.startswith("TMS") or k in later for k in prov["truth"][ref])]
    assert len(movers) >= 20
    for ref in movers:
        row = prov["rows"][ref]
        person = prov["registry"].get(row["NIK"])
        if person is None:  # the row's NIK carries a planted typo: a U on NIK says which
            continue
        assert person["STATUS"] == "HIDUP" and person["TGL_PINDAH"] == ""
        assert person["KODE_WILAYAH"][:5] != ref[4:6] + "." + ref[6:8], ref  # now in another regency
        found = {f["field"]: f for f in prov["findings"][ref]}
        assert {f["code"] for f in prov["findings"][ref]} == {"U"}
        assert found["KODE DESA"]["current"][:5] == ref[4:6] + "." + ref[6:8]
        assert found["KODE DESA"]["proposed"] == person["KODE_WILAYAH"]
        assert found["NKK"]["proposed"] == person["NO_KK"]


def test_duplicates_across_regencies_point_to_the_kept_row_in_another_regency(prov):
    for kind, same_nik in (("DUP-REGENCY", True), ("DUP-REGENCY-NIK", False)):
        copies = refs_of(prov, kind)
        assert len(copies) >= 2, kind
        for ref in copies:
            [finding] = prov["findings"][ref]
            kept = finding["duplicate_of"]
            assert finding["code"] == "TMS-2" and kept[4:8] != ref[4:8], ref
            copy, orig = prov["rows"][ref], prov["rows"][kept]
            assert (copy["NAMA"], copy["TANGGAL LAHIR"]) == (orig["NAMA"], orig["TANGGAL LAHIR"])
            assert orig["NIK"] in prov["registry"] and finding["registry_nik"] == orig["NIK"]
            if same_nik:
                assert copy["NIK"] == orig["NIK"]
            else:  # the copy's clerk typed their own kecamatan's code as the region digits
                assert copy["NIK"][6:] == orig["NIK"][6:] and copy["NIK"] != orig["NIK"]
                assert copy["NIK"][:6] == copy["KODE DESA"].replace(".", "")[:6]
                assert copy["NIK"] not in prov["registry"]


def test_a_nik_listed_in_two_regencies_is_no_duplicate_within_one_csv(prov):
    flagged = {p["csv_ref"] for p in prov["problems"] if p["code"] == "NIK-DUPLICATE"}
    for ref in refs_of(prov, "DUP-REGENCY"):
        assert ref not in flagged


def test_nik_region_typos_are_u_on_nik_and_pass_the_checks(prov):
    typos = refs_of(prov, "NIK-REGION")
    assert len(typos) >= 10
    checked = {p["csv_ref"] for p in prov["problems"] if p["column"] == "NIK"}
    for ref in typos:
        listed = prov["rows"][ref]["NIK"]
        assert listed not in prov["registry"] and ref not in checked
        findings = prov["findings"][ref]
        if findings[0]["code"].startswith("TMS"):  # died or left later: that finding, on the real NIK
            [finding] = findings
            real = finding["registry_nik"]
        else:
            [finding] = [f for f in findings if f["field"] == "NIK"]
            real = finding["proposed"]
            assert finding["code"] == "U" and finding["current"] == listed
        assert real in prov["registry"] and real == finding["registry_nik"]
        diff = [i for i in range(16) if listed[i] != real[i]]
        assert len(diff) == 1 and diff[0] < 6 and listed[:4] != real[:4] and listed[:2] == "73"
        assert prov["registry"][real]["NAMA_LGKP"] == prov["rows"][ref]["NAMA"]


# --- verifying the province: one run over all 24 lists and the provincial extract -----------

@pytest.fixture(scope="module")
def verified(prov, tmp_path_factory):
    out, meta = prov["out"], prov["meta"]
    dest = tmp_path_factory.mktemp("verified")
    lists = [str(out / f) for f in meta["files"]["kpu_csv"]]
    dates = meta["dates"]
    assert main(["verify", "--list", *lists, "--registry", str(out / meta["files"]["registry_csv"]),
                 "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
                 "--out", str(dest)]) == 0
    with open(dest / "findings.csv", encoding="utf-8-sig", newline="") as fh:  # written for Excel
        return list(csv.DictReader(fh))


def _keys(findings, code: str) -> set:
    return {(f["source_ref"], f["field"], f["registry_nik"]) for f in findings if f["code"] == code}


def test_province_verification_finds_what_the_truth_says(prov, verified):
    # The extract covers the province: a move to another regency of it is no TMS-4 (formerly
    # every resident outside the largest regency was taken as moved out).
    expected = read_csv(prov["out"] / "truth" / "expected_findings.csv")
    for code in ("TMS-1", "TMS-3", "TMS-4", "TMS-6", "TMS-7", "B"):  # the registry's facts, by NIK
        assert _keys(verified, code) == _keys(expected, code), code
    for code in ("TMS-2", "TMS-5", "U"):  # linkage without a usable NIK: a few may be asked about
        got, want = _keys(verified, code), _keys(expected, code)
        assert len(got & want) >= 0.97 * len(want) and len(got - want) <= 0.01 * len(want) + 1, code


def test_province_lists_read_apart_as_they_read_together(prov, tmp_path, monkeypatch):
    from pemilih.io import read
    out = prov["out"]
    files = [str(out / f) for f in prov["meta"]["files"]["kpu_csv"][:5]]
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan buku kerja")
    files.insert(2, str(broken))  # a file refused whole, in the middle
    together = read.read_files(files, kind="kpu")
    monkeypatch.setattr(read, "APART_BYTES", 1)  # every file a group of its own
    apart = read.read_apart(files, "kpu", ["source_ref", "nik", "nama"])
    assert apart.records.equals(together.records.select("source_ref", "nik", "nama"))
    assert apart.problems.equals(together.problems) and apart.problems["row"][0] is None
    assert apart.refused == together.refused and len(apart.refused) == 1
    assert [f.name for f in apart.files] == [f.name for f in together.files]


def test_rows_checked_in_slices_as_all_at_once(prov, monkeypatch):
    from pemilih.io import read, validate
    out = prov["out"]
    files = [str(out / f) for f in prov["meta"]["files"]["kpu_csv"][:4]] + [str(out / "registry" / "disdukcapil_73.csv")]
    kinds = ("kpu",) * 4 + ("registry",)
    whole = {k: read.read_files([f for f, kf in zip(files, kinds) if kf == k], kind=k) for k in set(kinds)}
    monkeypatch.setattr(validate, "SLICE_ROWS", 97)  # a slice ends inside files, and inside one file
    for kind, before in whole.items():
        after = read.read_files([f for f, kf in zip(files, kinds) if kf == kind], kind=kind)
        assert after.records.height > 3 * 97
        assert after.records.equals(before.records) and after.problems.equals(before.problems), kind
    assert whole["kpu"].problems.height > 10  # the planted defects: problems on rows of every slice


def test_province_findings_with_the_registry_in_parts_equal_the_whole(prov, monkeypatch):
    from datetime import date

    from pemilih.engine import link_parts
    from pemilih.engine.findings import verify
    from pemilih.io.read import read_apart
    out, meta = prov["out"], prov["meta"]
    listed = read_apart([str(out / f) for f in meta["files"]["kpu_csv"]], "kpu")
    registry = read_apart([str(out / meta["files"]["registry_csv"])], "registry").records
    on, dps = (date.fromisoformat(meta["dates"][k]) for k in ("pilkalem_voting_day", "pilkalem_dps_set"))
    whole = verify(listed.records, registry, on, "PILKALEM", dps, listed.problems)
    monkeypatch.setattr(link_parts, "PART_ROWS", registry.height // 5)  # six parts, split anywhere
    parted = verify(listed.records, registry, on, "PILKALEM", dps, listed.problems)
    assert parted.residual == whole.residual > 100
    assert parted.findings.equals(whole.findings)
