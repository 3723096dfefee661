"""`pemilih demo` at scale 0.05 with its invariants checked after every step (issue 12).

After each step of the village cycle, every row of KPU's list is in exactly one of: the
current list with a village, the struck set with its code, the unresolved queue (on DPML's
workspace, and on KPU's once it applied the package). The package KPU gets is checked from its
files alone (tests/package_checks.py): village code and the regions table's name on every row,
DD-MM-YYYY dates, no village-only code anywhere, the recap's identities for L, P and JML on
every row, and each row of KPU's list in exactly one place. The demo must exercise a TMS-8
move, a sex correction, a voter whose village a person picked, and a Pilkalem over some of the
lembang, and its summary must say so.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import polars as pl
import pytest
from package_checks import accounted, problems, rows, sheets

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from pemilih.commands import demo as command
    from pemilih.cycle import reconcile
    from pemilih.store.workspace import open_workspace
    base = tmp_path_factory.mktemp("demo")
    out, ws = base / "demo", base / "ws"
    seen: dict[str, list] = {}

    def observe(step, cycle):
        seen[step] = [reconcile.run(cycle.ws)]
        if step == "kpu":
            kpu = open_workspace(cycle.kpu_workspace, f"sqlite:///{cycle.kpu_workspace / 'pemilih.sqlite3'}")
            try:
                seen[step].append(reconcile.run(kpu))
            finally:
                kpu.close()
                cycle.ws.activate()
    args = argparse.Namespace(out=str(out), scale=0.05, seed=12, workspace=str(ws))
    import os
    saved = os.environ.pop("DATABASE_URL", None)
    try:
        assert command.run(args, observe=observe) == 0
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    return {"out": out, "seen": seen, "summary": json.loads((out / "ringkasan.json").read_text()),
            "package": next((out / "paket").glob("*.zip"))}


def test_every_row_of_kpus_list_is_in_exactly_one_place_after_every_step(demo):
    seen = demo["seen"]
    assert list(seen) == ["perjanjian", "desa_belum_ditetapkan", "pemilihan", "coklit", "verifikasi", "pilkalem",
                          "hari_pemungutan", "surat_suara", "paket", "kpu"]
    for step, found in seen.items():
        for r in found:
            assert r.holds, (step, r.broken[:5])
            assert r.placed + r.unresolved + r.struck_total == r.listed > 0, step
    dpml_end, kpu_end = seen["kpu"]
    assert dpml_end.struck_total > 0 and kpu_end.struck_total > 0
    assert "TMS-D" not in kpu_end.struck  # no village-only rule reaches KPU's list


def test_kpus_recap_speaks_kpus_codes_and_balances(demo):
    from package_checks import recap_problems, village_only_codes
    [made] = list((demo["out"] / "rekap").glob("rekap_*.xlsx"))
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(made))
    grids = {s: book.get_sheet_by_name(s).to_python() for s in book.sheet_names}
    assert recap_problems(grids) == []
    cells = {str(v) for grid in grids.values() for r in grid for v in r}
    assert not [c for c in village_only_codes() if any(c in cell for cell in cells)]


def test_the_package_is_ready_for_kpus_import(demo):
    package = demo["package"]
    assert problems(package) == []
    kpu = pl.read_csv(demo["out"] / "kpu" / "dpt_7326.csv", infer_schema=False)
    listed = [{"source_ref": f"dpt_7326.csv::{i}", "nik": nik} for i, nik in enumerate(kpu["NIK"], start=2)]
    assert accounted(package, listed) == []


def test_the_shared_checker_passes_when_it_is_there(demo):
    import subprocess
    import sys
    tool = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_package.py"
    if not tool.exists():
        pytest.skip("../shared is not part of a clean checkout")
    done = subprocess.run([sys.executable, str(tool), str(demo["package"])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_demo_exercises_and_reports_the_cycles_hard_cases(demo):
    summary, package = demo["summary"], demo["package"]
    # a Pilkalem over some of the lembang only, and the coklit shared for those
    held = summary["pemilihan"]["lembang"]
    assert 0 < held < summary["pemilihan"]["desa_di_kabupaten"]
    assert len(list((demo["out"] / "coklit" / "dibagikan").glob("*.xlsx"))) == held == summary["coklit"]["lembar_kerja"]
    # coklit as it is done: most voters visited (ticked, dated, signed), some not yet
    visits = summary["coklit"]["kunjungan"]
    assert 0 < visits["visited"] < visits["voters"] and visits["checked"] > 0
    # a TMS-8 move: collected as a move, handed back on its own sheet, never struck
    assert summary["coklit"]["perubahan"].get("TMS-8", 0) > 0
    moved = rows(sheets(package, "perubahan.xlsx")["TMS-8 Pindah TPS"])
    assert len(moved) == summary["paket"]["jumlah"]["pindah_tps"] > 0
    assert not [r for r in rows(sheets(package, "perubahan.xlsx")["TMS"]) if r["KODE"] == "TMS-8"]
    # a sex correction, and the recap balancing for men and women apart
    corrected = rows(sheets(package, "perubahan.xlsx")["U Ubah Data"])
    assert any(r["KOLOM"] == "JENIS KELAMIN" for r in corrected)
    recap = summary["kpu"]["rekap"]
    assert recap.get("jk_masuk_jml", 0) > 0 and recap["jk_masuk_l"] + recap["jk_masuk_p"] == recap["jk_masuk_jml"]
    # a voter whose village a person picked
    queue = summary["desa_belum_ditetapkan"]
    assert queue["ditetapkan"] == 1 and queue["antrean"] == queue["ditetapkan"] + queue["menunggu"]
    assert summary["paket"]["jumlah"]["belum_punya_desa"] >= queue["menunggu"]
    # the summary's counts agree with the package's manifest
    from filemaker import open_signed
    manifest, _ = open_signed(package)
    assert manifest["counts"] == summary["paket"]["jumlah"]
    assert summary["kpu"]["konflik"] == 0


def test_the_per_tps_file_lists_every_change_once_in_kpus_order(demo):
    """perubahan_per_tps.xlsx at the demo's scale: per village sheet and TPS group, the codes run
    TMS, then U, then B; NO counts 1.. per TPS; the rows are those of the four applied sheets."""
    import io
    import zipfile

    import openpyxl
    package = demo["package"]
    changes = sheets(package, "perubahan.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(zipfile.ZipFile(package).read("perubahan_per_tps.xlsx")),
                                  read_only=True)
    listed, rank = [], {"TMS": 0, "U": 1, "B": 2}
    for sheet in book.worksheets:
        grid = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = grid[3]
        assert header[:3] == ["TPS", "NO", "KODE"] and "NIK" in header
        last = {}
        for r in grid[4:]:
            if r[1] is None:  # a TPS heading
                continue
            row = dict(zip(header, r))
            group = rank[row["KODE"].split("-")[0]]
            place = (sheet.title, row["TPS"])
            assert group >= last.get(place, (0, 0))[0], (place, row["KODE"])
            assert int(row["NO"]) == last.get(place, (0, 0))[1] + 1
            last[place] = (group, int(row["NO"]))
            listed.append((sheet.title, row["KODE"], row["KUNCI"], row["KOLOM"]))
    expected = ([(r["KODE DESA"], r["KODE"], r["KUNCI"], None) for r in rows(changes["TMS"])]
                + [(r["KODE DESA"], "TMS-8", r["KUNCI"], "TPS") for r in rows(changes["TMS-8 Pindah TPS"])]
                + [(r["KODE DESA"], "B", r["KUNCI"], None) for r in rows(changes["B Pemilih Baru"])])
    assert sorted(t for t in listed if t[1] != "U") == sorted(expected)
    u = [t for t in listed if t[1] == "U"]
    assert sorted((k, c) for _, _, k, c in u) == sorted((r["KUNCI"], r["KOLOM"]) for r in rows(changes["U Ubah Data"]))
    assert len(listed) == sum(len(rows(changes[s])) for s in ("TMS", "TMS-8 Pindah TPS", "U Ubah Data",
                                                              "B Pemilih Baru"))


# Issue 14, "Done when": the document kinds the demo prints, as the issue names them.
DOCUMENT_KEYS = {"sk_dps", "ba_dps", "sk_dpt", "ba_dpt", "salinan_dpt_kpps", "undangan", "daftar_tps",
                 "ba_surat_suara", "tanda_terima_logistik", "ba_verifikasi", "ba_serah_terima", "laporan_rakor",
                 "perubahan_per_tps", "laporan_pendidikan",
                 # issue 16: equipment loans (pinjam pakai)
                 "perjanjian_pinjam_pakai", "ba_serah_terima_pinjam_pakai", "ba_pengembalian_pinjam_pakai"}
# The full names of the agencies that issue or sign them (one at least on every PDF).
FULL_AGENCY_NAMES = ("KOMISI PEMILIHAN UMUM KABUPATEN TORAJA UTARA",
                     "DINAS PEMBERDAYAAN MASYARAKAT LEMBANG KABUPATEN TORAJA UTARA",
                     "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN TORAJA UTARA",
                     "PANITIA PEMILIHAN KEPALA LEMBANG")
NUMBERED = re.compile(r"NOMOR\s*:?\s*[0-9]{1,4}/\S+")
NIP_LINE = re.compile(r"NIP\.?\s*(?:[0-9]{8} [0-9]{6} [0-9] [0-9]{3}|\.{6,})")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def test_the_demo_prints_every_document_kind_signable(demo):
    import subprocess
    listed = demo["summary"]["dokumen"]
    assert set(listed) == DOCUMENT_KEYS
    pdfs = 0
    for key, paths in listed.items():
        assert paths, key
        for relative in paths:
            path = demo["out"] / relative
            assert path.is_file(), (key, relative)
            if path.suffix != ".pdf":
                continue
            pdfs += 1
            text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
            flat = " ".join(text.split()).upper()
            assert NUMBERED.search(flat), (key, relative, "no number")
            assert any(name in flat for name in FULL_AGENCY_NAMES), (key, relative, "no full agency name")
            assert NIP_LINE.search(flat), (key, relative, "no signature block with NIP")
            assert not SIXTEEN_DIGITS.search(text), (key, relative, "a full 16-digit number")
    assert pdfs >= len(DOCUMENT_KEYS) - 1  # every kind but the change file is a PDF


def test_the_polling_day_pack_is_printed_per_tps_with_the_register(demo):
    import re
    import subprocess
    summary, out = demo["summary"], demo["out"]
    documents = summary["dokumen"]
    tps = summary["hari_pemungutan"]["tps"]
    assert tps == summary["pilkalem"]["tps"] > 0 and summary["hari_pemungutan"]["tempat_dicatat"] == tps
    assert len(documents["salinan_dpt_kpps"]) == len(documents["undangan"]) == tps
    assert len(documents["daftar_tps"]) == 1
    for key in ("salinan_dpt_kpps", "undangan", "daftar_tps"):
        for path in documents[key][:3]:
            text = subprocess.run(["pdftotext", str(out / path), "-"], capture_output=True, text=True,
                                  check=True).stdout
            assert "Halaman Kantor Lembang" in text and "NIP." in text and "Nomor" in text, (key, path)
            assert not re.search(r"(?<![0-9])[0-9]{16}(?![0-9])", text), (key, path)


def test_polling_day_prints_balanced_minutes_per_tps_and_receipts_per_lembang(demo):
    """Issue 14 (What to build 3): one minutes of the ballots per TPS of the DPT, one receipt
    file per lembang, each listed under `dokumen`; each minutes' balance line adds up."""
    import re
    import subprocess
    summary = demo["summary"]
    minutes, receipts = summary["dokumen"]["ba_surat_suara"], summary["dokumen"]["tanda_terima_logistik"]
    assert len(minutes) == summary["pilkalem"]["tps"] == summary["surat_suara"]["tps"]
    assert len(receipts) == summary["pilkalem"]["lembang"]
    ballots = summary["surat_suara"]
    assert 0.75 <= ballots["hadir"] / ballots["terdaftar"] <= 0.85
    for name in minutes + receipts:
        text = " ".join(subprocess.run(["pdftotext", str(demo["out"] / name), "-"], check=True, capture_output=True,
                                       text=True).stdout.split())
        assert "NIP." in text and "PANITIA PEMILIHAN KEPALA LEMBANG " in text
        assert not re.search(r"(?<![0-9])[0-9]{16}(?![0-9])", text)
        if name in minutes:
            assert re.search(r"Nomor: \d{3}/BA-SS/PANITIA/III/2027", text)
            line = re.search(r"A = B \+ C \+ D: ([\d.]+) = ([\d.]+) \+ (\d+) \+ ([\d.]+), seimbang", text)
            received, used, spoiled, unused = (int(g.replace(".", "")) for g in line.groups())
            assert received == used + spoiled + unused and spoiled <= 2
        else:
            assert re.search(r"Nomor: \d{3}/TT-LOG/PANITIA/III/2027", text)


def test_the_demo_records_voter_education_whose_counts_agree(demo):
    """Three villages, three activities each; participants by sex add up to those by segment."""
    education = demo["summary"]["kerja_sama"]["pendidikan_pemilih"]
    assert (education["kegiatan"], education["desa"]) == (9, 3)
    assert education["peserta"] == education["laki_laki"] + education["perempuan"] == sum(
        education["per_segmen"].values()) > 0
    assert education["per_segmen"]["pemula"] > 0 and education["per_segmen"]["disabilitas"] > 0


def test_the_dp3_programme_is_in_the_summary_and_its_report(demo):
    """Three lokus with 25, 18 and 11 cadres; per lokus n (0, 1, 2) two activities of
    (14 + n) + 9 + 6 and 3 + 2 + (8 + n) + 10 participants: 52 + 2n, 162 in all."""
    from pemilih.cycle import dp3
    from pemilih.store.workspace import open_workspace
    found = demo["summary"]["kerja_sama"]["dp3"]
    assert {k: v for k, v in found.items() if k != "tahun"} == {
        "lokus": 3, "kader": 54, "target": 75, "pelatihan": 3, "kegiatan": 6, "peserta": 162, "persetujuan_dicabut": 1}
    ws = open_workspace(demo["out"].parent / "ws")
    try:
        result = dp3.report(ws, found["tahun"], voters=False)
        assert [v.cadre_total for v in result.villages] == [25, 18, 11]
        assert result.totals().participant_rows()[-1][3] == 162
        assert sum(v.withdrawn for v in result.villages) == 1
    finally:
        ws.close()


def test_the_rakor_report_tells_the_cooperation_as_recorded(demo):
    """The regency's Rakor report after the cooperation: a section each for the loans, the
    voter education and DP3, with the counts the demo recorded (its summary)."""
    import subprocess
    work = demo["summary"]["kerja_sama"]
    path = demo["out"] / work["laporan_rakor"]
    flat = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    for title in ("Pinjam pakai perlengkapan pemilihan", "Pendidikan pemilih",
                  "Program Desa Peduli Pemilu dan Pemilihan (DP3)"):
        assert title in flat
    dp3 = work["dp3"]
    assert f"{dp3['kader']} dari target {dp3['target']}" in flat
    assert f"{dp3['kegiatan']} kegiatan, {dp3['peserta']} peserta" in flat
    assert f"{work['pendidikan_pemilih']['kegiatan']} kegiatan di {work['pendidikan_pemilih']['desa']} desa" in flat
    out = sum(t["belum_kembali"] for t in work["pinjam_pakai"]["barang"].values())
    assert out > 0 and "belum kembali" in flat
    assert not SIXTEEN_DIGITS.search(flat)
