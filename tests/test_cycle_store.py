"""The village cycle on a hand-made list: agreements, election lists with TPS, public
responses, the hand-back package, applying it on KPU's side, and the recap.

Ground truth is written by hand: eight voters in two lembang, known responses, and the
counts they must give (not what the code says).
"""
from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import timedelta

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle.common import local_today
from pemilih.engine import election_lists
from pemilih.io import package
from pemilih.io.responses import read_responses
from pemilih.store import agreements, elections, responses
from pemilih.store.projection import current_list, rebuild_projection
from pemilih.store.receive import import_result

from filemaker import open_signed, responses_workbook, set_election_list

pytestmark = pytest.mark.postgres

A, B = "73.26.02.2001", "73.26.02.2002"
WHO = {"actor": "Yohanis", "agency": "PANITIA", "reason": "Rapat pleno panitia"}
TODAY = local_today()


def _voter(n, desa, nkk, sex, rt="001", name=None):
    return {"source_ref": f"dpt.csv::{n + 1}", "file": "dpt.csv", "sheet": "", "row": n + 1,
            "kecamatan": "SESEAN", "desa": {A: "LEMBANG SATU", B: "LEMBANG DUA"}[desa], "kode_desa": desa,
            "tps": "001", "no": str(n), "nkk": nkk, "nik": f"73260201019{n:05d}"[:16].ljust(16, "0"),
            "nama": name or f"PEMILIH {n}", "tempat_lahir": "RANTEPAO", "tanggal_lahir": "01-01-1980",
            "status_kawin": "S", "jenis_kelamin": sex, "alamat": "DUSUN A", "rt": rt, "rw": "001",
            "disabilitas": None, "ktp_el": "S" if n != 3 else "B", "keterangan": None}


LIST = [_voter(1, A, "7326020101000001", "L"), _voter(2, A, "7326020101000001", "P"),
        _voter(3, A, "7326020101000002", "L", rt="002"), _voter(4, A, "7326020101000003", "P", rt="002"),
        _voter(5, A, "7326020101000003", "L", rt="002"), _voter(6, B, "7326020101000004", "P"),
        _voter(7, B, "7326020101000005", "L"), _voter(8, B, "7326020101000005", "P")]
NEW_NIK = "7326024101050001"


@pytest.fixture
def dpml(workspace, maker):
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="Operator", agency="DPML", reason="Data KPU")
    agreements.record_agreement(workspace, _terms("001/PKS/2026"), actor="Ketua KPU", agency="KPU",
                                reason="MoU ditandatangani")
    return workspace


def _terms(number, **over):
    values = dict(number=number, title="Kerja sama data pemilih", provider="KPU", recipient="DPML",
                  purpose="Data awal Pilkalem", legal_basis="UU 7/2017; UU 27/2022",
                  valid_from=TODAY - timedelta(days=30), valid_to=TODAY + timedelta(days=300),
                  retention="Dihapus 3 bulan setelah diserahkan kembali", data_elements=list(KPU_COLUMNS),
                  villages=[A, B])
    values.update(over)
    return agreements.Terms(**values)


RESPONSE_HEADER = ["JENIS", "KUNCI", "NIK", "KODE", "KOLOM", "NILAI BARU", "BUKTI", "KODE DESA", "DESA",
                   "KECAMATAN", "NKK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS KAWIN", "KTP-EL",
                   "RT", "RW"]


def _responses(path, rows):
    return responses_workbook(path, rows, RESPONSE_HEADER)


ADD_NEW = {"JENIS": "TAMBAH", "NIK": NEW_NIK, "KODE DESA": A, "DESA": "LEMBANG SATU", "KECAMATAN": "SESEAN",
           "NKK": "7326020101000002", "NAMA": "LINA", "TANGGAL LAHIR": "01-01-2005", "JENIS KELAMIN": "P",
           "STATUS KAWIN": "B", "KTP-EL": "S", "RT": "002", "RW": "001", "BUKTI": "KTP-el dan KK"}


# --- agreements --------------------------------------------------------------------------------

def test_an_export_needs_a_valid_agreement_covering_it(dpml):
    ask = dict(on=TODAY, provider="KPU", recipient="DPML", villages=[A], elements=["nik", "nama"])
    assert agreements.agreement_for(dpml, "001/PKS/2026", **ask).number == "001/PKS/2026"
    # the same agreement binds both ways: DPML hands the list back under it
    assert agreements.agreement_for(dpml, "001/PKS/2026", **{**ask, "provider": "DPML", "recipient": "KPU"})
    refusals = {
        "wajib menyebut nomor": (None, ask),
        "tidak tercatat": ("999/X", ask),
        "tidak berlaku pada": ("001/PKS/2026", {**ask, "on": TODAY + timedelta(days=400)}),
        "antara KPU dan DPML, bukan antara KPU dan PANITIA": ("001/PKS/2026", {**ask, "recipient": "PANITIA"}),
        "tidak mencakup desa: 73.26.03.2001": ("001/PKS/2026", {**ask, "villages": [A, "73.26.03.2001"]}),
        "tidak mengizinkan elemen data: foto": ("001/PKS/2026", {**ask, "elements": ["nik", "foto"]}),
    }
    for message, (number, args) in refusals.items():
        with pytest.raises(agreements.AgreementError, match=message):
            agreements.agreement_for(dpml, number, **args)


def test_agreements_are_immutable_and_checked(dpml):
    with pytest.raises(agreements.AgreementError, match="sudah tercatat"):
        agreements.record_agreement(dpml, _terms("001/PKS/2026"), actor="x", agency="KPU", reason="lagi")
    with pytest.raises(agreements.AgreementError, match="sebelum tanggal mulainya"):
        agreements.record_agreement(dpml, _terms("002", valid_to=TODAY - timedelta(days=60)),
                                    actor="x", agency="KPU", reason="r")
    with pytest.raises(agreements.AgreementError, match="elemen data"):
        agreements.record_agreement(dpml, _terms("003", data_elements=[]), actor="x", agency="KPU", reason="r")


# --- election lists ----------------------------------------------------------------------------

def _election(ws, max_per_tps=3, regime="PILKALEM"):
    return elections.create(ws, code="PILKALEM", name="Pilkalem Serentak", regime=regime,
                            voting_day=TODAY + timedelta(days=60), dps_set_on=TODAY, villages=[A, B],
                            max_per_tps=max_per_tps, actor="Kadis", agency="DPML", reason="SK Bupati")


# The DPS is scheduled today: a DPT set the same day is outside its period (responses still open).
ONE_DAY = {"schedule_reason": "Uji: semua tahapan dalam satu hari"}


def test_dps_assigns_tps_under_the_cap_with_families_together(dpml):
    made = set_election_list(dpml, _election(dpml), "DPS", **WHO)
    tps = dict(zip(made.voters["nik"], made.voters["tps_number"]))
    nik = {r["source_ref"]: r["nik"] for r in LIST}
    assert made.list.voters == 8
    counts = made.voters.group_by("kode_desa", "tps_number").len()
    assert counts["len"].max() <= 3
    # village A: 5 voters, cap 3 -> 2 TPS; families (1,2) and (4,5) each in one TPS
    assert sorted(counts.filter(pl.col("kode_desa") == A)["len"].to_list()) == [2, 3]
    assert tps[nik["dpt.csv::2"]] == tps[nik["dpt.csv::3"]]
    assert tps[nik["dpt.csv::5"]] == tps[nik["dpt.csv::6"]]
    assert counts.filter(pl.col("kode_desa") == B)["len"].to_list() == [3]
    # the stored list is the list as set
    stored = elections.rows_of(made.list)
    assert stored.select("key", "tps_number").sort("key").equals(made.voters.select("key", "tps_number").sort("key"))
    by_ref = {r["source_ref"]: r for r in LIST}
    for row in stored.iter_rows(named=True):  # every column as the current list had it
        assert {c: row[c] for c in KPU_COLUMNS} == {c: by_ref[row["key"]][c] for c in KPU_COLUMNS}


def test_responses_change_the_list_with_evidence_and_bad_files_land_not_at_all(dpml, tmp_path):
    e = _election(dpml)
    set_election_list(dpml, e, "DPS", **WHO)
    before = current_list(dpml)
    bad = _responses(tmp_path / "bad.xlsx", [
        {"JENIS": "HAPUS", "KUNCI": "dpt.csv::2", "KODE": "TMS-1", "BUKTI": "Akta kematian"},
        {"JENIS": "PINDAH", "KUNCI": "dpt.csv::3", "BUKTI": "x"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::4", "KOLOM": "NAMA", "NILAI BARU": "YUSUF"},
        {"JENIS": "HAPUS", "KUNCI": "dpt.csv::5", "KODE": "TMS-9", "BUKTI": "x"},
        {**ADD_NEW, "NIK": "7326"},
    ])
    with pytest.raises(responses.ResponseError) as refused:
        responses.record(dpml, e, read_responses(bad), **WHO)
    assert [p.split(" kolom ")[0] for p in refused.value.problems] == [
        "bad.xlsx:Tanggapan:3", "bad.xlsx:Tanggapan:4", "bad.xlsx:Tanggapan:5", "bad.xlsx:Tanggapan:6"]
    assert "BUKTI" in refused.value.problems[1] and "TMS" in refused.value.problems[2]
    assert current_list(dpml).equals(before)

    good = _responses(tmp_path / "good.xlsx", [
        {"JENIS": "HAPUS", "KUNCI": "dpt.csv::2", "KODE": "TMS-1", "BUKTI": "Akta kematian"},
        {"JENIS": "UBAH", "NIK": LIST[2]["nik"], "KOLOM": "NAMA", "NILAI BARU": "YUSUF", "BUKTI": "KTP-el"},
        ADD_NEW])
    out = responses.record(dpml, e, read_responses(good), **WHO)
    assert out.counts == {"HAPUS": 1, "UBAH": 1, "TAMBAH": 1}
    now = current_list(dpml)
    assert "dpt.csv::2" not in now["source_ref"].to_list()
    assert now.filter(pl.col("nik") == LIST[2]["nik"])["nama"].to_list() == ["YUSUF"]
    assert now.filter(pl.col("nik") == NEW_NIK)["nama"].to_list() == ["LINA"]
    rebuild_projection(dpml)
    assert current_list(dpml).equals(now)
    # the same file again: the removal's voter is gone now, so it is refused as a whole
    with pytest.raises(responses.ResponseError, match="tidak ada di daftar"):
        responses.record(dpml, e, read_responses(good), **WHO)


def test_dpt_after_dps_and_dptb_holds_who_came_after_the_dpt(dpml, tmp_path):
    """A general election's DPTb (PEMILU2024; a Pilkalem has none: test_election_schedule.py)."""
    e = _election(dpml, regime="PEMILU2024")
    with pytest.raises(elections.ElectionError, match="DPS lebih dulu"):
        set_election_list(dpml, e, "DPT", **WHO, **ONE_DAY)
    set_election_list(dpml, e, "DPS", **WHO)
    dpt = set_election_list(dpml, e, "DPT", **WHO, **ONE_DAY)
    assert dpt.list.voters == 8
    responses.record(dpml, e, read_responses(_responses(tmp_path / "late.xlsx", [ADD_NEW])), **WHO)
    dptb = set_election_list(dpml, e, "DPTb", **WHO)
    assert dptb.voters["nik"].to_list() == [NEW_NIK]
    # placed with her family (NKK of voter 3) at the DPT's TPS
    family_tps = dpt.voters.filter(pl.col("nkk") == "7326020101000002")["tps_number"].to_list()
    assert dptb.voters["tps_number"].to_list() == family_tps


# --- hand-back, apply, recap -------------------------------------------------------------------

def _cycle(dpml, tmp_path):
    e = _election(dpml)
    set_election_list(dpml, e, "DPS", **WHO)
    responses.record(dpml, e, read_responses(_responses(tmp_path / "t.xlsx", [
        {"JENIS": "HAPUS", "KUNCI": "dpt.csv::2", "KODE": "TMS-1", "BUKTI": "Akta kematian"},
        {"JENIS": "HAPUS", "KUNCI": "dpt.csv::8", "KODE": "TMS-4", "BUKTI": "Surat pindah"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::4", "KOLOM": "NAMA", "NILAI BARU": "YUSUF", "BUKTI": "KTP-el"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::4", "KOLOM": "KTP-EL", "NILAI BARU": "S", "BUKTI": "KTP-el"},
        ADD_NEW])), **WHO)
    set_election_list(dpml, e, "DPT", **WHO, **ONE_DAY)


def test_handback_package_meets_the_contract(dpml, tmp_path):
    from filemaker import build_handback as build
    _cycle(dpml, tmp_path)
    out = build(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                actor="Kadis DPML", reason="Serah kembali")
    assert out.path.name == f"7326_2027-Q1_{out.manifest['manifest_sha256'][:12]}.zip"
    assert {n for n in zipfile.ZipFile(out.path).namelist()} == {
        "manifest.json", "perubahan.xlsx", "daftar.xlsx", "rekap.xlsx", "perubahan_per_tps.xlsx", "berita_acara.pdf",
        "manifest.sig"}
    manifest, files = open_signed(out.path)  # the signature and every hash checked
    assert manifest["counts"]["B"] == 1 and manifest["counts"]["TMS-1"] == 1
    assert manifest["counts"]["TMS-4"] == 1 and manifest["counts"]["U"] == 1
    assert manifest["counts"]["U_fields"] == 2
    text = _pdf_text(files["berita_acara.pdf"], tmp_path)
    assert manifest["manifest_sha256"] in text.replace("\n", "").replace(" ", "")
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text)
    changes = CalamineWorkbook.from_filelike(__import__("io").BytesIO(files["perubahan.xlsx"]))
    assert changes.sheet_names == ["B Pemilih Baru", "TMS", "TMS-8 Pindah TPS", "U Ubah Data", "Informasi",
                                   "Belum Punya Desa"]  # KPU's order, then the sheets for information
    u = changes.get_sheet_by_name("U Ubah Data").to_python()
    assert [r[4:7] for r in u[1:]] == [["NAMA", "PEMILIH 3", "YUSUF"], ["KTP-EL", "B", "S"]]
    # a package altered after it was made is refused
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out.path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data + b" " if name == "daftar.xlsx" else data)
    with pytest.raises(package.PackageError, match="daftar.xlsx"):
        open_signed(tampered)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "ba.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _daftar(pkg) -> pl.DataFrame:
    """daftar.xlsx of a package as list columns (birth dates back to ISO, as the store keeps them)."""
    from pemilih.contract import KPU_HEADERS
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(zipfile.ZipFile(pkg).read("daftar.xlsx")))
    grid = book.get_sheet_by_name("DPT").to_python()
    column = {h: c for c, h in KPU_HEADERS.items()}
    frame = pl.DataFrame([[str(v) for v in r] for r in grid[1:]], schema=[column[h] for h in grid[0]], orient="row")
    return frame


def _substance(frame: pl.DataFrame) -> pl.DataFrame:
    """The list without what follows from the rest (numbers, village names), as a set of rows."""
    born = pl.col("tanggal_lahir")
    return _comparable(frame).drop("no", "kecamatan", "desa").with_columns(
        pl.col("tps").cast(pl.Int64, strict=False),
        pl.when(born.str.contains(r"^\d{2}-\d{2}-\d{4}$"))
        .then(born.str.slice(6, 4) + "-" + born.str.slice(3, 2) + "-" + born.str.slice(0, 2)).otherwise(born),
    ).sort("nik")


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    """The list as a set of rows: blank and missing are the same in a spreadsheet."""
    return (frame.select(*KPU_COLUMNS).with_columns(pl.col(c).replace("", None) for c in KPU_COLUMNS)
            .sort("nik"))


def test_apply_on_kpu_side_gives_the_villages_list_and_twice_changes_nothing(dpml, kpu_workspace,
                                                                              maker, tmp_path, dump_db):
    from pemilih.store.apply_package import ApplyError

    from filemaker import apply_package as apply
    from filemaker import build_handback as build
    _cycle(dpml, tmp_path)
    dpml.activate()
    final = current_list(dpml)
    pkg = build(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                actor="Kadis DPML", reason="Serah kembali").path
    kpu = kpu_workspace
    with pytest.raises(ApplyError, match="daftar yang tidak ada"):
        apply(kpu, pkg, actor="Operator KPU", reason="Rakor PDPB")
    import_result(kpu, maker.kpu(LIST, name="dpt.csv"), actor="Operator KPU", agency="KPU", reason="DPT")
    first = apply(kpu, pkg, actor="Operator KPU", reason="Rakor PDPB")
    assert first.applied == {"B": 1, "TMS-1": 1, "TMS-4": 1, "U": 2} and not first.conflicts
    # KPU's list is now the package's list (numbers and village names aside: KPU's own are kept
    # for its voters), and, no rule of the village election being involved here, the village's
    assert _substance(current_list(kpu)).equals(_substance(_daftar(pkg)))
    assert _substance(current_list(kpu)).drop("tps").equals(_substance(final).drop("tps"))
    before = dump_db(kpu)
    again = apply(kpu, pkg, actor="Operator KPU", reason="Rakor PDPB")
    assert again.already and again.event_seq is None
    assert dump_db(kpu) == before


def test_apply_lists_a_conflict_instead_of_overwriting(dpml, kpu_workspace, maker, tmp_path):
    from pemilih.store import changes

    from filemaker import apply_package as apply
    from filemaker import build_handback as build
    _cycle(dpml, tmp_path)
    pkg = build(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                actor="Kadis DPML", reason="Serah kembali").path
    kpu = kpu_workspace
    import_result(kpu, maker.kpu(LIST, name="dpt.csv"), actor="Operator KPU", agency="KPU", reason="DPT")
    voter = changes.voters(["dpt.csv::4"]).get("dpt.csv::4")
    changes.record("response-recorded", [changes.set_value(voter, "nama", "JOSEPH", "KPU sendiri")],
                   actor="Operator KPU", agency="KPU", reason="Koreksi KPU")
    out = apply(kpu, pkg, actor="Operator KPU", reason="Rakor PDPB")
    assert len(out.conflicts) == 1 and "NAMA" in out.conflicts[0]
    now = current_list(kpu)
    assert now.filter(pl.col("source_ref") == "dpt.csv::4")["nama"].to_list() == ["JOSEPH"]
    assert out.applied == {"B": 1, "TMS-1": 1, "TMS-4": 1, "U": 1}  # the KTP-el correction still lands


def test_apply_conflict_on_a_new_voter_names_the_nik_masked(dpml, kpu_workspace, maker, tmp_path):
    from pemilih.store import changes

    from filemaker import apply_package as apply
    from filemaker import build_handback as build
    _cycle(dpml, tmp_path)
    pkg = build(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                actor="Kadis DPML", reason="Serah kembali").path
    kpu = kpu_workspace
    import_result(kpu, maker.kpu(LIST, name="dpt.csv"), actor="Operator KPU", agency="KPU", reason="DPT")
    key = changes.new_voter_key(NEW_NIK)  # KPU added the same new voter itself, with another name
    row = changes.new_voter_row(key, changes.voters([]).next_position(), {"nik": NEW_NIK, "nama": "LINA LAIN"})
    changes.record("response-recorded", [changes.add(row, "KPU sendiri")], actor="Operator KPU", agency="KPU",
                   reason="Pemilih baru")
    out = apply(kpu, pkg, actor="Operator KPU", reason="Rakor PDPB")
    assert out.conflicts == ["baru:732602**********: pemilih baru sudah ada di daftar dengan data lain"]


def test_recap_counts_equal_the_events_by_hand(dpml, tmp_path):
    from pemilih.cycle.recap import period as recap
    from pemilih.io.recap_xlsx import write_recap
    _cycle(dpml, tmp_path)
    r = recap(dpml, TODAY - timedelta(days=1), TODAY, "PILKALEM")
    rows = {v["kode_desa"]: v for v in r.villages.iter_rows(named=True)}
    # Village A: voters 1L 2P 3L 4P 5L at start; 1 died (TMS-1, L); 3 corrected (L);
    # LINA (P) added; voter 3 had no KTP-el and got it. Village B: 6P 7L 8P; 7 moved (TMS-4, L).
    expect_a = {"awal_l": 3, "awal_p": 2, "awal_jml": 5, "baru_p": 1, "tms_1_l": 1, "tms_jml": 1,
                "ubah_l": 1, "ubah_jml": 1, "tanpa_ktpel_jml": 0, "akhir_l": 2, "akhir_p": 3, "akhir_jml": 5}
    expect_b = {"awal_l": 1, "awal_p": 2, "awal_jml": 3, "baru_jml": 0, "tms_4_l": 1, "tms_jml": 1,
                "ubah_jml": 0, "akhir_l": 0, "akhir_p": 2, "akhir_jml": 2}
    assert {k: rows[A][k] for k in expect_a} == expect_a
    assert {k: rows[B][k] for k in expect_b} == expect_b
    # the same counts again, cell by cell in the workbook
    path = tmp_path / "rekap.xlsx"
    write_recap(r, str(path), title="Rekap")
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Per Desa").to_python()
    header = next(i for i, row in enumerate(grid) if "PEMILIH AKHIR" in row)
    assert grid[header][:6] == ["KECAMATAN", "DESA/KELURAHAN", "KODE DESA", "JUMLAH TPS", "PEMILIH AWAL", ""]
    assert grid[header + 1][4:7] == ["L", "P", "JML"]
    row_a = next(row for row in grid if row[2] == A)
    assert row_a[:4] == ["SESEAN", "LEMBANG SATU", A, 1]  # every voter of A at TPS 001
    assert row_a[4:10] == [3, 2, 5, 0, 1, 1]  # start L P JML, new L P JML
    last = grid[header].index("PEMILIH AKHIR")
    assert row_a[last:last + 3] == [2, 3, 5]
    total = next(row for row in grid if row[0] == "JUMLAH KABUPATEN")
    assert total[last:last + 3] == [2, 5, 7]


def test_a_voter_added_without_village_names_prints_under_the_villages_name(dpml, tmp_path):
    from pemilih.cycle.election import publish
    e = _election(dpml)
    set_election_list(dpml, e, "DPS", **WHO)
    bare = {k: v for k, v in ADD_NEW.items() if k not in ("DESA", "KECAMATAN")}
    responses.record(dpml, e, read_responses(_responses(tmp_path / "t.xlsx", [bare])), **WHO)
    dpt = set_election_list(dpml, e, "DPT", **WHO, **ONE_DAY)
    paths = publish(dpt, e, tmp_path / "dpt", processes=1)
    pdfs = sorted(p.name for p in paths if p.suffix == ".pdf" and p.name.startswith("DPT"))
    assert pdfs == ["DPT_7326022001_LEMBANG_SATU.pdf", "DPT_7326022002_LEMBANG_DUA.pdf"]
    counts = election_lists.tps_counts(dpt.voters)
    assert set(counts["desa"]) == {"LEMBANG SATU", "LEMBANG DUA"} and counts["pemilih"].sum() == 9
