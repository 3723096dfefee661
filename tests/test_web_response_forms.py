"""One public response at the village office counter (issue 14): the NIK search and the three
one-record forms (removal, correction, addition), through the Django test client.

Ground truth comes from the generated list (maker.generated_kpu: voter i lives in village
73.26.01.(2001 + i % 15), NIK 732601{i%28+1:02d}0590{i:04d}) and from values written here by
hand, never from the views. Each form must record the event the same row in a workbook would.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import xlsxwriter
from django.utils import timezone

from webcoklit import agree

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
N = 60
FORM = "/pilkalem/PK27/tanggapan/formulir/"
NEW_NIK = "7326014101059999"  # a woman born 01-01-2005, not on the list


def _nik(i: int) -> str:
    return f"732601{(i % 28) + 1:02d}0590{i % 10000:04d}"


@pytest.fixture
def site(website, maker, monkeypatch):
    from pemilih.store.receive import import_result
    from pemilih.web import tasks
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)
    website.generated = maker.generated_kpu(N)
    import_result(website.ws, website.generated, actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    return website


def _election(site, dps=None, **form):
    """PK27 over A and B with its DPS set, as DPML does it on its pages."""
    from pemilih.web.models import Job
    dpml = site.client("dpml")
    today = timezone.localdate()
    made = dpml.post("/pilkalem/buat/", {
        "kode": "PK27", "nama": "Pilkalem 2027", "rezim": "PILKALEM", "hari": (today + timedelta(days=90)).isoformat(),
        "dps": (dps or today).isoformat(), "maks_tps": "40", "cakupan": "pilih", "desa": [A, B], "alasan": "SK Bupati",
        **form})
    assert made.status_code == 302
    answer = dpml.post("/pilkalem/PK27/tetapkan/DPS/", {"pengumuman": "0", "alasan_jadwal": "Uji" if dps else ""})
    assert answer.status_code == 302 and site.run_jobs() == 1
    assert Job.objects.get().status == Job.DONE
    return dpml


def _found_token(page: str) -> str:
    tokens = set(re.findall(r'name="pemilih" value="([^"]+)"', page))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def _search(client, nik: str):
    answer = client.post(FORM, {"nik": nik})
    assert answer.status_code == 200
    return answer.content.decode()


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="galat-{name}">([^<]*)</p>', page)
    return found.group(1) if found else ""


def _responses():
    from pemilih.store.models import Event
    from pemilih.store.projection import RESPONSE_RECORDED
    return list(Event.objects.filter(kind=RESPONSE_RECORDED).order_by("seq"))


def _voter(site, i: int) -> dict:
    return site.generated.records.to_dicts()[i]


# --- the search --------------------------------------------------------------------------------

def test_the_nik_search_finds_the_committees_voter_masked_and_never_by_url(site):
    from pemilih.store.models import AccessLog
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    home = panitia.get("/beranda/").content.decode()
    assert f'href="{FORM}"' in home  # the committee's home leads to the counter
    page = _search(panitia, _nik(15))  # voter 15 lives in A
    assert "PEMILIH 15" in page and _nik(15)[:6] + "*" * 10 in page and _nik(15) not in page
    assert 'action="/pilkalem/PK27/tanggapan/formulir/hapus/"' in page
    # a NIK in the query string searches nothing: the search is a POST
    by_url = panitia.get(FORM, {"nik": _nik(15)}).content.decode()
    assert "PEMILIH 15" not in by_url and 'method="post"' in by_url
    # a NIK of another village is not found for this committee; a bad one is named at its field
    assert 'id="tidak-ditemukan"' in _search(panitia, _nik(16))  # voter 16 lives in B
    bad = panitia.post(FORM, {"nik": "73260112345"})
    assert bad.status_code == 400 and "NIK" in _field_error(bad.content.decode(), "nik")
    logged = [(r.action, r.rows, r.scope.get("desa")) for r in AccessLog.objects.order_by("id")]
    assert logged == [("cari-nik-tanggapan", 1, A), ("cari-nik-tanggapan", 0, A)]
    assert not any(_nik(15) in str(r.scope) or _nik(16) in str(r.scope) for r in AccessLog.objects.all())


# --- removal -----------------------------------------------------------------------------------

def test_a_removal_records_the_workbooks_row_and_a_bad_one_nothing(site):
    from pemilih.store.models import Voter
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    key = _voter(site, 30)["source_ref"]
    token = _found_token(_search(panitia, _nik(30)))
    form = panitia.post(FORM + "hapus/", {"pemilih": token}).content.decode()
    # the election's own code table (PILKALEM), each code with its meaning
    assert ">TMS-1 — meninggal<" in form and ">TMS-D — domisili kurang dari 6 bulan<" in form
    assert "TMS-9" not in form and "PEMILU2024" not in form
    bad = panitia.post(FORM + "hapus/", {"pemilih": token, "langkah": "catat", "kode": "", "bukti": ""})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert _field_error(page, "kode").startswith("isi kode TMS tabel kode pemilihan ini (TMS-1, TMS-2,")
    assert _field_error(page, "bukti") == "setiap tanggapan wajib menyebut buktinya"
    assert _responses() == [] and Voter.objects.filter(key=key).exists()
    done = panitia.post(FORM + "hapus/", {"pemilih": token, "langkah": "catat", "kode": "TMS-1",
                                          "bukti": "Akta kematian 12/2026"})
    assert done.status_code == 302 and done["Location"] == FORM + "tercatat/"
    [event] = _responses()
    assert event.payload["election"] == "PK27" and event.agency == "PANITIA"
    [change] = event.payload["changes"]
    assert (change["op"], change["key"], change["code"], change["evidence"]) == (
        "remove", key, "TMS-1", "Akta kematian 12/2026")
    assert not Voter.objects.filter(key=key).exists()
    shown = panitia.get(done["Location"]).content.decode()
    assert "TMS-1 — meninggal" in shown and "PEMILIH 30" in shown and _nik(30) not in shown
    assert 'href="/pilkalem/PK27/"' in shown and f'href="{FORM}"' in shown


def test_a_move_code_asks_for_the_tps_and_moves_the_voter(site):
    from pemilih.store.models import Voter
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    key = _voter(site, 45)["source_ref"]
    token = _found_token(_search(panitia, _nik(45)))
    missing = panitia.post(FORM + "hapus/", {"pemilih": token, "langkah": "catat", "kode": "TMS-8", "bukti": "Warga"})
    assert missing.status_code == 400
    assert _field_error(missing.content.decode(), "tps_tujuan").startswith("TMS-8 memindahkan pemilih")
    done = panitia.post(FORM + "hapus/", {"pemilih": token, "langkah": "catat", "kode": "TMS-8", "tps_tujuan": "7",
                                          "bukti": "Warga"})
    assert done.status_code == 302
    assert Voter.objects.get(key=key).tps == "007"


# --- correction ----------------------------------------------------------------------------------

def test_a_correction_is_judged_as_in_a_workbook(site):
    from pemilih.store.models import Voter
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    key = _voter(site, 0)["source_ref"]
    token = _found_token(_search(panitia, _nik(0)))
    form = panitia.post(FORM + "ubah/", {"pemilih": token}).content.decode()
    assert '<option value="TEMPAT LAHIR">Tempat lahir</option>' in form
    assert 'value="NIK"' not in form and 'value="KODE DESA"' not in form  # identity and village stay
    bad = panitia.post(FORM + "ubah/", {"pemilih": token, "langkah": "catat", "kolom": "JENIS KELAMIN",
                                        "nilai_baru": "W", "bukti": "KTP-el"})
    assert bad.status_code == 400
    assert _field_error(bad.content.decode(), "nilai_baru") == "JENIS KELAMIN &#x27;W&#x27; tidak dikenal; gunakan L atau P"
    assert _responses() == []
    done = panitia.post(FORM + "ubah/", {"pemilih": token, "langkah": "catat", "kolom": "NAMA",
                                         "nilai_baru": "yohanis   tandi", "bukti": "KTP-el"})
    assert done.status_code == 302
    [event] = _responses()
    [change] = event.payload["changes"]
    assert (change["op"], change["key"], change["column"], change["old"], change["new"], change["evidence"]) == (
        "set", key, "nama", "PEMILIH 0", "YOHANIS TANDI", "KTP-el")
    assert Voter.objects.get(key=key).nama == "YOHANIS TANDI"
    shown = panitia.get(FORM + "tercatat/").content.decode()
    assert "PEMILIH 0" in shown and "YOHANIS TANDI" in shown


# --- addition ------------------------------------------------------------------------------------

NEW = {"nik": NEW_NIK, "nkk": "7326010101209999", "nama": "lina  sampe", "tempat_lahir": "rantepao",
       "tanggal_lahir": "2005-01-01", "jenis_kelamin": "P", "status_kawin": "B", "alamat": "dusun 2", "rt": "3",
       "rw": "1", "bukti": "KTP-el dan KK"}


def test_an_addition_is_a_new_voter_of_the_committees_village(site):
    from pemilih.store.models import Voter
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    form = panitia.get(FORM + "tambah/").content.decode()
    assert 'name="desa"' not in form  # the committee's own village, not a choice
    assert '<option value="P">Perempuan</option>' in form and 'type="date"' in form
    bad = panitia.post(FORM + "tambah/", {**NEW, "rt": "3A", "nama": "", "nik": _nik(15)})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert _field_error(page, "rt") == "RT &#x27;3A&#x27; bukan nomor RT yang benar (angka 1-3 digit)"
    assert _field_error(page, "nama") == "wajib diisi untuk pemilih baru"
    assert _field_error(page, "nik") == "pemilih dengan NIK ini sudah terdaftar"
    assert 'value="dusun 2"' in page  # what was typed stays in the form
    assert _responses() == [] and not Voter.objects.filter(nik=NEW_NIK).exists()
    done = panitia.post(FORM + "tambah/", NEW)
    assert done.status_code == 302
    [event] = _responses()
    [change] = event.payload["changes"]
    assert change["op"] == "add" and change["code"] == "B" and change["evidence"] == "KTP-el dan KK"
    voter = Voter.objects.get(nik=NEW_NIK)
    assert (voter.kode_desa, voter.desa, voter.kecamatan, voter.nama, voter.tempat_lahir, voter.tanggal_lahir,
            voter.jenis_kelamin, voter.status_kawin, voter.alamat, voter.rt, voter.rw) == (
        A, "LEMBANG 0", "RANTEPAO", "LINA SAMPE", "RANTEPAO", "2005-01-01", "P", "B", "DUSUN 2", "003", "001")
    shown = panitia.get(FORM + "tercatat/").content.decode()
    assert "LINA SAMPE" in shown and "**-**-2005" in shown and NEW_NIK not in shown


def test_dpml_adds_in_a_village_of_the_election_it_chooses(site):
    from pemilih.store.models import Voter
    dpml = _election(site)
    form = dpml.get(FORM + "tambah/").content.decode()
    assert f'<option value="{A}">' in form and f'<option value="{B}">' in form
    no_village = dpml.post(FORM + "tambah/", NEW)
    assert no_village.status_code == 400 and _field_error(no_village.content.decode(), "desa")
    assert dpml.post(FORM + "tambah/", {**NEW, "desa": B}).status_code == 302
    assert Voter.objects.get(nik=NEW_NIK).kode_desa == B


# --- one path with the workbook ------------------------------------------------------------------

def test_each_form_builds_the_row_the_workbook_reader_gives(tmp_path):
    """The rows of a responses sheet written by hand, read by io/responses, are the forms' rows."""
    from pemilih.cycle.common import Who
    from pemilih.cycle.response_form import FormRequest, row_of
    from pemilih.io.responses import read_responses
    header = ["JENIS", "KUNCI", "NIK", "KODE", "KOLOM", "NILAI BARU", "BUKTI", "NKK", "NAMA", "TEMPAT LAHIR",
              "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS PERKAWINAN", "ALAMAT", "RT", "RW", "KODE DESA",
              "KELURAHAN/DESA", "KECAMATAN"]
    sheet = [["HAPUS", "dpt.csv::2", "", "TMS-1", "", "", "Akta kematian"],
             ["UBAH", "dpt.csv::3", "", "", "NAMA", "YOHANIS TANDI", "KTP-el"],
             ["TAMBAH", "", NEW_NIK, "", "", "", "KTP-el dan KK", "7326010101209999", "lina sampe", "rantepao",
              "2005-01-01", "P", "B", "dusun 2", "3", "1", A, "LEMBANG 0", "RANTEPAO"]]
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    page = book.add_worksheet("Tanggapan")
    page.write_row(0, 0, header)
    for n, row in enumerate(sheet, start=1):
        page.write_row(n, 0, row)
    book.close()
    read = [{k: v for k, v in r.items() if v is not None} for _ref, r in read_responses(path)]
    who = Who("Panitia", "PANITIA", "Tanggapan")
    forms = [FormRequest("PK27", "HAPUS", {"kode": "TMS-1", "bukti": "Akta kematian"}, who, key="dpt.csv::2"),
             FormRequest("PK27", "UBAH", {"kolom": "NAMA", "nilai_baru": "YOHANIS TANDI", "bukti": "KTP-el"}, who,
                         key="dpt.csv::3"),
             FormRequest("PK27", "TAMBAH", {**NEW, "nama": "lina sampe", "bukti": "KTP-el dan KK"}, who,
                         kode_desa=A, names={"desa": "LEMBANG 0", "kecamatan": "RANTEPAO"})]
    built = [{k: v for k, v in row_of(f).items() if v is not None} for f in forms]
    assert built == read


# --- limits: the village, the schedule ---------------------------------------------------------

def test_another_villages_voter_is_refused(site):
    """The search does not find them; a voter of B planted in a committee of A's session is
    refused by the page, and by the step's own village limit (the workbook's)."""
    from pemilih.cycle.common import Who
    from pemilih.cycle.response_form import FormRefused, FormRequest, record
    from pemilih.store.models import Voter
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    other = _voter(site, 16)["source_ref"]  # in B
    assert 'name="pemilih"' not in _search(panitia, _nik(16))
    session = panitia.session
    session["tanggapan_pemilih"] = {"ditanam": other}
    session.save()
    refused = panitia.post(FORM + "hapus/", {"pemilih": "ditanam", "langkah": "catat", "kode": "TMS-1", "bukti": "x"})
    assert refused.status_code == 400 and "cari ulang" in refused.content.decode()
    with pytest.raises(FormRefused) as step_refused:
        record(site.ws, FormRequest("PK27", "HAPUS", {"kode": "TMS-1", "bukti": "x"}, Who("p", "PANITIA", "t"),
                                    key=other, village=A))
    assert step_refused.value.general == [f"pemilih ini bukan pemilih desa {A}"]
    assert _responses() == [] and Voter.objects.filter(key=other).exists()


def test_after_the_deadline_the_form_asks_why_and_keeps_it_on_the_event(site):
    today = timezone.localdate()
    _election(site, dps=today - timedelta(days=10), tanggapan=(today - timedelta(days=3)).isoformat(),
              umumkan=(today - timedelta(days=5)).isoformat(), dpt=(today + timedelta(days=5)).isoformat())
    panitia = site.client("panitia", kode_desa=A)
    form = panitia.get(FORM + "tambah/").content.decode()
    assert 'id="tanggapan-terlambat"' in form and 'name="alasan_jadwal"' in form
    late = panitia.post(FORM + "tambah/", NEW)
    assert late.status_code == 400 and "sesudah batas" in _field_error(late.content.decode(), "alasan_jadwal")
    assert _responses() == []
    assert panitia.post(FORM + "tambah/", {**NEW, "alasan_jadwal": "Warga baru pulang merantau"}).status_code == 302
    [event] = _responses()
    assert event.payload["schedule_reason"] == "Warga baru pulang merantau"


def test_no_form_page_puts_a_nik_in_a_url(site):
    """Every answer of a whole visit (search, forms, a refusal, the result): no Location and no
    link holds a NIK, and GET never searches."""
    _election(site)
    panitia = site.client("panitia", kode_desa=A)
    answers = [panitia.get(FORM), panitia.post(FORM, {"nik": _nik(15)})]
    token = _found_token(answers[-1].content.decode())
    answers += [panitia.post(FORM + "ubah/", {"pemilih": token}),
                panitia.post(FORM + "ubah/", {"pemilih": token, "langkah": "catat", "kolom": "RT", "nilai_baru": "x",
                                              "bukti": "KK"}),
                panitia.post(FORM + "ubah/", {"pemilih": token, "langkah": "catat", "kolom": "RT", "nilai_baru": "4",
                                              "bukti": "KK"}),
                panitia.get(FORM + "tercatat/"), panitia.post(FORM + "tambah/", NEW)]
    niks = {_nik(15), NEW_NIK}
    for answer in answers:
        urls = [answer.get("Location", "")] + re.findall(r'(?:href|action)="([^"]*)"', answer.content.decode())
        assert not [u for u in urls if any(n in u or n[:12] in u for n in niks)], urls
    assert panitia.get(FORM + "hapus/").status_code == 302  # a form of a voter is reached by POST only
