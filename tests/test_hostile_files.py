"""Hostile and unusual files (tests/hostile.py) answered with a reason per file or row, never a
crash or a hang: through the bounds (io/bounds.py), the child processes that read (io/isolated.py),
`pemilih check` and every upload of the web application.

Which family must be refused, and with which words, is written here by hand; a file the old
readers took whole (A1 and XFD1048576: calamine's 549 GB grid) aborted the process.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import hostile
from filemaker import KPU_HEADER, form_workbook, voter, write_csv

# Words each family's reason must hold (Bahasa Indonesia), so that a person knows what to do.
REASONS = {
    "sparse": "kolom ke-16.384",
    "sparse-hidden": "kolom ke-16.384",
    "entities": "DOCTYPE/ENTITY",
    "zip-bomb": "bom zip",
    "many-entries": "terlalu banyak bagian",
    "truncated": "terpotong",
    "encrypted": "kata sandi",
    "old-xls": "",  # an .xls with no sheet: read (calamine opens .xls) and found empty
    "csv-as-xlsx": "isinya berkas teks (CSV?)",
    "html-as-xlsx": "isinya halaman HTML",
    "pdf-as-xlsx": "isinya dokumen PDF",
    "binary-csv": "bukan berkas CSV: isinya gambar PNG",
    "utf16-as-xlsx": "UTF-16",
    "empty": "kosong",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return hostile.corpus(tmp_path_factory.mktemp("hostile"))


# --- the bounds, before anything is unfolded ----------------------------------------------------

def test_every_hostile_workbook_is_refused_before_it_is_unfolded(corpus):
    from pemilih.io import bounds
    for family in ("sparse", "sparse-hidden", "entities", "zip-bomb", "many-entries", "truncated", "encrypted",
                   "csv-as-xlsx", "html-as-xlsx", "pdf-as-xlsx", "utf16-as-xlsx", "empty"):
        reason = bounds.refusal(str(corpus[family]))
        assert reason and REASONS[family] in reason, (family, reason)


def test_real_workbooks_and_lists_pass_the_bounds(tmp_path):
    from pemilih.io import bounds
    rows = [voter(i) for i in range(1, 40)]
    book = form_workbook(tmp_path / "desa.xlsx", {"TPS 001": rows[:20], "TPS 002": rows[20:]})
    flat = hostile.good_list(tmp_path / "dpt.xlsx")
    csv = write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)
    assert [bounds.refusal(str(p)) for p in (book, flat, csv)] == [None, None, None]


def test_a_wide_but_honest_sheet_passes_and_a_far_cell_in_a_tall_one_does_not(tmp_path):
    """Thirty columns (AD) over 1,000 rows is a list; one cell at row 1,000,000 of column AD is not."""
    from pemilih.io import bounds
    cols = [bounds_col(i) for i in range(1, 31)]
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in cols) + "</row>"
                   for r in range(1, 1001))
    assert bounds.refusal(str(hostile.raw_xlsx(tmp_path / "lebar.xlsx", rows))) is None
    far = rows + '<row r="1000000"><c r="AD1000000"><v>1</v></c></row>'
    reason = bounds.refusal(str(hostile.raw_xlsx(tmp_path / "jauh.xlsx", far)))
    assert reason and "30.000.000 sel" in reason


def bounds_col(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


# --- the child processes: a dead or stuck reader costs its own file ----------------------------

def test_a_reader_that_dies_costs_its_own_file_and_the_others_are_read(tmp_path):
    from pemilih.io import isolated
    items = ["a", "abort", "b", "kill", "c"]
    with isolated.Pool(2, seconds=20) as pool:
        out = list(pool.map(hostile.crash_on, items))
    assert out[0] == out[2] == out[4] == "ok"
    assert isinstance(out[1], isolated.Failed) and "memori" in out[1].reason
    assert isinstance(out[3], isolated.Failed)


def test_a_reader_that_runs_too_long_is_stopped_with_the_reason():
    from pemilih.io import isolated
    started = time.monotonic()
    with isolated.Pool(1, seconds=1) as pool:
        out = list(pool.map(hostile.crash_on, ["spin", "a"]))
    assert isinstance(out[0], isolated.Failed) and "batas waktu" in out[0].reason
    assert out[1] == "ok"
    assert time.monotonic() - started < 30


def test_a_reader_over_its_memory_is_stopped_with_the_reason():
    from pemilih.io import isolated
    with isolated.Pool(1, memory=400 * 1024 * 1024, seconds=30) as pool:
        out = list(pool.map(hostile.crash_on, ["hog", "a"]))
    assert isinstance(out[0], isolated.Failed) and "memori" in out[0].reason
    assert out[1] == "ok"


def test_six_far_cell_workbooks_in_one_collect_come_back_unreadable(tmp_path):
    """The defect: six such workbooks hung the collect's multiprocessing.Pool for good."""
    from pemilih.io.coklit_workbook import read_many
    paths = [hostile.sparse_sheet(tmp_path / f"desa{i}.xlsx") for i in range(6)]
    books = list(read_many(paths, processes=2))
    assert [b.name for b in books] == [p.name for p in paths]
    assert all(b.unreadable and "kolom ke-16.384" in b.unreadable for b in books)


# --- pemilih check -----------------------------------------------------------------------------

def _check(*paths, jenis="kpu"):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "pemilih", "check", "--json", "--jenis", jenis, *map(str, paths)],
                          capture_output=True, text=True, timeout=300, env=env)


def test_pemilih_check_answers_every_hostile_file_with_its_reason(corpus):
    done = _check(*corpus.values())
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    by_file = {e["file"]: e for e in report["errors"] if e["code"] == "FILE-UNREADABLE"}
    for family, path in corpus.items():
        assert path.name in by_file, family
        assert REASONS[family] in by_file[path.name]["reason"], (family, by_file[path.name]["reason"])


def test_pemilih_check_of_the_far_cell_workbook_alone_exits_2_with_the_reason(tmp_path):
    done = _check(hostile.sparse_sheet(tmp_path / "jarang.xlsx"))
    assert done.returncode == 2 and -done.returncode != signal.SIGABRT
    assert "kolom ke-16.384" in json.loads(done.stdout)["errors"][0]["reason"]


def test_pemilih_check_names_each_bad_row(tmp_path):
    done = _check(hostile.bad_rows(tmp_path / "baris.xlsx"))
    assert done.returncode == 1, done.stderr
    found = {(e["source_ref"], e["code"]) for e in json.loads(done.stdout)["errors"]}
    for row, code in [(3, "NAMA-FORMULA"), (4, "ALAMAT-FORMULA"), (5, "TEMPAT-LAHIR-FORMULA"), (6, "NAMA-EMPTY"),
                      (7, "NAMA-DIGITS"), (8, "NIK-REGION"), (10, "NIK-DATE"), (11, "NIK-SERIAL"),
                      (12, "NKK-LENGTH"), (13, "DESA-MISMATCH")]:
        assert (f"baris.xlsx:DPT:{row}", code) in found, (row, code)
    assert not any(ref == "baris.xlsx:DPT:2" for ref, _ in found)


def test_a_utf16_text_export_is_read(tmp_path):
    done = _check(hostile.utf16_text(tmp_path / "unicode.txt", [voter(1), voter(2)]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["rows"] == 2


# --- the web uploads ---------------------------------------------------------------------------

def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.mark.postgres
def test_the_list_upload_answers_each_hostile_file_with_its_reason(website, corpus):
    client = website.client("kpu")
    for family, path in corpus.items():
        response = client.post("/unggah/", {"berkas": _upload(path)})
        page = response.content.decode()
        assert response.status_code == 200, family
        assert "TIDAK TERBACA" in page.upper() or "tidak dapat dibaca" in page, family
        assert REASONS[family] in page.replace("&#x27;", "'").replace("&quot;", '"'), family


@pytest.mark.postgres
def test_a_hostile_coklit_upload_is_answered_and_the_queue_goes_on(website, maker, tmp_path):
    from pemilih.web.models import Job

    from webcoklit import agree, receive
    receive(website.ws, maker)
    agree(website.ws)
    client = website.client("dpml")
    # a few at once: collected in the request, each answered
    few = [hostile.sparse_sheet(tmp_path / "a.xlsx"), hostile.billion_laughs(tmp_path / "b.xlsx")]
    page = client.post("/coklit/kumpul/", {"berkas": [_upload(p) for p in few]})
    text = page.content.decode()
    assert page.status_code == 200 and "Tidak dapat dibaca" in text and "kolom ke-16.384" in text
    # six at once: a job, which ends, and the job after it runs too
    six = [hostile.sparse_sheet(tmp_path / f"desa{i}.xlsx") for i in range(6)]
    first = client.post("/coklit/kumpul/", {"berkas": [_upload(p) for p in six]})
    assert first.status_code == 302
    second = client.post("/coklit/kumpul/", {"berkas": [_upload(p) for p in six]})
    assert second.status_code == 302
    assert website.run_jobs() == 2
    jobs = list(Job.objects.filter(kind="kumpul").order_by("pk"))
    assert [j.status for j in jobs] == [Job.DONE, Job.DONE], [j.message for j in jobs]
    assert all(j.message == "6 lembar kerja: Tidak dapat dibaca 6." for j in jobs)


@pytest.mark.postgres
def test_a_hostile_responses_sheet_is_answered_on_the_page(website, maker, monkeypatch, tmp_path):
    from test_web_election import N, _create, _set

    from pemilih.store.receive import import_result
    from pemilih.web import tasks

    from webcoklit import agree
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)
    import_result(website.ws, maker.generated_kpu(N), actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    dpml = website.client("dpml")
    _create(dpml)
    _set(website, dpml, "DPS")
    for make, words in ((hostile.sparse_sheet, "kolom ke-16.384"), (hostile.billion_laughs, "DOCTYPE"),
                        (hostile.zip_bomb, "bom zip")):
        path = make(tmp_path / "tanggapan.xlsx")
        answer = dpml.post("/pilkalem/PK27/tanggapan/", {"berkas": _upload(path)})
        assert answer.status_code == 400 and words in answer.content.decode(), make.__name__


# --- upload sizes, per kind ----------------------------------------------------------------------

@pytest.mark.postgres
def test_an_upload_over_its_kinds_size_is_refused_with_the_reason(website, maker, monkeypatch, tmp_path):
    from pemilih.web import uploads
    monkeypatch.setitem(uploads.SIZE_LIMITS, uploads.LIST, (1000, 1500, "daftar pemilih"))
    monkeypatch.setitem(uploads.SIZE_LIMITS, uploads.COKLIT, (500, 500, "lembar kerja coklit"))
    kpu = website.client("kpu")
    big = SimpleUploadedFile("dpt.csv", b"NIK,NAMA\n" + b"7326,A\n" * 200)
    refused = kpu.post("/unggah/", {"berkas": big})
    assert refused.status_code == 413 and "terlalu besar" in refused.content.decode()
    two = [SimpleUploadedFile(f"d{i}.csv", b"NIK,NAMA\n" + b"7326,A\n" * 120) for i in range(2)]
    together = kpu.post("/unggah/", {"berkas": two})
    assert together.status_code == 413 and "sekali unggah" in together.content.decode()
    from webcoklit import agree, receive
    receive(website.ws, maker)
    agree(website.ws)
    dpml = website.client("dpml")
    coklit = dpml.post("/coklit/kumpul/", {"berkas": SimpleUploadedFile("desa.xlsx", b"PK" * 300)})
    assert coklit.status_code == 413 and "lembar kerja coklit" in coklit.content.decode()


@pytest.mark.postgres
def test_a_request_body_over_every_limit_is_refused_unread(website, monkeypatch):
    from pemilih.domain import limits
    monkeypatch.setattr(limits, "UPLOAD_REQUEST_BYTES", 2000)
    kpu = website.client("kpu")
    response = kpu.post("/unggah/", {"berkas": SimpleUploadedFile("dpt.csv", b"x" * 5000)})
    assert response.status_code == 400


def test_the_limits_are_written_once():
    """The pages take their sizes from web/uploads.py, which takes them from domain/limits.py."""
    root = Path(__file__).resolve().parent.parent / "src" / "pemilih" / "web"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"MAX_UPLOAD\s*=\s*\d", text), path


def test_a_reader_stuck_without_using_cpu_is_stopped(monkeypatch):
    """A parser out of memory halfway may block instead of dying: no CPU used for a while is stuck."""
    from pemilih.io import isolated
    monkeypatch.setattr(isolated, "STALL_SECONDS", 2)
    started = time.monotonic()
    with isolated.Pool(2, seconds=600) as pool:
        out = list(pool.map(hostile.stuck_on, ["a", "stuck", "b", "c"]))
    assert out[0] == out[2] == out[3] == "ok"
    assert isinstance(out[1], isolated.Failed)
    assert time.monotonic() - started < 60
