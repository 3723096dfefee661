"""The names the pre-flight check refuses (issue 12, defect 5) are refused alike by a committee's
coklit workbook (collect) and by a public response (UBAH and TAMBAH), with the list import's
reason; and none of them lands in the list. Hand-made list (tests/webcoklit.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from pemilih.cycle.common import local_today
from pemilih.domain import values as judges
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.io.responses import read_responses
from pemilih.store import elections, responses
from pemilih.store.collect import REFUSED
from pemilih.store.projection import current_list

import webcoklit
from filemaker import collect_books, responses_workbook, set_election_list, share_list

pytestmark = pytest.mark.postgres

BAD = {"=HYPERLINK(\"http://x.test\",\"KLIK\")": "NAMA-FORMULA", "12345": "NAMA-DIGITS",
       "MARKUS TANDI 2": "NAMA-INVALID", "@MARKUS": "NAMA-FORMULA"}
WHO = {"actor": "Ketua panitia", "agency": "PANITIA", "reason": "Hasil coklit"}
RESPONSE_HEADER = ["JENIS", "KUNCI", "NIK", "KOLOM", "NILAI BARU", "BUKTI", "KODE DESA", "KELURAHAN/DESA",
                   "KECAMATAN", "NKK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS PERKAWINAN"]
NEW_NIK = "7326014101060010"  # P, born 01-01-2006


@pytest.fixture
def listed(workspace, maker):
    webcoklit.receive(workspace, maker)
    return workspace


@pytest.mark.parametrize("written", list(BAD))
def test_a_coklit_correction_to_a_bad_name_is_refused_with_the_judges_reason(listed, tmp_path, written):
    webcoklit.agree(listed)
    out = share_list(listed, tmp_path / "out", agreement=webcoklit.AGREEMENT, on=local_today(), processes=1,
                     actor="Yusuf", agency="DPML", reason="Coklit")
    book = next(p for p in out.paths if webcoklit.A.replace(".", "") in p.name)
    filled = tmp_path / "isi.xlsx"
    fill_workbook(book, filled, corrections={"dpt.csv::2": {"nama": written}},
                  new_voters=[{"nik": NEW_NIK, "nama": written, "tanggal_lahir": "01-01-2006"}])
    [result] = collect_books(listed, [filled], processes=1, **WHO)
    reason = judges.name(written).reason
    assert result.status == REFUSED
    hits = [p for p in result.problems if p.endswith(reason)]
    assert len(hits) == 2, result.problems  # the correction and the new voter
    assert all(written not in p for p in result.problems)
    assert "MARKUS TANDI" in current_list(listed)["nama"].to_list()


@pytest.fixture
def election(listed):
    e = elections.create(listed, code="PILKALEM", name="Pilkalem", regime="PILKALEM",
                         voting_day=local_today() + timedelta(days=60), dps_set_on=local_today(),
                         villages=[webcoklit.A], max_per_tps=300, actor="Kadis", agency="DPML", reason="SK Bupati")
    set_election_list(listed, e, "DPS", **WHO)
    return listed, e


@pytest.mark.parametrize("written", list(BAD))
def test_a_response_with_a_bad_name_is_refused_with_the_judges_reason(election, tmp_path, written):
    ws, e = election
    rows = [{"JENIS": "UBAH", "KUNCI": "dpt.csv::2", "KOLOM": "NAMA", "NILAI BARU": written, "BUKTI": "KTP-el"},
            {"JENIS": "TAMBAH", "NIK": NEW_NIK, "KODE DESA": webcoklit.A, "KELURAHAN/DESA": "LEMBANG SATU",
             "KECAMATAN": "RANTEPAO", "NKK": "7326010101200009", "NAMA": written, "TANGGAL LAHIR": "01-01-2006",
             "JENIS KELAMIN": "P", "STATUS PERKAWINAN": "B", "BUKTI": "KTP-el"}]
    sheet = responses_workbook(tmp_path / "t.xlsx", rows, RESPONSE_HEADER)
    with pytest.raises(responses.ResponseError) as refused:
        responses.record(ws, e, read_responses(sheet), **WHO)
    reason = judges.name(written).reason
    assert [p for p in refused.value.problems if p.endswith(reason)] == refused.value.problems
    assert len(refused.value.problems) == 2
    assert "MARKUS TANDI" in current_list(ws)["nama"].to_list()
