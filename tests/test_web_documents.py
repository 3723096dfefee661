"""The settings of printed documents on the web (issue 14, What to build 1: "entered once (web
form and command) and used everywhere"), and a village committee's own chairman: set for its
village, printed on its papers only, never on another village's.

Ground truth by hand: the region reference names 73.26.01.2010 `Limbong` and 73.26.01.2001 a
village of kecamatan Rantepao; the NIPs are typed here.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres

LIMBONG, OTHER = "73.26.01.2010", "73.26.01.2001"
NIP, GROUPED = "197203032000121004", "19720303 200012 1 004"


def _form(**over):
    form = {"untuk": "PANITIA", "penandatangan": "", "jabatan": "", "nip": "", "nama_lengkap": "", "jenis": "",
            "pola": "", "desa": "", "alasan": "uji"}
    return form | over


def test_dpml_sets_a_signatory_on_the_page_and_every_document_reads_it(website):
    from pemilih.cycle import documents
    dpml = website.client("dpml")
    assert "Pengaturan dokumen cetak" in dpml.get("/dokumen/").content.decode()
    answer = dpml.post("/dokumen/", _form(untuk="KPU", penandatangan="Marta Sampe", nip="19800202 200501 2 003"))
    assert answer.status_code == 302
    profile = documents.profile(documents.settings(website.ws), "KPU", "Kabupaten Toraja Utara")
    assert (profile.signer, profile.nip) == ("Marta Sampe", "19800202 200501 2 003")
    page = dpml.get("/dokumen/").content.decode()
    assert "Marta Sampe" in page and "19800202 200501 2 003" in page


def test_a_bad_nip_is_refused_in_words_and_nothing_is_recorded(website):
    from pemilih.cycle import documents
    dpml = website.client("dpml")
    page = dpml.post("/dokumen/", _form(untuk="DPML", nip="1970"), follow=True).content.decode()
    assert "NIP harus 18 angka" in page
    assert documents.settings(website.ws) == {}


def test_a_committee_sets_its_own_chairman_only(website):
    from pemilih.cycle import documents
    committee = website.client("panitia", kode_desa=LIMBONG)
    # the village comes from the account, whatever the form says
    committee.post("/dokumen/", _form(penandatangan="Daniel Rante", nip=NIP, desa=OTHER))
    stored = documents.settings(website.ws)
    own = documents.profile(stored, "PANITIA", "Kabupaten Toraja Utara", village=LIMBONG)
    other = documents.profile(stored, "PANITIA", "Kabupaten Toraja Utara", village=OTHER)
    assert (own.signer, own.nip) == ("Daniel Rante", GROUPED)
    assert other.signer == documents.BLANK_NAME and other.nip == documents.BLANK_NIP  # never another's chairman
    # a committee may not set KPU's signatory
    committee.post("/dokumen/", _form(untuk="KPU", penandatangan="Bukan Panitia"))
    assert "KPU" not in documents.settings(website.ws)
    page = committee.get("/dokumen/").content.decode()
    assert "Lembang Limbong" in page and "Komisi Pemilihan Umum" not in page


def test_a_village_chairman_is_set_by_command_and_a_wrong_village_refused(website, store_location, capsys,
                                                                          monkeypatch):
    from pemilih.cli import main
    from pemilih.cycle import documents
    folder, url = store_location
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    ws = str(folder)
    assert main(["dokumen", "atur", "--workspace", ws, "--untuk", "PANITIA", "--desa", LIMBONG,
                 "--penandatangan", "Daniel Rante", "--nip", NIP]) == 0
    assert main(["dokumen", "atur", "--workspace", ws, "--untuk", "KPU", "--desa", LIMBONG,
                 "--penandatangan", "X"]) != 0
    assert "hanya disebut untuk panitia" in capsys.readouterr().err
    website.ws.activate()
    stored = documents.settings(website.ws)
    assert documents.profile(stored, "PANITIA", "", village=LIMBONG).signer == "Daniel Rante"
