"""The demo generator: layout, determinism, CSV == workbooks, NIK structure, households,
ground-truth consistency and the planted check defects.

One small regency (scale 0.02) is generated once for the module; a second run through the CLI
with the same seed must give byte-identical files. Workbooks are read with python-calamine
directly (not through pemilih's readers). Expected values are checked with rules written here
(NIK digits, date arithmetic), not with the generator's own helpers.
"""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pemilih.cli import main
from pemilih.domain.regions import load_regions
from pemilih.generate import generate

SEED, SCALE = 11, 0.02
KPU_HEADER = ["KECAMATAN", "KELURAHAN/DESA", "KODE DESA", "TPS", "NO", "NKK", "NIK", "NAMA",
              "TEMPAT LAHIR", "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT", "RT",
              "RW", "DISABILITAS", "KTP-EL", "KETERANGAN"]
U_FIELDS = {"NAMA", "NIK", "NKK", "TANGGAL LAHIR", "TEMPAT LAHIR", "JENIS KELAMIN",
            "STATUS PERKAWINAN", "ALAMAT", "RT", "RW", "KODE DESA"}
CSV_FIELD = {f: f for f in U_FIELDS}
REGISTRY_FIELD = {"NAMA": "NAMA_LGKP", "NIK": "NIK", "NKK": "NO_KK", "TANGGAL LAHIR": "TGL_LHR",
                  "TEMPAT LAHIR": "TMPT_LHR", "ALAMAT": "ALAMAT", "RT": "NO_RT", "RW": "NO_RW",
                  "KODE DESA": "KODE_WILAYAH"}
# Kinds that change NIK, birth date or sex on the list row, or the NIK's rendering.
NIK_DAMAGE = {"NIK-TYPO", "NIK-SWAP", "NIK-EMPTY", "NIK-FLOAT", "NIK-LENGTH", "NIK-INVALID",
              "DOB-SWAP", "DOB-DIGIT", "SEX-WRONG", "DATE-INVALID", "DUP-NIK-TYPO", "DUP-NIK-EMPTY", "NIK-SERIAL"}
# Kinds that put something other than a name in NAMA, or another village's name beside a code.
NAME_DAMAGE = {"NAME-EMPTY", "NAME-FORMULA", "NAME-DIGITS", "NAME-NUMBERED"}
VILLAGE_DAMAGE = {"DESA-UNKNOWN", "DESA-MISMATCH"}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    summary = generate(str(out), scale=SCALE, seed=SEED, progress=False)
    d = {"out": out, "summary": summary,
         "list": read_csv(out / "kpu" / "dpt_7326.csv"),
         "registry": read_csv(out / "registry" / "disdukcapil_7326.csv"),
         "rows": read_csv(out / "truth" / "list_rows.csv"),
         "findings": read_csv(out / "truth" / "expected_findings.csv"),
         "checks": read_csv(out / "truth" / "check_defects.csv"),
         "meta": json.loads((out / "truth" / "meta.json").read_text(encoding="utf-8"))}
    d["by_ref"] = {f"dpt_7326.csv::{i + 2}": r for i, r in enumerate(d["list"])}
    d["truth_by_ref"] = {r["csv_ref"]: r for r in d["rows"]}
    d["kinds"] = {r["csv_ref"]: set(filter(None, r["kinds"].split(";"))) for r in d["rows"]}
    d["registry_by_nik"] = {r["NIK"]: r for r in d["registry"]}
    return d


@pytest.fixture(scope="module")
def sheets(demo):
    """{(workbook, sheet): rows as calamine returns them}."""
    out = {}
    for path in sorted((demo["out"] / "kpu" / "form").glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            out[(path.name, name)] = wb.get_sheet_by_name(name).to_python()
    return out


def data_rows(rows: list[list]) -> list[list]:
    """Rows 10.. up to the first empty row (the blank row before JUMLAH)."""
    data = []
    for row in rows[9:]:
        if all(v in ("", None) for v in row):
            break
        data.append(row)
    return data


def nik_matches(nik: str, born: date, sex: str) -> bool:
    day = born.day + (40 if sex == "P" else 0)
    return re.fullmatch(r"\d{16}", nik) is not None and nik[6:12] == f"{day:02d}{born.month:02d}{born.year % 100:02d}"


def parse(text: str) -> date:
    d, m, y = (int(x) for x in text.split("-"))
    return date(y, m, d)


def test_same_seed_gives_identical_files_through_cli(demo, tmp_path):
    """Another process with another hash seed: nothing may depend on set or hash order."""
    again = tmp_path / "again"
    env = dict(os.environ, PYTHONHASHSEED="12345", PEMILIH_PROGRESS="0")
    done = subprocess.run([sys.executable, "-m", "pemilih", "generate", "--out", str(again), "--scale",
                           str(SCALE), "--seed", str(SEED)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Data demo ditulis" in done.stdout
    first = sorted(p.relative_to(demo["out"]) for p in demo["out"].rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (demo["out"] / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_tables_written_in_slices_read_as_csv_writer_writes_them(tmp_path, monkeypatch):
    # write_table joins and writes its lines a slice at a time (a province's extract held whole
    # as text was over 3 GB): rows across several slices, quoted ones among them, must come out
    # as Python's csv.writer writes them.
    import io

    from pemilih.generate import writers_csv
    monkeypatch.setattr(writers_csv, "WRITE_LINES", 7)
    header = ["A", "B", "C"]
    rows = [[f"r{i}", "x,y" if i % 5 == 0 else "z", 'say "hi"' if i % 11 == 0 else str(i)] for i in range(40)]
    path = tmp_path / "t.csv"
    writers_csv.write_table(str(path), header, iter(rows))
    expected = io.StringIO()
    plain = csv.writer(expected, lineterminator="\n")
    plain.writerow(header)
    plain.writerows(rows)
    assert path.read_text("utf-8") == expected.getvalue()


def test_no_workbooks_forks_no_writers():
    # Each forked writer comes to hold most of the world it was forked from: with nothing to
    # write (--no-workbooks) none may be started (a province at scale 1.0 was killed so).
    from pemilih.generate.writers_xlsx import BackgroundWriter
    writer = BackgroundWriter({}, processes=2).start()
    assert writer.pool is None
    writer.wait()


def test_cli_refuses_bad_scale(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path), "--scale", "0"]) == 2
    assert "Skala" in capsys.readouterr().err


def test_layout_and_workbook_names(demo):
    out = demo["out"]
    with open(out / "kpu" / "dpt_7326.csv", encoding="utf-8") as fh:
        first = fh.readline()
    assert not first.startswith("\ufeff") and first.rstrip("\n").split(",") == KPU_HEADER
    villages = load_regions().villages_of("73.26")
    assert len(villages) == 151
    expected = {f"DPT_{v.code.replace('.', '')}_{v.name.upper().replace(' ', '_')}.xlsx" for v in villages}
    assert {p.name for p in (out / "kpu" / "form").glob("*.xlsx")} == expected
    assert {r["KODE DESA"] for r in demo["list"] if r["KODE DESA"]} == {v.code for v in villages}
    assert list(demo["registry"][0]) == ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN",
                                         "STAT_KWN", "ALAMAT", "NO_RT", "NO_RW", "KODE_WILAYAH", "JENIS_PKRJN",
                                         "STATUS", "TGL_MATI", "TGL_PINDAH", "KODE_WILAYAH_TUJUAN", "TGL_DATANG"]


def test_meta_counts_and_timeline(demo):
    meta = demo["meta"]
    assert meta["seed"] == SEED and meta["scale"] == SCALE and meta["regime"] == "PILKALEM"
    assert meta["dates"] == {"dpt_set": "2023-06-21", "pemilu_voting_day": "2024-02-14",
                             "registry_extract": "2026-10-31", "pilkalem_dps_set": "2027-01-15",
                             "pilkalem_voting_day": "2027-03-17"}
    assert meta["counts"]["list_rows"] == len(demo["list"]) == len(demo["rows"])
    assert meta["counts"]["registry_rows"] == len(demo["registry"])
    assert meta["findings"] == dict(Counter(f["code"] for f in demo["findings"]))
    for kind in ("TMS-1", "TMS-2", "TMS-3", "TMS-4", "TMS-5", "NAME-TYPO", "NIK-FLOAT", "DESA-UNKNOWN",
                 "NAME-EMPTY", "NAME-FORMULA", "NAME-DIGITS", "NAME-NUMBERED", "NIK-SERIAL", "DESA-MISMATCH"):
        assert meta["defect_kinds"].get(kind, 0) >= 1, kind


def test_csv_rows_equal_workbook_rows(demo, sheets):
    """The same rows in the same order: CSV by village code, TPS, NO; workbooks by file name
    (which starts with the village code), sheet, row."""
    from_books = []
    for (book, sheet), rows in sorted(sheets.items()):
        for r in data_rows(rows):
            from_books.append((book.split("_")[1], sheet[4:], int(r[0]), r[1], r[3]))
    from_csv = [(demo["truth_by_ref"][ref]["xlsx_ref"].split("_")[1], row["TPS"], int(row["NO"]),
                 row["NKK"], row["NAMA"]) for ref, row in demo["by_ref"].items()]
    assert len(from_books) == len(demo["list"])
    assert [b[1:] for b in from_books] == [c[1:] for c in from_csv]
    coded = [(row["KODE DESA"].replace(".", ""), b[0]) for row, b in zip(demo["list"], from_books)
             if row["KODE DESA"]]
    assert all(a == b for a, b in coded)


def test_each_row_is_where_its_xlsx_ref_says(demo, sheets):
    for ref, row in demo["by_ref"].items():
        book, sheet, number = demo["truth_by_ref"][ref]["xlsx_ref"].split(":")
        cells = sheets[(book, sheet)][int(number) - 1]
        assert cells[3] == row["NAMA"] and cells[1] == row["NKK"], ref
        assert sheet == f"TPS {row['TPS']}" and int(cells[0]) == int(row["NO"])
        if "NIK-FLOAT" in demo["kinds"][ref]:
            assert isinstance(cells[2], float) and re.fullmatch(r"7\.\d+E\+15", row["NIK"])
        else:
            assert cells[2] == row["NIK"]
        born = cells[5]
        assert (born.strftime("%d-%m-%Y") if isinstance(born, date) else born) == row["TANGGAL LAHIR"]


def test_form_layout(demo, sheets):
    (book, sheet), rows = next(iter(sheets.items()))
    assert rows[0][0] == "DAFTAR PEMILIH TETAP (DPT) PEMILIHAN UMUM TAHUN 2024"
    assert [r[0] for r in rows[1:6]] == ["PROVINSI : SULAWESI SELATAN", "KABUPATEN : TORAJA UTARA",
                                        "KECAMATAN : RANTEPAO", "DESA/KELURAHAN : LAANG TANDUK", "TPS : 001"]
    assert rows[7][:5] == ["NO", "NKK", "NIK", "NAMA", "TEMPAT/TANGGAL LAHIR"]
    assert rows[8][4:6] == ["TEMPAT LAHIR", "TANGGAL LAHIR"]
    data = data_rows(rows)
    after = rows[9 + len(data):]
    men = sum(1 for r in data if r[7] == "L")
    assert after[1][0] == f"JUMLAH : L = {men}, P = {len(data) - men}, TOTAL = {len(data)}"
    assert after[4][9] == "KETUA PPS" and after[3][9].endswith(", 21-06-2023") and after[7][9]
    date_books = {b for (b, _), rs in sheets.items() if any(isinstance(r[5], date) for r in data_rows(rs))}
    assert 20 <= len(date_books) <= 80  # about a third of 151 villages use real date cells


def test_merged_header(demo):
    import openpyxl
    path = sorted((demo["out"] / "kpu" / "form").glob("*.xlsx"))[0]
    ws = openpyxl.load_workbook(path, read_only=False).worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "E8:F8" in merged and {f"{c}8:{c}9" for c in "ABCDGHIJKLMN"} <= merged
    assert ws["B10"].data_type == "s" and ws["C10"].data_type == "s"  # NKK and NIK are text


def test_tps_size_and_households_in_one_tps(demo):
    size = Counter((r["KODE DESA"] or r["KELURAHAN/DESA"], r["TPS"]) for r in demo["list"])
    assert max(size.values()) <= 300
    tps_of = defaultdict(set)
    for ref, row in demo["by_ref"].items():
        if not demo["kinds"][ref] & {"TMS-2"}:
            book = demo["truth_by_ref"][ref]["xlsx_ref"].split(":")[0]
            tps_of[(book, row["NKK"])].add(row["TPS"])
    assert all(len(t) == 1 for t in tps_of.values())


def test_clean_rows_nik_matches_birth_date_and_sex(demo):
    regions = load_regions()
    checked = 0
    for ref, row in demo["by_ref"].items():
        kinds = demo["kinds"][ref]
        assert regions.district_exists(row["NKK"][:6]) and re.fullmatch(r"\d{16}", row["NKK"])
        if kinds & NIK_DAMAGE:
            continue
        assert nik_matches(row["NIK"], parse(row["TANGGAL LAHIR"]), row["JENIS KELAMIN"]), ref
        assert regions.district_exists(row["NIK"][:6]), ref
        checked += 1
    assert checked > 0.9 * len(demo["list"])


def test_registry_niks_unique_and_consistent(demo):
    regions = load_regions()
    niks = Counter(r["NIK"] for r in demo["registry"])
    assert max(niks.values()) == 1
    for r in demo["registry"]:
        sex = "L" if r["JENIS_KLMIN"] == "LAKI-LAKI" else "P"
        assert nik_matches(r["NIK"], parse(r["TGL_LHR"]), sex) and regions.district_exists(r["NIK"][:6])
        assert r["STATUS"] in ("HIDUP", "MATI") and (r["STATUS"] == "MATI") == bool(r["TGL_MATI"])
        assert r["NO_KK"][:6] == r["KODE_WILAYAH"].replace(".", "")[:6]  # card issued in the kecamatan
        if r["TGL_PINDAH"]:
            assert not r["KODE_WILAYAH_TUJUAN"].startswith("73.26")


def test_households_share_nkk(demo):
    homes = defaultdict(set)
    for r in demo["registry"]:
        if r["STATUS"] == "HIDUP" and not r["TGL_PINDAH"]:
            homes[r["NO_KK"]].add((r["KODE_WILAYAH"], r["ALAMAT"], r["NO_RW"]))
    assert all(len(v) == 1 for v in homes.values())
    sizes = Counter(r["NO_KK"] for r in demo["registry"] if r["STATUS"] == "HIDUP" and not r["TGL_PINDAH"])
    assert sum(1 for n in sizes.values() if n >= 3) > len(sizes) / 3


def test_findings_point_to_existing_rows(demo):
    allowed = {"TMS-1", "TMS-2", "TMS-3", "TMS-4", "TMS-5", "TMS-6", "TMS-7", "TMS-D", "U", "B"}
    for f in demo["findings"]:
        assert f["code"] in allowed and f["score"] == "" and f["reason"] == ""
        if f["code"] == "B":
            assert f["source_ref"] == "" and f["registry_nik"] in demo["registry_by_nik"]
            continue
        row = demo["by_ref"][f["source_ref"]]
        assert f["xlsx_ref"] == demo["truth_by_ref"][f["source_ref"]]["xlsx_ref"]
        assert f["nik"] == row["NIK"]
        if f["code"] == "TMS-5":
            assert f["registry_nik"] == "" and row["NIK"] not in demo["registry_by_nik"]
        else:
            assert f["registry_nik"] in demo["registry_by_nik"]


def test_tms_rows_have_no_u_and_duplicates_point_to_keepers(demo):
    by_ref = defaultdict(list)
    for f in demo["findings"]:
        by_ref[f["source_ref"]].append(f)
    for ref, fs in by_ref.items():
        if ref and any(f["code"].startswith("TMS") for f in fs):
            assert len(fs) == 1, ref
    for f in demo["findings"]:
        if f["code"] == "TMS-2":
            keeper = f["duplicate_of"]
            assert keeper in demo["by_ref"] and keeper != f["source_ref"]
            assert not any(g["code"] == "TMS-2" for g in by_ref.get(keeper, []))
            assert demo["truth_by_ref"][keeper]["person_id"] == demo["truth_by_ref"][f["source_ref"]]["person_id"]
        else:
            assert f["duplicate_of"] == ""


def test_u_findings_name_list_and_registry_values(demo):
    seen = Counter()
    for f in demo["findings"]:
        if f["code"] != "U":
            continue
        assert f["field"] in U_FIELDS and f["current"] != f["proposed"]
        row, reg = demo["by_ref"][f["source_ref"]], demo["registry_by_nik"][f["registry_nik"]]
        if f["field"] != "KODE DESA" or row["KODE DESA"]:
            assert f["current"] == row[CSV_FIELD[f["field"]]]
        if f["field"] in REGISTRY_FIELD:
            assert f["proposed"] == reg[REGISTRY_FIELD[f["field"]]]
        seen[f["field"]] += 1
    assert {"NAMA", "NIK", "TANGGAL LAHIR", "STATUS PERKAWINAN", "KODE DESA"} <= set(seen)


def test_planted_kinds_become_the_right_findings(demo):
    by_ref = defaultdict(list)
    for f in demo["findings"]:
        by_ref[f["source_ref"]].append(f)
    lone = {ref: k for ref, k in demo["kinds"].items() if len(k) == 1}
    for ref, kinds in lone.items():
        (kind,) = kinds
        fields = {f["field"] for f in by_ref.get(ref, [])}
        codes = {f["code"] for f in by_ref.get(ref, [])}
        if kind in ("DESA-VARIANT", "KODE-DESA-EMPTY", "DESA-UNKNOWN"):
            assert not by_ref.get(ref), (ref, kind)  # CSV-only village spellings are no findings
        elif kind == "NAME-TYPO":
            assert fields == {"NAMA"}
        elif kind in ("DOB-SWAP", "DOB-DIGIT", "DATE-INVALID"):
            assert fields == {"TANGGAL LAHIR"}
        elif kind in ("NIK-TYPO", "NIK-SWAP", "NIK-EMPTY", "NIK-FLOAT", "NIK-LENGTH", "NIK-INVALID"):
            assert fields == {"NIK"}
        elif kind == "SEX-WRONG":
            assert fields == {"JENIS KELAMIN"}
        elif kind == "BIRTHPLACE-TYPO":
            assert fields == {"TEMPAT LAHIR"}
        elif kind in ("RT-CHANGED", "RW-CHANGED"):
            assert fields == {kind[:2]}
        elif kind == "MOVED-WITHIN":
            assert "KODE DESA" in fields
        elif kind in ("TMS-3", "TMS-5"):
            assert codes == {kind}
    cosmetic = [ref for ref, k in demo["kinds"].items() if k and all(x.startswith("COSMETIC") for x in k)]
    assert cosmetic and not any(by_ref.get(ref) for ref in cosmetic)  # cosmetic differences: no findings
    swaps = [f for f in demo["findings"] if f["field"] == "TANGGAL LAHIR"
             and demo["kinds"][f["source_ref"]] == {"DOB-SWAP"}]
    for f in swaps:
        cur, prop = f["current"].split("-"), f["proposed"].split("-")
        assert [cur[1], cur[0], cur[2]] == prop


def test_new_voters_are_not_listed_and_eligible(demo):
    listed = {r["person_id"] for r in demo["rows"] if r["person_id"]}
    listed_niks = {demo["by_ref"][r["csv_ref"]]["NIK"] for r in demo["rows"] if r["person_id"]}
    pilkalem, dps = date(2027, 3, 17), date(2027, 1, 15)
    news = [f for f in demo["findings"] if f["code"] == "B"]
    assert news and len(listed) > 0
    for f in news:
        reg = demo["registry_by_nik"][f["registry_nik"]]
        assert reg["STATUS"] == "HIDUP" and not reg["TGL_PINDAH"]
        assert reg["JENIS_PKRJN"] not in ("TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI")
        born = parse(reg["TGL_LHR"])
        age = pilkalem.year - born.year - ((pilkalem.month, pilkalem.day) < (born.month, born.day))
        assert age >= 17 or reg["STAT_KWN"] != "BELUM KAWIN"
        if reg["TGL_DATANG"]:
            arrived = parse(reg["TGL_DATANG"])
            months = (dps.year - arrived.year) * 12 + dps.month - arrived.month
            assert months > 6 or (months == 6 and arrived.day <= dps.day)  # 6-month domicile
        assert f["registry_nik"] not in listed_niks


def test_check_defects_are_in_the_files(demo, sheets):
    for c in demo["checks"]:
        row = demo["by_ref"][c["csv_ref"]]
        value = row[c["column"]]
        code = c["code"]
        if code == "NIK-FLOAT":
            assert re.fullmatch(r"\d(\.\d+)?E\+\d+", value)
            book, sheet, n = c["xlsx_ref"].split(":")
            assert isinstance(sheets[(book, sheet)][int(n) - 1][2], float)
        elif code == "NIK-LENGTH":
            assert value.isdigit() and len(value) != 16
        elif code == "NIK-INVALID":
            assert not value.isdigit() and value
        elif code == "NIK-EMPTY":
            assert value == ""
        elif code == "DATE-INVALID":
            with pytest.raises(ValueError):
                parse(value)
        elif code == "DESA-UNKNOWN":
            assert row["KODE DESA"] == "" and c["xlsx_ref"] == ""
        elif code == "DESA-MISMATCH":
            village = load_regions().get(row["KODE DESA"])
            assert c["xlsx_ref"] == "" and _letters(row["KELURAHAN/DESA"]) != _letters(village.name)
        elif code == "NIK-SERIAL":
            assert value.endswith("0000") and len(value) == 16
        elif code == "NAMA-EMPTY":
            assert value == ""
        elif code == "NAMA-FORMULA":
            assert value[0] in "=+-@"
        elif code == "NAMA-DIGITS":
            assert value.isdigit()
        elif code == "NAMA-INVALID":
            assert re.search(r"[A-Z]", value) and re.search(r"\d", value)
        elif code == "NIK-DUPLICATE":
            earlier = [r for ref, r in demo["by_ref"].items()
                       if int(ref.split("::")[1]) < int(c["csv_ref"].split("::")[1])]
            assert any(r["NIK"] == value for r in earlier)
        elif code in ("NIK-SEX-MISMATCH", "NIK-DOB-MISMATCH", "NIK-DATE", "NIK-REGION"):
            assert demo["kinds"][c["csv_ref"]] & NIK_DAMAGE
            assert code in _nik_faults(value, row)
        if code not in VILLAGE_DAMAGE:
            assert c["xlsx_ref"] == demo["truth_by_ref"][c["csv_ref"]]["xlsx_ref"]


def _letters(name: str) -> str:
    return re.sub(r"[^A-Z]", "", re.sub(r"^(LEMBANG|DESA|KELURAHAN) ", "", name.upper()))


def _nik_faults(nik: str, row: dict) -> set[str]:
    """What is wrong with a well-formed 16-digit NIK against its row, worked out by hand."""
    faults = set() if load_regions().district_exists(nik[:6]) else {"NIK-REGION"}
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day -= 40 if day > 40 else 0
    if not any(_valid(y, month, day) for y in (1900 + year, 2000 + year)):
        return faults | {"NIK-DATE"}
    if sex != row["JENIS KELAMIN"]:
        faults.add("NIK-SEX-MISMATCH")
    born = parse(row["TANGGAL LAHIR"])
    if (born.day, born.month, born.year % 100) != (day, month, year):
        faults.add("NIK-DOB-MISMATCH")
    return faults


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
        return True
    except ValueError:
        return False


def test_every_bad_value_is_listed_in_check_defects(demo):
    listed = {(c["csv_ref"], c["code"]) for c in demo["checks"]}
    villages = load_regions().villages_of("73.26")
    keys = {re.sub(r"[^A-Z]", "", v.name.upper()) for v in villages}
    names = {v.code: v.name for v in villages}
    seen = set()
    for ref, row in demo["by_ref"].items():
        nik = row["NIK"]
        if nik == "":
            assert (ref, "NIK-EMPTY") in listed
        elif re.fullmatch(r"\d(\.\d+)?E\+\d+", nik):
            assert (ref, "NIK-FLOAT") in listed
        elif not nik.isdigit():
            assert (ref, "NIK-INVALID") in listed
        elif len(nik) != 16:
            assert (ref, "NIK-LENGTH") in listed
        elif nik in seen:
            assert (ref, "NIK-DUPLICATE") in listed
        seen.add(nik)
        try:
            parse(row["TANGGAL LAHIR"])
        except ValueError:
            assert (ref, "DATE-INVALID") in listed
        name = re.sub(r"^(LEMBANG|DESA|KELURAHAN) ", "", row["KELURAHAN/DESA"].upper())
        if not row["KODE DESA"] and re.sub(r"[^A-Z]", "", name) not in keys:
            assert (ref, "DESA-UNKNOWN") in listed
        if row["KODE DESA"] and _letters(row["KELURAHAN/DESA"]) != _letters(names[row["KODE DESA"]]):
            assert (ref, "DESA-MISMATCH") in listed
        if len(nik) == 16 and nik.isdigit() and nik.endswith("0000"):
            assert (ref, "NIK-SERIAL") in listed
        written = row["NAMA"]
        if not written:
            assert (ref, "NAMA-EMPTY") in listed
        elif written[0] in "=+-@":
            assert (ref, "NAMA-FORMULA") in listed
        elif written.isdigit():
            assert (ref, "NAMA-DIGITS") in listed
        elif re.search(r"[^A-Z '.,-]", written.upper()):
            assert (ref, "NAMA-INVALID") in listed
    dup_kinds = {"TMS-2", "DUP-KEEP"}
    for c in demo["checks"]:
        assert demo["kinds"][c["csv_ref"]] & (NIK_DAMAGE | dup_kinds | VILLAGE_DAMAGE | NAME_DAMAGE), c
    variants = [r for r in demo["list"] if not r["KODE DESA"]]
    assert len(variants) > len([c for c in demo["checks"] if c["code"] == "DESA-UNKNOWN"])
