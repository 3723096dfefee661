"""The TPS register and the polling-day pack (issue 14, What to build 2).

A hand-made register for two villages of the generated list (maker.generated_kpu: voter i
lives in village 73.26.01.(2001 + i % 15), named `PEMILIH i`, NIK of 16 digits): TPS 001 of
village A entered twice (the second entry wins), TPS 002 of village B once, the other TPS not
at all. Places, addresses, coordinates and dates below are written by hand; which voters sit at
which TPS is read from the stored list (the TPS assignment is test_tps's), never from the PDFs.
"""
from __future__ import annotations

import re
import subprocess
import zlib
from datetime import date
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from pemilih.cycle import documents, election, tps_places
from pemilih.cycle.common import StepError, Who

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
CODE = "PK27"
N, CAP = 600, 24  # 40 voters a village: two TPS in each
VOTING_DAY, DPS_DAY = date(2027, 3, 17), date(2027, 1, 15)
VOTING_DAY_PRINTED = "Rabu, 17 Maret 2027"
HOURS = "07.00 s.d. 13.00"
PLACE_A, ADDRESS_A = "Halaman Kantor Lembang Limbong", "Jl. Poros Rantepao-Sa'dan Km 5"
COORDS_A, COORDS_A_PRINTED = "-2.9701,119.8987", "-2.9701, 119.8987"
PLACE_B, ADDRESS_B = "Balai Pertemuan Tongkonan Buntu", "Dusun Buntu, RT 002"
# Village A is not in the region reference: its committee is named after the list's spelling.
COMMITTEE = "Panitia Pemilihan Kepala Lembang Lembang 0"
KEEPER = "Dinas Pemberdayaan Masyarakat Lembang Kabupaten Toraja Utara"
CHAIR, CHAIR_NIP = "Yosef Tandi Contoh", "19850101 201001 1 001"
WHO = Who("Operator panitia", "PANITIA", "Pencatatan tempat TPS")
OFF = "Uji: di luar jadwal"
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def pdf_text(path, layout: bool = False) -> str:
    cmd = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def words(text: str) -> str:
    return " ".join(text.split())


def place(kode, tps, name, address, coordinates=None):
    return tps_places.PlaceRequest(CODE, kode, tps, name, address, coordinates)


@pytest.fixture
def held(website, maker, tmp_path):
    """The election with its register, DPS and DPT set (printed into tmp_path)."""
    from pemilih.store.receive import import_result
    ws = website.ws
    import_result(ws, maker.generated_kpu(N), actor="uji", agency="KPU", reason="uji")
    documents.record(ws, documents.SettingsRequest("PANITIA", WHO, signer=CHAIR, nip=CHAIR_NIP, village=A))
    election.create(ws, election.CreateRequest(CODE, "Pilkalem Serentak 2027", VOTING_DAY, DPS_DAY, (A, B),
                                               Who("uji", "DPML", "SK Bupati"), max_per_tps=CAP))
    tps_places.record(ws, [place(A, 1, "Halaman Kantor Lama", "Jl. Lama")], WHO)
    tps_places.record(ws, [place(A, 1, PLACE_A, ADDRESS_A, COORDS_A), place(B, 2, PLACE_B, ADDRESS_B)], WHO)
    made = {}
    for stage in ("DPS", "DPT"):
        made[stage] = election.set_list(ws, election.SetListRequest(
            CODE, stage, str(tmp_path / stage.lower()), Who("uji", "PANITIA", "Pleno"), processes=1,
            schedule_reason=OFF, pack=True))
    return SimpleNamespace(site=website, ws=ws, out=tmp_path, made=made)


def _voters_at(kode: str, tps: int) -> list[tuple[str, str, str]]:
    """(nama, jenis_kelamin, nik) of the DPT's voters at that TPS, from the stored list."""
    from pemilih.store.models import ElectionList, ElectionVoter
    dpt = ElectionList.objects.filter(stage="DPT").order_by("-id").first()
    return list(ElectionVoter.objects.filter(list=dpt, kode_desa=kode, tps_number=tps).order_by("position")
                .values_list("nama", "jenis_kelamin", "nik"))


def _names_in(text: str) -> list[str]:
    return re.findall(r"PEMILIH \d+\b", text)


# --- the register ------------------------------------------------------------------------------

@pytest.mark.parametrize("written, reason", [
    ("119.8987,-2.9701", "lintang dan bujur tampaknya tertukar"),
    ("-45.5,119.9", "di luar wilayah Indonesia"),
    ("dua,tiga", "tidak terbaca"),
    ("-2.9701", "tidak terbaca"),
])
def test_bad_coordinates_are_refused_with_a_reason_in_indonesian(held, written, reason):
    before = tps_places.version(held.ws, CODE)
    with pytest.raises(StepError) as refused:
        tps_places.record(held.ws, [place(A, 2, "Lapangan", "Jl. Baru", written)], WHO)
    assert reason in str(refused.value) and "TPS 002" in str(refused.value)
    assert tps_places.version(held.ws, CODE) == before  # nothing recorded


def test_an_entry_without_a_place_or_outside_the_election_is_refused(held):
    with pytest.raises(StepError, match="Nama tempat TPS wajib diisi"):
        tps_places.record(held.ws, [place(A, 2, "  ", "Jl. Baru")], WHO)
    with pytest.raises(StepError, match="tidak ikut pemilihan"):
        tps_places.record(held.ws, [place("73.26.01.2003", 1, "Lapangan", "Jl. Baru")], WHO)
    with pytest.raises(StepError, match="Nomor TPS"):
        tps_places.record(held.ws, [place(A, 0, "Lapangan", "Jl. Baru")], WHO)


def test_the_latest_entry_of_a_tps_wins(held):
    from pemilih.store import events
    from pemilih.store.models import Event
    found = tps_places.places(held.ws, CODE)
    assert set(found) == {(A, 1), (B, 2)}
    assert (found[(A, 1)].place, found[(A, 1)].address, found[(A, 1)].coordinates) == (
        PLACE_A, ADDRESS_A, COORDS_A_PRINTED)
    assert found[(B, 2)].coordinates == ""
    assert Event.objects.filter(kind=events.TPS_PLACE_SET).count() == 2
    assert events.label(events.TPS_PLACE_SET) == "tempat TPS dicatat"


def test_the_tps_table_workbook_shows_each_tps_place(held, tmp_path):
    import openpyxl
    name, body = election.tps_table(held.ws, CODE, A)
    sheet = openpyxl.load_workbook(BytesIO(body)).active
    grid = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in grid if r and r[0] == "TPS")
    at = {h: i for i, h in enumerate(header) if h}
    rows = {r[0]: r for r in grid[grid.index(header) + 1:] if r[0] and r[0] != "JUMLAH"}
    assert {"Tempat TPS", "Alamat TPS", "Koordinat"} <= set(at)
    assert (rows["001"][at["Tempat TPS"]], rows["001"][at["Alamat TPS"]], rows["001"][at["Koordinat"]]) == (
        PLACE_A, ADDRESS_A, COORDS_A_PRINTED)
    assert rows["002"][at["Tempat TPS"]] is None  # not entered: blank


def test_the_notice_prints_the_place_under_the_tps_heading_and_is_reprinted_when_it_changes(held, tmp_path):
    [notice] = [p for p in held.made["DPS"].paths if p.name.startswith("DPS_7326012001_")]
    text = words(pdf_text(notice))
    assert f"Tempat TPS 001: {PLACE_A}, {ADDRESS_A}" in text
    assert "Tempat TPS 002" not in text  # not entered: no line
    cache = tmp_path / "cache"
    first = election.village_announcement(held.ws, CODE, B, "DPT", cache)
    assert f"Tempat TPS 002: {PLACE_B}, {ADDRESS_B}" in words(pdf_text(first))
    tps_places.record(held.ws, [place(B, 2, "Gedung Gereja Buntu", "Dusun Buntu")], WHO)
    again = election.village_announcement(held.ws, CODE, B, "DPT", cache)
    assert "Tempat TPS 002: Gedung Gereja Buntu, Dusun Buntu" in words(pdf_text(again))


def test_the_public_look_up_shows_the_place_and_address_of_the_tps(held):
    name, _sex, nik = _voters_at(A, 1)[0]
    page = held.site.client(None).post("/cek", {"nik": nik}).content.decode()
    assert 'id="cek-tps">001<' in page
    assert f'id="cek-tempat">{PLACE_A}<' in page
    assert "Jl. Poros Rantepao-Sa&#x27;dan Km 5" in page
    _, _, elsewhere = _voters_at(A, 2)[0]  # a TPS without a place: its number only
    other = held.site.client(None).post("/cek", {"nik": elsewhere}).content.decode()
    assert 'id="cek-tps">002<' in other and "cek-tempat" not in other


# --- the pack ------------------------------------------------------------------------------------

def _pack(held) -> Path:
    return held.out / "dpt" / "hari_pemungutan"


def test_the_dpt_prints_the_officers_copy_with_attendance_and_signature_columns(held):
    [pdf] = _pack(held).glob("7326012001_*/SALINAN_DPT_KPPS_7326012001_TPS001.pdf")
    raw = pdf_text(pdf)
    pages = [p for p in raw.split("\f") if p.strip()]
    voters = _voters_at(A, 1)
    assert len(voters) > 15 and len(pages) >= 2  # a page does not hold them all: the header again
    for page in pages:
        assert "Hadir" in page and "Tanda tangan" in page and "NIK" in page and "Nama" in page
    text = words(raw)
    assert sorted(_names_in(text)) == sorted(n for n, _, _ in voters)
    assert text.count("732601**********") == len(voters)  # every NIK masked
    assert not SIXTEEN_DIGITS.search(raw)
    men, women = sum(s == "L" for _, s, _ in voters), sum(s == "P" for _, s, _ in voters)
    assert f"JUMLAH PEMILIH DALAM DPT: L = {men}, P = {women}, JUMLAH = {len(voters)}" in text
    assert re.search(r"Nomor: \d{3}/SAL-DPT/PANITIA/[IVX]+/\d{4}", text)
    assert COMMITTEE.upper() in text and "Ketua KPPS TPS 001" in text
    assert f"( {CHAIR} )" in text and f"NIP. {CHAIR_NIP}" in text and text.count("NIP.") == 2
    assert f"{PLACE_A}, {ADDRESS_A}" in text and VOTING_DAY_PRINTED in text and HOURS in text


def _dash_ops(pdf: Path) -> int:
    """How many dashed strokes the page streams set (the cut lines)."""
    data = pdf.read_bytes()
    found = 0
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            found += zlib.decompressobj().decompress(stream).count(b"[4 3] 0 d")
        except zlib.error:
            continue
    return found


def test_invitations_six_to_a_page_with_cut_lines_and_no_nik(held):
    [pdf] = _pack(held).glob("7326012001_*/UNDANGAN_7326012001_TPS001.pdf")
    raw = pdf_text(pdf)
    pages = [p for p in raw.split("\f") if p.strip()]
    voters = _voters_at(A, 1)
    assert len(pages) == -(-len(voters) // 6)
    names = [n for n, _, _ in voters]
    assert [_names_in(p) for p in pages] == [names[i:i + 6] for i in range(0, len(names), 6)]
    assert _dash_ops(pdf) == len(pages)  # the cut lines on every page
    text = words(raw)
    assert text.count("SURAT UNDANGAN MEMBERIKAN SUARA") == len(voters)
    for needed in (PLACE_A, ADDRESS_A, VOTING_DAY_PRINTED, f"{HOURS} waktu setempat", "Nomor urut : 1 dalam DPT TPS 001",
                   COMMITTEE.upper(), f"NIP. {CHAIR_NIP}"):
        assert needed in text, needed
    assert text.count(PLACE_A) == len(voters)
    assert "732601" not in raw and not SIXTEEN_DIGITS.search(raw)  # no NIK, not even masked
    assert re.search(r"Nomor: \d{3}/UND/PANITIA/[IVX]+/\d{4}", text)


def test_a_tps_without_a_place_is_printed_so(held):
    [pdf] = _pack(held).glob("7326012002_*/UNDANGAN_7326012002_TPS001.pdf")
    assert "TPS 001 (tempat diumumkan panitia)" in words(pdf_text(pdf))


def test_the_tps_register_is_a_numbered_signed_document(held):
    [pdf] = _pack(held).glob("DAFTAR_TPS_*.pdf")
    raw = pdf_text(pdf)
    text = words(raw)
    assert "DAFTAR TEMPAT PEMUNGUTAN SUARA" in text and KEEPER.upper() in text
    assert re.search(r"Nomor: \d{3}/DAF-TPS/DPML/[IVX]+/\d{4}", text)
    for needed in (PLACE_A, ADDRESS_A, COORDS_A_PRINTED, PLACE_B, ADDRESS_B, "(belum dicatat)", "NIP."):
        assert needed in text, needed
    tps = {(k, t) for k in (A, B) for t in (1, 2, 3) if _voters_at(k, t)}
    assert text.count("(belum dicatat)") == len(tps) - 2
    all_voters = [v for k, t in tps for v in _voters_at(k, t)]
    men = sum(s == "L" for _, s, _ in all_voters)
    total = next(line for line in pdf_text(pdf, layout=True).splitlines() if "JUMLAH" in line)
    assert total.split() == ["JUMLAH", "2", "desa/lembang", str(len(tps)), str(men), str(len(all_voters) - men),
                             str(len(all_voters))]
    assert not SIXTEEN_DIGITS.search(raw)


def test_printing_again_keeps_the_numbers(held, tmp_path):
    from pemilih.cycle import polling_day
    first = words(pdf_text(next(_pack(held).glob("DAFTAR_TPS_*.pdf"))))
    again = polling_day.run(held.ws, polling_day.PackRequest(CODE, str(tmp_path / "lagi"), WHO, village=A))
    assert {k: len(v) for k, v in again.documents.items()} == {
        "salinan_dpt_kpps": again.tps, "undangan": again.tps, "daftar_tps": 1}
    number = re.search(r"Nomor: (\S+)", first).group(1)
    assert f"Nomor: {number}" in words(pdf_text(again.documents["daftar_tps"][0]))


# --- the web form and the command ----------------------------------------------------------------

def test_dpml_and_a_committee_enter_places_on_the_web(held):
    dpml = held.site.client("dpml")
    page = dpml.get(f"/pilkalem/{CODE}/tempat-tps/")
    assert page.status_code == 200 and PLACE_A in page.content.decode()
    bad = dpml.post(f"/pilkalem/{CODE}/tempat-tps/", {"desa": A, "tps": "2", "tempat": "Lapangan",
                                                      "alamat": "Jl. Baru", "koordinat": "119.9,-2.9"})
    assert bad.status_code == 400 and "tertukar" in bad.content.decode()
    assert (A, 2) not in tps_places.places(held.ws, CODE)
    good = dpml.post(f"/pilkalem/{CODE}/tempat-tps/", {"desa": A, "tps": "2", "tempat": "Lapangan Limbong",
                                                       "alamat": "Jl. Baru", "koordinat": "-2.95, 119.9"})
    assert good.status_code == 302
    assert tps_places.places(held.ws, CODE)[(A, 2)].coordinates == "-2.95, 119.9"
    committee = held.site.client("panitia", kode_desa=B)
    own = committee.get(f"/pilkalem/{CODE}/tempat-tps/").content.decode()
    assert PLACE_B in own and PLACE_A not in own
    other = committee.post(f"/pilkalem/{CODE}/tempat-tps/", {"desa": A, "tps": "1", "tempat": "X", "alamat": "Y"})
    assert other.status_code == 400 and tps_places.places(held.ws, CODE)[(A, 1)].place == PLACE_A
    outsider = held.site.client("panitia", kode_desa="73.26.01.2005")
    assert outsider.get(f"/pilkalem/{CODE}/tempat-tps/").status_code == 404
    assert held.site.client("kpu").get(f"/pilkalem/{CODE}/tempat-tps/").status_code in (302, 403)


def test_the_command_records_a_place_and_refuses_bad_coordinates(held, store_location, capsys, monkeypatch):
    from pemilih.cli import main
    folder, url = store_location
    if url:  # the command opens the workspace's store as a person would: by folder and DATABASE_URL
        monkeypatch.setenv("DATABASE_URL", url)
    where = ["--workspace", str(folder), "--pemilihan", CODE]
    assert main(["tps", "atur", *where, "--desa", B, "--tps", "1", "--tempat", "Halaman Gereja",
                 "--alamat", "Dusun Buntu", "--koordinat=-3,119.9"]) == 0
    assert main(["tps", "atur", *where, "--desa", B, "--tps", "1", "--tempat", "Halaman Gereja",
                 "--alamat", "Dusun Buntu", "--koordinat", "200,119.9"]) == 1
    assert "di luar wilayah Indonesia" in capsys.readouterr().err
    assert main(["tps", "daftar", *where, "--desa", B]) == 0
    listed = capsys.readouterr().out
    assert "TPS 001: Halaman Gereja; Dusun Buntu; -3, 119.9" in listed and f"TPS 002: {PLACE_B}" in listed
