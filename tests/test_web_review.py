"""Verification and the review queue in the browser: a verification job makes proposals; the
queue filters them, accepts or rejects them with a reason (in bulk), and undoes decisions.

Ground truth is hand-made: a small list and registry written with tests/filemaker.py where
it is known who died, whose name is misspelt, whose NIK has a wrong digit and who is a new
voter; and, for the decisions, findings written out by hand (as in tests/test_review.py).
"""
from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from filemaker import KPU_HEADER, REGISTRY_HEADER, resident, spelled, voter, write_csv
from handmade import LIST, REGISTRY, F
from webcoklit import agree

pytestmark = pytest.mark.postgres

WHO = {"actor": "uji", "agency": "KPU", "reason": "uji"}


def _agreement(ws):
    agree(ws, "1/PKS/UJI")
    agree(ws, "2/PKS/UJI", recipient="DISDUKCAPIL")  # Disdukcapil verifies under its own


def _receive(ws, path, kind):
    from pemilih.io.read import read_files
    from pemilih.store.receive import import_result
    import_result(ws, read_files([str(path)], kind=kind), actor="uji",
                  agency="KPU" if kind == "kpu" else "DISDUKCAPIL", reason="uji")


def _typo(nik: str) -> str:
    """The NIK with its second-last digit changed (a typing slip)."""
    return nik[:-2] + ("9" if nik[-2] != "9" else "8") + nik[-1]


@pytest.fixture
def regency(website, tmp_path):
    """Eight voters of Pantanakan Lolo, all in the registry. Known facts: voter 3's name is
    misspelt on the list (row 4), voter 5 died (row 6), voter 7's NIK has a wrong digit on
    the list (row 8), and one adult resident is on no row (a new voter)."""
    people = [dict(no=i, born=date(1960 + i, 1 + i % 12, 1 + i), sex="LP"[i % 2]) for i in range(1, 9)]
    listed = [voter(**p) for p in people]
    listed[2]["NAMA"] = "PEMILIH TIGAA"
    listed[6]["NIK"] = _typo(listed[6]["NIK"])
    registry = [resident(**p, NAMA_LGKP=f"PEMILIH {spelled(p['no'])}") for p in people]
    registry[2]["NAMA_LGKP"] = "PEMILIH TIGA"
    registry[4].update(STATUS="MATI", TGL_MATI="01-01-2025")
    registry.append(resident(no=20, born=date(1990, 3, 3), sex="P", NAMA_LGKP="PENDUDUK BARU"))
    _receive(website.ws, write_csv(tmp_path / "dpt.csv", KPU_HEADER, listed), "kpu")
    _receive(website.ws, write_csv(tmp_path / "dk.csv", REGISTRY_HEADER, registry), "registry")
    _agreement(website.ws)
    website.facts = {"new_nik": registry[-1]["NIK"], "true_nik_7": registry[6]["NIK"],
                     "listed_nik_7": listed[6]["NIK"]}
    return website


def _rows(page: str) -> list[str]:
    return re.findall(r'<article class="finding" data-kunci="([^"]+)"', page)


PROPOSAL_FIELDS = ("finding_key", "code", "source_ref", "field", "current", "proposed", "registry_nik",
                   "duplicate_of", "score", "reason", "evidence", "kode_desa")


def _proposals(ws) -> list[tuple]:
    from pemilih.store.models import Proposal
    ws.activate()
    return sorted(Proposal.objects.values_list(*PROPOSAL_FIELDS), key=str)


def test_the_web_job_and_the_command_line_load_the_same_proposals(regency, kpu_workspace, tmp_path):
    """Issue 11: findings reached the store from the CSV on the command line and from memory on
    the web, and the two differed (an empty field stored as '' on the web, NULL from the file).
    Now both load the findings file through the review step. The command line's way here:
    `pemilih verify` writes the files, `pemilih review muat` loads findings.csv."""
    from pemilih.cycle import receive, review, verify
    from pemilih.cycle.common import Who
    regency.ws.activate()  # the second workspace was opened after it
    client = regency.client("disdukcapil")
    client.post("/verifikasi/", {"hari": "2027-03-17", "dps": "", "rezim": "PEMILU2024"})
    assert regency.run_jobs() == 1
    web = _proposals(regency.ws)
    ws = kpu_workspace
    receive.run(ws, receive.ReceiveRequest((str(tmp_path / "dpt.csv"), str(tmp_path / "dk.csv")), "uji"))
    out = verify.run(ws, verify.VerifyRequest(on=date(2027, 3, 17), out_dir=str(tmp_path / "cli"),
                                              regime="PEMILU2024"))
    review.load(ws, review.LoadRequest(out.paths["csv"], Who("uji", "DISDUKCAPIL", "uji")))
    command_line = _proposals(ws)
    regency.ws.activate()
    assert len(web) == 5 and web == command_line


def test_verification_job_makes_the_expected_proposals(regency):
    from pemilih.store.models import Proposal
    from pemilih.web.models import Job
    client = regency.client("disdukcapil")
    page = client.get("/verifikasi/").content.decode()
    assert "dk.csv" in page and ">8</b>" in page  # the latest extract and the list's size
    response = client.post("/verifikasi/", {"hari": "2027-03-17", "dps": "", "rezim": "PEMILU2024"})
    job = Job.objects.get(kind="verifikasi")
    assert response["Location"] == f"/pekerjaan/{job.pk}/"
    regency.run_jobs()
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    found = sorted(Proposal.objects.values_list("source_ref", "code", "field"), key=str)
    # Loaded from the findings file the job wrote, as `pemilih review muat` loads it: a finding
    # without a field has none (NULL), whichever way it reached the store.
    assert found == sorted([("dpt.csv::4", "U", "NAMA"), ("dpt.csv::6", "TMS-1", None),
                            ("dpt.csv::8", "U", "NIK"), ("dpt.csv::8", "NIK-NOT-FOUND", "NIK"),
                            ("", "B", None)], key=str)
    assert Proposal.objects.get(code="B").registry_nik == regency.facts["new_nik"]
    assert job.files == ["ba_verifikasi.pdf", "findings.csv", "findings.xlsx"]  # the minutes beside the findings
    download = client.post(f"/pekerjaan/{job.pk}/unduh/findings.csv")
    assert download.status_code == 200 and b"TMS-1" in b"".join(download.streaming_content)
    minutes = client.post(f"/pekerjaan/{job.pk}/unduh/ba_verifikasi.pdf")
    assert minutes.status_code == 200 and b"".join(minutes.streaming_content).startswith(b"%PDF")
    # The queue: all five open, the probabilistic link's evidence shown field by field,
    # NIKs masked (never the full number of the list or the registry).
    queue = regency.client("disdukcapil").get("/tinjau/").content.decode()
    assert len(_rows(queue)) == 5
    assert "beda satu digit" in queue and "TANGGAL LAHIR" in queue
    for nik in (regency.facts["true_nik_7"], regency.facts["listed_nik_7"], regency.facts["new_nik"]):
        assert nik not in queue
    assert regency.facts["true_nik_7"][:6] + "*" * 10 in queue  # as printed (domain/masking)
    # Running it again proposes nothing new.
    client.post("/verifikasi/", {"hari": "2027-03-17", "dps": "", "rezim": "PEMILU2024"})
    regency.run_jobs()
    assert Proposal.objects.count() == 5
    assert "sudah ada sebelumnya: 5" in Job.objects.filter(kind="verifikasi").first().message


def test_verification_form_errors_are_shown(regency):
    client = regency.client("disdukcapil")
    page = client.post("/verifikasi/", {"hari": "17-03-2027"}).content.decode()
    assert "TTTT-BB-HH" in page
    page = client.post("/verifikasi/", {"hari": "2027-03-17", "dps": "2027-04-01"}).content.decode()
    assert "tidak boleh sesudah" in page


# --- the queue on hand-made findings ------------------------------------------------------------

EVIDENCE = ('{"method": "probabilistik", "score": 0.93, "match_weight": 9.1, "fields": '
            '[{"field": "NAMA", "level": "mirip", "weight": 2.5}, {"field": "TANGGAL LAHIR", "level": "sama", "weight": 6.6}]}')
FINDINGS = pl.DataFrame([
    ["dpt.csv::2", "7326014507890001", "TMS-1", None, None, None, "7326014507890001", None, "1",
     "Meninggal dunia", "k-tms1", ""],
    ["dpt.csv::3", "7326011203800002", "U", "NAMA", "YOHANIS PATIKU", "YOHANES PATIKU",
     "7326011203800002", None, "0.93", "Nama berbeda", "k-u-nama", EVIDENCE],
    ["dpt.csv::4", "7326015001950003", "U", "TANGGAL LAHIR", "1995-01-10", "1995-01-11",
     "7326015001950003", None, "0.97", "Tanggal lahir berbeda", "k-u-tgl", ""],
    ["", "7326014101060004", "B", None, None, None, "7326014101060004", None, "1",
     "Pemilih baru", "k-b", ""],
], schema=F, orient="row")


@pytest.fixture
def queued(website, maker):
    from pemilih.store.receive import import_result
    from pemilih.store.review import load_findings
    import_result(website.ws, maker.kpu(LIST, name="dpt.csv"), **WHO)
    import_result(website.ws, maker.registry(REGISTRY, name="dk.csv"), actor="D", agency="DISDUKCAPIL",
                  reason="ekstrak")
    load_findings(website.ws, FINDINGS, actor="D", agency="DISDUKCAPIL", reason="verifikasi")
    _agreement(website.ws)
    return website


def _list(ws) -> dict[str, dict]:
    from pemilih.store.projection import current_list
    return {r["source_ref"] or r["nik"]: r for r in current_list(ws).to_dicts()}


def _status(ws) -> dict[str, str]:
    from pemilih.store.review import proposals
    return dict(proposals(ws).select("finding_key", "status").iter_rows())


def test_filters_narrow_the_queue(queued):
    client = queued.client("dpml")
    assert _rows(client.get("/tinjau/").content.decode()) == ["k-tms1", "k-u-nama", "k-u-tgl", "k-b"]
    assert _rows(client.get("/tinjau/", {"kode": "U"}).content.decode()) == ["k-u-nama", "k-u-tgl"]
    assert _rows(client.get("/tinjau/", {"desa": "73.26.01.2002"}).content.decode()) == ["k-u-tgl", "k-b"]
    assert _rows(client.get("/tinjau/", {"skor_min": "0,9", "skor_max": "0,95"}).content.decode()) == ["k-u-nama"]
    assert _rows(client.get("/tinjau/", {"status": "diterima"}).content.decode()) == []


def test_each_row_shows_list_and_registry_side_by_side_masked(queued):
    page = queued.client("disdukcapil").get("/tinjau/", {"kode": "U"}).content.decode()
    row = page.split('data-kunci="k-u-nama"')[1].split("data-kunci=")[0]
    assert "YOHANIS PATIKU" in row and "mirip" in row and "+2,50" in row
    assert "7326011203800002" not in page and "732601**********" in row and "**********02" not in row
    assert 'class="evidence"' in row


def test_bulk_accept_changes_the_list_as_the_decisions_say(queued):
    from pemilih.store.models import Event
    client = queued.client("disdukcapil")
    response = client.post("/tinjau/putus/", {"kunci": ["k-tms1", "k-u-nama", "k-b"], "putusan": "terima",
                                              "alasan": "Sesuai akta dan KTP-el", "saringan": ""})
    assert response.status_code == 302 and response["Location"] == "/tinjau/"
    voters = _list(queued.ws)
    # Expected from the hand-made findings: the dead voter leaves, the name is corrected, the
    # new voter joins with the registry's data in the registry's village; the rest unchanged.
    assert "dpt.csv::2" not in voters
    assert voters["dpt.csv::3"]["nama"] == "YOHANES PATIKU"
    new = voters["baru:7326014101060004"]
    assert (new["nama"], new["kode_desa"], new["tanggal_lahir"]) == ("LINA SAMPE", "73.26.01.2002", "2006-01-01")
    assert voters["dpt.csv::4"]["tanggal_lahir"] == "1995-01-10"
    assert _status(queued.ws) == {"k-tms1": "diterima", "k-u-nama": "diterima", "k-b": "diterima",
                                  "k-u-tgl": "terbuka"}
    event = Event.objects.get(kind="review-accepted")
    assert event.reason == "Sesuai akta dan KTP-el" and event.agency == "DISDUKCAPIL"
    page = client.get(response["Location"]).content.decode()
    assert "3 usulan diterima" in page and _rows(page) == ["k-u-tgl"]


def test_accepting_every_match_of_the_filter(queued):
    client = queued.client("dpml")
    client.post("/tinjau/putus/", {"lingkup": "saringan", "putusan": "terima", "alasan": "Periksa desa",
                                   "saringan": "kode=U&desa=73.26.01.2002"})
    assert _list(queued.ws)["dpt.csv::4"]["tanggal_lahir"] == "1995-01-11"
    assert _status(queued.ws)["k-u-tgl"] == "diterima" and _status(queued.ws)["k-u-nama"] == "terbuka"


def test_reject_needs_a_reason_and_decides_nothing_without_one(queued, dump_db):
    client = queued.client("disdukcapil")
    before = dump_db(queued.ws)
    response = client.post("/tinjau/putus/", {"kunci": ["k-u-nama"], "putusan": "tolak", "alasan": "  "})
    page = response.content.decode()
    assert response.status_code == 200 and "Alasan keputusan wajib diisi" in page
    assert 'value="k-u-nama" checked' in page  # the ticks are kept for a second try
    after = dump_db(queued.ws)
    # The queue shown again is a view of personal data: the access log has it (issue 13).
    assert [r[5] for r in after.pop("store_accesslog")] == ["antrean-tinjau"]
    before.pop("store_accesslog")
    assert after == before  # (the session row is the same: the login came first)
    client.post("/tinjau/putus/", {"kunci": ["k-u-nama"], "putusan": "tolak", "alasan": "Nama sudah benar"})
    assert _status(queued.ws)["k-u-nama"] == "ditolak"
    assert _list(queued.ws)["dpt.csv::3"]["nama"] == "YOHANIS PATIKU"
    # Deciding it again is refused with the library's message, shown on the page.
    again = client.post("/tinjau/putus/", {"kunci": ["k-u-nama"], "putusan": "terima", "alasan": "x"})
    assert "Tidak ada temuan terbuka" in again.content.decode()


def test_undo_restores_the_list_and_the_history_says_so(queued, dump_db):
    client = queued.client("disdukcapil")
    original = dump_db(queued.ws)["store_voter"]
    client.post("/tinjau/putus/", {"kunci": ["k-tms1", "k-u-nama", "k-b"], "putusan": "terima", "alasan": "ok"})
    seq = _decision_seq(client.get("/tinjau/").content.decode())
    refused = client.post("/tinjau/batal/", {"peristiwa": seq, "alasan": ""}, follow=True).content.decode()
    assert "wajib diisi" in refused and "dpt.csv::2" not in _list(queued.ws)
    page = client.post("/tinjau/batal/", {"peristiwa": seq, "alasan": "Salah pilih"}, follow=True).content.decode()
    assert f"Keputusan #{seq} dibatalkan" in page
    assert dump_db(queued.ws)["store_voter"] == original
    assert set(_status(queued.ws).values()) == {"terbuka"}
    assert f"dibatalkan oleh #{seq + 1}" in page
    # the history names each kind in Bahasa Indonesia (store/events.py's labels)
    assert f"Keputusan temuan dibatalkan #{seq}" in page and "Temuan diterima" in page
    twice = client.post("/tinjau/batal/", {"peristiwa": seq, "alasan": "lagi"}, follow=True).content.decode()
    assert "sudah dibatalkan" in twice


def _decision_seq(page: str) -> int:
    return int(re.search(r'name="peristiwa" value="(\d+)"', page).group(1))


def _decision_history(ws) -> None:
    """Accepted, undone, rejected (one finding), and every TMS-1 accepted."""
    from pemilih.store.review import Selection, accept, reject, undo
    who = {"actor": "uji", "agency": "DISDUKCAPIL", "reason": "uji"}
    first = accept(ws, Selection(keys=("k-u-nama",)), **who)
    undo(ws, first.event_seq, **who)
    reject(ws, Selection(keys=("k-u-nama",)), **who)
    accept(ws, Selection(code="TMS-1"), **who)


def test_queue_status_agrees_with_the_library(queued):
    from pemilih.web.views.review import queue, standing
    _decision_history(queued.ws)
    verdicts = {"accept": "diterima", "reject": "ditolak", None: "terbuka"}
    shown = {r["finding_key"]: verdicts[r["verdict"]] for r in standing(queue()).values("finding_key", "verdict")}
    assert shown == _status(queued.ws)
    assert [r.finding_key for r in queue(status="terbuka")] == ["k-u-tgl", "k-b"]


@pytest.mark.parametrize("role,allowed", [("panitia", False), ("kpu", False), ("pemantau", False),
                                          ("dpml", True), ("disdukcapil", True), ("admin", True)])
def test_who_reviews(queued, role, allowed):
    client = queued.client(role, kode_desa="73.26.01.2001" if role == "panitia" else "")
    assert (client.get("/tinjau/").status_code == 200) == allowed
    response = client.post("/tinjau/putus/", {"kunci": ["k-tms1"], "putusan": "terima", "alasan": "x"})
    assert (response.status_code == 302) == allowed
    assert ("dpt.csv::2" in _list(queued.ws)) != allowed


def test_review_needs_an_agreement(website, maker):
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.kpu(LIST, name="dpt.csv"), **WHO)
    response = website.client("disdukcapil").get("/tinjau/")
    assert response.status_code == 403 and "perjanjian" in response.content.decode()


def test_dpmls_agreement_unlocks_nothing_for_disdukcapil(website, maker):
    """Issue 13: any valid agreement unlocked full-NIK pages and files for every role."""
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.kpu(LIST, name="dpt.csv"), **WHO)
    agree(website.ws, "1/PKS/UJI")  # KPU-DPML
    assert website.client("dpml").get("/pemilih/").status_code == 200
    disdukcapil = website.client("disdukcapil")
    for url in ("/pemilih/", "/tinjau/", "/verifikasi/"):
        response = disdukcapil.get(url)
        assert response.status_code == 403, url
        assert "perjanjian berbagi data KPU-DISDUKCAPIL" in response.content.decode(), url
    agree(website.ws, "2/PKS/UJI", recipient="DISDUKCAPIL")
    assert disdukcapil.get("/pemilih/").status_code == 200


def test_an_agreement_without_an_element_of_the_export_is_refused_naming_it(website, maker):
    from pemilih.contract import KPU_COLUMNS
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.kpu(LIST, name="dpt.csv"), **WHO)
    agree(website.ws, "2/PKS/UJI", recipient="DISDUKCAPIL",
          elements=[c for c in KPU_COLUMNS if c not in ("nkk", "tanggal_lahir")])
    response = website.client("disdukcapil").get("/pemilih/")
    assert response.status_code == 403
    assert "Perjanjian 2/PKS/UJI tidak mengizinkan elemen data yang dimuat daftar pemilih: NKK, TANGGAL LAHIR" \
        in response.content.decode()


def test_the_in_memory_index_selects_what_the_sql_queue_selects(queued):
    from pemilih.web import review_index
    from pemilih.web.views.review import queue
    _decision_history(queued.ws)
    filters = [{}, {"status": "terbuka"}, {"status": "diterima"}, {"status": "ditolak"},
               {"code": "TMS-1"}, {"code": "U", "status": "terbuka"}, {"score_min": 0.5},
               {"score_max": 0.99, "status": "terbuka"}, {"kode_desa": "73.26.01.2001"}]
    for f in filters:
        assert review_index.select(**f) == list(queue(**f).values_list("id", flat=True)), f
    assert review_index.select(status="ditolak") != []  # the cases above are not all empty


def test_dpmls_agreement_does_not_unlock_a_disdukcapil_job_download(website, maker):
    """A finished verification job's file (full NIKs) is handed out only under Disdukcapil's own
    agreement allowing the findings' elements."""
    from django.contrib.auth.models import User

    from pemilih.store.receive import import_result
    from pemilih.web import jobs
    from pemilih.web.models import Job
    import_result(website.ws, maker.kpu(LIST, name="dpt.csv"), **WHO)
    agree(website.ws, "1/PKS/UJI")  # KPU-DPML only
    client = website.client("disdukcapil")
    user = User.objects.get(pk=client.session["_auth_user_id"])
    job = Job.objects.create(kind="verifikasi", params={"personal_data": "temuan"}, status=Job.DONE,
                             files=["findings.csv"], user=user)
    (jobs.output_dir(job) / "findings.csv").write_text("nik\n7326010101800001\n")
    url = f"/pekerjaan/{job.pk}/unduh/findings.csv"
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 403
        assert "KPU-DISDUKCAPIL" in response.content.decode()
    agree(website.ws, "2/PKS/UJI", recipient="DISDUKCAPIL")
    assert client.post(url).status_code == 200 or client.get(url).status_code == 200


# --- one line per proposal, opened on demand (issue 14) ------------------------------------------

def _lines(page: str) -> dict[str, str]:
    """finding_key -> its <details> element's HTML."""
    return dict(re.findall(r'<article class="finding" data-kunci="([^"]+)">\s*(<details.*?</details>)', page, re.S))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_queue_is_one_closed_line_per_proposal(queued):
    """Fifty cards, each with its evidence open, made a page 17,000 px tall. Now each proposal is
    one <summary> line (code and its meaning, village, name, masked NIK, status, the reason's
    first words), closed; opening it shows the evidence and that proposal's own form."""
    page = queued.client("disdukcapil").get("/tinjau/").content.decode()
    lines = _lines(page)
    assert list(lines) == ["k-tms1", "k-u-nama", "k-u-tgl", "k-b"]
    assert page.count("<summary") == 4 and page.count("<details") == 4
    assert all(not re.match(r"<details[^>]*\sopen", html) for html in lines.values())
    summaries = {k: _text(html.split("</summary>")[0]) for k, html in lines.items()}
    # by hand, from tests/handmade.py: who each proposal concerns, where (villages the region
    # reference lacks and the list does not name: their codes), with which code
    assert summaries["k-tms1"] == "TMS-1 meninggal 73.26.01.2001 NE RANTE 732601********** Terbuka Meninggal dunia"
    assert summaries["k-u-nama"] == ("U ubah data 73.26.01.2001 YOHANIS PATIKU 732601********** Terbuka "
                                     "Nama berbeda")
    assert summaries["k-b"].startswith("B pemilih baru ") and "LINA SAMPE 732601********** Terbuka" in summaries["k-b"]
    # the body: the evidence and a form deciding this proposal alone
    body = lines["k-u-nama"].split("</summary>")[1]
    assert 'class="evidence"' in body and "mirip" in body
    form = re.search(r'<form method="post" action="/tinjau/putus/"[^>]*>(.*?)</form>', body, re.S).group(1)
    assert 'name="kunci" value="k-u-nama"' in form and 'name="alasan"' in form
    assert 'name="putusan" value="terima"' in form and 'name="putusan" value="tolak"' in form
    # the ticks of the lines belong to the bulk form, which holds no line
    assert 'form="putusan" name="kunci" value="k-u-nama"' in page
    bulk = page.split('id="putusan"')[1].split("</form>")[0]
    assert "<details" not in bulk


def test_one_lines_own_form_decides_that_proposal_only(queued):
    client = queued.client("dpml")
    page = client.get("/tinjau/").content.decode()
    body = _lines(page)["k-u-tgl"].split("</summary>")[1]
    form = re.search(r"<form[^>]*>(.*?)</form>", body, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    response = client.post("/tinjau/putus/", {**fields, "alasan": "Sesuai akta kelahiran", "putusan": "tolak"})
    assert response.status_code == 302
    assert _status(queued.ws) == {"k-tms1": "terbuka", "k-u-nama": "terbuka", "k-u-tgl": "ditolak", "k-b": "terbuka"}
    # a refusal of one line's decision reopens that line, with the message
    again = client.post("/tinjau/putus/", {**fields, "alasan": " ", "putusan": "terima", "saringan": "status=semua"})
    assert re.search(r'<details id="usulan-\d+" open>', _lines(again.content.decode())["k-u-tgl"])


def test_a_nik_one_digit_apart_is_shown_by_position_and_digits(regency):
    """Both NIKs masked, the reviewer could not see the typing slip: voter 7's NIK on the list
    has its 15th digit changed (`_typo`). The queue names the position and the two digits,
    and shows no more of either NIK than the mask."""
    regency.client("disdukcapil").post("/verifikasi/", {"hari": "2027-03-17", "dps": "", "rezim": "PEMILU2024"})
    regency.run_jobs()
    listed, true = regency.facts["listed_nik_7"], regency.facts["true_nik_7"]
    said = f"digit ke-15: {listed[14]} ↔ {true[14]}"
    page = regency.client("dpml").get("/tinjau/").content.decode()
    u_nik = [html for html in _lines(page).values() if ">U</b>" in html and "<b>NIK</b>" in html]
    assert len(u_nik) == 1 and said in _text(u_nik[0])
    assert said in _text(u_nik[0].split("</summary>")[0])  # on the closed line already
    # in the side-by-side evidence, beside the NIK row
    assert f'NIK<br><span class="slip">{said}</span>' in u_nik[0]
    for nik in (listed, true):
        assert nik not in page and nik[6:14] not in page
    # a data-quality code has no entry in a code table: its line says what it is about
    [unknown] = [html for html in _lines(page).values() if ">NIK-NOT-FOUND</b>" in html]
    assert "NIK-NOT-FOUND NIK tidak terdaftar di data kependudukan" in _text(unknown.split("</summary>")[0])
