"""CSV lists: encodings, separators, line numbers, title lines, combined birth column."""
from __future__ import annotations

from datetime import date

import pytest

from pemilih.io.read import read_files

from filemaker import KPU_HEADER, voter, write_csv


def _rows(n=3):
    return [voter(no=i + 1, born=date(1970 + i, 1 + i, 10 + i), sex="LP"[i % 2]) for i in range(n)]


@pytest.mark.parametrize("encoding,bom,sep", [("utf-8", False, ","), ("utf-8", True, ","), ("utf-8", True, ";"),
                                              ("cp1252", False, ";"), ("cp1252", False, ","), ("utf-8", False, "\t")])
def test_encodings_and_separators(tmp_path, encoding, bom, sep):
    rows = _rows()
    rows[1]["NAMA"] = "NE’ RANTE"  # a curly apostrophe: 0x92 in Windows-1252
    rows[2]["ALAMAT"] = "JL. A; B, C"  # separators inside a quoted value
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows, sep=sep, encoding=encoding, bom=bom)
    result = read_files([path])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records["nama"].to_list() == ["PEMILIH A", "NE’ RANTE", "PEMILIH C"]
    assert result.records["alamat"][2] == "JL. A; B, C"
    assert result.records["source_ref"].to_list() == ["dpt.csv::2", "dpt.csv::3", "dpt.csv::4"]


def test_line_numbers_count_blank_lines_and_multiline_values(tmp_path):
    rows = _rows(4)
    rows[1]["ALAMAT"] = "DUSUN 1\nDEKAT GEREJA"  # a quoted value over two lines
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)
    text = path.read_text().splitlines(keepends=True)
    text.insert(2, "\n")  # a blank line after the first voter (line 3)
    path.write_text("".join(text))
    result = read_files([path])
    assert result.problems.height == 0, result.problems.to_dicts()
    # voter 1 on line 2, blank line 3, voter 2 on lines 4-5, voters 3 and 4 on lines 6 and 7
    assert result.records["row"].to_list() == [2, 4, 6, 7]
    assert result.records["alamat"][1] == "DUSUN 1 DEKAT GEREJA"  # one value; its line break a space


def test_crlf_and_spaces_around_values(tmp_path):
    rows = _rows(2)
    rows[0]["NIK"] = " " + rows[0]["NIK"] + " "
    rows[0]["JENIS KELAMIN"] = " l "
    rows[1]["TPS"] = "1"
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows, line_end="\r\n")
    result = read_files([path])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records["nik"][0] == _rows(2)[0]["NIK"]
    assert result.records["jenis_kelamin"].to_list() == ["L", "P"]
    assert result.records["tps"].to_list() == ["001", "001"]


def test_title_lines_above_the_header_give_region_and_tps(tmp_path):
    header = [h for h in KPU_HEADER if h not in ("KECAMATAN", "KELURAHAN/DESA", "KODE DESA", "TPS")]
    before = [["DAFTAR PEMILIH TETAP"], ["KABUPATEN : TORAJA UTARA"], ["KECAMATAN : SA'DAN"],
              ["LEMBANG : SADAN MALIMBONG"], ["TPS : 4"], []]
    path = write_csv(tmp_path / "dps.csv", header, _rows(2), before=before)
    result = read_files([path])
    assert result.problems.height == 0, result.problems.to_dicts()
    rec = result.records.row(0, named=True)
    assert (rec["kode_desa"], rec["kecamatan"], rec["desa"], rec["tps"]) == (
        "73.26.06.1002", "SA'DAN", "SA'DAN MALIMBONG", "004")
    assert result.records["source_ref"].to_list() == ["dps.csv::8", "dps.csv::9"]


def test_combined_birth_column_is_split(tmp_path):
    header = [h for h in KPU_HEADER if h not in ("TEMPAT LAHIR", "TANGGAL LAHIR")] + ["TEMPAT/TANGGAL LAHIR"]
    rows = _rows(2)
    for r in rows:
        r["TEMPAT/TANGGAL LAHIR"] = f"{r['TEMPAT LAHIR']}, {r['TANGGAL LAHIR']}"
    rows[1]["TEMPAT/TANGGAL LAHIR"] = "TANA TORAJA 11-02-1971"
    result = read_files([write_csv(tmp_path / "dpt.csv", header, rows)])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records["tempat_lahir"].to_list() == ["RANTEPAO", "TANA TORAJA"]
    assert result.records["tanggal_lahir"].to_list() == ["1970-01-10", "1971-02-11"]


def test_summary_and_signature_lines_in_a_csv_are_not_voters(tmp_path):
    rows = [list(r.values()) for r in _rows(2)]
    rows += [[], ["JUMLAH : L = 1, P = 1, TOTAL = 2"], [], ["", "", "", "", "", "", "", "", "", "", "", "", "",
                                                            "Rantepao, 21-06-2023"], ["KETUA PPS"], ["YOHANES"]]
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    assert result.records.height == 2
    assert result.problems.height == 0, result.problems.to_dicts()


def test_every_row_is_a_record_good_or_bad(tmp_path):
    rows = _rows(3)
    rows[1] = {h: "" for h in KPU_HEADER} | {"NAMA": "HANYA NAMA"}  # nearly empty, still a voter row
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    assert result.records["nama"].to_list() == ["PEMILIH A", "HANYA NAMA", "PEMILIH C"]
    assert set(result.problems.filter(result.problems["row"] == 3)["code"]) >= {"NIK-EMPTY", "NKK-EMPTY"}


def test_apostrophe_kept_nik_is_cleaned(tmp_path):
    rows = _rows(2)
    rows[0]["NIK"] = "'" + rows[0]["NIK"]
    rows[1]["NKK"] = " '" + rows[1]["NKK"]
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records["nik"][0] == _rows(2)[0]["NIK"] and result.records["nkk"][1] == _rows(2)[1]["NKK"]


def test_a_windows_1252_body_under_a_utf8_head_is_read_and_numbered(tmp_path):
    """The head (title and header lines) decides the encoding; a body that turns out not to be
    UTF-8 (a curly apostrophe past the head) is read as Windows-1252, on the lines it is on."""
    rows = [voter(no=i + 1, born=date(1950 + i % 50, 1 + i % 12, 1 + i % 28)) for i in range(120)]
    rows[110]["NAMA"] = "NE’ TIKU"
    head = write_csv(tmp_path / "head.csv", KPU_HEADER, rows[:100]).read_bytes()
    tail = write_csv(tmp_path / "tail.csv", KPU_HEADER, rows[100:]).read_bytes()
    body = tail[tail.index(b"\n") + 1:].decode("utf-8").encode("cp1252")
    (tmp_path / "dpt.csv").write_bytes(b"\xef\xbb\xbf" + head + body)
    result = read_files([tmp_path / "dpt.csv"])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records.height == 120
    assert result.records["nama"][110] == "NE’ TIKU"
    assert result.records["source_ref"][110] == "dpt.csv::112"  # header on line 1


def test_a_short_first_row_and_a_long_row_keep_their_columns(tmp_path):
    """A row with fewer cells than the header (the rest blank) and one with more (the extra
    cells dropped) do not shift any other row's columns, after a byte-order mark too."""
    rows = [[c for c in voter(no=1).values()][:8], list(voter(no=2).values()) + ["EXTRA"], list(voter(no=3).values())]
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows, bom=True)
    records = read_files([path]).records
    assert records["nama"].to_list() == ["PEMILIH A", "PEMILIH B", "PEMILIH C"]
    assert records["tempat_lahir"].to_list() == [None, "RANTEPAO", "RANTEPAO"]
    assert records["source_ref"].to_list() == ["dpt.csv::2", "dpt.csv::3", "dpt.csv::4"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n\t\n"])
def test_a_file_of_nothing_but_a_byte_order_mark_or_spaces_is_empty(tmp_path, content):
    (tmp_path / "dpt.csv").write_bytes(content)
    problems = read_files([tmp_path / "dpt.csv"], kind="kpu").problems
    assert problems["code"].to_list() == ["FILE-UNREADABLE"]
    assert problems["reason"].to_list() == ["berkas kosong"]


def test_whole_columns_joins_each_columns_pieces_and_keeps_the_values():
    import polars as pl

    from pemilih.io.grid import whole_columns
    pieces = [pl.DataFrame({"nik": [f"{i:016d}", None], "row": [i, i + 1]}) for i in range(0, 6, 2)]
    stacked = pl.concat(pieces, rechunk=False)
    assert stacked["nik"].n_chunks() == 3
    want = stacked.clone().rechunk()
    got = whole_columns(stacked)
    assert [got[c].n_chunks() for c in got.columns] == [1, 1]
    assert got.equals(want) and got.schema == want.schema
