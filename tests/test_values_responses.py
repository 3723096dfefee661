"""Public responses put values into the list only through the domain's judges: a TAMBAH row's
values and an UBAH row's NILAI BARU are stored in their canonical form, and a bad one refuses
the whole file, naming the row and the column. Hand-made list and responses."""
from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from pemilih.commands.common import today as local_today
from pemilih.io.responses import read_responses
from pemilih.store import elections, responses
from pemilih.store.projection import current_list
from pemilih.store.receive import import_result

from filemaker import responses_workbook, set_election_list

pytestmark = pytest.mark.postgres

A = "73.26.02.2001"
WHO = {"actor": "Yohanis", "agency": "PANITIA", "reason": "Rapat pleno panitia"}
NEW_NIK = "7326024101050001"  # a woman born 01-01-2005
HEADER = ["JENIS", "KUNCI", "NIK", "KOLOM", "NILAI BARU", "BUKTI", "KODE DESA", "KELURAHAN/DESA", "KECAMATAN",
          "NKK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS PERKAWINAN", "ALAMAT", "RT",
          "RW", "DISABILITAS", "KTP-EL"]


def _voter(n: int) -> dict:
    return {"source_ref": f"dpt.csv::{n + 1}", "file": "dpt.csv", "sheet": "", "row": n + 1,
            "kecamatan": "SESEAN", "desa": "LEMBANG SATU", "kode_desa": A, "tps": "001", "no": str(n),
            "nkk": f"73260201010000{n:02d}", "nik": f"73260201018{n:05d}", "nama": f"PEMILIH {n}",
            "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1980-01-01", "status_kawin": "S", "jenis_kelamin": "L",
            "alamat": "DUSUN A", "rt": "001", "rw": "001", "disabilitas": None, "ktp_el": "S", "keterangan": None}


@pytest.fixture
def election(workspace, maker):
    import_result(workspace, maker.kpu([_voter(1), _voter(2)], name="dpt.csv"), actor="Operator",
                  agency="DPML", reason="Data KPU")
    e = elections.create(workspace, code="PILKALEM", name="Pilkalem", regime="PILKALEM",
                         voting_day=local_today() + timedelta(days=60), dps_set_on=local_today(), villages=[A],
                         max_per_tps=300, actor="Kadis", agency="DPML", reason="SK Bupati")
    set_election_list(workspace, e, "DPS", **WHO)
    return workspace, e


def _record(ws, e, tmp_path, rows):
    sheet = responses_workbook(tmp_path / "t.xlsx", rows, HEADER)
    return responses.record(ws, e, read_responses(sheet), **WHO)


ADD = {"JENIS": "TAMBAH", "NIK": NEW_NIK, "KODE DESA": "7326022001", "KELURAHAN/DESA": "LEMBANG SATU",
       "KECAMATAN": "SESEAN", "NKK": "7326020101000009", "NAMA": "lina  sampe", "TEMPAT LAHIR": "rantepao",
       "TANGGAL LAHIR": "01/01/2005", "JENIS KELAMIN": "perempuan", "STATUS PERKAWINAN": "belum kawin",
       "ALAMAT": "dusun  b", "RT": "2", "RW": "1", "DISABILITAS": "6,1", "KTP-EL": "ya", "BUKTI": "KTP-el dan KK"}


def test_an_addition_is_stored_in_the_canonical_forms(election, tmp_path):
    ws, e = election
    _record(ws, e, tmp_path, [ADD])
    [row] = current_list(ws).filter(pl.col("nik") == NEW_NIK).to_dicts()
    assert {c: row[c] for c in ("kode_desa", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                                "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el")} == {
        "kode_desa": A, "nama": "LINA SAMPE", "tempat_lahir": "RANTEPAO", "tanggal_lahir": "2005-01-01",
        "jenis_kelamin": "P", "status_kawin": "B", "alamat": "DUSUN B", "rt": "002", "rw": "001",
        "disabilitas": "1,6", "ktp_el": "S"}


def test_a_correction_is_stored_in_the_canonical_form(election, tmp_path):
    ws, e = election
    _record(ws, e, tmp_path, [
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "JENIS KELAMIN", "NILAI BARU": "perempuan", "BUKTI": "KTP"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "RT", "NILAI BARU": "7", "BUKTI": "KK"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "DISABILITAS", "NILAI BARU": "0", "BUKTI": "Surat"},
        {"JENIS": "UBAH", "KUNCI": "dpt.csv::3", "KOLOM": "TANGGAL LAHIR", "NILAI BARU": "02-03-1981",
         "BUKTI": "Akta"}])
    now = {r["source_ref"]: r for r in current_list(ws).to_dicts()}
    assert (now["dpt.csv::2"]["jenis_kelamin"], now["dpt.csv::2"]["rt"], now["dpt.csv::2"]["disabilitas"]) == (
        "P", "007", None)
    assert now["dpt.csv::3"]["tanggal_lahir"] == "1981-03-02"


def test_a_bad_value_refuses_the_file_naming_row_and_column(election, tmp_path):
    ws, e = election
    before = current_list(ws)
    with pytest.raises(responses.ResponseError) as refused:
        _record(ws, e, tmp_path, [
            {"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "NAMA", "NILAI BARU": "YUSUF", "BUKTI": "KTP"},
            {"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "JENIS KELAMIN", "NILAI BARU": "W", "BUKTI": "KTP"},
            {"JENIS": "UBAH", "KUNCI": "dpt.csv::3", "KOLOM": "NAMA", "NILAI BARU": "", "BUKTI": "KTP"},
            {**ADD, "RT": "RT 2", "DISABILITAS": "7", "TANGGAL LAHIR": "31-02-2005"},
            {**ADD, "NIK": "7326024101050001.0"}])
    assert refused.value.problems == [
        "t.xlsx:Tanggapan:3 kolom NILAI BARU: JENIS KELAMIN 'W' tidak dikenal; gunakan L atau P",
        "t.xlsx:Tanggapan:4 kolom NILAI BARU: NAMA wajib diisi",
        "t.xlsx:Tanggapan:5 kolom TANGGAL LAHIR: TANGGAL LAHIR bukan tanggal yang ada di kalender; tulis "
        "DD-MM-YYYY, misalnya 12-05-1980",
        "t.xlsx:Tanggapan:5 kolom RT: RT 'RT 2' bukan nomor RT yang benar (angka 1-3 digit)",
        "t.xlsx:Tanggapan:5 kolom DISABILITAS: DISABILITAS tidak dikenal; kosong/0 = tidak ada, 1-6, beberapa "
        "dipisah koma (1,6)",
        "t.xlsx:Tanggapan:6 kolom NIK: NIK tersimpan sebagai angka (732602**********); digit terakhir hilang "
        "karena Excel. Format kolom sebagai Teks dan ketik ulang dari KTP/KK"]
    assert current_list(ws).equals(before)
