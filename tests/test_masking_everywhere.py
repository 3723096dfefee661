"""One known synthetic voter through every page, printed document, listing and message that
can show her: wherever her NIK or NKK appears it appears as `732601**********`, and nothing
shows more of them (no 7 consecutive digits of either, starting anywhere; no digits after the
asterisks, so no `7326**********01`), nor her birth date.

She is tests/webcoklit.py's NE' RANTE (NIK 7326014507890001, born 05-07-1989), her family's
NKK set to 7326010101010009. Which outputs must show her masked identifier is written here
by hand; the outputs come from the web application (Django test client), its jobs, the PDFs
(read back with pdftotext) and the command line.
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pemilih.cli import main

import webcoklit
from filemaker import KPU_HEADER, form_workbook, responses_workbook, write_csv
from filemaker import voter as kpu_voter
from webcoklit import AGREEMENT, A, agree

pytestmark = pytest.mark.postgres

NIK, NKK = "7326014507890001", "7326010101010009"
MASKED = "732601**********"
KEY = "dpt.csv::3"  # her row on the list
# Her birth date in every way it is written, and the date a finding proposes instead.
DATES = ["1989-07-05", "05-07-1989", "05/07/1989", "5 Juli 1989", "1989-05-07", "07-05-1989"]


def leaks(text: str) -> list[str]:
    """Everything in text that shows more of her than the masked form."""
    found = [w for ident in (NIK, NKK) for w in (ident[i:i + 7] for i in range(10)) if w in text]
    # Digits after asterisks (the 4+2 form `7326**********01`), unless they begin the next
    # masked identifier (two columns side by side in a PDF's text).
    found += re.findall(r"[0-9]{4}\*+[0-9]{2}|\*[0-9]+(?![0-9.,]*\*)", text)
    # Sixteen digits standing alone; not a run of digits inside a hexadecimal digest (the
    # package's manifest hash is shown, and one in forty has 16 decimal digits in a row).
    found += re.findall(r"(?<![0-9a-f])[0-9]{16}(?![0-9a-f])", text)
    return found + [d for d in DATES if d in text]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return "\n".join(subprocess.run(["pdftotext", *mode, str(path), "-"], check=True, capture_output=True,
                                    text=True).stdout for mode in (["-layout"], []))


def _list_rows() -> list[dict]:
    rows = webcoklit.list_rows()
    family = next(r["nkk"] for r in rows if r["nik"] == NIK)
    for r in rows:
        if r["nkk"] == family:
            r["nkk"] = NKK
    return rows


FINDINGS = ["source_ref", "nik", "code", "field", "current", "proposed", "registry_nik", "duplicate_of",
            "score", "reason", "finding_key", "evidence"]


def _findings() -> pl.DataFrame:
    """Hand-made findings about her: a birth date and an NKK to correct, and a note that
    carries her NIK in its reason (a findings file may hold anything)."""
    return pl.DataFrame([
        [KEY, NIK, "U", "TANGGAL LAHIR", "1989-07-05", "1989-05-07", NIK, None, "0.97", "Tanggal lahir berbeda",
         "k-tgl", ""],
        [KEY, NIK, "U", "NKK", NKK, "7326010101010017", NIK, None, "0.97", "NKK berbeda", "k-nkk", ""],
        [KEY, NIK, "TMS-4", None, None, None, NIK, None, "0.90", f"Ganda dengan NIK {NIK} di desa lain",
         "k-ganda", ""],
    ], schema=FINDINGS, orient="row")


def _registry(ws, maker) -> None:
    from pemilih.store.receive import import_result
    person = {"source_ref": "dk.csv::2", "file": "dk.csv", "sheet": "", "row": 2, "nik": NIK, "nkk": NKK,
              "nama": "NE' RANTE", "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1989-07-05",
              "jenis_kelamin": "P", "kode_wilayah": A}
    import_result(ws, maker.registry([person], name="dk.csv"), actor="D", agency="DISDUKCAPIL", reason="ekstrak")


@pytest.fixture
def world(website, maker, monkeypatch):
    """Her list (received), an agreement, the registry's record of her and findings about her."""
    from pemilih.store.receive import import_result
    from pemilih.store.review import load_findings
    from pemilih.web import tasks
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)
    import_result(website.ws, maker.kpu(_list_rows(), name="dpt.csv"), actor="Operator KPU", agency="KPU",
                  reason="DPT Pemilu 2024")
    agree(website.ws)
    agree(website.ws, "2/PKS/UJI", recipient="DISDUKCAPIL")  # Disdukcapil reviews under its own
    _registry(website.ws, maker)
    load_findings(website.ws, _findings(), actor="D", agency="DISDUKCAPIL", reason="verifikasi")
    return website


def _page(client, url: str, data=None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _download(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _job(site, client, response) -> tuple[object, dict[str, str]]:
    """Run the job a form queued; its page and status fragment."""
    from pemilih.web.models import Job
    assert response.status_code == 302 and response["Location"].startswith("/pekerjaan/"), response
    site.run_jobs()
    job = Job.objects.get(pk=int(response["Location"].split("/")[2]))
    pages = {f"job {job.kind}": _page(client, f"/pekerjaan/{job.pk}/"),
             f"job {job.kind} status": _page(client, f"/pekerjaan/{job.pk}/status/")}
    return job, pages


def test_every_page_and_document_shows_her_masked(world, tmp_path):
    dpml, kpu, disdukcapil = world.client("dpml"), world.client("kpu"), world.client("disdukcapil")
    committee = world.client("panitia", kode_desa=A)
    out: dict[str, str] = {}
    shows_her: list[str] = []  # outputs that must show her masked identifier

    # The voter list and the review queue with the side-by-side evidence.
    out["voter list"] = _page(dpml, "/pemilih/")
    out["voter list of her village"] = _page(dpml, f"/pemilih/?desa={A}")
    out["review queue"] = _page(disdukcapil, "/tinjau/")
    out["review queue U"] = _page(dpml, "/tinjau/?kode=U")
    shows_her += ["voter list", "voter list of her village", "review queue", "review queue U"]
    cards = [out[label].split('data-kunci="k-tgl"')[1].split("data-kunci=")[0]
             for label in ("review queue", "review queue U")]
    assert all("NE&#x27; RANTE" in card for card in cards)  # the side-by-side evidence is there
    out["verification page"] = _page(disdukcapil, "/verifikasi/")

    # The public look-up.
    out["public look-up"] = _page(world.client(None), "/cek", {"nik": NIK})
    assert "N** R****" in out["public look-up"]

    # Upload: the pre-flight report of a file with her NIK twice and once as Excel's number.
    rows = [kpu_voter(1, NIK=NIK, NKK=NKK), kpu_voter(2, NIK=NIK), kpu_voter(3, NIK="7.32601450789E+15")]
    upload = SimpleUploadedFile("dpt_baru.csv", write_csv(tmp_path / "dpt_baru.csv", KPU_HEADER, rows).read_bytes())
    out["upload report"] = _page(kpu, "/unggah/", {"berkas": upload})
    assert "NIK-DUPLICATE" in out["upload report"]
    shows_her.append("upload report")

    # Coklit: her NIK typed again as a new voter is a conflict, named on the outcome page.
    from pemilih.io.coklit_fill import fill_workbook
    shared = tmp_path / "coklit.xlsx"
    shared.write_bytes(_download(dpml.post(f"/coklit/{A}/unduh/")))
    fill_workbook(shared, tmp_path / "kembali.xlsx", statuses={"dpt.csv::4": "TMS-5"},
                  new_voters=[{"nik": NIK, "nama": "NE' RANTE", "tanggal_lahir": "05-07-1989"}])
    out["coklit outcome"] = _page(committee, "/coklit/kumpul/", {
        "berkas": SimpleUploadedFile("kembali.xlsx", (tmp_path / "kembali.xlsx").read_bytes())})
    assert "sudah ada di daftar" in out["coklit outcome"]
    # ... and typed as a number Excel kept (a new voter whose NIK lost its last digit): refused.
    fill_workbook(shared, tmp_path / "angka.xlsx", new_voters=[
        {"nik": f"{NIK}.0", "nama": "NE' RANTE", "tanggal_lahir": "05-07-1989"},
        {"nik": "7.32601450789E+15", "nama": "NE' RANTE", "tanggal_lahir": "05-07-1989"}])
    out["coklit refusal"] = _page(committee, "/coklit/kumpul/", {
        "berkas": SimpleUploadedFile("angka.xlsx", (tmp_path / "angka.xlsx").read_bytes())})
    assert "Ditolak" in out["coklit refusal"]
    out["coklit page"] = _page(dpml, "/coklit/")
    shows_her += ["coklit outcome", "coklit refusal"]

    # Pilkalem: an election with one voter per TPS (her family is too big for one: a warning
    # naming its NKK), the DPS and DPT set as jobs, their announcements and the logistics.
    day = timezone.localdate()
    created = dpml.post("/pilkalem/buat/", {
        "kode": "PK27", "nama": "Pilkalem Serentak 2027", "rezim": "PILKALEM", "dps": day.isoformat(),
        "hari": (day + timedelta(days=90)).isoformat(), "maks_tps": "1", "cakupan": "pilih", "desa": [A],
        "alasan": "SK Bupati"})
    assert created.status_code == 302
    files: dict[str, bytes] = {}
    for stage in ("DPS", "DPT"):  # the DPS is due today; the DPT, set today too, says why
        form = {"alasan_jadwal": "Uji: DPT pada hari DPS"} if stage == "DPT" else {}
        job, pages = _job(world, dpml, dpml.post(f"/pilkalem/PK27/tetapkan/{stage}/", form))
        assert job.status == job.DONE, job.message
        out.update({f"{k} {stage}": v for k, v in pages.items()})
        shows_her.append(f"job {job.kind} {stage}")  # the TPS warning names her family's NKK
        files[f"announcement {stage}"] = _download(dpml.post(f"/pilkalem/PK27/{A}/pengumuman/{stage}/"))
        if stage == "DPT":
            [logistics] = [n for n in job.files if n.endswith(".pdf")]
            files["logistics"] = _download(dpml.post(f"/pekerjaan/{job.pk}/unduh/{logistics}"))
            continue
        # Public responses to the DPS (taken until the DPT is set): her NIK as Excel's number in
        # an addition, and typed where a kind belongs.
        sheet = responses_workbook(tmp_path / "tanggapan.xlsx", [
            {"JENIS": "TAMBAH", "NIK": f"{NIK}.0", "BUKTI": "KTP-el"},
            {"JENIS": NIK, "KUNCI": KEY, "BUKTI": "KTP-el"}],
            ["JENIS", "KUNCI", "NIK", "KODE", "KOLOM", "NILAI BARU", "BUKTI"])
        refused = dpml.post("/pilkalem/PK27/tanggapan/",
                            {"berkas": SimpleUploadedFile(sheet.name, sheet.read_bytes())})
        out["responses refused"] = refused.content.decode()
        assert refused.status_code == 400 and "kolom JENIS" in out["responses refused"]
    shows_her.append("responses refused")
    out["pilkalem list"] = _page(dpml, "/pilkalem/")
    out["pilkalem detail"] = _page(dpml, "/pilkalem/PK27/")
    shows_her += ["announcement DPS", "announcement DPT"]

    # Hand-back: the minutes inside the package.
    job, pages = _job(world, dpml, dpml.post("/serah/", {
        "periode": "2027-Q1", "perjanjian": AGREEMENT, "rezim": "PILKALEM", "tanggal": day.isoformat(),
        "tempat": "Rantepao"}))
    assert job.status == job.DONE, job.message
    out.update(pages)
    [package] = job.files
    with zipfile.ZipFile(io.BytesIO(_download(dpml.post(f"/pekerjaan/{job.pk}/unduh/{package}")))) as z:
        files["hand-back minutes"] = z.read("berita_acara.pdf")
    out["hand-back page"] = _page(dpml, "/serah/")

    # The Rakor recap and its report.
    out["recap"] = _page(disdukcapil, "/rekap/")
    files["rakor report"] = _download(disdukcapil.get("/rekap/unduh/pdf/"))

    for label, data in files.items():
        out[label] = pdf_text(data, tmp_path)
    out["home"] = _page(dpml, "/beranda/")

    missing = [label for label in shows_her if MASKED not in out[label]]
    shown = {label: found for label, text in out.items() if (found := leaks(text))}
    assert (missing, shown) == ([], {}), f"not masked: {missing}; more than masked: {shown}"
    # The birth date on the queue as in `pemilih review daftar`: the year only.
    assert all(card.count("**-**-1989") == 4 for card in cards)  # current, proposed, list, registry


def test_command_line_listings_show_her_masked(website, maker, store_location, monkeypatch, tmp_path, capsys):
    # `pemilih check`: her NIK on two rows, and a number Excel wrote in a NIK cell.
    book = form_workbook(tmp_path / "dpt.xlsx", {"001": [kpu_voter(1, NIK=NIK, NKK=NKK), kpu_voter(2, NIK=NIK),
                                                         kpu_voter(3)]},
                         numeric_nik={2: float(NIK)})
    assert main(["check", str(book)]) == 1
    report = capsys.readouterr().out
    assert "NIK-DUPLICATE" in report and "NIK-FLOAT" in report
    assert main(["check", "--json", str(book)]) == 1
    as_json = capsys.readouterr().out
    # `pemilih review daftar`, over findings about her.
    from pemilih.store.receive import import_result
    from pemilih.store.review import load_findings
    import_result(website.ws, maker.kpu(_list_rows(), name="dpt.csv"), actor="KPU", agency="KPU", reason="awal")
    _registry(website.ws, maker)
    load_findings(website.ws, _findings(), actor="D", agency="DISDUKCAPIL", reason="verifikasi")
    monkeypatch.setenv("DATABASE_URL", store_location[1])
    assert main(["review", "daftar", "--workspace", str(store_location[0])]) == 0
    listing = capsys.readouterr().out
    assert "k-tgl" in listing and "**-**-1989" in listing
    out = {"check report": report, "check json": as_json, "review listing": listing}
    missing = [label for label in out if MASKED not in out[label]]
    shown = {label: found for label, text in out.items() if (found := leaks(text))}
    assert (missing, shown) == ([], {}), f"not masked: {missing}; more than masked: {shown}"


def test_messages_show_her_masked(website, monkeypatch, tmp_path, capsys):
    from argparse import Namespace

    from pemilih.commands import check as check_command
    from pemilih.commands.common import guarded
    from pemilih.engine import check as engine_check
    from pemilih.store.changes import ChangeError
    from pemilih.web.models import Job
    out = {}

    def fail(exc):
        def action(*_):
            raise exc
        return action

    # Errors at the command line's boundaries whose text carries her NIK and NKK.
    monkeypatch.setattr(engine_check, "check", fail(RuntimeError(f"nilai {NIK} dan {NKK}.0 tidak terduga")))
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [kpu_voter(1)])
    assert check_command.run(Namespace(files=[str(path)], jenis=None, json=False)) == 2
    out["check error"] = capsys.readouterr().err
    assert guarded(fail(ChangeError(f"NIK {NIK} sudah ada")))(Namespace()) == 1
    out["command refusal"] = capsys.readouterr().err
    assert guarded(fail(KeyError(f"NKK {NKK}")))(Namespace()) == 2
    out["command failure"] = capsys.readouterr().err
    # Failed jobs: an expected error is shown on the job page, an unexpected one goes to the log.
    from pemilih.web import tasks
    monkeypatch.setitem(tasks.HANDLERS, "uji-ditolak", ("uji", fail(ValueError(f"NIK {NIK} (NKK {NKK}) ditolak"))))
    monkeypatch.setitem(tasks.HANDLERS, "uji-rusak", ("uji", fail(RuntimeError(f"NIK {NIK} rusak"))))
    refused, broken = Job.objects.create(kind="uji-ditolak", params={}), Job.objects.create(kind="uji-rusak", params={})
    capsys.readouterr()
    website.run_jobs()
    refused.refresh_from_db(), broken.refresh_from_db()
    assert refused.status == broken.status == Job.FAILED
    assert broken.message == "Kesalahan tak terduga: RuntimeError"
    out["failed job"], out["server log"] = refused.message, capsys.readouterr().err
    missing = [label for label in out if MASKED not in out[label]]
    shown = {label: found for label, text in out.items() if (found := leaks(text))}
    assert (missing, shown) == ([], {}), f"not masked: {missing}; more than masked: {shown}"
