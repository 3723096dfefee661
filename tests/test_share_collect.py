"""`share` and `collect`: coklit workbooks out to the committees and back as change events.

Ground truth is hand-made: an eight-voter list over three villages (plus one row without a
village), the cells each workbook must hold written out by hand, and the list each set of
committee entries must lead to. Committee entries are typed with fill_workbook and, as a
person in Excel would, with openpyxl (set a cell, save).
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pemilih.contract import KPU_COLUMNS
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.store import changes, projection
from pemilih.store.agreements import AgreementError, Terms, record_agreement
from pemilih.store.collect import ACCEPTED, ALREADY, CONFLICT, REFUSED, UNCHANGED, UNREADABLE
from pemilih.store.projection import current_list, rebuild_projection
from pemilih.store.receive import import_result

from filemaker import collect_books as collect
from filemaker import share_list as share

pytestmark = pytest.mark.postgres

A, B, C = "73.26.01.1006", "73.26.01.2010", "73.26.01.1001"
DESA = {A: "SINGKI'", B: "LIMBONG", C: "LAANG TANDUK"}
ON = date(2026, 6, 1)
NUMBER = "001/PKS/KPU-DPML/2026"
SHARER = {"actor": "Yusuf", "agency": "DPML", "reason": "Coklit Pilkalem 2026"}
COMMITTEE = {"actor": "Ketua panitia", "agency": "PANITIA", "reason": "Hasil coklit"}
COLS = ["source_ref", "kode_desa", "tps", "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir",
        "jenis_kelamin", "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el"]
ROWS = [  # list order; village A's TPS 002 comes first on purpose
    ["dpt.csv::2", A, "002", "7326010101100001", "7326010204850004", "MARKUS TANDI", "RANTEPAO",
     "1985-04-02", "L", "S", "JL. AHMAD YANI", "003", "001", None, "S"],
    ["dpt.csv::3", A, "001", "7326010101100002", "7326014507890001", "NE' RANTE", "MAKALE",
     "1989-07-05", "P", "S", "JL. DIPONEGORO", "001", "002", None, "S"],
    ["dpt.csv::4", A, "001", "7326010101100002", "7326011203800002", "YOHANIS PATIKU", "RANTEPAO",
     "1980-03-12", "L", "S", "JL. DIPONEGORO", "001", "002", "1,6", "S"],
    ["dpt.csv::5", B, "001", "7326010101100003", "7326015001950003", "MARTHA SAMPE", "LIMBONG",
     "1995-01-10", "P", "B", "DUSUN TIKALA", "002", "001", None, "B"],
    ["dpt.csv::6", A, "002", "7326010101100004", "7326016108000005", "LINA RERUNG", "RANTEPAO",
     "2000-08-21", "P", "B", "JL. AHMAD YANI", "004", "001", None, "S"],
    ["dpt.csv::7", A, "001", "7326010101100005", "7326011506700006", "SAMUEL BATTI", "TANA TORAJA",
     "1970-06-15", "L", "P", "JL. PONGTIKU", "002", "002", None, "S"],
    ["dpt.csv::8", B, "001", "7326010101100006", "7326014411990007", "RUTH PALINGGI", "LIMBONG",
     "1999-11-04", "P", "B", "DUSUN TIKALA", "002", "001", None, "S"],
    ["dpt.csv::9", C, "003", "7326010101100007", "7326010101600008", "PETRUS LANDE", "RANTEPAO",
     "1960-01-01", "L", "S", "JL. SAM RATULANGI", "005", "003", "2", "S"],
    ["dpt.csv::10", None, "001", "7326010101100008", "7326012309880009", "TANPA DESA", "RANTEPAO",
     "1988-09-23", "L", "S", "-", "001", "001", None, "S"],
]
NEW_NIK = "7326014101060010"  # P, born 01-01-2006
NEW_KEY = "baru:" + NEW_NIK
TPS_HEADER = ["KUNCI", "NO", "NKK", "NIK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN",
              "STATUS KAWIN", "ALAMAT", "RT", "RW", "DISABILITAS", "KTP-EL", "SESUAI", "STATUS", "TPS BARU",
              "NAMA BARU", "TEMPAT LAHIR BARU", "TANGGAL LAHIR BARU", "JENIS KELAMIN BARU", "STATUS KAWIN BARU",
              "ALAMAT BARU", "RT BARU", "RW BARU", "DISABILITAS BARU", "KTP-EL BARU", "KETERANGAN",
              "TANGGAL KUNJUNGAN", "PETUGAS"]
EMPTY16 = [""] * 16


def _list_rows() -> list[dict]:
    out = []
    for n, values in enumerate(ROWS, start=2):
        row = dict(zip(COLS, values))
        row.update(file="dpt.csv", sheet="", row=n, kecamatan="RANTEPAO",
                   desa=DESA.get(row["kode_desa"]), no=str(n - 1))
        out.append(row)
    return out


def _terms(number=NUMBER, **changed) -> Terms:
    values = dict(number=number, title="PKS berbagi data pemilih", provider="KPU", recipient="DPML",
                  purpose="Coklit Pilkalem 2026", legal_basis="UU 7/2017; UU 27/2022",
                  valid_from=date(2026, 1, 1), valid_to=date(2027, 12, 31),  # in force whenever the tests run
                  retention="Dihapus 3 bulan setelah diserahkan kembali", data_elements=list(KPU_COLUMNS),
                  villages=["*"])
    values.update(changed)
    return Terms(**values)


@pytest.fixture
def listed(workspace, maker):
    import_result(workspace, maker.kpu(_list_rows(), name="dpt.csv"), actor="KPU", agency="KPU",
                  reason="DPT Pemilu 2024")
    record_agreement(workspace, _terms(), actor="Kepala DPML", agency="KPU", reason="PKS ditandatangani")
    return workspace


@pytest.fixture
def shared(listed, tmp_path):
    out = share(listed, tmp_path / "out", agreement=NUMBER, on=ON, processes=1, **SHARER)
    return listed, {p.name: p for p in out.paths}, out


def _grid(path, sheet):
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _current(ws) -> dict[str, dict]:
    return {r["source_ref"]: r for r in current_list(ws).to_dicts()}  # a new voter: its key


def _events(ws, kind):
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=kind).order_by("seq"))


def _collect(ws, *paths, **kw):
    return collect(ws, list(paths), processes=1, **{**COMMITTEE, **kw})


# --- share ---------------------------------------------------------------------------------------

def test_share_refused_without_a_valid_agreement(listed, tmp_path):
    from pemilih.store.models import Event
    for _number, terms in [("LAMA", _terms("LAMA", valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31))),
                          ("ASING", _terms("ASING", provider="KPU", recipient="DISDUKCAPIL")),
                          ("SEMPIT", _terms("SEMPIT", villages=[B])),
                          ("TANPA-NIK", _terms("TANPA-NIK", data_elements=[c for c in KPU_COLUMNS if c != "nik"]))]:
        record_agreement(listed, terms, actor="x", agency="KPU", reason="uji")
    before = Event.objects.count()
    for number, message in [(None, "wajib menyebut nomor perjanjian"), ("999", "tidak tercatat"),
                            ("LAMA", "tidak berlaku pada 01-06-2026"), ("ASING", "bukan antara KPU dan DPML"),
                            ("SEMPIT", "tidak mencakup desa: 73.26.01.1001, 73.26.01.1006"),
                            ("TANPA-NIK", "tidak mengizinkan elemen data: nik")]:
        with pytest.raises(AgreementError, match=message):
            share(listed, tmp_path / "out", agreement=number, on=ON, processes=1, **SHARER)
    assert Event.objects.count() == before
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    # The narrow agreement is enough for the one village it covers.
    out = share(listed, tmp_path / "out", agreement="SEMPIT", on=ON, villages=["7326012010"], processes=1,
                **SHARER)
    assert [p.name for p in out.paths] == ["COKLIT_7326012010_LIMBONG.xlsx"]


def test_one_workbook_per_village_each_a_transfer_event(shared):
    ws, paths, out = shared
    assert sorted(paths) == ["COKLIT_7326011001_LAANG_TANDUK.xlsx", "COKLIT_7326011006_SINGKI.xlsx",
                             "COKLIT_7326012010_LIMBONG.xlsx"]
    assert (out.rows, out.skipped) == (8, 1)  # the row without a village is in no workbook
    assert not [p for p in paths["COKLIT_7326011006_SINGKI.xlsx"].parent.iterdir() if p.name.startswith(".")]
    events = _events(ws, projection.LIST_SHARED)
    assert [e.seq for e in events] == out.events
    by_file = {e.payload["file"]: e for e in events}
    event = by_file["COKLIT_7326011006_SINGKI.xlsx"]
    content = paths["COKLIT_7326011006_SINGKI.xlsx"].read_bytes()
    assert event.payload["sha256"] == hashlib.sha256(content).hexdigest()
    assert (event.payload["kode_desa"], event.payload["agreement"], event.payload["recipient"]) == (A, NUMBER, "DPML")
    assert (event.actor, event.agency, event.legal_basis) == ("Yusuf", "DPML", "UU 7/2017; UU 27/2022")
    import_seq = _events(ws, "list-imported")[0].seq
    sheets = event.payload["sheets"]
    assert {s: [(k, seq) for k, seq, _ in rows] for s, rows in sheets.items()} == {
        "TPS 001": [("dpt.csv::3", import_seq), ("dpt.csv::4", import_seq), ("dpt.csv::7", import_seq)],
        "TPS 002": [("dpt.csv::2", import_seq), ("dpt.csv::6", import_seq)]}
    digests = [d for rows in sheets.values() for _, _, d in rows]
    assert all(len(d) == 21 for d in digests) and len(set(digests)) == 5


def test_workbook_cells_as_written_by_hand(shared):
    ws, paths, _ = shared
    path = paths["COKLIT_7326011006_SINGKI.xlsx"]
    book = CalamineWorkbook.from_path(str(path))
    assert [(m.name, str(m.visible)) for m in book.sheets_metadata] == [
        ("PETUNJUK", "SheetVisibleEnum.Visible"), ("TPS 001", "SheetVisibleEnum.Visible"),
        ("TPS 002", "SheetVisibleEnum.Visible"), ("PEMILIH BARU", "SheetVisibleEnum.Visible"),
        ("VERSI_DASAR", "SheetVisibleEnum.VeryHidden")]
    grid = _grid(path, "TPS 001")
    assert grid[0][0] == "LEMBAR KERJA COKLIT TPS 001 - DESA/KELURAHAN SINGKI' (73.26.01.1006), KECAMATAN RANTEPAO"
    assert grid[3] == TPS_HEADER
    assert grid[4:] == [
        ["dpt.csv::3", 1.0, "7326010101100002", "7326014507890001", "NE' RANTE", "MAKALE", "05-07-1989",
         "P", "S", "JL. DIPONEGORO", "001", "002", "", "S", *EMPTY16],
        ["dpt.csv::4", 2.0, "7326010101100002", "7326011203800002", "YOHANIS PATIKU", "RANTEPAO",
         "12-03-1980", "L", "S", "JL. DIPONEGORO", "001", "002", "1,6", "S", *EMPTY16],
        ["dpt.csv::7", 3.0, "7326010101100005", "7326011506700006", "SAMUEL BATTI", "TANA TORAJA",
         "15-06-1970", "L", "P", "JL. PONGTIKU", "002", "002", "", "S", *EMPTY16]]
    assert _grid(path, "TPS 002")[4:] == [
        ["dpt.csv::2", 1.0, "7326010101100001", "7326010204850004", "MARKUS TANDI", "RANTEPAO", "02-04-1985",
         "L", "S", "JL. AHMAD YANI", "003", "001", "", "S", *EMPTY16],
        ["dpt.csv::6", 2.0, "7326010101100004", "7326016108000005", "LINA RERUNG", "RANTEPAO", "21-08-2000",
         "P", "B", "JL. AHMAD YANI", "004", "001", "", "S", *EMPTY16]]
    assert _grid(path, "PEMILIH BARU")[3][:16] == [
        "NKK", "NIK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS KAWIN", "ALAMAT",
        "RT", "RW", "DISABILITAS", "KTP-EL", "TPS", "KETERANGAN", "TANGGAL KUNJUNGAN", "PETUGAS"]
    event = next(e for e in _events(ws, projection.LIST_SHARED) if e.payload["kode_desa"] == A)
    base = {r[0]: r[1] for r in _grid(path, "VERSI_DASAR")}
    assert base == {"FORMAT": "pemilih-coklit/2", "POTONGAN": event.payload["cut"], "KODE DESA": A,
                    "DESA": "SINGKI'", "KECAMATAN": "RANTEPAO", "REZIM": "PEMILU2024",
                    "PERISTIWA DASAR": str(_events(ws, projection.AGREEMENT_RECORDED)[0].seq),
                    "PERJANJIAN": NUMBER, "TANGGAL": "01-06-2026",
                    "BERKAS": "COKLIT_7326011006_SINGKI.xlsx"}
    guide = {r[0]: r[1] for r in _grid(path, "PETUNJUK") if r[0]}
    assert guide["TMS-1"] == "meninggal" and guide["TMS-8"] == "salah penempatan TPS"
    assert guide["U"] == "ubah data" and "B" not in guide
    assert guide["Kode lembar kerja"] == event.payload["cut"]


def test_workbook_protection_and_drop_downs(shared):
    _, paths, _ = shared
    wb = openpyxl.load_workbook(paths["COKLIT_7326011006_SINGKI.xlsx"])
    sheet = wb["TPS 001"]
    assert sheet.protection.sheet is True
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists == {"O5:O7": '"V"', "P5:P7": '"TMS-1,TMS-2,TMS-3,TMS-4,TMS-5,TMS-6,TMS-7,TMS-8,U"',
                     "U5:U7": '"L,P"', "V5:V7": '"B,S,P"', "AA5:AA7": '"S,B"'}
    assert sheet["A5"].protection.locked and sheet["D5"].protection.locked and sheet["D5"].data_type == "s"
    assert [_column_style(sheet, c).protection.locked for c in ["A", "N", "O", "P", "Q", "AB", "AC", "AD"]] == [
        True, True, False, False, False, False, False, False]
    assert wb["VERSI_DASAR"].sheet_state == "veryHidden" and wb["VERSI_DASAR"].protection.sheet
    new = wb["PEMILIH BARU"]
    assert new.protection.sheet and _column_style(new, "B").protection.locked is False
    assert _column_style(new, "B").number_format == "@"  # a NIK typed there stays text


def _column_style(sheet, letter):
    """The column style an empty cell takes (openpyxl keeps a run of equal columns under its first)."""
    from openpyxl.utils import column_index_from_string
    index = column_index_from_string(letter)
    return next(d for d in sheet.column_dimensions.values() if d.min <= index <= d.max)


def test_pilkalem_regime_offers_its_own_code(listed, tmp_path):
    out = share(listed, tmp_path / "out", agreement=NUMBER, on=ON, regime="PILKALEM", villages=[C],
                processes=1, **SHARER)
    sheet = openpyxl.load_workbook(out.paths[0])["TPS 003"]
    codes = [v.formula1 for v in sheet.data_validations.dataValidation if str(v.sqref) == "P5"]
    assert codes == ['"TMS-1,TMS-2,TMS-3,TMS-4,TMS-5,TMS-6,TMS-7,TMS-8,TMS-D,U"']
    guide = {r[0]: r[1] for r in _grid(out.paths[0], "PETUNJUK") if r[0]}
    assert guide["TMS-D"] == "domisili kurang dari 6 bulan"


def test_fast_rows_equal_the_plain_api(shared, tmp_path):
    from pemilih.io import coklit_workbook as book
    _, paths, _ = shared
    job = book.job_from(paths["COKLIT_7326011006_SINGKI.xlsx"])
    job.sheets[0].rows[1] = (*job.sheets[0].rows[1][:2], ["", "U", "", "A & <B>", "", " 02-03-1991 ", *[""] * 9,
                                                          "x"])
    key, cells, _ = job.sheets[0].rows[0]
    job.sheets[0].rows[0] = (key, [*cells[:3], " SITI & <ANI> ", "_x0041_", *cells[5:]], None)
    grids = []
    for fast in (True, False):
        job.path = str(tmp_path / f"{fast}.xlsx")
        sha, digests = book.write_workbook(job, fast=fast)
        grids.append([_grid(job.path, s.name) for s in job.sheets])
    assert grids[0] == grids[1]
    assert grids[0][0][5][15:20] == ["U", "", "A & <B>", "", " 02-03-1991 "]
    assert grids[0][0][4][4:6] == [" SITI & <ANI> ", "_x0041_"]  # escaped on the way, read back as written


# --- collect -------------------------------------------------------------------------------------

def _filled(paths, tmp_path, name="isi.xlsx", **entries):
    out = tmp_path / name
    fill_workbook(paths["COKLIT_7326011006_SINGKI.xlsx"], out, **entries)
    return out


def test_collect_applies_tms_corrections_and_new_voters(shared, tmp_path, dump_db):
    from pemilih.store.models import SourceFile
    ws, paths, _ = shared
    path = _filled(paths, tmp_path,
                   statuses={"dpt.csv::3": "TMS-1", "dpt.csv::2": "tms 4", "dpt.csv::4": "U"},
                   corrections={"dpt.csv::4": {"nama": "Yohanes  Patiku", "TANGGAL LAHIR BARU": "02-03-1980",
                                               "disabilitas": "0"},
                                "dpt.csv::6": {"rt": "7", "ktp_el": "B", "status_kawin": "S"}},
                   notes={"dpt.csv::3": "Akta kematian 12/2026", "dpt.csv::4": "KTP-el dilihat"},
                   new_voters=[{"nik": NEW_NIK, "nama": "lina sampe", "tanggal lahir": "01-01-2006",
                                "tempat_lahir": "Rantepao", "status_kawin": "B", "alamat": "JL. AHMAD YANI",
                                "rt": "4", "rw": "1", "ktp_el": "S", "tps": "2", "keterangan": "Genap 17 tahun"}])
    [out] = _collect(ws, path)
    assert (out.status, out.kode_desa, out.problems, out.conflicts) == (ACCEPTED, A, [], [])
    assert out.counts == {"TMS-1": 1, "TMS-4": 1, "U": 2, "B": 1}
    now = _current(ws)
    assert "dpt.csv::3" not in now and "dpt.csv::2" not in now
    four, six, new = now["dpt.csv::4"], now["dpt.csv::6"], now[NEW_KEY]
    assert (four["nama"], four["tanggal_lahir"], four["disabilitas"]) == ("YOHANES PATIKU", "1980-03-02", None)
    assert (six["rt"], six["ktp_el"], six["status_kawin"], six["nama"]) == ("007", "B", "S", "LINA RERUNG")
    assert {k: new[k] for k in ("kode_desa", "desa", "kecamatan", "tps", "nama", "tempat_lahir", "tanggal_lahir",
                                "jenis_kelamin", "status_kawin", "rt", "rw")} == {
        "kode_desa": A, "desa": "SINGKI'", "kecamatan": "RANTEPAO", "tps": "002", "nama": "LINA SAMPE",
        "tempat_lahir": "RANTEPAO", "tanggal_lahir": "2006-01-01", "jenis_kelamin": "P", "status_kawin": "B",
        "rt": "004", "rw": "001"}
    assert sorted(now) == sorted(["dpt.csv::4", "dpt.csv::5", "dpt.csv::6", "dpt.csv::7", "dpt.csv::8",
                                  "dpt.csv::9", "dpt.csv::10", NEW_KEY])
    [event] = _events(ws, projection.COKLIT_COLLECTED)
    made = [(c["op"], c["key"], c["code"], c.get("column"), c.get("new"), c["evidence"])
            for c in event.payload["changes"]]
    assert made == [
        ("remove", "dpt.csv::3", "TMS-1", None, None, "Akta kematian 12/2026"),
        ("remove", "dpt.csv::2", "TMS-4", None, None, ""),
        ("set", "dpt.csv::4", "U", "nama", "YOHANES PATIKU", "KTP-el dilihat"),  # grouped by column
        ("set", "dpt.csv::4", "U", "tanggal_lahir", "1980-03-02", "KTP-el dilihat"),
        ("set", "dpt.csv::6", "U", "status_kawin", "S", ""),
        ("set", "dpt.csv::6", "U", "rt", "007", ""),
        ("set", "dpt.csv::4", "U", "disabilitas", None, "KTP-el dilihat"),
        ("set", "dpt.csv::6", "U", "ktp_el", "B", ""),
        ("add", "baru:" + NEW_NIK, "B", None, None, "Genap 17 tahun")]
    assert (event.agency, event.payload["file"], event.payload["kode_desa"]) == ("PANITIA", "isi.xlsx", A)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.payload["sha256"] == sha
    snap = SourceFile.objects.get(sha256=sha)
    assert (snap.kind, snap.name, bytes(snap.content)) == ("coklit", "isi.xlsx", path.read_bytes())
    before = dump_db(ws)["store_voter"]
    rebuild_projection(ws)
    assert dump_db(ws)["store_voter"] == before


def test_collect_twice_and_a_resaved_copy_change_nothing(shared, tmp_path, dump_db):
    ws, paths, _ = shared
    path = _filled(paths, tmp_path, statuses={"dpt.csv::7": "TMS-5"},
                   corrections={"dpt.csv::6": {"nama": "LINA RERUNG SAMPE"}},
                   new_voters=[{"nik": NEW_NIK, "nama": "LINA SAMPE", "tanggal_lahir": "01-01-2006"}])
    [first] = _collect(ws, path)
    assert first.status == ACCEPTED and first.counts == {"TMS-5": 1, "U": 1, "B": 1}
    state = dump_db(ws)
    [again] = _collect(ws, path)
    assert (again.status, again.event_seq) == (ALREADY, first.event_seq)
    copy = tmp_path / "disimpan-ulang.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.save(copy)  # other bytes, same content
    assert copy.read_bytes() != path.read_bytes()
    [resaved] = _collect(ws, copy)
    assert (resaved.status, resaved.event_seq, resaved.conflicts) == (UNCHANGED, None, [])
    assert dump_db(ws) == state


def test_unchanged_workbook_is_recorded_once_as_checked(shared):
    ws, paths, _ = shared
    path = paths["COKLIT_7326012010_LIMBONG.xlsx"]
    [out] = _collect(ws, path)
    assert (out.status, out.counts, out.kode_desa) == (ACCEPTED, {}, B)
    [event] = _events(ws, projection.COKLIT_COLLECTED)
    assert event.payload["changes"] == [] and event.payload["file"] == path.name


def test_workbook_for_another_village_is_refused(shared, tmp_path, dump_db):
    ws, paths, _ = shared
    path = _filled(paths, tmp_path, statuses={"dpt.csv::3": "TMS-1"})
    state = dump_db(ws)
    [out] = _collect(ws, path, village="7326012010")
    assert out.status == REFUSED
    assert out.problems == ["isi.xlsx:-:-: lembar kerja untuk desa 73.26.01.1006 (SINGKI'), bukan 73.26.01.2010"]
    assert dump_db(ws) == state
    [ok] = _collect(ws, path, village=A)
    assert ok.status == ACCEPTED


def _edited(path, tmp_path, name, edit):
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def test_edited_identifier_and_locked_cells_are_refused_by_cell(shared, tmp_path, dump_db):
    ws, paths, _ = shared
    source = paths["COKLIT_7326011006_SINGKI.xlsx"]

    def edit(wb):
        wb["TPS 001"]["D6"] = "7326011203800099"  # NIK of dpt.csv::4
        wb["TPS 001"]["E5"] = "NE RANTE"  # a name put right in the locked column
        wb["TPS 002"]["G6"] = datetime(2000, 8, 21)  # same date, but now a date cell
        wb["TPS 002"]["P5"] = "TMS-1"  # a fine entry does not save the workbook
    state = dump_db(ws)
    [out] = _collect(ws, _edited(source, tmp_path, "nik.xlsx", edit))
    assert out.status == REFUSED
    assert out.problems == [
        "nik.xlsx:TPS 001:E5 NAMA, pemilih no. 1 NE RANTE: sel terkunci diubah; NAMA tidak boleh diubah di lembar kerja "
        "(koreksi di kolom BARU)",
        "nik.xlsx:TPS 001:D6 NIK, pemilih no. 2 YOHANIS PATIKU: sel terkunci diubah; NIK tidak boleh diubah di lembar kerja (koreksi di kolom BARU)",
        "nik.xlsx:TPS 002:G6 TANGGAL LAHIR, pemilih no. 2 LINA RERUNG: sel terkunci diubah; TANGGAL LAHIR tidak boleh diubah di lembar kerja "
        "(koreksi di kolom BARU)"]
    assert (out.rows_only, out.left) == (True, 3)  # three rows' own: taking the others is offered
    assert dump_db(ws) == state


def test_rows_added_or_removed_and_stray_sheets_are_refused(shared, tmp_path):
    ws, paths, _ = shared
    source = paths["COKLIT_7326011006_SINGKI.xlsx"]

    def edit(wb):
        wb["TPS 001"].delete_rows(6)  # dpt.csv::4 gone, dpt.csv::7 moves up (rows match by KUNCI)
        wb["TPS 002"]["B7"] = 3
        wb["TPS 002"]["E7"] = "ORANG BARU"
        wb.create_sheet("Catatan")["A1"] = "pemilih 7326014101060010"
    [out] = _collect(ws, _edited(source, tmp_path, "baris.xlsx", edit))
    assert out.status == REFUSED
    assert out.problems == [
        "baris.xlsx:Catatan:-: lembar tambahan yang tidak dikenal berisi data; pemilih baru ditulis di lembar "
        "PEMILIH BARU, catatan di KETERANGAN",
        "baris.xlsx:TPS 001:A6 KUNCI: baris pemilih ke-2 (dpt.csv::4) dihapus; baris tidak boleh dihapus "
        "(pakai STATUS TMS)",
        "baris.xlsx:TPS 002:A7 KUNCI: baris tambahan; baris tidak boleh ditambah (pemilih baru di lembar PEMILIH BARU)"]


def test_invalid_values_are_refused_by_cell(shared, tmp_path, dump_db):
    ws, paths, _ = shared
    path = _filled(paths, tmp_path, name="salah.xlsx",
                   statuses={"dpt.csv::3": "TMS-9", "dpt.csv::4": "B", "dpt.csv::7": "TMS-1", "dpt.csv::2": "U"},
                   corrections={"dpt.csv::7": {"nama": "SAMUEL B"},
                                "dpt.csv::6": {"tanggal_lahir": "31-02-2000", "jenis_kelamin": "W",
                                               "status_kawin": "X", "ktp_el": "Q", "disabilitas": "7", "rt": "RT1"}},
                   new_voters=[{"nik": "73260141010600", "nama": "A", "tanggal_lahir": "01-01-2006"},
                               {"nik": NEW_NIK, "tanggal_lahir": "01-01-2006"},
                               {"nik": NEW_NIK, "nama": "C"},
                               {"nik": "7326994101060011", "nama": "D", "tanggal_lahir": "01-01-2006"}])
    state = dump_db(ws)
    [out] = _collect(ws, path)
    assert out.status == REFUSED
    assert out.problems == [
        "salah.xlsx:TPS 001:P5 STATUS, pemilih no. 1 NE' RANTE: kode 'TMS-9' tidak dikenal untuk rezim PEMILU2024; pilih: TMS-1, TMS-2, "
        "TMS-3, TMS-4, TMS-5, TMS-6, TMS-7, TMS-8, U",
        "salah.xlsx:TPS 001:P6 STATUS, pemilih no. 2 YOHANIS PATIKU: B (pemilih baru) tidak dipakai di lembar TPS; tulis pemilih baru di lembar "
        "PEMILIH BARU",
        "salah.xlsx:TPS 001:P7 STATUS, pemilih no. 3 SAMUEL BATTI: status TMS-1 (tidak memenuhi syarat) tidak boleh disertai koreksi di kolom "
        "BARU; pilih U untuk koreksi, atau kosongkan kolom BARU",
        "salah.xlsx:TPS 002:P5 STATUS, pemilih no. 1 MARKUS TANDI: status U tanpa koreksi: isi kolom BARU yang berubah",
        "salah.xlsx:TPS 002:T6 TANGGAL LAHIR BARU, pemilih no. 2 LINA RERUNG: TANGGAL LAHIR bukan tanggal yang ada di kalender; tulis "
        "DD-MM-YYYY, misalnya 12-05-1980",
        "salah.xlsx:TPS 002:U6 JENIS KELAMIN BARU, pemilih no. 2 LINA RERUNG: JENIS KELAMIN 'W' tidak dikenal; gunakan L atau P",
        "salah.xlsx:TPS 002:V6 STATUS KAWIN BARU, pemilih no. 2 LINA RERUNG: STATUS PERKAWINAN 'X' tidak dikenal; gunakan B (belum kawin), "
        "S (sudah kawin) atau P (pernah kawin)",
        "salah.xlsx:TPS 002:X6 RT BARU, pemilih no. 2 LINA RERUNG: RT 'RT1' bukan nomor RT yang benar (angka 1-3 digit)",
        "salah.xlsx:TPS 002:Z6 DISABILITAS BARU, pemilih no. 2 LINA RERUNG: DISABILITAS tidak dikenal; kosong/0 = tidak ada, 1-6, beberapa "
        "dipisah koma (1,6)",
        "salah.xlsx:TPS 002:AA6 KTP-EL BARU, pemilih no. 2 LINA RERUNG: KTP-EL 'Q' tidak dikenal; gunakan S (sudah punya KTP-el) atau B (belum)",
        "salah.xlsx:PEMILIH BARU:B5 NIK, pemilih baru ke-1 A: NIK harus 16 digit, tertulis 14 digit",
        "salah.xlsx:PEMILIH BARU:C6 NAMA, pemilih baru ke-2 (NAMA kosong): NAMA wajib diisi",
        "salah.xlsx:PEMILIH BARU:E7 TANGGAL LAHIR, pemilih baru ke-3 C: TANGGAL LAHIR wajib diisi",
        "salah.xlsx:PEMILIH BARU:B7 NIK, pemilih baru ke-3 C: NIK yang sama sudah ditulis di sel B6",
        "salah.xlsx:PEMILIH BARU:B8 NIK, pemilih baru ke-4 D: kode wilayah NIK (732699) tidak ada dalam daftar Kemendagri"]
    assert dump_db(ws) == state


def test_conflicts_are_listed_not_overwritten(shared, tmp_path):
    ws, paths, _ = shared
    first = _filled(paths, tmp_path, name="salinan1.xlsx", statuses={"dpt.csv::6": "TMS-4"},
                    corrections={"dpt.csv::4": {"nama": "YOHANES PATIKU"}})
    second = _filled(paths, tmp_path, name="salinan2.xlsx",
                     statuses={"dpt.csv::3": "TMS-1", "dpt.csv::6": "TMS-4", "dpt.csv::7": "TMS-5"},
                     corrections={"dpt.csv::4": {"nama": "JOHANIS PATIKU", "rt": "9"},
                                  "dpt.csv::2": {"alamat": "JL. BARU"}},
                     new_voters=[{"nik": "7326015001950003", "nama": "MARTHA SAMPE", "tanggal_lahir": "10-01-1995"}])
    assert _collect(ws, first)[0].status == ACCEPTED
    # A review decision after the cut changes dpt.csv::7 (and nothing the committee touched on ::2).
    row = changes.voters(["dpt.csv::7"]).get("dpt.csv::7")
    review = changes.record(projection.REVIEW_ACCEPTED, [changes.set_value(row, "alamat", "JL. POROS")],
                            actor="Rina", agency="DISDUKCAPIL", reason="Alamat menurut KK")
    [out] = _collect(ws, second)
    assert out.status == CONFLICT and out.counts == {"TMS-1": 1, "U": 2}
    assert out.conflicts == [
        f"TPS 001:R6 NAMA BARU: nilai di ruang kerja sudah berubah sejak lembar kerja dibagikan (peristiwa "
        f"#{out.event_seq - 2}); koreksi tidak diterapkan",
        f"TPS 001:P7 STATUS: data pemilih berubah setelah lembar kerja dibagikan (peristiwa #{review.seq}); "
        "TMS-5 tidak diterapkan",
        "PEMILIH BARU:B5 NIK: NIK 732601********** sudah ada di daftar (desa 73.26.01.2010, TPS 001); pemilih "
        "baru tidak ditambahkan"]
    now = _current(ws)
    assert now["dpt.csv::4"]["nama"] == "YOHANES PATIKU"  # not overwritten
    assert now["dpt.csv::4"]["rt"] == "009"  # the column nobody else touched is corrected
    assert now["dpt.csv::7"]["alamat"] == "JL. POROS"  # still listed, the review's value kept
    assert now["dpt.csv::2"]["alamat"] == "JL. BARU" and "dpt.csv::3" not in now
    assert "dpt.csv::6" not in now  # removed by the first copy: the same TMS again is no conflict
    [event] = [e for e in _events(ws, projection.COKLIT_COLLECTED) if e.seq == out.event_seq]
    assert [c["cell"] for c in event.payload["conflicts"]] == ["R6", "P7", "B5"]


def test_tms_for_a_voter_removed_otherwise_is_a_conflict(shared, tmp_path):
    ws, paths, _ = shared
    first = _filled(paths, tmp_path, name="a.xlsx", statuses={"dpt.csv::3": "TMS-5"})
    second = _filled(paths, tmp_path, name="b.xlsx", statuses={"dpt.csv::3": "TMS-1"})
    [done] = _collect(ws, first)
    [out] = _collect(ws, second)
    assert (out.status, out.event_seq) == (CONFLICT, None)  # nothing else in it: no event
    assert out.conflicts == [f"TPS 001:P5 STATUS: pemilih sudah dihapus peristiwa #{done.event_seq} (TMS-5); "
                             "TMS-1 tidak diterapkan"]


def test_a_workbook_edited_in_another_program_is_read_right(shared, tmp_path):
    ws, paths, _ = shared
    source = paths["COKLIT_7326011006_SINGKI.xlsx"]

    def edit(wb):
        tps1, new = wb["TPS 001"], wb["PEMILIH BARU"]
        tps1["P5"], tps1["AB5"] = "TMS-1", "Surat kematian dari lembang"
        tps1["P6"], tps1["T6"], tps1["U6"] = "U", datetime(1980, 3, 2), "l"  # a real date cell
        tps1["X7"], tps1["Z7"] = 5, "1; 6"  # numbers typed into text columns
        for col, value in zip("ABCDEFGHIJKLMN", ["7326010101100009", NEW_NIK, "Lina Sampe", "Rantepao",
                                                "01/01/2006", "", "B", "Jl. Ahmad Yani", "4", "1", "", "S",
                                                "2", "Genap 17 tahun"]):
            new[f"{col}5"] = value or None
    [out] = _collect(ws, _edited(source, tmp_path, "excel.xlsx", edit))
    assert (out.status, out.counts, out.problems) == (ACCEPTED, {"TMS-1": 1, "U": 2, "B": 1}, [])
    now = _current(ws)
    assert "dpt.csv::3" not in now
    assert (now["dpt.csv::4"]["tanggal_lahir"], now["dpt.csv::4"]["jenis_kelamin"]) == ("1980-03-02", "L")
    assert (now["dpt.csv::7"]["rt"], now["dpt.csv::7"]["disabilitas"]) == ("005", "1,6")
    new = now[NEW_KEY]
    assert (new["nkk"], new["nama"], new["tanggal_lahir"], new["jenis_kelamin"], new["tps"]) == (
        "7326010101100009", "LINA SAMPE", "2006-01-01", "P", "002")


def test_a_nik_stored_as_a_number_is_refused(shared, tmp_path):
    ws, paths, _ = shared

    def edit(wb):
        new = wb["PEMILIH BARU"]
        new["B5"], new["C5"], new["E5"] = int(NEW_NIK), "LINA SAMPE", "01-01-2006"
    [out] = _collect(ws, _edited(paths["COKLIT_7326011006_SINGKI.xlsx"], tmp_path, "angka.xlsx", edit))
    assert out.status == REFUSED
    assert out.problems == ["angka.xlsx:PEMILIH BARU:B5 NIK, pemilih baru ke-1 LINA SAMPE: NIK tersimpan sebagai angka (732601**********); digit "
                            "terakhir hilang karena Excel. Format kolom sebagai Teks dan ketik ulang dari KTP/KK"]


def test_files_not_made_by_share_unknown_cuts_and_unreadable_files(shared, tmp_path, dump_db):
    ws, paths, _ = shared
    other = tmp_path / "lain.xlsx"
    openpyxl.Workbook().save(other)
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan zip")

    def new_cut(wb):
        wb["VERSI_DASAR"]["B2"] = "0123456789abcdef0123456789abcdef"
    foreign = _edited(paths["COKLIT_7326011001_LAANG_TANDUK.xlsx"], tmp_path, "asing.xlsx", new_cut)
    state = dump_db(ws)
    [not_ours, bad, unknown] = _collect(ws, other, broken, foreign)
    assert not_ours.status == REFUSED and not_ours.problems == [
        "lain.xlsx:VERSI_DASAR:-: bukan lembar kerja coklit dari `pemilih share` (versi dasar tidak ditemukan)"]
    assert bad.status == UNREADABLE
    assert unknown.status == REFUSED and unknown.problems == [
        "asing.xlsx:VERSI_DASAR:-: lembar kerja dipotong dari daftar yang tidak dikenal di ruang kerja ini "
        "(kode lembar kerja 0123456789abcdef0123456789abcdef)"]
    assert dump_db(ws) == state


def test_collect_reads_in_worker_processes_too(shared, tmp_path):
    ws, paths, _ = shared
    path = _filled(paths, tmp_path, statuses={"dpt.csv::3": "TMS-1"})
    outs = collect(ws, [path, paths["COKLIT_7326012010_LIMBONG.xlsx"], path], processes=2, **COMMITTEE)
    assert [o.status for o in outs] == [ACCEPTED, ACCEPTED, ALREADY]
