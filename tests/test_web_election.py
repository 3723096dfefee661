"""The village-head election (Pilkalem) in the browser: create, DPS job, responses, DPT with
TPS, and the per-village downloads, scoped by village.

Ground truth comes from the generated list (maker.generated_kpu: voter i lives in village
73.26.01.(2001 + i % 15)) and from hand-written response sheets, never from the views.
"""
from __future__ import annotations

import math
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
import xlsxwriter
from django.utils import timezone
from python_calamine import CalamineWorkbook

from webcoklit import agree

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
N, CAP = 150, 4
HEADER = ["JENIS", "KUNCI", "NIK", "KODE", "KOLOM", "NILAI BARU", "BUKTI"]
SAME_DAY = "Uji: DPT pada hari DPS"  # the DPS is scheduled today: a DPT today is outside its period


@pytest.fixture
def site(website, maker, monkeypatch):
    from pemilih.store.receive import import_result
    from pemilih.web import tasks
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)  # no worker processes for a few PDFs
    website.generated = maker.generated_kpu(N)
    import_result(website.ws, website.generated, actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    return website


def _voters_in(site, *villages) -> list[dict]:
    return [r for r in site.generated.records.to_dicts() if r["kode_desa"] in villages]


def _create(client, code="PK27", **over):
    form = {"kode": code, "nama": "Pilkalem Serentak 2027", "rezim": "PILKALEM",
            "hari": (timezone.localdate() + timedelta(days=90)).isoformat(), "dps": timezone.localdate().isoformat(),
            "maks_tps": str(CAP), "cakupan": "pilih", "desa": [A, B], "alasan": "SK Bupati"}
    form.update(over)
    return client.post("/pilkalem/buat/", form)


def _set(site, client, stage, code="PK27", **form):
    from pemilih.web.models import Job
    answer = client.post(f"/pilkalem/{code}/tetapkan/{stage}/", form)
    assert answer.status_code == 302 and answer["Location"].startswith("/pekerjaan/")
    assert site.run_jobs() == 1
    job = Job.objects.get(pk=int(answer["Location"].split("/")[2]))
    assert job.status == Job.DONE, job.message
    return job


def _sheet(rows: list[dict], name="tanggapan.xlsx", header=HEADER):
    from django.core.files.uploadedfile import SimpleUploadedFile
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Tanggapan")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [row.get(h, "") for h in header])
    book.close()
    return SimpleUploadedFile(name, buffer.getvalue())


def test_dpml_creates_an_election_and_a_bad_form_creates_nothing(site):
    from pemilih.store.models import Election
    dpml = site.client("dpml")
    wrong = _create(dpml, dps=(timezone.localdate() + timedelta(days=200)).isoformat())
    assert wrong.status_code == 400 and "sesudah hari pemungutan" in wrong.content.decode()
    assert not Election.objects.exists()
    made = _create(dpml)
    assert made.status_code == 302 and made["Location"] == "/pilkalem/PK27/"
    e = Election.objects.get(code="PK27")
    assert (e.villages, e.max_per_tps, e.regime) == ([A, B], CAP, "PILKALEM")
    # every village of the generated list is a lembang (code 2xxx): "all" takes all 15
    assert _create(dpml, code="SEMUA", cakupan="semua", desa=[]).status_code == 302
    assert len(Election.objects.get(code="SEMUA").villages) == 15
    listing = dpml.get("/pilkalem/").content.decode()
    assert "PK27" in listing and "SEMUA" in listing
    # a committee neither creates one nor sees an election without its village
    panitia = site.client("panitia", kode_desa="73.26.01.2009")
    assert _create(panitia, code="X").status_code == 403
    page = panitia.get("/pilkalem/").content.decode()
    assert "SEMUA" in page and "PK27" not in page
    assert panitia.get("/pilkalem/PK27/").status_code == 404


def test_dps_job_sets_the_list_of_the_elections_villages(site):
    from pemilih.store.models import ElectionList, ElectionVoter
    from pemilih.web import jobs
    dpml = site.client("dpml")
    _create(dpml)
    job = _set(site, dpml, "DPS")
    expected = _voters_in(site, A, B)
    assert len(expected) == 20  # 150 voters over 15 villages
    made = ElectionList.objects.get(stage="DPS")
    assert made.voters == len(expected)
    stored = set(ElectionVoter.objects.filter(list=made).values_list("key", flat=True))
    assert stored == {r["source_ref"] for r in expected}
    assert {"DPS_PK27.xlsx", "pengumuman_DPS_PK27.zip"} <= set(job.files)
    assert job.result["list"] == made.pk
    # the job's files are downloadable from its page
    assert dpml.post(f"/pekerjaan/{job.pk}/unduh/DPS_PK27.xlsx").status_code == 200
    page = dpml.get("/pilkalem/PK27/").content.decode()
    assert f"/pilkalem/PK27/{A}/pengumuman/DPS/" in page and f"/pilkalem/PK27/{B}/pengumuman/DPS/" in page
    # a village's announcement is the one the job printed (also in the job's zip)
    assert dpml.get(f"/pilkalem/PK27/{A}/pengumuman/DPS/").status_code == 405  # a download is a POST
    pdf = dpml.post(f"/pilkalem/PK27/{A}/pengumuman/DPS/")
    name = pdf["Content-Disposition"].split('filename="')[1].rstrip('"')
    with zipfile.ZipFile(jobs.output_dir(job) / "pengumuman_DPS_PK27.zip") as printed:
        assert printed.read(name) == b"".join(pdf.streaming_content)
    assert name.startswith("DPS_7326012001_")
    # both downloads are in the access log, with the rows each held (issue 13)
    from pemilih.store.models import AccessLog
    logged = [(r.action, r.rows, r.scope.get("desa"), r.scope.get("daftar")) for r in AccessLog.objects.order_by("id")]
    assert logged == [("unduh-hasil-pekerjaan", len(expected), None, None),
                      ("unduh-pengumuman", len([r for r in expected if r["kode_desa"] == A]), A, "DPS")]


def test_responses_with_a_bad_cell_are_refused_whole_with_the_cell_named(site):
    from pemilih.store.models import Event, Voter
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS")
    first, second = (r["source_ref"] for r in _voters_in(site, A)[:2])
    events = Event.objects.count()
    bad = dpml.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([
        {"JENIS": "HAPUS", "KUNCI": first, "KODE": "TMS-1", "BUKTI": "Akta kematian"},
        {"JENIS": "PINDAH", "KUNCI": second, "BUKTI": "Surat"},
    ])})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "tanggapan.xlsx:Tanggapan:3 kolom JENIS" in page and "Tanggapan:2" not in page
    assert Event.objects.count() == events and Voter.objects.filter(key=first).exists()
    good = dpml.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([
        {"JENIS": "HAPUS", "KUNCI": first, "KODE": "TMS-1", "BUKTI": "Akta kematian"},
        {"JENIS": "UBAH", "KUNCI": second, "KOLOM": "NAMA", "NILAI BARU": "YOHANIS", "BUKTI": "KTP-el"}])})
    assert good.status_code == 302
    assert not Voter.objects.filter(key=first).exists()
    assert Voter.objects.get(key=second).nama == "YOHANIS"
    # a file that is no workbook is answered on the page, not with an error page
    junk = dpml.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([])})
    assert junk.status_code == 400 and "tidak ada baris" in junk.content.decode()


def test_a_committee_answers_only_for_its_own_village(site):
    from pemilih.store.models import Event
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS")
    other = _voters_in(site, B)[0]["source_ref"]
    events = Event.objects.count()
    panitia = site.client("panitia", kode_desa=A)
    refused = panitia.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([
        {"JENIS": "HAPUS", "KUNCI": other, "KODE": "TMS-1", "BUKTI": "Akta kematian"}])})
    assert refused.status_code == 400
    assert "tanggapan.xlsx:Tanggapan:2 kolom KUNCI/NIK" in refused.content.decode()
    assert Event.objects.count() == events


def test_a_committee_adds_a_voter_in_its_village_with_the_values_judged(site):
    """KODE DESA written undotted is the committee's own village; the values are stored as the
    list stores them (domain judges), a bad one refuses the file naming row and column."""
    from pemilih.store.models import Voter
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS")
    panitia = site.client("panitia", kode_desa=A)
    header = ["JENIS", "NIK", "KODE DESA", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "RT", "BUKTI"]
    new = {"JENIS": "TAMBAH", "NIK": "7326014101059999", "KODE DESA": "7326012001", "NAMA": "lina  sampe",
           "TANGGAL LAHIR": "01/01/2005", "JENIS KELAMIN": "perempuan", "RT": "3", "BUKTI": "KTP-el"}
    bad = panitia.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([{**new, "RT": "3A"}], header=header)})
    assert bad.status_code == 400 and "tanggapan.xlsx:Tanggapan:2 kolom RT: RT &#x27;3A&#x27;" in bad.content.decode()
    answer = panitia.post("/pilkalem/PK27/tanggapan/", {"berkas": _sheet([new], header=header)})
    assert answer.status_code == 302
    voter = Voter.objects.get(nik="7326014101059999")
    assert (voter.kode_desa, voter.nama, voter.tanggal_lahir, voter.jenis_kelamin, voter.rt) == (
        A, "LINA SAMPE", "2005-01-01", "P", "003")


def test_dpt_job_assigns_tps_under_the_cap_with_logistics(site):
    from pemilih.store.models import ElectionList, ElectionVoter
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS")
    job = _set(site, dpml, "DPT", cadangan="10", alasan_jadwal=SAME_DAY)
    assert {"logistik.xlsx", "logistik.pdf", "DPT_PK27.xlsx"} <= set(job.files)
    made = ElectionList.objects.get(stage="DPT")
    rows = list(ElectionVoter.objects.filter(list=made).values_list("kode_desa", "tps_number", "jenis_kelamin"))
    assert len(rows) == 20
    per_tps: dict = {}
    for kode, tps, _ in rows:
        per_tps[(kode, tps)] = per_tps.get((kode, tps), 0) + 1
    assert max(per_tps.values()) <= CAP
    for village in (A, B):  # 10 voters each, at most 4 per TPS
        assert len([k for k in per_tps if k[0] == village]) >= math.ceil(10 / CAP)
    # the village's TPS table: TPS, L, P, total and ballots with a 10 % reserve per TPS
    table = dpml.get(f"/pilkalem/PK27/{A}/tps/")
    assert table.status_code == 200
    grid = CalamineWorkbook.from_filelike(BytesIO(table.content)).get_sheet_by_name("TPS").to_python()
    header = grid.index(next(r for r in grid if r and r[0] == "TPS"))
    body = [r for r in grid[header + 1:] if r[0] != "JUMLAH"]
    mine = {tps: n for (kode, tps), n in per_tps.items() if kode == A}
    assert {int(r[0]): int(r[3]) for r in body} == mine
    men = {tps: sum(1 for k, t, s in rows if k == A and t == tps and s == "L") for tps in mine}
    assert {int(r[0]): int(r[1]) for r in body} == men
    assert [int(r[5]) for r in body] == [mine[int(r[0])] + math.ceil(mine[int(r[0])] / 10) for r in body]
    # the summary on the page shows the same TPS
    page = dpml.get("/pilkalem/PK27/", {"desa": A}).content.decode()
    assert page.count("<td class=\"mono\">00") == len(mine)


def _tps_table(client, village: str) -> dict[int, tuple[int, int]]:
    """TPS -> (voters, reserve) of the village's TPS table as downloaded."""
    table = client.get(f"/pilkalem/PK27/{village}/tps/")
    assert table.status_code == 200
    grid = CalamineWorkbook.from_filelike(BytesIO(table.content)).get_sheet_by_name("TPS").to_python()
    header = grid.index(next(r for r in grid if r and r[0] == "TPS"))
    return {int(r[0]): (int(r[3]), int(r[4])) for r in grid[header + 1:] if r[0] != "JUMLAH"}


def test_a_list_set_from_the_command_line_keeps_its_ballot_reserve(site, tmp_path, monkeypatch):
    """Issue 11: the reserve of a list lived only in the web job that set it, so a DPT set from
    the command line with 10 % showed the default 2.5 % in its TPS table. Now the list keeps the
    reserve, code table and TPS cap it was set with, whoever set it."""
    from pemilih.cli import main
    from pemilih.store.models import ElectionList
    dpml = site.client("dpml")
    _create(dpml)
    if site.ws.url:  # the command reaches the same store (PostgreSQL) as the server
        monkeypatch.setenv("DATABASE_URL", site.ws.url)
    common = ["--kode", "PK27", "--workspace", str(site.ws.path), "--tanpa-pengumuman", "--tanpa-daftar"]
    assert main(["election", "dps", "--out", str(tmp_path / "dps"), *common]) == 0
    assert main(["election", "dpt", "--out", str(tmp_path / "dpt"), "--cadangan", "10", *common,
                 "--alasan-jadwal", SAME_DAY]) == 0
    site.ws.activate()
    made = ElectionList.objects.get(stage="DPT")
    assert (made.reserve_percent, made.regime, made.max_per_tps) == ("10", "PILKALEM", CAP)
    assert ElectionList.objects.get(stage="DPS").reserve_percent is None  # none given: the preset's
    table = _tps_table(dpml, A)
    assert table and all(reserve == math.ceil(voters * 10 / 100) for voters, reserve in table.values())


def test_an_elections_reserve_is_what_its_lists_are_set_with(site):
    dpml = site.client("dpml")
    assert _create(dpml, cadangan="20").status_code == 302
    _set(site, dpml, "DPS")
    table = _tps_table(dpml, B)
    assert table and all(reserve == math.ceil(voters * 20 / 100) for voters, reserve in table.values())
    assert _create(dpml, code="SALAH", cadangan="seratus").status_code == 400


def test_a_committee_downloads_its_own_village_only(site):
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS", pengumuman="0")  # printed on demand then
    panitia = site.client("panitia", kode_desa=A)
    own = panitia.post(f"/pilkalem/PK27/{A}/pengumuman/DPS/")
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    assert "7326012001" in own["Content-Disposition"]
    assert panitia.get(f"/pilkalem/PK27/{B}/pengumuman/DPS/").status_code == 403
    assert panitia.get(f"/pilkalem/PK27/{B}/tps/").status_code == 403
    page = panitia.get("/pilkalem/PK27/").content.decode()
    assert A in page and B not in page
    # the list is only DPML's to set
    assert panitia.post("/pilkalem/PK27/tetapkan/DPT/").status_code == 403


# --- issue 12: villages, DPTb by regime, stage dates --------------------------------------------------

def test_a_committee_of_a_village_outside_every_election_is_told_so(site):
    _create(site.client("dpml"))  # A and B only
    page = site.client("panitia", kode_desa="73.26.01.2009").get("/pilkalem/").content.decode()
    assert "Desa 73.26.01.2009 tidak menyelenggarakan pemilihan" in page and "PK27" not in page
    assert "tidak menyelenggarakan" not in site.client("panitia", kode_desa=A).get("/pilkalem/").content.decode()


def test_the_page_shows_the_schedule_and_a_list_off_it_needs_the_reason_asked_for(site, tmp_path):
    import subprocess

    from pemilih.store.models import ElectionList, Event
    from pemilih.web.models import Job
    dpml = site.client("dpml")
    today = timezone.localdate()
    dps_day = today + timedelta(days=10)
    made = _create(dpml, dps=dps_day.isoformat(), tanggapan=(dps_day + timedelta(days=4)).isoformat())
    assert made.status_code == 302
    page = dpml.get("/pilkalem/PK27/").content.decode()
    shown = {k: page.split(f'id="jadwal-{k}">')[1].split("</dd>")[0] for k in ("dps", "pengumuman", "tanggapan", "dpt")}
    assert shown == {"dps": f"{dps_day:%d-%m-%Y}",
                     "pengumuman": f"{dps_day:%d-%m-%Y} s.d. {dps_day + timedelta(days=2):%d-%m-%Y}",
                     "tanggapan": f"{dps_day + timedelta(days=4):%d-%m-%Y}",
                     "dpt": f"{dps_day + timedelta(days=5):%d-%m-%Y}"}
    assert 'name="alasan_jadwal"' in page  # the DPS is due in ten days: its form asks why now
    assert _create(dpml, code="HARIINI").status_code == 302  # the DPS due today: nothing to ask
    assert 'name="alasan_jadwal"' not in dpml.get("/pilkalem/HARIINI/").content.decode()
    refused = dpml.post("/pilkalem/PK27/tetapkan/DPS/", {"pengumuman": "0"})
    assert refused.status_code == 400 and f"DPS dijadwalkan ditetapkan pada {dps_day:%d-%m-%Y}" in \
        refused.content.decode()
    assert not Job.objects.exists()
    _set(site, dpml, "DPS", pengumuman="0", alasan_jadwal="Pleno dimajukan")
    event = Event.objects.get(pk=ElectionList.objects.get(stage="DPS").event_id)
    assert event.payload["schedule_reason"] == "Pleno dimajukan"
    # the notice printed on demand names the regency, its period and the deadline
    pdf = dpml.post(f"/pilkalem/PK27/{A}/pengumuman/DPS/")
    path = tmp_path / "dps.pdf"
    path.write_bytes(b"".join(pdf.streaming_content))
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Kabupaten Toraja Utara" in text and f"{(dps_day + timedelta(days=4)).year}" in text
    assert "paling lambat" in text
    _set(site, dpml, "DPT", pengumuman="0", alasan_jadwal="Pleno dimajukan")
    page = dpml.get("/pilkalem/PK27/").content.decode()
    assert "PILKALEM tidak mengenal DPTb" in page and "/tetapkan/DPTb/" not in page
    dptb = dpml.post("/pilkalem/PK27/tetapkan/DPTb/")
    assert dptb.status_code == 400 and "tidak mengenal DPTb" in dptb.content.decode()
