"""The Rakor dashboard (rekap/): its numbers, charts, comparison, exports and access.

Ground truth: a hand-made regency of 3 voters whose counts are known (one TMS-1 accepted,
one new voter, one correction), and, for a larger list, the library's own recap
(store/recap.py), which the page must show unchanged.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from filemaker import set_election_list

pytestmark = pytest.mark.postgres

RANTEPAO, SESEAN = "73.26.01.2001", "73.26.02.2001"
WHO = {"actor": "uji", "agency": "DPML", "reason": "uji rakor"}


def _row(i: int, kode_desa: str, kecamatan: str, desa: str, sex: str, name: str = "rows.csv") -> dict:
    return {"source_ref": f"{name}::{i + 2}", "file": name, "sheet": "", "row": i + 2,
            "kecamatan": kecamatan, "desa": desa, "kode_desa": kode_desa, "tps": "001", "no": str(i + 1),
            "nkk": f"73260110010{i:05d}", "nik": f"7326014505{90 + i % 9}{i:04d}"[:16],
            "nama": f"PEMILIH {i}", "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1990-05-05",
            "status_kawin": "S", "jenis_kelamin": sex, "alamat": "DUSUN 1", "rt": "001", "rw": "001",
            "disabilitas": None, "ktp_el": "S", "keterangan": None}


def _current(key: str) -> dict:
    from pemilih.store import changes
    return changes.voters([key]).get(key)


def _tiny(ws, maker):
    """A (L) and B (P) in Rantepao, C (L) in Sesean; then A removed as TMS-1, D (P) added in
    Sesean, B's name corrected."""
    from pemilih.store import changes, projection
    from pemilih.store.receive import import_result
    rows = [_row(0, RANTEPAO, "RANTEPAO", "LEMBANG SATU", "L"), _row(1, RANTEPAO, "RANTEPAO", "LEMBANG SATU", "P"),
            _row(2, SESEAN, "SESEAN", "LEMBANG DUA", "L")]
    import_result(ws, maker.kpu(rows, name="rows.csv"), actor="uji", agency="KPU", reason="uji")
    a, b = _current("rows.csv::2"), _current("rows.csv::3")
    new = changes.new_voter_row(changes.new_voter_key("7326015505990099"), 99, {
        "kecamatan": "SESEAN", "desa": "LEMBANG DUA", "kode_desa": SESEAN, "nik": "7326015505990099",
        "nama": "PEMILIH BARU", "jenis_kelamin": "P", "ktp_el": "S"})
    changes.record(projection.REVIEW_ACCEPTED, [changes.remove(a, "TMS-1", "akta kematian"),
                                                changes.set_value(b, "nama", "PEMILIH SATU"),
                                                changes.add(new, "pemilih baru")], **WHO)
    return rows


TMS = ["tms_1", "tms_2", "tms_3", "tms_4", "tms_5", "tms_6", "tms_7", "tms_8"]  # PEMILU2024


def _expected_tiny() -> dict[str, dict[str, int]]:
    """Counted by hand from _tiny (L, P apart)."""
    zero = {f"{m}_{s}": 0 for m in ["awal", "baru", *TMS, "tms", "ubah", "akhir"] for s in "lp"}
    rantepao = {**zero, "awal_l": 1, "awal_p": 1, "tms_1_l": 1, "tms_l": 1, "ubah_p": 1, "akhir_p": 1}
    sesean = {**zero, "awal_l": 1, "baru_p": 1, "akhir_l": 1, "akhir_p": 1}
    total = {k: rantepao[k] + sesean[k] for k in zero}
    return {"73.26.01": rantepao, "73.26.02": sesean, "JUMLAH": total}


def _cells(page: str) -> dict[str, dict[str, int]]:
    """{row code: {measure: number}} from the dashboard's table (data-kode / data-m)."""
    out = {}
    for code, body in re.findall(r'<tr data-kode="([^"]*)">(.*?)</tr>', page, re.S):
        out[code] = {m: int(v.replace(".", "").replace("-", "0") or 0)
                     for m, v in re.findall(r'data-m="([^"]+)">([\d.]+)<', body)}
    return out


def _query(extra: str = "") -> str:
    today = timezone.localdate()
    return f"?dari={today - timedelta(days=1):%Y-%m-%d}&sampai={today:%Y-%m-%d}&rezim=PEMILU2024{extra}"


# --- the numbers ----------------------------------------------------------------------------

def test_tiny_regency_counts_known_by_hand(website, maker):
    _tiny(website.ws, maker)
    page = website.client("pemantau").get("/rekap/" + _query())
    assert page.status_code == 200
    cells = _cells(page.content.decode())
    for code, expected in _expected_tiny().items():
        row = cells[code]
        for m in ["awal", "akhir"]:
            assert (row[f"{m}_l"], row[f"{m}_p"]) == (expected[f"{m}_l"], expected[f"{m}_p"]), (code, m)
            assert row[f"{m}_jml"] == expected[f"{m}_l"] + expected[f"{m}_p"]
        for m in ["baru", "tms", "ubah"]:
            assert row[f"{m}_jml"] == expected[f"{m}_l"] + expected[f"{m}_p"], (code, m)
        for i, t in enumerate(TMS):
            assert row[f"tms-{i}"] == expected[f"{t}_l"] + expected[f"{t}_p"], (code, t)
    # The cooperation after the hand-back has its section on the regency's page, not a kecamatan's.
    assert 'id="kerja-sama"' in page.content.decode() and "Pendidikan pemilih" in page.content.decode()
    assert 'id="kerja-sama"' not in website.client("pemantau").get("/rekap/73.26.02/" + _query()).content.decode()


def test_a_sex_correction_shows_as_such_on_the_page(website, maker):
    """C (L, Sesean) corrected to P: the page counts her as corrected to P, at the end as P."""
    from pemilih.store import changes, projection
    _tiny(website.ws, maker)
    changes.record(projection.REVIEW_ACCEPTED, [changes.set_value(_current("rows.csv::4"), "jenis_kelamin", "P",
                                                                  "KTP-el")], **WHO)
    client = website.client("kpu")
    cells = _cells(client.get("/rekap/" + _query()).content.decode())  # per kecamatan
    for code in ("73.26.02", "JUMLAH"):
        assert (cells[code]["jk_masuk_l"], cells[code]["jk_masuk_p"]) == (0, 1), code
    assert (cells["73.26.01"]["jk_masuk_l"], cells["73.26.01"]["jk_masuk_p"]) == (0, 0)
    village = _cells(client.get("/rekap/73.26.02/" + _query()).content.decode())[SESEAN]
    assert (village["jk_masuk_l"], village["jk_masuk_p"], village["akhir_l"], village["akhir_p"]) == (0, 1, 0, 2)


def test_kecamatan_drill_down_by_code_and_by_name(website, maker):
    _tiny(website.ws, maker)
    client = website.client("kpu")
    for wanted in ["73.26.02", "sesean", "SESEAN"]:
        page = client.get(f"/rekap/{wanted}/" + _query())
        assert page.status_code == 200, wanted
        cells = _cells(page.content.decode())
        assert set(cells) == {SESEAN, "JUMLAH"}
        assert cells[SESEAN]["akhir_jml"] == 2 and cells[SESEAN]["baru_jml"] == 1
        assert cells["JUMLAH"]["akhir_p"] == 1 and cells["JUMLAH"]["awal_jml"] == 1
    by_filter = client.get("/rekap/" + _query("&kecamatan=73.26.01"))
    assert set(_cells(by_filter.content.decode())) == {RANTEPAO, "JUMLAH"}
    missing = client.get("/rekap/TIDAK-ADA/" + _query())
    assert missing.status_code == 404 and "tidak ada" in missing.content.decode()


def _larger(ws, maker):
    """60 voters over 3 kecamatan and 6 villages; removals under several codes, additions,
    corrections, a move between villages."""
    from pemilih.store import changes, projection
    from pemilih.store.receive import import_result
    places = [("73.26.01.2001", "RANTEPAO", "PANTA"), ("73.26.01.2002", "RANTEPAO", "SINGKI"),
              ("73.26.02.2001", "SESEAN", "BORI"), ("73.26.02.2002", "SESEAN", "LEMPO"),
              ("73.26.03.2001", "SANGGALANGI", "PALAWA"), ("73.26.03.2002", "SANGGALANGI", "BUNTU")]
    rows = [_row(i, *places[i % 6], "LP"[i % 3 == 0]) for i in range(60)]
    import_result(ws, maker.kpu(rows, name="rows.csv"), actor="uji", agency="KPU", reason="uji")
    made = []
    for i, code in zip(range(0, 30, 3), ["TMS-1", "TMS-2", "TMS-3", "TMS-4", "TMS-5", "TMS-1", "TMS-8",
                                         "TMS-6", "TMS-7", "TMS-2"]):
        made.append(changes.remove(_current(f"rows.csv::{i + 2}"), code))
    for i in range(31, 40, 2):
        made.append(changes.set_value(_current(f"rows.csv::{i + 2}"), "alamat", "JL. BARU"))
    moved = _current("rows.csv::44")
    made.append(changes.set_value(moved, "kode_desa", "73.26.03.2001"))
    for j in range(4):
        kode, kec, desa = places[j]
        made.append(changes.add(changes.new_voter_row(changes.new_voter_key(f"73260155059900{j:02d}"), 100 + j, {
            "kecamatan": kec, "desa": desa, "kode_desa": kode, "nik": f"73260155059900{j:02d}",
            "jenis_kelamin": "LP"[j % 2], "ktp_el": "B" if j == 3 else "S"})))
    changes.record(projection.REVIEW_ACCEPTED, made, **WHO)


def test_page_shows_the_library_recap_unchanged(website, maker):
    from pemilih.contract import recap_tms_column as tms_column
    from pemilih.cycle.recap import period as recap
    _larger(website.ws, maker)
    today = timezone.localdate()
    library = recap(website.ws, today - timedelta(days=1), today, "PEMILU2024")
    # 10 removals and one move out (TMS-4); 4 added and the move in: the case is not empty
    assert library.total["tms_jml"] == 11 and library.total["baru_jml"] == 5
    page = website.client("dpml").get("/rekap/" + _query())
    cells = _cells(page.content.decode())
    measures = ["awal_l", "awal_p", "awal_jml", "baru_jml", "tms_jml", "ubah_jml", "akhir_l", "akhir_p",
                "akhir_jml"]
    codes = {"RANTEPAO": "73.26.01", "SESEAN": "73.26.02", "SANGGALANGI": "73.26.03"}
    assert library.kecamatan.height == 3
    for r in library.kecamatan.iter_rows(named=True):
        row = cells[codes[r["kecamatan"]]]
        assert {m: row[m] for m in measures} == {m: r[m] for m in measures}
        assert [row[f"tms-{i}"] for i in range(8)] == [r[f"{tms_column(c)}_jml"] for c in library.tms_codes]
    assert {m: cells["JUMLAH"][m] for m in measures} == {m: library.total[m] for m in measures}
    # one kecamatan's villages, likewise
    village_page = website.client("dpml").get("/rekap/73.26.03/" + _query()).content.decode()
    villages = _cells(village_page)
    for r in library.villages.filter(library.villages["kecamatan"] == "SANGGALANGI").iter_rows(named=True):
        assert {m: villages[r["kode_desa"]][m] for m in measures} == {m: r[m] for m in measures}


def test_recap_is_cached_until_a_new_event(website, maker, monkeypatch):
    from pemilih.store import history
    from pemilih.web import rakor
    _tiny(website.ws, maker)
    rakor.clear_cache()
    calls = []
    real = history.period
    monkeypatch.setattr(history, "period", lambda *a: calls.append(a) or real(*a))
    client = website.client("kpu")
    first = client.get("/rekap/" + _query()).content.decode()
    client.get("/rekap/73.26.01/" + _query())
    client.get("/rekap/" + _query().replace("PEMILU2024", "PILKALEM"))
    assert len(calls) == 1  # one replay for the period, whatever the page or code table
    from pemilih.store import changes, projection
    changes.record(projection.REVIEW_ACCEPTED, [changes.remove(_current("rows.csv::4"), "TMS-2")], **WHO)
    after = client.get("/rekap/" + _query()).content.decode()
    assert len(calls) == 2
    assert _cells(first)["JUMLAH"]["akhir_jml"] == 3 and _cells(after)["JUMLAH"]["akhir_jml"] == 2


def test_bad_period_is_shown_not_a_crash(website, maker):
    _tiny(website.ws, maker)
    client = website.client("kpu")
    backwards = client.get("/rekap/?dari=2026-12-31&sampai=2026-01-01")
    assert backwards.status_code == 200 and "sebelum tanggal awalnya" in backwards.content.decode()
    garbage = client.get("/rekap/?dari=kemarin")
    assert garbage.status_code == 200 and "tidak sah" in garbage.content.decode()


def test_empty_workspace_says_so(website):
    client = website.client("pemantau")
    page = client.get("/rekap/")
    assert page.status_code == 200 and "Belum ada daftar pemilih" in page.content.decode()
    dated = client.get("/rekap/?dari=2026-01-01&sampai=2026-01-31")
    assert dated.status_code == 200 and "Tidak ada data" in dated.content.decode()
    assert client.get("/rekap/banding/").status_code == 200
    assert client.get("/rekap/unduh/pdf/").status_code == 200  # the page saying why, not a file


# --- charts --------------------------------------------------------------------------------

def test_charts_are_accessible_inline_svg(website, maker):
    _tiny(website.ws, maker)
    page = website.client("kpu").get("/rekap/" + _query()).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg and 'role="img"' in svg
        assert re.search(r"<title id=[^>]+>[^<]+</title>", svg) and "<desc" in svg
        assert ">RANTEPAO</text>" in svg and ">SESEAN</text>" in svg
    voters, tms = svgs
    assert "SESEAN: Perempuan (P) 1</title>" in voters
    assert "RANTEPAO: Laki-laki (L) 0</title>" not in voters  # a zero draws no bar
    assert "RANTEPAO: TMS-1 meninggal 1</title>" in tms


def test_chart_bars_are_proportional():
    from pemilih.web import charts
    svg = charts.stacked_bars("Uji", [("A", [30, 10]), ("B", [10, 0])], charts.palette(["x", "y"]))
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="14"', svg)]
    assert len(widths) == 3
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01) and widths[2] == pytest.approx(widths[1], rel=0.01)
    assert "<b>" not in charts.stacked_bars("<b>", [("<i>", [1])], charts.palette(["&"]))  # escaped


# --- comparison ------------------------------------------------------------------------------

def test_comparison_of_a_month_a_range_and_a_stored_list(website, maker):
    from pemilih.store import elections
    from pemilih.web import rakor
    _tiny(website.ws, maker)
    today = timezone.localdate()
    e = elections.create(website.ws, code="PILKALEM-UJI", name="Uji", regime="PILKALEM",
                         voting_day=today + timedelta(days=60), dps_set_on=today, villages=[RANTEPAO, SESEAN],
                         max_per_tps=300, **WHO)
    made = set_election_list(website.ws, e, "DPS", actor="uji", agency="PANITIA", reason="uji")
    keys = [c["key"] for c in rakor.choices()]
    assert keys == [f"bulan-{today:%Y-%m}", f"daftar-{made.list.pk}"]
    page = website.client("pemantau").get("/rekap/banding/", {
        "p": keys, "dari": f"{today - timedelta(days=1):%Y-%m-%d}", "sampai": f"{today:%Y-%m-%d}",
        "rezim": "PILKALEM"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Daftar DPS PILKALEM-UJI" in html and "Bulan" in html
    totals = re.search(r"<table class=\"grid banding\">.*?</table>", html, re.S).group()
    akhir = re.search(r"<tr><td>Pemilih akhir</td>(.*?)</tr>", totals, re.S).group(1)
    values = re.findall(r'<td class="num">([^<]*)</td>', akhir)
    # DPS (3 voters, a moment) first, then the month and the range (3 at their end: no change)
    assert values == ["3", "", "3", "0", "3", "0"]
    baru = re.search(r"<tr><td>Pemilih baru \(B\)</td>(.*?)</tr>", totals, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', baru) == ["–", "", "1", "", "1", "0"]
    bad = website.client("kpu").get("/rekap/banding/", {"p": "bulan-2026-13"})
    assert bad.status_code == 200 and "Bulan tidak dikenal" in bad.content.decode()


# --- exports ---------------------------------------------------------------------------------

def test_xlsx_export_cell_by_cell(website, maker):
    import openpyxl
    _tiny(website.ws, maker)
    response = website.client("pemantau").get("/rekap/unduh/xlsx/" + _query())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rekap_')
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in book["Per Kecamatan"].iter_rows(values_only=True)]
    data = rows[5:]  # title, period, blank, two header rows
    # KECAMATAN, KODE KECAMATAN, JUMLAH DESA, JUMLAH TPS (B at TPS 001 in Rantepao, C at TPS 001 in
    # Sesean; D has no TPS), then L/P/JML of: awal, baru, TMS-1..8, JUMLAH TMS, U, belum KTP-el, akhir
    z = [0, 0, 0]
    assert data[0][:4] == ["RANTEPAO", "73.26.01", 1, 1]
    # (and, after U, the sex corrections in and out: none here)
    assert data[0][4:] == [1, 1, 2, *z, 1, 0, 1, *z * 7, 1, 0, 1, 0, 1, 1, *z, *z, *z, 0, 1, 1]
    assert data[1][:4] == ["SESEAN", "73.26.02", 1, 1]
    assert data[1][4:] == [1, 0, 1, 0, 1, 1, *z * 8, *z, *z, *z, *z, *z, 1, 1, 2]
    assert data[2][0] == "JUMLAH KABUPATEN" and data[2][3] == 2
    assert data[2][4:] == [2, 1, 3, 0, 1, 1, 1, 0, 1, *z * 7, 1, 0, 1, 0, 1, 1, *z, *z, *z, 1, 2, 3]
    assert len(data) == 3
    villages = [list(r) for r in book["Per Desa"].iter_rows(values_only=True)][5:]
    assert villages[0][:4] == ["RANTEPAO", "LEMBANG SATU", RANTEPAO, 1]
    assert villages[-1][0] == "JUMLAH KABUPATEN" and villages[-1][-3:] == [1, 2, 3]


def test_xlsx_export_of_one_kecamatan(website, maker):
    import openpyxl
    _tiny(website.ws, maker)
    response = website.client("kpu").get("/rekap/unduh/xlsx/" + _query("&kecamatan=73.26.02"))
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in book["Per Kecamatan"].iter_rows(values_only=True)]
    assert "SESEAN" in rows[0][0]
    assert [r[0] for r in rows[5:]] == ["SESEAN", "JUMLAH KABUPATEN"]
    assert rows[-1][-3:] == [1, 1, 2]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) tidak terpasang")
def test_pdf_report_has_the_totals_and_no_nik(website, maker, tmp_path):
    rows = _tiny(website.ws, maker)
    response = website.client("disdukcapil").get("/rekap/unduh/pdf/" + _query())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "rakor.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "LAPORAN RAPAT KOORDINASI" in text and "Halaman 1 dari 3" in text and "Halaman 3 dari 3" in text
    # The cooperation's sections, each saying nothing is recorded yet in this workspace.
    flat = " ".join(text.split())
    assert "Kerja sama KPU dan Pemerintah Daerah" in flat and "Program Desa Peduli Pemilu dan Pemilihan (DP3)" in flat
    assert "Kegiatan pendidikan pemilih: 0 kegiatan di 0 desa/lembang" in flat
    assert ("Pemilih awal 3 · baru 1 · TMS 1 · perbaikan data 1 (JK jadi L 0, jadi P 0) · belum KTP-el 0 · "
            "pemilih akhir 3 (L 1, P 2) di 2 TPS") in text
    total_line = next(line for line in text.splitlines() if line.strip().startswith("JUMLAH"))
    # JUMLAH, villages 2, TPS 2, awal 3, baru 1, TMS-1..8 (1 0 0 0 0 0 0 0), jml TMS 1, ubah 1, sex corrected
    # to L 0 and to P 0, without KTP-el 0, akhir L 1 P 2 jml 3
    assert total_line.split()[1:] == ["2", "2", "3", "1", "1", "0", "0", "0", "0", "0", "0", "0", "1", "1", "0", "0",
                                      "0", "1", "2", "3"]
    assert "RANTEPAO" in text and "SESEAN" in text and "Laki-laki (L)" in text
    for r in rows:
        assert r["nik"] not in text and r["nik"][:12] not in text
    assert not re.search(r"\d{16}", text)


def test_pdf_of_a_large_regency_pages_on(tmp_path):
    """More rows than a page holds: the table continues, every page numbered `i dari n`."""
    import polars as pl

    from pemilih.engine import recap as engine
    from pemilih.io.rakor_pdf import write_rakor_pdf
    from pemilih.store.recap import Recap, tms_codes
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext tidak terpasang")
    codes = tms_codes("PEMILU2024")
    state = pl.DataFrame({"key": [str(i) for i in range(400)],
                          "kecamatan": [f"KEC {i % 80:02d}" for i in range(400)],
                          "desa": [f"DESA {i % 160}" for i in range(400)],
                          "kode_desa": [f"73.26.{i % 80:02d}.{2000 + i % 160}" for i in range(400)],
                          "jenis_kelamin": ["LP"[i % 2] for i in range(400)], "ktp_el": ["S"] * 400})
    villages = engine.recap(state, state, pl.DataFrame(schema={"key": pl.String, "code": pl.String}),
                            pl.Series("key", [], dtype=pl.String), codes)
    result = Recap(date(2026, 1, 1), date(2026, 1, 31), "PEMILU2024", codes, villages,
                   engine.by_kecamatan(villages), engine.total(villages), 0)
    path = write_rakor_pdf(result, tmp_path / "r.pdf", title="Uji", printed_on=date(2026, 2, 1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    total = len([p for p in pages if p.strip()])
    assert total >= 4
    for i in range(1, total + 1):
        assert f"Halaman {i} dari {total}" in text
    assert all(f"KEC {k:02d}" in text for k in range(80))
    assert "JUMLAH" in text and "400" in text


# --- access ------------------------------------------------------------------------------------

URLS = ["/rekap/", "/rekap/73.26.01/", "/rekap/banding/", "/rekap/unduh/xlsx/", "/rekap/unduh/pdf/"]


def test_committee_is_refused_every_dashboard_url(website, maker):
    _tiny(website.ws, maker)
    client = website.client("panitia", kode_desa=RANTEPAO)
    for url in URLS:
        assert client.get(url + _query()).status_code == 403, url


@pytest.mark.parametrize("role", ["pemantau", "kpu", "dpml", "disdukcapil", "admin"])
def test_recap_roles_reach_every_dashboard_url_without_an_agreement(website, maker, role):
    _tiny(website.ws, maker)
    client = website.client(role)
    for url in URLS:
        assert client.get(url + _query()).status_code == 200, (role, url)
    assert website.client(None).get("/rekap/").status_code == 302



def test_warm_counts_the_default_period_ahead(website, maker, monkeypatch):
    from pemilih.store import history
    from pemilih.web import rakor
    _tiny(website.ws, maker)
    rakor.clear_cache()
    rakor.warm()
    monkeypatch.setattr(history, "period", lambda *a: pytest.fail("replayed again"))
    page = website.client("kpu").get("/rekap/")
    assert _cells(page.content.decode())["JUMLAH"]["akhir_jml"] == 3


def test_the_kecamatan_choice_runs_in_code_order_not_by_name(website, maker):
    """Issue 14: kecamatan in Kemendagri code order everywhere, the dashboard's choice too.
    Awan (73.26.04) comes after Rantepao (73.26.01) and Sesean (73.26.02), though first by name."""
    from pemilih.store.receive import import_result
    rows = [_row(0, RANTEPAO, "RANTEPAO", "LEMBANG SATU", "L"), _row(1, "73.26.04.2001", "AWAN", "LEMBANG TIGA", "P"),
            _row(2, SESEAN, "SESEAN", "LEMBANG DUA", "L")]
    import_result(website.ws, maker.kpu(rows, name="rows.csv"), actor="uji", agency="KPU", reason="uji")
    page = website.client("kpu").get("/rekap/" + _query()).content.decode()
    select = page.split('<select name="kecamatan">')[1].split("</select>")[0]
    assert re.findall(r'<option value="(73\.26\.\d\d)"', select) == ["73.26.01", "73.26.02", "73.26.04"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) tidak terpasang")
def test_only_kpu_numbers_its_report_others_print_the_number_it_gave(website, maker, tmp_path):
    """A viewer's or Disdukcapil's download issues no KPU number (a dotted line); once KPU has
    printed the report, theirs carries KPU's number."""
    from pemilih.store import events
    from pemilih.store.models import Event

    def number_on(role: str) -> str:
        response = website.client(role).get("/rekap/unduh/pdf/" + _query())
        path = tmp_path / f"{role}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return re.search(r"Nomor: *(\S*)", text)[1]
    _tiny(website.ws, maker)
    assert not number_on("pemantau").startswith("001/")
    assert not Event.objects.filter(kind=events.DOCUMENT_ISSUED).exists()
    kpu = number_on("kpu")
    assert kpu.startswith("001/") and "/KPU/" in kpu
    assert number_on("pemantau") == kpu and number_on("disdukcapil") == kpu
    assert Event.objects.filter(kind=events.DOCUMENT_ISSUED).count() == 1
