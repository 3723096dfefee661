"""An election's papers from its page (issue 14): per village the committee's SK and BA of the
DPS and the DPT, the officers' copies and invitations of the DPT's TPS, the TPS register for
DPML; and the set-list job's zips of the papers it printed into subfolders.

Ground truth is written by hand or comes from the generated list (maker.generated_kpu: voter i,
named `PEMILIH i`, lives in village 73.26.01.(2001 + i % 15), spelled `LEMBANG <i % 15>`, with a
NIK of 16 digits), and which voter sits at which TPS from the stored list, never from the views.
"""
from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from test_web_election import _set

from webcoklit import agree

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
N, CAP = 150, 4  # 10 voters a village, at most 4 a TPS: three TPS each
SAME_DAY = "Uji: DPT pada hari DPS"  # the DPS is scheduled today: a DPT today is outside its period
# The villages are not in the region reference: their committees are named after the list's spelling.
COMMITTEE = {A: "Panitia Pemilihan Kepala Lembang Lembang 0", B: "Panitia Pemilihan Kepala Lembang Lembang 1"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def _first_number(kind_code: str) -> str:
    """A village committee's first paper of a kind this year, set today (the default pattern)."""
    today = timezone.localdate()
    return f"001/{kind_code}/PANITIA/{ROMAN[today.month - 1]}/{today.year}"


@pytest.fixture
def site(website, maker, monkeypatch):
    from pemilih.store.receive import import_result
    from pemilih.web import tasks
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)  # no worker processes for a few PDFs
    import_result(website.ws, maker.generated_kpu(N), actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    return website


def _create(client, code="PK27"):
    return client.post("/pilkalem/buat/", {
        "kode": code, "nama": "Pilkalem Serentak 2027", "rezim": "PILKALEM",
        "hari": (timezone.localdate() + timedelta(days=90)).isoformat(), "dps": timezone.localdate().isoformat(),
        "maks_tps": str(CAP), "cakupan": "pilih", "desa": [A, B], "alasan": "SK Bupati"})




def _text(body: bytes, tmp_path, name: str) -> str:
    """pdftotext of a downloaded PDF, words joined by single spaces."""
    assert body.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def _filename(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def _number(text: str) -> str:
    return re.search(r"NOMOR:? (\S+)", text, re.I)[1]


def _voters_at(kode: str) -> dict[int, list[str]]:
    """TPS -> names of the DPT's voters there, from the stored list."""
    from pemilih.store.models import ElectionList, ElectionVoter
    dpt = ElectionList.objects.filter(stage="DPT").order_by("-id").first()
    found: dict[int, list[str]] = {}
    for tps, name in ElectionVoter.objects.filter(list=dpt, kode_desa=kode).order_by("position").values_list(
            "tps_number", "nama"):
        found.setdefault(tps, []).append(name)
    return found


def test_a_committee_downloads_its_own_villages_sk_dps_with_the_number_the_job_printed(site, tmp_path):
    from pemilih.web import jobs
    dpml = site.client("dpml")
    _create(dpml)
    job = _set(site, dpml, "DPS")
    # the job zipped its folder of decisions: listed on its page, one SK and one BA per village
    assert "keputusan_DPS_PK27.zip" in job.files
    assert "keputusan_DPS_PK27.zip" in dpml.get(f"/pekerjaan/{job.pk}/").content.decode()
    with zipfile.ZipFile(jobs.output_dir(job) / "keputusan_DPS_PK27.zip") as z:
        names = sorted(z.namelist())
        printed = {n: z.read(n) for n in names}
    assert [n.split("_")[:3] for n in names] == [["BA", "DPS", "7326012001"], ["BA", "DPS", "7326012002"],
                                                 ["SK", "DPS", "7326012001"], ["SK", "DPS", "7326012002"]]
    zipped = dpml.post(f"/pekerjaan/{job.pk}/unduh/keputusan_DPS_PK27.zip")
    assert zipped.status_code == 200
    [job_sk_a] = [n for n in names if n.startswith("SK_DPS_7326012001")]
    job_text = _text(printed[job_sk_a], tmp_path, "job.pdf")

    panitia = site.client("panitia", kode_desa=A)
    page = panitia.get("/pilkalem/PK27/").content.decode()
    assert f"/pilkalem/PK27/{A}/keputusan/DPS/sk/" in page and f"/pilkalem/PK27/{A}/keputusan/DPS/ba/" in page
    assert "/hari-pemungutan/" not in page  # no DPT yet
    own = panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPS/sk/")
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert _filename(own) == job_sk_a
    text = _text(own.content, tmp_path, "sk.pdf")
    assert COMMITTEE[A] in text and COMMITTEE[B] not in text
    assert _number(text) == _number(job_text) == _first_number("SK-DPS")
    assert "NIP." in text and not SIXTEEN_DIGITS.search(text)
    minutes = _text(panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPS/ba/").content, tmp_path, "ba.pdf")
    assert COMMITTEE[A] in minutes and _number(minutes) == _first_number("BA-DPS")
    assert not SIXTEEN_DIGITS.search(minutes)
    # printed again: the same number, none issued anew
    from pemilih.store import events
    from pemilih.store.models import Event
    issued = Event.objects.filter(kind=events.DOCUMENT_ISSUED).count()
    again = _text(panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPS/sk/").content, tmp_path, "sk2.pdf")
    assert _number(again) == _first_number("SK-DPS")
    assert Event.objects.filter(kind=events.DOCUMENT_ISSUED).count() == issued
    # another village's papers, a download by GET, a stage not set, a paper that does not exist
    assert panitia.post(f"/pilkalem/PK27/{B}/keputusan/DPS/sk/").status_code == 403
    assert panitia.get(f"/pilkalem/PK27/{A}/keputusan/DPS/sk/").status_code == 405
    assert panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPT/sk/").status_code == 404
    assert panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPS/x/").status_code == 404
    # DPML prints any village's; village B's committee is its own
    other = _text(dpml.post(f"/pilkalem/PK27/{B}/keputusan/DPS/sk/").content, tmp_path, "b.pdf")
    assert COMMITTEE[B] in other and _number(other) == _first_number("SK-DPS")


def test_the_dpt_pack_per_village_names_its_tps_voters_and_is_logged(site, tmp_path):
    from pemilih.store.models import AccessLog
    from pemilih.web import jobs
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS")
    job = _set(site, dpml, "DPT", alasan_jadwal=SAME_DAY)
    assert {"keputusan_DPT_PK27.zip", "hari_pemungutan_PK27.zip"} <= set(job.files)
    listed = dpml.get(f"/pekerjaan/{job.pk}/").content.decode()
    assert "keputusan_DPT_PK27.zip" in listed and "hari_pemungutan_PK27.zip" in listed
    with zipfile.ZipFile(jobs.output_dir(job) / "keputusan_DPT_PK27.zip") as z:
        assert sorted(n[:17] for n in z.namelist() if n.startswith("SK_")) == ["SK_DPT_7326012001",
                                                                              "SK_DPT_7326012002"]
    with zipfile.ZipFile(jobs.output_dir(job) / "hari_pemungutan_PK27.zip") as z:
        packed = {n: z.read(n) for n in z.namelist()}
    assert "DAFTAR_TPS_PK27.pdf" in packed
    at = _voters_at(A)
    assert len(at) == 3 and sum(len(v) for v in at.values()) == 10
    job_copy = next(body for n, body in packed.items() if n.endswith("SALINAN_DPT_KPPS_7326012001_TPS001.pdf"))

    panitia = site.client("panitia", kode_desa=A)
    page = panitia.get("/pilkalem/PK27/").content.decode()
    assert f"/pilkalem/PK27/{A}/hari-pemungutan/salinan-kpps/" in page
    assert f"/pilkalem/PK27/{A}/keputusan/DPT/sk/" in page
    assert "/daftar-tps/" not in page  # the register is DPML's
    assert panitia.get(f"/pilkalem/PK27/{A}/hari-pemungutan/salinan-kpps/").status_code == 405
    before = AccessLog.objects.count()
    copies = panitia.post(f"/pilkalem/PK27/{A}/hari-pemungutan/salinan-kpps/")
    assert copies.status_code == 200 and copies["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(copies.content)) as z:
        assert sorted(z.namelist()) == [f"SALINAN_DPT_KPPS_7326012001_TPS{t:03d}.pdf" for t in sorted(at)]
        for tps, names in at.items():
            text = _text(z.read(f"SALINAN_DPT_KPPS_7326012001_TPS{tps:03d}.pdf"), tmp_path, f"c{tps}.pdf")
            assert re.findall(r"PEMILIH \d+\b", text) == names
            assert "Hadir" in text and "NIP." in text and not SIXTEEN_DIGITS.search(text)
            if tps == 1:  # the number the job printed on the same TPS's copy
                assert _number(text) == _number(_text(job_copy, tmp_path, "j.pdf")) == _first_number("SAL-DPT")
    invitations = panitia.post(f"/pilkalem/PK27/{A}/hari-pemungutan/undangan/")
    assert invitations.status_code == 200
    with zipfile.ZipFile(BytesIO(invitations.content)) as z:
        assert sorted(z.namelist()) == [f"UNDANGAN_7326012001_TPS{t:03d}.pdf" for t in sorted(at)]
        for tps, names in at.items():
            text = _text(z.read(f"UNDANGAN_7326012001_TPS{tps:03d}.pdf"), tmp_path, f"u{tps}.pdf")
            assert sorted(set(re.findall(r"PEMILIH \d+\b", text))) == sorted(names)
            assert not SIXTEEN_DIGITS.search(text)
    logged = [(r.action, r.rows, r.scope.get("desa")) for r in AccessLog.objects.order_by("id")[before:]]
    assert logged == [("unduh-hari-pemungutan", 10, A)] * 2
    # another village's pack, a kind that does not exist
    assert panitia.post(f"/pilkalem/PK27/{B}/hari-pemungutan/undangan/").status_code == 403
    assert panitia.post(f"/pilkalem/PK27/{A}/hari-pemungutan/x/").status_code == 404


def test_dpml_downloads_the_tps_register_and_a_committee_cannot(site, tmp_path):
    dpml = site.client("dpml")
    _create(dpml)
    _set(site, dpml, "DPS", pengumuman="0")
    assert "/pilkalem/PK27/daftar-tps/" not in dpml.get("/pilkalem/PK27/").content.decode()  # no DPT yet
    assert dpml.post("/pilkalem/PK27/daftar-tps/").status_code == 404
    _set(site, dpml, "DPT", pengumuman="0", alasan_jadwal=SAME_DAY)
    assert "/pilkalem/PK27/daftar-tps/" in dpml.get("/pilkalem/PK27/").content.decode()
    assert dpml.get("/pilkalem/PK27/daftar-tps/").status_code == 405
    register = dpml.post("/pilkalem/PK27/daftar-tps/")
    assert register.status_code == 200 and _filename(register) == "DAFTAR_TPS_PK27.pdf"
    text = _text(register.content, tmp_path, "tps.pdf")
    today = timezone.localdate()
    assert _number(text) == f"001/DAF-TPS/DPML/{ROMAN[today.month - 1]}/{today.year}"
    assert "Dinas Pemberdayaan Masyarakat" in text and "NIP." in text and not SIXTEEN_DIGITS.search(text)
    assert site.client("panitia", kode_desa=A).post("/pilkalem/PK27/daftar-tps/").status_code == 403


def test_papers_of_a_list_set_without_printing_need_the_agreement_for_voters_names(website, maker, tmp_path):
    """Lists set from the command line without an output folder: the web prints (and numbers)
    the papers on the first download; the pack names voters and needs an agreement in force."""
    from pemilih.cycle import election
    from pemilih.cycle.common import Who
    from pemilih.store.receive import import_result
    ws = website.ws
    import_result(ws, maker.generated_kpu(N), actor="uji", agency="KPU", reason="uji")
    today = timezone.localdate()
    election.create(ws, election.CreateRequest("PK27", "Pilkalem Serentak 2027", today + timedelta(days=90), today,
                                               (A, B), Who("uji", "DPML", "SK Bupati"), max_per_tps=CAP))
    for stage in ("DPS", "DPT"):
        election.set_list(ws, election.SetListRequest("PK27", stage, None, Who("uji", "DPML", "Pleno"),
                                                      schedule_reason=SAME_DAY))
    panitia = website.client("panitia", kode_desa=A)
    sk = panitia.post(f"/pilkalem/PK27/{A}/keputusan/DPT/sk/")  # no voter named: no agreement needed
    assert sk.status_code == 200
    assert _number(_text(sk.content, tmp_path, "sk.pdf")) == _first_number("SK-DPT")
    refused = panitia.post(f"/pilkalem/PK27/{A}/hari-pemungutan/salinan-kpps/")
    assert refused.status_code == 403 and "perjanjian" in refused.content.decode().lower()
    agree(ws, "1/PKS/UJI")
    assert panitia.post(f"/pilkalem/PK27/{A}/hari-pemungutan/salinan-kpps/").status_code == 200
