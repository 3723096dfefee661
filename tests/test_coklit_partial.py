"""Coklit workbooks with some wrong rows: each problem names the voter of its row (NO and NAMA,
never the NIK), and the committee may take the right rows now and get the wrong ones listed
(kept on the event, left as they were in the list), or fix first (the default: refused whole).

Hand-made: the six voters of tests/webcoklit.py; village A's workbook holds TPS 001 (row 5 NO 1
MARKUS TANDI dpt.csv::2, row 6 NO 2 NE' RANTE dpt.csv::3) and TPS 002 (row 5 NO 1 YOHANIS PATIKU
dpt.csv::4). Every count below is counted by hand from the entries typed.
"""
from __future__ import annotations

import openpyxl
import pytest

from pemilih.cycle.common import local_today
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.store import projection
from pemilih.store.collect import ACCEPTED, ALREADY, PARTIAL, REFUSED
from pemilih.store.projection import current_list

from filemaker import share_list
from webcoklit import AGREEMENT, A, agree, receive

pytestmark = pytest.mark.postgres

SHARER = {"actor": "Operator DPML", "agency": "DPML", "reason": "Coklit"}
COMMITTEE = {"actor": "Ketua panitia", "agency": "PANITIA", "reason": "Hasil coklit"}
SARAH = "7326015506060005"  # P, born 15-06-2006
ANI = "7326014101060010"  # P, born 01-01-2006
ANI_SHORT = "73260141010600"  # ANI's NIK with two digits missing


@pytest.fixture
def shared(workspace, maker, tmp_path):
    receive(workspace, maker)
    agree(workspace)
    out = share_list(workspace, tmp_path / "out", agreement=AGREEMENT, on=local_today(), villages=[A], processes=1,
                     **SHARER)
    return workspace, out.paths[0]


def _collect(ws, path, take_good=False):
    from pemilih.cycle import collect
    from pemilih.cycle.common import Who
    [out] = collect.run(ws, collect.CollectRequest((str(path),), Who(**COMMITTEE), processes=1,
                                                    take_good=take_good))
    return out


def _now(ws) -> dict[str, dict]:
    return {r["source_ref"]: r for r in current_list(ws).to_dicts()}  # a new voter: its key


def _events():
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=projection.COKLIT_COLLECTED).order_by("seq"))


def _day() -> str:
    return local_today().strftime("%d-%m-%Y")


# The committee's entries: three rows right, two wrong (one TPS row, one new voter).
RIGHT_AND_WRONG = dict(
    statuses={"dpt.csv::2": "TMS-1", "dpt.csv::3": "U"},
    corrections={"dpt.csv::3": {"nama": "NE RANTE", "jenis_kelamin": "W"},  # W is wrong: the row is left whole
                 "dpt.csv::4": {"nama": "YOHANES PATIKU"}},
    notes={"dpt.csv::2": "meninggal, akta kematian dilihat"},
    new_voters=[{"nik": SARAH, "nama": "SARAH PATIKU", "tanggal_lahir": "15-06-2006"},
                {"nik": ANI_SHORT, "nama": "ANI", "tanggal_lahir": "01-01-2006"}])
WRONG_LINES = [
    "campur.xlsx:TPS 001:U6 JENIS KELAMIN BARU, pemilih no. 2 NE' RANTE: JENIS KELAMIN 'W' tidak dikenal; "
    "gunakan L atau P",
    "campur.xlsx:PEMILIH BARU:B6 NIK, pemilih baru ke-2 ANI: NIK harus 16 digit, tertulis 14 digit"]


def test_a_wrong_cell_is_named_by_sheet_cell_voter_number_and_name(shared, tmp_path):
    ws, path = shared
    filled = tmp_path / "salah.xlsx"
    fill_workbook(path, filled, corrections={"dpt.csv::3": {"tanggal_lahir": "31-02-1989"}})
    out = _collect(ws, filled)
    assert out.status == REFUSED
    assert out.problems == [
        "salah.xlsx:TPS 001:T6 TANGGAL LAHIR BARU, pemilih no. 2 NE' RANTE: TANGGAL LAHIR bukan tanggal yang ada "
        "di kalender; tulis DD-MM-YYYY, misalnya 12-05-1980"]


def test_a_locked_cell_edited_names_the_voter_but_never_a_nik(shared, tmp_path):
    ws, path = shared
    wb = openpyxl.load_workbook(path)
    wb["TPS 002"]["D5"] = "7326011203800099"  # YOHANIS PATIKU's NIK, one digit changed
    wb["PEMILIH BARU"]["B5"], wb["PEMILIH BARU"]["C5"] = int(ANI), "ANI"  # a NIK Excel turned into a number
    wb["PEMILIH BARU"]["E5"] = "01-01-2006"
    edited = tmp_path / "kunci.xlsx"
    wb.save(edited)
    out = _collect(ws, edited)
    assert out.problems == [
        "kunci.xlsx:TPS 002:D5 NIK, pemilih no. 1 YOHANIS PATIKU: sel terkunci diubah; NIK tidak boleh diubah di "
        "lembar kerja (koreksi di kolom BARU)",
        "kunci.xlsx:PEMILIH BARU:B5 NIK, pemilih baru ke-1 ANI: NIK tersimpan sebagai angka (732601**********); "
        "digit terakhir hilang karena Excel. Format kolom sebagai Teks dan ketik ulang dari KTP/KK"]
    assert not any(nik in " ".join(out.problems) for nik in ("7326011203800099", "7326011203800002", ANI))


def test_fix_first_is_the_default_and_changes_nothing(shared, tmp_path, dump_db):
    ws, path = shared
    filled = tmp_path / "campur.xlsx"
    fill_workbook(path, filled, **RIGHT_AND_WRONG)
    state = dump_db(ws)
    out = _collect(ws, filled)
    assert (out.status, out.problems, out.rows_only, out.left, out.event_seq) == (REFUSED, WRONG_LINES, True, 2, None)
    assert dump_db(ws) == state


def test_take_the_right_rows_now_then_the_rest_once_fixed(shared, tmp_path):
    ws, path = shared
    before = _now(ws)
    filled = tmp_path / "campur.xlsx"
    fill_workbook(path, filled, **RIGHT_AND_WRONG)
    out = _collect(ws, filled, take_good=True)
    # Right: MARKUS TANDI struck, YOHANIS PATIKU corrected, SARAH PATIKU added (3 rows taken);
    # wrong: NE' RANTE's row (not even its right NAMA BARU is taken) and ANI (2 rows left).
    assert (out.status, out.counts, out.taken, out.left) == (PARTIAL, {"TMS-1": 1, "U": 1, "B": 1}, 3, 2)
    assert out.problems == WRONG_LINES
    now = _now(ws)
    assert "dpt.csv::2" not in now and now["dpt.csv::4"]["nama"] == "YOHANES PATIKU"
    assert now["dpt.csv::3"] == before["dpt.csv::3"]  # left as it was in the list
    assert now["baru:" + SARAH]["nama"] == "SARAH PATIKU" and "baru:" + ANI not in now
    [event] = _events()
    assert event.seq == out.event_seq and event.payload["counts"] == {"TMS-1": 1, "U": 1, "B": 1}
    assert event.payload["left"] == [
        {"sheet": "TPS 001", "cell": "U6", "column": "JENIS KELAMIN BARU", "row": 6, "voter": "pemilih no. 2 NE' RANTE",
         "reason": "JENIS KELAMIN 'W' tidak dikenal; gunakan L atau P"},
        {"sheet": "PEMILIH BARU", "cell": "B6", "column": "NIK", "row": 6, "voter": "pemilih baru ke-2 ANI",
         "reason": "NIK harus 16 digit, tertulis 14 digit"}]

    # The same file again: nothing more (the right rows are in, the wrong ones still wrong).
    assert _collect(ws, filled, take_good=True).status == ALREADY
    assert _collect(ws, filled).status == REFUSED

    # The workbook fixed (the committee's copy: the same entries, the two rows put right) takes
    # the rest, and what was taken is not taken twice.
    fixed = tmp_path / "diperbaiki.xlsx"
    fill_workbook(path, fixed, **{**RIGHT_AND_WRONG,
                                  "corrections": {"dpt.csv::3": {"nama": "NE RANTE", "jenis_kelamin": "P"},
                                                  "dpt.csv::4": {"nama": "YOHANES PATIKU"}},
                                  "new_voters": [RIGHT_AND_WRONG["new_voters"][0],
                                                 {"nik": ANI, "nama": "ANI", "tanggal_lahir": "01-01-2006"}]})
    again = _collect(ws, fixed)
    assert (again.status, again.counts, again.problems, again.left) == (ACCEPTED, {"U": 1, "B": 1}, [], 0)
    now = _now(ws)
    assert now["dpt.csv::3"]["nama"] == "NE RANTE" and now["baru:" + ANI]["nama"] == "ANI"
    assert len(now) == len(before) - 1 + 2  # one struck, two added: SARAH once
    first, second = _events()
    assert [c["op"] for c in second.payload["changes"]] == ["set", "add"]
    assert "left" not in second.payload


def test_a_row_is_taken_or_left_whole_with_its_visit(shared, tmp_path):
    ws, path = shared
    filled = tmp_path / "kunjungan.xlsx"
    fill_workbook(path, filled, checked=["dpt.csv::2", "dpt.csv::4"],
                  visits={"dpt.csv::2": (_day(), "YAKOBUS"), "dpt.csv::4": ("31-02-2027", "YAKOBUS")})
    out = _collect(ws, filled, take_good=True)
    # YOHANIS PATIKU's visit date is wrong: his tick is left with it; MARKUS TANDI's row is taken.
    assert (out.status, out.taken, out.left, out.visited, out.counts) == (PARTIAL, 1, 1, 1, {})
    [event] = _events()
    assert event.payload["visits"] == [{"on": local_today().isoformat(), "by": "YAKOBUS", "checked": True,
                                        "keys": ["dpt.csv::2"]}]


def test_problems_of_the_workbook_itself_refuse_it_whole_even_when_taking(shared, tmp_path, dump_db):
    ws, path = shared
    filled = tmp_path / "baris.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-1"}, corrections={"dpt.csv::3": {"rt": "RT1"}})
    wb = openpyxl.load_workbook(filled)
    wb["TPS 002"].delete_rows(5)  # YOHANIS PATIKU's row removed: no row to leave, the sheet is wrong
    wb.save(filled)
    state = dump_db(ws)
    out = _collect(ws, filled, take_good=True)
    assert (out.status, out.rows_only) == (REFUSED, False)
    assert dump_db(ws) == state


def test_nothing_right_to_take_is_refused(shared, tmp_path, dump_db):
    ws, path = shared
    filled = tmp_path / "semua_salah.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-99"})
    state = dump_db(ws)
    out = _collect(ws, filled, take_good=True)
    assert out.status == REFUSED and out.problems[-1] == (
        "semua_salah.xlsx:-:-: tidak ada baris benar yang berisi isian untuk diambil; perbaiki dulu")
    assert dump_db(ws) == state


def test_the_command_takes_the_right_rows_when_asked(shared, tmp_path, store_location, monkeypatch, capsys):
    from pemilih.cli import main
    ws, path = shared
    monkeypatch.setenv("DATABASE_URL", store_location[1])
    filled = tmp_path / "campur.xlsx"
    fill_workbook(path, filled, **RIGHT_AND_WRONG)
    args = ["collect", str(filled), "--workspace", str(store_location[0])]
    assert main(args) == 1
    text = capsys.readouterr().out
    assert "campur.xlsx: ditolak, ruang kerja tidak berubah (2 masalah):" in text
    assert "  - " + WRONG_LINES[0] in text and "--ambil-yang-benar" in text
    assert main([*args, "--ambil-yang-benar"]) == 1
    text = capsys.readouterr().out
    assert "campur.xlsx: diterima sebagian (peristiwa #" in text and "): TMS-1 1, U 1, B 1" in text
    assert "  3 baris diambil, 2 baris ditinggal" in text
    assert "  - " + WRONG_LINES[0] in text and "  - " + WRONG_LINES[1] in text


def test_a_name_that_is_no_name_is_never_echoed(shared, tmp_path):
    ws, path = shared
    filled = tmp_path / "rumus.xlsx"
    fill_workbook(path, filled, new_voters=[{"nik": ANI_SHORT, "nama": '=HYPERLINK("http://x.test","KLIK")',
                                             "tanggal_lahir": "01-01-2006"}])
    out = _collect(ws, filled)
    assert out.problems[0].startswith("rumus.xlsx:PEMILIH BARU:B5 NIK, pemilih baru ke-1 (NAMA tidak sah): ")
    assert "HYPERLINK" not in " ".join(out.problems)
