"""Formula-safe output (issue 13): a text a spreadsheet would run (`=HYPERLINK(…)`, `@SUM(1)`,
`-2+3…`, a phone number `+62 …`, a bare `-`) reaches every file the product writes as text that
no spreadsheet runs, and comes back exactly where the product reads its own files again.

The hostile values are typed here by hand into a KPU list, a registry extract and a committee's
new voter; the whole cycle then runs from the command line. The expected cells are the values
as typed, in capitals where the judges store capitals (addresses, birthplaces).
"""
from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pemilih.cli import main
from pemilih.cycle.common import local_today
from pemilih.domain import formula

DAY = local_today()
LINK = '=HYPERLINK("http://evil.example/x","klik")'
CMD = "-2+3+cmd|' /C calc'!A0"
# A place or address that would run as a formula is kept as written, not put in capitals: it
# is a row problem (ALAMAT-FORMULA), evidence to show as it came.
LINK_STORED, CMD_STORED = LINK, CMD
HEAD = ("KECAMATAN,KELURAHAN/DESA,KODE DESA,TPS,NO,NKK,NIK,NAMA,TEMPAT LAHIR,TANGGAL LAHIR,STATUS PERKAWINAN,"
        "JENIS KELAMIN,ALAMAT,RT,RW,DISABILITAS,KTP-EL,KETERANGAN")
VILLAGE = ["SESEAN", "BUNTU LOBO", "73.26.02.2003", "001"]
LIST = [  # dpt.csv::2 .. ::4
    [*VILLAGE, "1", "7326020101000001", "7326020101800001", "YOHANIS", "-", "01-01-1980", "S", "L", LINK,
     "001", "001", "", "S", ""],
    [*VILLAGE, "2", "7326020101000001", "7326024101820002", "MARTHA", "+62 812", "01-01-1982", "S", "P",
     "@SUM(1)", "001", "001", "", "S", ""],
    [*VILLAGE, "3", "7326020101000002", "7326020101900003", "MARKUS", "MAKALE", "01-01-1990", "B", "L", CMD,
     "002", "001", "", "B", ""],
]
REGISTRY_HEAD = "NIK,NO_KK,NAMA_LGKP,TMPT_LHR,TGL_LHR,JENIS_KLMIN,STAT_KWN,ALAMAT,NO_RT,NO_RW,KODE_WILAYAH,JENIS_PKRJN,STATUS"
REGISTRY = [
    ["7326020101800001", "7326020101000001", "YOHANIS", "@SUM(1)", "01-01-1980", "L", "S", "+62 812 9", "001", "001",
     "73.26.02.2003", "PETANI", "HIDUP"],
    ["7326024101820002", "7326020101000001", "MARTHA", "-", "01-01-1982", "P", "S", LINK, "001", "001",
     "73.26.02.2003", "PETANI", "HIDUP"],
]
NEW_VOTER = {"nik": "7326024505000011", "nama": "LINA SAMPE", "tanggal_lahir": "05-05-2000", "jenis_kelamin": "P",
             "tempat_lahir": "RANTEPAO", "alamat": "JL. POROS", "tanggal_kunjungan": f"{DAY:%d-%m-%Y}", "petugas": "YUSUF"}
# A committee's correction of dpt.csv::4's address. What a committee types that a spreadsheet
# would run is refused when collected (tests/test_hostile_files.py); what reaches the lists
# from KPU's list and the registry is what the writers must keep as text.
PHONE = "JL. POROS 2"


# --- the rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written", [
    (LINK, "'" + LINK), ("@SUM(1)", "'@SUM(1)"), ("-", "'-"), ("+62 812", "'+62 812"), ("-5", "'-5"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r'=1"), ("YOHANIS", "YOHANIS"), ("NE' RANTE", "NE' RANTE"),
    ("'ANI", "''ANI"),  # a text that begins with the mark gets one more: read back exactly
    ("DUSUN A;=1+1", "DUSUN A;'=1+1"),  # Excel in the Indonesian locale starts a cell at `;`
    ("BARIS\n@SUM(1)", "BARIS\n'@SUM(1)"), ("A-1, RT 2", "A-1, RT 2"), ("", ""),
])
def test_a_csv_text_is_marked_where_a_spreadsheet_would_start_a_formula(text, written):
    assert formula.csv_text(text) == written
    assert formula.csv_value(written) == text


@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r\n;'aB 1\","))))
def test_marking_reads_back_exactly_and_leaves_no_cell_starting_a_formula(text):
    written = formula.csv_text(text)
    assert formula.csv_value(written) == text
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r")), written
    cells = written.replace("\n", ";").replace("\r", ";").split(";")  # where Excel may start a cell
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))], written


def test_a_frame_is_marked_in_its_texts_only_and_read_back_the_same():
    frame = pl.DataFrame({"teks": [LINK, "ANI", None, "-"], "skor": [-0.5, 1.0, None, 0.0]})
    written = formula.csv_safe(frame)
    assert written["teks"].to_list() == ["'" + LINK, "ANI", None, "'-"]
    assert written["skor"].to_list() == [-0.5, 1.0, None, 0.0]  # a number stored as a number
    assert formula.csv_read_back(written).equals(frame)


def test_an_xlsxwriter_workbook_keeps_every_text_a_text(tmp_path):
    from pemilih.io.xlsx_text import text_workbook
    path = tmp_path / "t.xlsx"
    book = text_workbook(str(path))
    sheet = book.add_worksheet("A")
    sheet.write(0, 0, LINK)  # write() and merge_range() would make formulas and links by default
    sheet.merge_range(1, 0, 1, 2, "@SUM(1)")
    sheet.write(2, 0, "http://evil.example/x")
    book.close()
    cells = openpyxl.load_workbook(path)["A"]
    assert [cells["A1"].data_type, cells["A2"].data_type, cells["A3"].data_type] == ["s", "s", "s"]
    assert [cells["A1"].value, cells["A2"].value, cells["A3"].value] == [LINK, "@SUM(1)", "http://evil.example/x"]
    assert not cells["A3"].hyperlink


SRC = Path(__file__).resolve().parents[1] / "src" / "pemilih"
# The demo regency's input files (generate/) and the committees the demo plays write input on
# purpose; store/bulk.py's CSV is PostgreSQL's COPY stream, never a file anyone opens.
INPUT_WRITERS = {"generate", "commands/demo_cycle.py", "store/bulk.py"}


def test_every_spreadsheet_writer_of_the_product_goes_through_the_rule():
    """A new writer that opens xlsxwriter or writes a CSV itself would bypass the rule."""
    found = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.split("/")[0] in INPUT_WRITERS or rel in INPUT_WRITERS:
            continue
        text = path.read_text()
        for needle in ("xlsxwriter.Workbook(", "write_csv(", "csv.writer(", "DictWriter(", "write_formula(",
                       "write_excel("):
            if needle in text:
                found.setdefault(needle, set()).add(rel)
    assert found == {"xlsxwriter.Workbook(": {"io/xlsx_text.py"},  # text_workbook(), the one way
                     "write_csv(": {"io/findings.py", "io/registry_encoded.py"},  # through formula.csv_safe()
                     "write_formula(": {"io/logistics_xlsx.py"}}  # its own totals, =SUM(...)


# --- the cycle from the command line ------------------------------------------------------------

@pytest.fixture
def usual_umask():
    old = os.umask(0o022)  # what a login shell usually starts with: files 0644, folders 0755
    yield
    os.umask(old)


def _run(*args) -> None:
    assert main([str(a) for a in args]) == 0, args


@pytest.fixture
def cycle(tmp_path, monkeypatch, usual_umask):
    """Every step from the list to KPU's recap, on the hostile values; returns the root folder."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    inputs = tmp_path / "masukan"
    inputs.mkdir()
    for name, head, rows in (("dpt.csv", HEAD, LIST), ("disdukcapil.csv", REGISTRY_HEAD, REGISTRY)):
        with open(inputs / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(head.split(","))
            writer.writerows(rows)
    out, dpml, kpu = tmp_path / "keluaran", tmp_path / "dpml", tmp_path / "kpu"
    _run("receive", inputs / "dpt.csv", "--workspace", dpml, "--alasan", "DPT")
    _run("agreement", "catat", "--workspace", dpml, "--nomor", "PKS-9", "--dari", "01-01-2026", "--sampai",
         "31-12-2030", "--tujuan", "Pilkalem", "--dasar-hukum", "UU 7/2017", "--retensi", "3 bulan")
    _run("share", "--workspace", dpml, "--out", out / "lembar", "--perjanjian", "PKS-9")
    from pemilih.io.coklit_workbook import fill_workbook
    book = next((out / "lembar").glob("*.xlsx"))
    (out / "kembali").mkdir()
    fill_workbook(book, out / "kembali" / book.name, new_voters=[NEW_VOTER], statuses={"dpt.csv::4": "U"},
                  corrections={"dpt.csv::4": {"alamat": PHONE}})
    _run("collect", out / "kembali" / book.name, "--workspace", dpml, "--alasan", "Coklit")
    _run("election", "buat", "--workspace", dpml, "--kode", "PK", "--nama", "Pilkalem", "--hari",
         f"{DAY + timedelta(days=100):%d-%m-%Y}", "--dps", f"{DAY + timedelta(days=40):%d-%m-%Y}",
         "--desa", "73.26.02.2003", "--maks-tps", "2")
    for stage in ("dps", "dpt"):
        _run("election", stage, "--workspace", dpml, "--kode", "PK", "--out", out / stage, "--alasan-jadwal", "Uji")
    _run("handback", "--workspace", dpml, "--out", out / "paket", "--periode", "2027-Q1", "--perjanjian", "PKS-9")
    _run("receive", inputs / "dpt.csv", "--workspace", kpu, "--lembaga", "KPU", "--alasan", "DPT")
    from pemilih.store.workspace import open_workspace

    from filemaker import register_signer
    package = next((out / "paket").glob("*.zip"))
    register_signer(open_workspace(kpu), package)  # KPU registers DPML's public key once
    _run("apply", package, "--workspace", kpu)
    _run("recap", "--workspace", kpu, "--dari", "01-01-2026", "--sampai", "31-12-2030", "--out", out / "rekap")
    _run("verify", "--workspace", dpml, "--registry", inputs / "disdukcapil.csv", "--on", "2027-03-17",
         "--out", out / "verifikasi")
    _run("review", "muat", out / "verifikasi" / "findings.csv", "--workspace", dpml, "--alasan", "Verifikasi")
    return tmp_path


def _workbooks(root: Path):
    """(name, bytes) of every workbook written under root, those inside packages included."""
    for path in sorted(root.rglob("*.xlsx")):
        yield str(path.relative_to(root)), path.read_bytes()
    for package in sorted(root.rglob("*.zip")):
        with zipfile.ZipFile(package) as z:
            for name in z.namelist():
                if name.endswith(".xlsx"):
                    yield f"{package.name}/{name}", z.read(name)


def _cells(data: bytes) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Texts per sheet, and every formula cell (sheet, cell, formula), as Excel would read them."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts, formulas = {}, []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((sheet.title, cell.coordinate, str(cell.value)))
                elif isinstance(cell.value, str):
                    texts.setdefault(sheet.title, set()).add(cell.value)
    return texts, formulas


HOSTILE_IN = {  # which workbook holds which of the values typed above, intact, on which sheet
    "keluaran/lembar/": ("TPS 001", {"-", "+62 812", LINK_STORED, "@SUM(1)", CMD_STORED}),
    "keluaran/dps/DPS_PK.xlsx": ("DPS", {"-", "+62 812", LINK_STORED, "@SUM(1)", PHONE}),
    "keluaran/dpt/DPT_PK.xlsx": ("DPT", {"-", "+62 812", LINK_STORED, "@SUM(1)", PHONE}),
    "daftar.xlsx": ("DPT", {"-", "+62 812", LINK_STORED, "@SUM(1)", PHONE}),
    "keluaran/verifikasi/findings.xlsx": ("temuan", {"-", "@SUM(1)", LINK_STORED, "+62 812 9", "+62 812"}),
}


def test_hostile_values_stay_text_in_every_workbook_and_are_marked_in_the_csv(cycle):
    books = dict(_workbooks(cycle))
    assert len(books) >= 10
    for name, data in books.items():
        texts, formulas = _cells(data)
        if name.endswith("logistik.xlsx"):  # the product's own totals, nothing else
            assert formulas and all(f.startswith("=SUM(") and f.count("(") == 1 for _, _, f in formulas)
        else:
            assert formulas == [], name
        for where, (sheet, wanted) in HOSTILE_IN.items():
            if where in name:
                assert wanted <= texts[sheet], (name, wanted - texts[sheet])
    assert {w for w in HOSTILE_IN if not any(w in n for n in books)} == set()
    perubahan = _cells(next(d for n, d in books.items() if n.endswith("/perubahan.xlsx")))[0]
    assert {CMD_STORED, PHONE} <= perubahan["U Ubah Data"]
    per_tps = _cells(next(d for n, d in books.items() if n.endswith("/perubahan_per_tps.xlsx")))[0]
    assert {CMD_STORED, PHONE} <= set().union(*per_tps.values())  # the same U rows, per TPS, still text

    # findings.csv: what a spreadsheet would run is marked, every cell of every line
    path = cycle / "keluaran" / "verifikasi" / "findings.csv"
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header, rows = lines[0], [dict(zip(lines[0], r)) for r in lines[1:]]
    assert not [c for r in lines for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    address = next(r for r in rows if r["source_ref"] == "dpt.csv::2" and r["field"] == "ALAMAT")
    assert (address["current"], address["proposed"]) == ("'" + LINK_STORED, "'+62 812 9")
    born = next(r for r in rows if r["source_ref"] == "dpt.csv::3" and r["field"] == "TEMPAT LAHIR")
    assert (born["current"], born["proposed"]) == ("'+62 812", "'-")
    assert header[:3] == ["source_ref", "nik", "code"] and float(address["score"]) == 1.0

    # ... and read back as it was: the same table as the workbook, the review's proposals too
    from pemilih.io.findings import read_findings
    from_csv, from_xlsx = read_findings(str(path)), read_findings(str(path.with_suffix(".xlsx")))
    assert from_csv.equals(from_xlsx)
    assert {LINK_STORED, "+62 812", "-"} <= set(from_csv["current"].drop_nulls())
    from pemilih.store.models import Proposal, Voter
    from pemilih.store.workspace import open_workspace
    open_workspace(cycle / "dpml")
    assert set(Proposal.objects.filter(field="ALAMAT").values_list("current", "proposed")) == {
        (LINK_STORED, "+62 812 9"), ("@SUM(1)", LINK_STORED)}

    # KPU's workspace took the package's values exactly (read back from its workbooks)
    open_workspace(cycle / "kpu")
    assert set(Voter.objects.values_list("alamat", flat=True)) == {LINK_STORED, "@SUM(1)", PHONE, "JL. POROS"}
    assert Voter.objects.get(nik=NEW_VOTER["nik"]).tempat_lahir == "RANTEPAO"


def _open_to_others(root: Path) -> list[str]:
    """Every file and folder under root (root included) that another user may read, write or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {oct(mode)}")
    return found


def test_every_file_the_cycle_writes_is_its_owners_alone(cycle):
    """Workspaces (database, its -wal and -shm), coklit workbooks, lists, packages, recaps and
    findings hold full NIKs: 0600 files in 0700 folders, though the shell's umask was 022."""
    for root in ("dpml", "kpu", "keluaran"):
        assert _open_to_others(cycle / root) == []
    assert (cycle / "dpml" / "pemilih.sqlite3").exists()
    assert stat.S_IMODE((cycle / "masukan" / "dpt.csv").stat().st_mode) == 0o644  # the test's own input
