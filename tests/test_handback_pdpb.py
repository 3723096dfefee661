"""The hand-back speaks KPU's rules and is ready for KPU's import (issue 12, defects 2 and 4).

One hand-made village cycle, every expected value written by hand: a voter struck under the
village election's own six-month rule (TMS-D), one who died, one moved to another TPS of the
village (TMS-8), one moved to another village, one whose birth date was corrected, a new voter
who is 17 only by the Pilkalem's voting day, two adult new voters (one on the election's list,
one not), and a voter whose village KPU's list did not name in a way anyone could resolve.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from python_calamine import CalamineWorkbook

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle.common import local_today
from pemilih.store import agreements, changes, elections
from pemilih.store.projection import current_list
from pemilih.store.receive import import_result

from filemaker import apply_package, build_handback, set_election_list

pytestmark = pytest.mark.postgres

# Real villages of Toraja Utara, their names as the regions table has them (written by hand).
A, B, C = "73.26.02.2003", "73.26.02.2006", "73.26.01.1002"
NAMES = {A: ("SESEAN", "BUNTU LOBO'"), B: ("SESEAN", "PARINDING"), C: ("RANTEPAO", "RANTEPAO")}
# Handed back today, as the regency counts days (WITA): the hand-back's period starts the day the
# list was imported, which is today too; a fixed date would fall before it once that day passed.
HANDED_ON = local_today()
VOTING_DAY = date(2027, 3, 17)
WHO = {"actor": "Panitia", "agency": "PANITIA", "reason": "Rapat pleno"}
DDMMYYYY = re.compile(r"^\d{2}-\d{2}-\d{4}$")


def _key_of(nik: str) -> str:
    """A daftar.xlsx row's voter (the list's layout has no key column: its NIK names it)."""
    return next((r["source_ref"] for r in LIST if r["nik"] == nik), None) or changes.new_voter_key(nik)


def _voter(n, desa, tps, nkk, sex="L", **over):
    row = {"source_ref": f"dpt.csv::{n}", "file": "dpt.csv", "sheet": "", "row": n,
           # KPU's list spells the villages its own way: the package names them by code
           "kecamatan": "Sesean", "desa": {A: "Buntu Lobo", B: "Parinding", None: "LEMBANG ENTAH"}[desa],
           "kode_desa": desa, "tps": tps, "no": str(n), "nkk": nkk, "nik": f"7326024101{n:02d}0001",
           "nama": f"PEMILIH {n}", "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1980-01-01", "status_kawin": "S",
           "jenis_kelamin": sex, "alamat": "DUSUN A", "rt": "001", "rw": "001", "disabilitas": None,
           "ktp_el": "S", "keterangan": None}
    return {**row, **over}


LIST = [_voter(1, A, "001", "7326020000000001"), _voter(2, A, "001", "7326020000000002"),
        _voter(3, A, "001", "7326020000000003"), _voter(4, A, "001", "7326020000000004"),
        _voter(5, A, "002", "7326020000000005"), _voter(6, A, "002", "7326020000000006"),
        _voter(7, B, "003", "7326020000000007"), _voter(8, B, "003", "7326020000000008", sex="P"),
        _voter(9, None, "001", "7326020000000009")]
YOUNG = {"nik": "7326026301100001", "nama": "MUDA", "tanggal_lahir": "2010-01-23", "status_kawin": "B",
         "jenis_kelamin": "P", "kode_desa": A, "nkk": "7326020000000001"}
ADULT_FAMILY = {"nik": "7326020505000001", "nama": "KELUARGA TUJUH", "tanggal_lahir": "2000-05-05",
                "status_kawin": "S", "jenis_kelamin": "L", "kode_desa": B, "nkk": "7326020000000007"}
ADULT_ELECTED = {"nik": "7326020606000001", "nama": "BARU DPS", "tanggal_lahir": "1999-06-06",
                 "status_kawin": "S", "jenis_kelamin": "P", "kode_desa": A, "nkk": "7326020000000099"}


def _record(*made):
    changes.record("response-recorded", list(made), actor="Operator DPML", agency="DPML", reason="Hasil coklit")


def _add(values: dict, voters):
    key = changes.new_voter_key(values["nik"])
    base = {"alamat": "DUSUN B", "rt": "002", "rw": "001", "tempat_lahir": "RANTEPAO", "ktp_el": "S"}
    return changes.add(changes.new_voter_row(key, voters.next_position(), {**base, **values}), "Ditemui saat coklit")


@pytest.fixture
def village(workspace, maker):
    """DPML's workspace after the cycle described above (the election's DPS set)."""
    ws = workspace
    import_result(ws, maker.kpu(LIST, name="dpt.csv"), actor="Operator", agency="DPML", reason="Data KPU")
    today = local_today()
    agreements.record_agreement(ws, agreements.Terms(
        number="PKS-9", title="PKS", provider="KPU", recipient="DPML", purpose="Pilkalem", legal_basis="UU 7/2017",
        valid_from=min(today, HANDED_ON) - timedelta(days=30), valid_to=max(today, HANDED_ON) + timedelta(days=365),
        retention="3 bulan", data_elements=list(KPU_COLUMNS), villages=["*"]),
        actor="KPU", agency="KPU", reason="MoU")
    v = changes.voters([r["source_ref"] for r in LIST])
    row = v.get
    _record(changes.remove(row("dpt.csv::2"), "TMS-D", "Datang 3 bulan sebelum DPS"),
            changes.remove(row("dpt.csv::3"), "TMS-1", "Akta kematian"),
            changes.move(row("dpt.csv::4"), "002", "TMS-8", "Rumah dekat TPS 2"))
    v = changes.voters([r["source_ref"] for r in LIST])
    _record(changes.set_value(v.get("dpt.csv::5"), "kode_desa", C, "SKPWNI ke Rantepao"))
    v = changes.voters([r["source_ref"] for r in LIST])
    _record(changes.set_value(v.get("dpt.csv::5"), "nama", "PEMILIH LIMA", "KTP-el"),
            changes.set_value(v.get("dpt.csv::6"), "tanggal_lahir", "1981-02-03", "Akta kelahiran"))
    v = changes.voters([])
    _record(_add(YOUNG, v), _add(ADULT_FAMILY, v), _add(ADULT_ELECTED, v))
    e = elections.create(ws, code="PK27", name="Pilkalem 2027", regime="PILKALEM", voting_day=VOTING_DAY,
                         dps_set_on=VOTING_DAY - timedelta(days=60), villages=[A], max_per_tps=500,
                         actor="Kadis", agency="DPML", reason="SK")
    dps = set_election_list(ws, e, "DPS", **WHO, schedule_reason="Uji: tahapan pada hari yang sama")
    return {"ws": ws, "dps_tps": dict(zip(dps.voters["key"], dps.voters["tps_number"]))}


def _package(village, tmp_path, **kw):
    return build_handback(village["ws"], tmp_path / "paket", period="2026-12", agreement="PKS-9", on=HANDED_ON,
                          actor="Kadis DPML", reason="Serah kembali", **kw)


def _sheets(path, name) -> dict[str, list[dict]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(zipfile.ZipFile(path).read(name)))
    out = {}
    for sheet in book.sheet_names:
        grid = book.get_sheet_by_name(sheet).to_python()
        out[sheet] = [dict(zip(grid[0], (str(v) for v in r))) for r in grid[1:]]
    return out


def _cells(path) -> list[str]:
    z = zipfile.ZipFile(path)
    return [str(v) for name in ("perubahan.xlsx", "daftar.xlsx", "rekap.xlsx")
            for s in CalamineWorkbook.from_filelike(io.BytesIO(z.read(name))).sheet_names
            for r in CalamineWorkbook.from_filelike(io.BytesIO(z.read(name))).get_sheet_by_name(s).to_python()
            for v in r]


def test_village_only_rules_stay_off_kpus_list(village, tmp_path):
    out = _package(village, tmp_path)
    changes_ = _sheets(out.path, "perubahan.xlsx")
    listed = {_key_of(r["NIK"]) for r in _sheets(out.path, "daftar.xlsx")["DPT"]}
    young = changes.new_voter_key(YOUNG["nik"])
    # struck under TMS-D for the village only: still on KPU's list, reported, never a TMS
    assert "dpt.csv::2" in listed
    assert [(r["KUNCI"], r["KODE"]) for r in changes_["TMS"]] == [("dpt.csv::3", "TMS-1")]
    info = {r["KUNCI"]: r["ALASAN"] for r in changes_["Informasi"]}
    assert set(info) == {"dpt.csv::2", young}
    assert "domisili" in info["dpt.csv::2"] and "17 tahun" in info[young] and f"{HANDED_ON:%d-%m-%Y}" in info[young]
    # 16 on the day of the hand-back (born 23-01-2010): not a new voter for KPU yet
    assert young not in listed and young not in {r["KUNCI"] for r in changes_["B Pemilih Baru"]}
    assert not any("TMS-D" in cell for cell in _cells(out.path))  # not even as a recap column
    assert out.counts["informasi"] == 2 and "TMS-D" not in out.counts


def test_an_eligibility_date_of_the_handback_counts_age_then(village, tmp_path):
    out = _package(village, tmp_path, eligible_on=VOTING_DAY)
    added = {r["KUNCI"] for r in _sheets(out.path, "perubahan.xlsx")["B Pemilih Baru"]}
    assert changes.new_voter_key(YOUNG["nik"]) in added  # 17 on 17-03-2027


def test_the_list_handed_back_is_ready_for_kpus_import(village, tmp_path):
    out = _package(village, tmp_path)
    daftar = _sheets(out.path, "daftar.xlsx")["DPT"]
    for r in daftar:  # every row names its village by code and by the regions table's names
        assert (r["KECAMATAN"], r["KELURAHAN/DESA"]) == NAMES[r["KODE DESA"]], r["NAMA"]
        assert DDMMYYYY.match(r["TANGGAL LAHIR"]) and re.match(r"^\d{3}$", r["TPS"])
    by_key = {_key_of(r["NIK"]): r for r in daftar}
    assert by_key["dpt.csv::5"]["KODE DESA"] == C and by_key["dpt.csv::5"]["KELURAHAN/DESA"] == "RANTEPAO"
    assert by_key["dpt.csv::6"]["TANGGAL LAHIR"] == "03-02-1981"
    # numbers counted afresh per village and TPS, without gaps, KPU's voters first in their order
    numbers: dict[tuple, list[int]] = {}
    for r in daftar:
        numbers.setdefault((r["KODE DESA"], r["TPS"]), []).append(int(r["NO"]))
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    assert [_key_of(r["NIK"]) for r in daftar if (r["KODE DESA"], r["TPS"]) == (A, "001")] == [
        "dpt.csv::1", "dpt.csv::2", changes.new_voter_key(ADULT_ELECTED["nik"])]  # the DPS put it at TPS 1
    # a new voter on the election's list takes its TPS; one not on it, the family's, marked proposed
    elected_key = changes.new_voter_key(ADULT_ELECTED["nik"])
    elected = by_key[elected_key]
    assert int(elected["TPS"]) == village["dps_tps"][elected_key] and "usulan" not in elected["KETERANGAN"]
    family = by_key[changes.new_voter_key(ADULT_FAMILY["nik"])]
    assert family["TPS"] == "003" and "TPS usulan" in family["KETERANGAN"]
    # the voter without a village: on a sheet of its own, not in the list
    assert "dpt.csv::9" not in by_key
    unresolved = _sheets(out.path, "perubahan.xlsx")["Belum Punya Desa"]
    assert [r["KUNCI"] for r in unresolved] == ["dpt.csv::9"] and unresolved[0]["DESA TERTULIS"] == "LEMBANG ENTAH"
    assert out.counts["belum_punya_desa"] == 1


def test_each_change_is_under_its_heading_with_its_own_evidence(village, tmp_path):
    out = _package(village, tmp_path)
    sheets = _sheets(out.path, "perubahan.xlsx")
    assert [(r["KUNCI"], r["TPS LAMA"], r["TPS BARU"], r["BUKTI"]) for r in sheets["TMS-8 Pindah TPS"]] == [
        ("dpt.csv::4", "001", "002", "Rumah dekat TPS 2")]
    u = {(r["KUNCI"], r["KOLOM"]): (r["NILAI LAMA"], r["NILAI BARU"], r["BUKTI"]) for r in sheets["U Ubah Data"]}
    assert u == {("dpt.csv::5", "KODE DESA"): (A, C, "SKPWNI ke Rantepao"),
                 ("dpt.csv::5", "NAMA"): ("PEMILIH 5", "PEMILIH LIMA", "KTP-el"),
                 ("dpt.csv::6", "TANGGAL LAHIR"): ("01-01-1980", "03-02-1981", "Akta kelahiran")}
    for sheet in ("B Pemilih Baru", "TMS", "Informasi"):
        for r in sheets[sheet]:
            assert (r["KECAMATAN"], r["KELURAHAN/DESA"]) == NAMES[r["KODE DESA"]] and DDMMYYYY.match(r["TANGGAL LAHIR"])
    assert out.counts["pindah_tps"] == 1 and out.counts["U"] == 2 and out.counts["U_fields"] == 3


def test_kpu_applies_moves_and_names_and_leaves_information_alone(village, tmp_path, kpu_workspace, maker):
    out = _package(village, tmp_path)
    kpu = kpu_workspace
    import_result(kpu, maker.kpu(LIST, name="dpt.csv"), actor="Operator KPU", agency="KPU", reason="DPT")
    applied = apply_package(kpu, out.path, actor="Operator KPU", reason="Rakor PDPB")
    assert applied.applied == {"B": 2, "TMS-1": 1, "TMS-8": 1, "U": 3} and not applied.conflicts
    assert applied.noted == {"informasi": 2, "belum_punya_desa": 1}
    now = {r["source_ref"]: r for r in current_list(kpu).iter_rows(named=True)}
    assert now["dpt.csv::4"]["tps"] == "002"
    assert (now["dpt.csv::5"]["kecamatan"], now["dpt.csv::5"]["desa"]) == NAMES[C]
    assert now["dpt.csv::6"]["tanggal_lahir"] == "1981-02-03"  # the store keeps ISO dates
    assert "dpt.csv::2" in now and "dpt.csv::9" in now and "dpt.csv::3" not in now
    assert changes.new_voter_key(YOUNG["nik"]) not in now
    added = now[changes.new_voter_key(ADULT_FAMILY["nik"])]
    assert added["tanggal_lahir"] == "2000-05-05" and added["tps"] == "003"
    from pemilih.store.models import Event
    ops = Event.objects.get(kind="handback-applied").payload["changes"]
    assert [c["code"] for c in ops if c["op"] == "set" and c["column"] == "tps"] == ["TMS-8"]


def _per_tps(path):
    """perubahan_per_tps.xlsx read with openpyxl: each sheet's rows as cell values (None blank)."""
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(zipfile.ZipFile(path).read("perubahan_per_tps.xlsx")))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}, book


PER_TPS_HEADERS = ["TPS", "NO", "KODE", "ARTI KODE", "NO DI DAFTAR", "NKK", "NIK", "NAMA", "TEMPAT LAHIR",
                   "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT", "RT", "RW", "DISABILITAS",
                   "KTP-EL", "KETERANGAN", "KOLOM", "NILAI LAMA", "NILAI BARU", "KUNCI"]


def test_the_changes_per_tps_are_in_kpus_order_each_once(village, tmp_path):
    out = _package(village, tmp_path)
    assert "perubahan_per_tps.xlsx" in zipfile.ZipFile(out.path).namelist()
    assert "perubahan_per_tps.xlsx" in out.manifest["files"]  # hashed and signed as the rest
    grids, book = _per_tps(out.path)
    assert list(grids) == [A, B]  # one sheet per village, named by its code
    rows, headings = [], {}
    for code, grid in grids.items():
        assert NAMES[code][1] in grid[1][0] and code in grid[1][0] and "2026-12" in grid[0][0]
        assert grid[3] == PER_TPS_HEADERS
        sheet = book[code]
        assert sheet.print_title_rows == "$4:$4" and sheet.page_setup.orientation == "landscape"
        for r in grid[4:]:
            if r[0] and r[0].startswith("TPS ") and not any(r[1:]):
                headings[(code, r[0])] = True
            else:
                rows.append((code, dict(zip(PER_TPS_HEADERS, r))))
    # by hand: at Buntu Lobo' TPS 001 the death (TMS-1) and the move to TPS 2 (TMS-8) where KPU
    # listed them, then the new voter the DPS put there; at TPS 002 the three corrected fields
    # of voters 5 and 6 (KPU's TPS and numbers); at Parinding TPS 003 the new voter of family 7
    elected, family = changes.new_voter_key(ADULT_ELECTED["nik"]), changes.new_voter_key(ADULT_FAMILY["nik"])
    got = [(code, r["TPS"], r["NO"], r["KODE"], r["KUNCI"], r["NO DI DAFTAR"], r["KOLOM"], r["NILAI LAMA"],
            r["NILAI BARU"]) for code, r in rows]
    assert got == [
        (A, "001", "1", "TMS-1", "dpt.csv::3", "3", None, None, None),
        (A, "001", "2", "TMS-8", "dpt.csv::4", "4", "TPS", "001", "002"),
        (A, "001", "3", "B", elected, "3", None, None, None),
        (A, "002", "1", "U", "dpt.csv::5", "5", "KODE DESA", A, C),
        (A, "002", "2", "U", "dpt.csv::5", "5", "NAMA", "PEMILIH 5", "PEMILIH LIMA"),
        (A, "002", "3", "U", "dpt.csv::6", "6", "TANGGAL LAHIR", "01-01-1980", "03-02-1981"),
        (B, "003", "1", "B", family, "3", None, None, None)]  # after voters 7 and 8
    assert list(headings) == [(A, "TPS 001: TMS 2, U 0, B 1"), (A, "TPS 002: TMS 0, U 3, B 0"),
                              (B, "TPS 003: TMS 0, U 0, B 1")]
    assert [b.id for b in book[A].row_breaks.brk] == [8]  # TPS 002 (row 9) starts a page of its own
    meanings = {r["KODE"]: r["ARTI KODE"] for _, r in rows}
    assert meanings == {"TMS-1": "meninggal", "TMS-8": "salah penempatan TPS", "U": "ubah data",
                        "B": "pemilih baru"}
    by_key = {r["KUNCI"]: r for _, r in rows}
    # NIK and NKK text (never a number), dates DD-MM-YYYY
    assert by_key["dpt.csv::3"]["NIK"] == "7326024101030001" and by_key["dpt.csv::3"]["NKK"] == "7326020000000003"
    assert by_key[family]["NIK"] == ADULT_FAMILY["nik"] and by_key[family]["TANGGAL LAHIR"] == "05-05-2000"
    # every change of the package once: as many rows as the four applied sheets hold
    sheets = _sheets(out.path, "perubahan.xlsx")
    assert len(rows) == sum(len(sheets[s]) for s in ("TMS", "TMS-8 Pindah TPS", "U Ubah Data", "B Pemilih Baru"))


def test_a_package_made_before_the_per_tps_file_still_opens(village, tmp_path):
    """A package whose manifest does not list perubahan_per_tps.xlsx (made before it) opens; one
    that lists it but lacks it is incomplete."""
    import json

    from pemilih.io import package
    from pemilih.store import keys
    out = _package(village, tmp_path)
    z = zipfile.ZipFile(out.path)
    key = keys.own_key(village["ws"])
    trusted = {package.signing.fingerprint(key): key.public_key()}
    for listed, name in ((False, "lama.zip"), (True, "kurang.zip")):
        folder = tmp_path / name.removesuffix(".zip")
        folder.mkdir()
        for n in ("perubahan.xlsx", "daftar.xlsx", "rekap.xlsx", "berita_acara.pdf"):
            (folder / n).write_bytes(z.read(n))
        manifest = json.loads(z.read("manifest.json"))
        if not listed:
            del manifest["files"]["perubahan_per_tps.xlsx"]
            manifest["manifest_sha256"] = package.manifest_hash(manifest)
        text = json.dumps(manifest).encode()
        with zipfile.ZipFile(tmp_path / name, "w") as older:
            older.writestr("manifest.json", text)
            for n in ("perubahan.xlsx", "daftar.xlsx", "rekap.xlsx", "berita_acara.pdf"):
                older.write(folder / n, n)
            older.writestr("manifest.sig", package.signing.sign(key, text))
        if listed:
            with pytest.raises(package.PackageError, match="perubahan_per_tps.xlsx"):
                package.open_package(tmp_path / name, trusted)
        else:
            assert "perubahan.xlsx" in package.open_package(tmp_path / name, trusted).files
