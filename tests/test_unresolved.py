"""Nothing falls through: voters whose village cannot be resolved wait in a queue that every
report counts, until a person picks their village (an event); and every row of KPU's list is in
exactly one of: the current list with a village, struck with its code, the queue.

Ground truth is hand-made: a KPU list written out as a CSV by hand (tests/filemaker.py) with
six voters in three real villages of Toraja Utara and two rows whose KODE DESA is empty and
whose village name matches no village of the region reference (a typo of LEMPO POTON, and a
name that is nowhere), received through the real reader.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from pemilih.cycle.common import StepError, Who, local_today

from filemaker import KPU_HEADER, LAANG_TANDUK, PANTANAKAN, SADAN_MALIMBONG, voter, write_csv

pytestmark = pytest.mark.postgres

LEMPO_POTON = ("73.26.04.2008", "RINDINGALLO", "LEMPO POTON")
KANNA = "73.17.01.2005"  # a real village of another regency (Luwu)
ON = local_today()  # the hand-back counts from the day the list was received: today
NUMBER = "001/PKS/KPU-DPML/2026"
DPML = Who("Operator DPML", "DPML", "Nama desa salah ketik; dicocokkan dengan daftar Kemendagri")
TYPO, NOWHERE = "dpt.csv::8", "dpt.csv::9"  # the two unresolved rows (header is line 1)


def _rows() -> list[dict]:
    rows = [voter(1, village=PANTANAKAN), voter(2, village=PANTANAKAN, sex="P"), voter(3, village=PANTANAKAN),
            voter(4, village=LAANG_TANDUK, sex="P"), voter(5, village=LAANG_TANDUK),
            voter(6, village=SADAN_MALIMBONG, sex="P")]
    rows.append(voter(7, sex="P", village=LEMPO_POTON, **{"KODE DESA": "", "KELURAHAN/DESA": "LEMPU POON"}))
    rows.append(voter(8, village=LEMPO_POTON, **{"KODE DESA": "", "KELURAHAN/DESA": "ANTAH BERANTAH"}))
    return rows


@pytest.fixture
def listed(workspace, tmp_path):
    from pemilih.cycle import receive
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, _rows())
    receive.run(workspace, receive.ReceiveRequest((str(path),), "Operator KPU", kind="kpu"))
    return workspace


@pytest.fixture
def agreed(listed):
    from pemilih.contract import KPU_COLUMNS
    from pemilih.store.agreements import Terms, record_agreement
    record_agreement(listed, Terms(
        number=NUMBER, title="PKS", provider="KPU", recipient="DPML", purpose="Coklit", legal_basis="UU 7/2017",
        valid_from=ON - timedelta(days=10), valid_to=ON + timedelta(days=100), retention="Dihapus", data_elements=list(KPU_COLUMNS),
        villages=["*"]), actor="Ketua KPU", agency="KPU", reason="PKS ditandatangani")
    return listed


def _resolve(ws, *picks, who=DPML):
    from pemilih.cycle import resolve
    return resolve.run(ws, resolve.ResolveRequest(tuple(picks), who))


def _strike(ws, key: str, code: str = "TMS-1"):
    from pemilih.store import changes, events
    row = changes.voters([key]).get(key)
    return changes.record(events.REVIEW_ACCEPTED, [changes.remove(row, code, "Akta kematian")],
                          actor="Verifikator", agency="DISDUKCAPIL", reason="Meninggal dunia")


# --- the queue, counted -----------------------------------------------------------------------

def test_the_queue_holds_the_rows_without_a_village(listed):
    from pemilih.cycle import resolve
    found = resolve.queue(listed, resolve.QueueRequest())
    assert found.total == 2
    assert [r.ref for r in found.rows] == [TYPO, NOWHERE]
    typo = found.rows[0]
    assert (typo.kecamatan, typo.desa, typo.tps) == ("RINDINGALLO", "LEMPU POON", "001")
    assert "LEMPU POON" in typo.reason and "tidak ditemukan" in typo.reason
    # The closest villages the reader already found, with the reference's names.
    assert [(c.code, c.kecamatan, c.desa) for c in typo.candidates][0] == LEMPO_POTON
    # Every village of the list's regency can be picked (151 in Toraja Utara).
    assert len(found.villages) == 151 and all(v.code.startswith("73.26.") for v in found.villages)


def test_home_page_counts_villages_not_the_queue(listed, website):
    page = website.client("kpu").get("/beranda/").content.decode()
    tiles = page.split('class="tiles"')[1]
    assert "<b>3</b><span>desa / lembang / kelurahan" in tiles  # not 4: no village is null
    assert "<b>8</b><span>pemilih dalam daftar" in tiles
    assert "2 pemilih belum punya desa" in page and 'href="/desa-belum/"' in page
    dpml = website.client("dpml").get("/beranda/").content.decode()
    assert "<b>3</b><span>desa / lembang / kelurahan" in dpml and "2 pemilih belum punya desa" in dpml


def test_voter_list_page_shows_the_queue(listed, website):
    page = website.client("kpu").get("/pemilih/").content.decode()
    assert "2 pemilih belum punya desa" in page
    queue = website.client("kpu").get("/pemilih/?desa=-").content.decode()
    assert "PEMILIH G" in queue and "PEMILIH H" in queue and "PEMILIH A<" not in queue


def test_share_outcome_names_the_voters_left_out(agreed, tmp_path):
    from filemaker import share_list
    out = share_list(agreed, tmp_path / "out", agreement=NUMBER, on=ON, processes=1, actor="Operator DPML",
                     reason="Coklit")
    assert len(out.paths) == 3 and out.rows == 6
    assert out.unresolved == (TYPO, NOWHERE)
    assert out.skipped == 2 and "belum punya desa" in out.left_out_reason


def test_check_and_receive_say_how_many_rows_land_in_the_queue(tmp_path, workspace):
    from pemilih.cycle import check, receive
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, _rows())
    report = check.run(check.CheckRequest((str(path),))).report
    assert report.unresolved == 2
    assert "2 baris belum punya desa" in report.to_text()
    assert report.to_json()["unresolved"] == 2
    done = receive.run(workspace, receive.ReceiveRequest((str(path),), "Operator KPU", kind="kpu"))
    assert done.received[0].unresolved == 2


# --- resolution by a person, as an event --------------------------------------------------------

def test_a_resolution_moves_the_voter_into_the_village_and_its_next_workbook(agreed, tmp_path):
    from python_calamine import CalamineWorkbook

    from pemilih.store import events, projection
    from pemilih.store.models import Event

    from filemaker import share_list
    out = _resolve(agreed, (TYPO, LEMPO_POTON[0]))
    assert (out.voters, out.remaining) == (1, 1)
    event = Event.objects.get(seq=out.event_seq)
    assert event.kind == events.VILLAGE_RESOLVED and event.payload["schema_version"] == 1
    assert (event.actor, event.agency, event.reason) == (DPML.actor, "DPML", DPML.reason)
    fixes = {c.column: (c.old, c.new, c.code) for c in event.data().changes}
    assert fixes == {"kode_desa": (None, "73.26.04.2008", "U"), "desa": ("LEMPU POON", "LEMPO POTON", "U")}
    now = {r["source_ref"]: r for r in projection.current_list(agreed).to_dicts()}
    assert (now[TYPO]["kode_desa"], now[TYPO]["kecamatan"], now[TYPO]["desa"]) == LEMPO_POTON
    # Replay gives the same list.
    before = projection.current_list(agreed)
    projection.rebuild_projection(agreed)
    assert projection.current_list(agreed).equals(before)
    shared = share_list(agreed, tmp_path / "out", agreement=NUMBER, on=ON, processes=1, actor="Operator DPML",
                        reason="Coklit")
    assert shared.unresolved == (NOWHERE,)
    book = [p for p in shared.paths if p.name.startswith("COKLIT_7326042008")]
    assert len(book) == 1
    cells = CalamineWorkbook.from_path(str(book[0])).get_sheet_by_name("TPS 001").to_python()
    assert any(TYPO in [str(c) for c in row] for row in cells)


def test_several_voters_resolved_at_once(listed):
    out = _resolve(listed, (TYPO, LEMPO_POTON[0]), (NOWHERE, "7326042008"))
    assert (out.voters, out.remaining, out.villages) == (2, 0, {LEMPO_POTON[0]: 2})


@pytest.mark.parametrize("picks, message", [
    (((TYPO, "73.26.04.9999"),), "bukan desa/kelurahan"),
    (((TYPO, "73.26.04"),), "bukan kode desa"),
    (((TYPO, KANNA),), "bukan desa Kabupaten"),
    ((("dpt.csv::2", LEMPO_POTON[0]),), "sudah punya desa"),
    ((("dpt.csv::99", LEMPO_POTON[0]),), "tidak ada di daftar"),
    (((TYPO, LEMPO_POTON[0]), (TYPO, PANTANAKAN[0])), "dua kali"),
    ((), "Pilih pemilih"),
])
def test_a_resolution_is_refused_as_the_request_says(listed, picks, message):
    from pemilih.store.models import Event
    before = Event.objects.count()
    from pemilih.store.changes import ChangeError
    with pytest.raises((StepError, ChangeError), match=message):
        _resolve(listed, *picks)
    assert Event.objects.count() == before


def test_the_handback_carries_the_resolution_as_a_correction_of_kode_desa(agreed, tmp_path):
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    from filemaker import build_handback
    _resolve(agreed, (TYPO, LEMPO_POTON[0]))
    out = build_handback(agreed, tmp_path / "paket", period="2026-06", agreement=NUMBER, on=ON,
                         actor="Kepala DPML", reason="Serah kembali")
    book = CalamineWorkbook.from_filelike(io.BytesIO(zipfile.ZipFile(out.path).read("perubahan.xlsx")))
    u = book.get_sheet_by_name("U Ubah Data").to_python()
    # the village's names follow its code (the regions table's, on daftar.xlsx): no U of their own
    assert [(r[0], r[4], r[5] or None, r[6]) for r in u[1:]] == [(TYPO, "KODE DESA", None, "73.26.04.2008")]
    unplaced = book.get_sheet_by_name("Belum Punya Desa").to_python()
    assert len(unplaced) == 2 and TYPO not in unplaced[1]  # the other one still waits
    assert out.counts["belum_punya_desa"] == 1
    assert (out.counts["pemilih_awal"], out.counts["pemilih_akhir"], out.counts["U"]) == (8, 8, 1)


def test_the_recap_counts_the_queue_apart_and_a_resolution_as_a_correction(listed):
    import polars as pl

    from pemilih.cycle import recap
    from pemilih.engine.recap import balanced
    _resolve(listed, (TYPO, LEMPO_POTON[0]))
    result = recap.run(listed, recap.RecapRequest(ON.replace(year=2000), date(2100, 1, 1))).recap
    rows = {r["kode_desa"]: r for r in result.villages.to_dicts()}
    assert rows["73.26.04.2008"]["awal_jml"] == 1 and rows["73.26.04.2008"]["ubah_jml"] == 1
    assert rows["73.26.04.2008"]["baru_jml"] == 0 and rows["73.26.04.2008"]["tms_4_jml"] == 0
    queue = rows["-"]
    assert (queue["awal_jml"], queue["akhir_jml"], queue["desa"]) == (1, 1, "(BELUM PUNYA DESA)")
    assert balanced(result.villages).height == 0
    kec = {r["kecamatan"]: r for r in result.kecamatan.to_dicts()}
    assert kec["(BELUM PUNYA DESA)"]["desa_count"] == 0
    assert sum(r["desa_count"] for r in kec.values()) == 4  # three villages, and the one resolved into
    assert result.total["akhir_jml"] == 8 and result.unresolved == 1
    assert result.villages.filter(pl.col("kode_desa") != "-").height == 4


def test_collect_outcome_says_how_many_voters_were_in_no_workbook(agreed, tmp_path):
    from filemaker import collect_books, share_list
    out = share_list(agreed, tmp_path / "out", agreement=NUMBER, on=ON, processes=1, actor="Operator DPML",
                     reason="Coklit")
    collected = collect_books(agreed, out.paths, actor="Panitia", reason="Hasil coklit", processes=1)
    assert len(collected) == 3 and collected.unresolved == 2


# --- reconciliation: every row of KPU's list in exactly one place ---------------------------------

def test_reconciliation_holds_on_a_hand_made_state(listed):
    from pemilih.cycle import reconcile
    from pemilih.store import changes
    _strike(listed, "dpt.csv::3", "TMS-1")
    _strike(listed, "dpt.csv::6", "TMS-4")
    _resolve(listed, (TYPO, LEMPO_POTON[0]))
    from pemilih.store import events
    new = changes.new_voter_row("baru:7326015001060001", 1000, {"kode_desa": PANTANAKAN[0], "nama": "BARU"})
    changes.record(events.RESPONSE_RECORDED, [changes.add(new, "Tanggapan")], actor="Panitia", agency="PANITIA",
                   reason="Tanggapan masyarakat")
    found = reconcile.run(listed, reconcile.ReconcileRequest())
    assert found.broken == []
    assert (found.listed, found.placed, found.unresolved, found.struck) == (8, 5, 1, {"TMS-1": 1, "TMS-4": 1})
    assert (found.new_placed, found.new_unresolved) == (1, 0)
    assert found.placed + found.unresolved + sum(found.struck.values()) == found.listed


def test_reconciliation_fails_on_a_broken_state(listed):
    from django.db import connection

    from pemilih.cycle import reconcile
    _strike(listed, "dpt.csv::3", "TMS-1")
    with connection.cursor() as cursor:  # a voter lost from the list without any event
        cursor.execute('DELETE FROM store_voter WHERE "key" = %s', ["dpt.csv::5"])
    found = reconcile.run(listed, reconcile.ReconcileRequest())
    assert len(found.broken) == 1
    assert "dpt.csv::5" in found.broken[0] and "hilang" in found.broken[0]
    # Struck in the log, yet back in the list without an event: in two places at once.
    from pemilih.store import projection
    projection.rebuild_projection(listed)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE store_voter SET "key" = %s WHERE "key" = %s', ["dpt.csv::3", "dpt.csv::4"])
    found = reconcile.run(listed, reconcile.ReconcileRequest())
    assert any("dpt.csv::3" in b and "dicoret" in b for b in found.broken)
    assert any("dpt.csv::4" in b and "hilang" in b for b in found.broken)


# --- the command line and the web page ---------------------------------------------------------

def test_resolve_command(listed, capsys, store_location, monkeypatch):
    from pemilih import cli
    monkeypatch.setenv("DATABASE_URL", store_location[1])  # the command opens the test's store
    ws = ["--workspace", str(store_location[0])]
    assert cli.main(["resolve", "daftar", *ws]) == 0
    shown = capsys.readouterr().out
    assert "2 pemilih belum punya desa" in shown and "LEMPU POON" in shown and "73.26.04.2008" in shown
    assert cli.main(["resolve", "tetapkan", "--kunci", TYPO, "--desa", "73.26.04.2008", "--alasan", "Salah ketik",
                     *ws]) == 0
    assert "1 pemilih ditetapkan desanya" in capsys.readouterr().out
    assert cli.main(["resolve", "tetapkan", "--kunci", TYPO, "--desa", "73.26.04.2008", "--alasan", "Lagi",
                     *ws]) == 1
    assert "sudah punya desa" in capsys.readouterr().err
    assert cli.main(["resolve", "rekonsiliasi", *ws]) == 0
    assert "1 pemilih belum punya desa" in capsys.readouterr().out


def test_resolve_page_lists_the_queue_and_records_a_pick_after_confirmation(listed, website):
    from pemilih.cycle import resolve
    from pemilih.store.models import Event

    from webcoklit import agree
    agree(listed)
    client = website.client("dpml")
    page = client.get("/desa-belum/").content.decode()
    assert "LEMPU POON" in page and "73.26.04.2008" in page and "LEMPO POTON" in page
    assert "PEMILIH G" in page and "PEMILIH H" in page and "2 pemilih belum punya desa" in page
    before = Event.objects.count()
    typo = next(r for r in resolve.queue(listed).rows if r.key == TYPO)
    field = f"desa:{typo.position}"  # a voter is named by its place in the list, never by its key
    confirm = client.post("/desa-belum/", {field: LEMPO_POTON[0], "alasan": "Salah ketik"}).content.decode()
    assert "Konfirmasi" in confirm and "LEMPO POTON" in confirm and Event.objects.count() == before
    done = client.post("/desa-belum/", {field: LEMPO_POTON[0], "alasan": "Salah ketik", "konfirmasi": "1"},
                       follow=True).content.decode()
    assert Event.objects.count() == before + 1
    assert "1 pemilih ditetapkan desanya" in done and "1 pemilih belum punya desa" in done
    event = Event.objects.order_by("-seq").first()
    assert event.kind == "village-resolved" and event.agency == "DPML" and "via web" in event.actor
    refused = client.post("/desa-belum/", {field: LEMPO_POTON[0], "alasan": "", "konfirmasi": "1"}).content.decode()
    assert "alasan" in refused.lower() and Event.objects.count() == before + 1


def test_the_rakor_dashboard_and_coklit_page_show_the_queue(listed, website):
    from webcoklit import agree
    agree(listed)
    board = website.client("pemantau").get("/rekap/").content.decode()
    assert "2 pemilih belum punya desa" in board and "(BELUM PUNYA DESA)" in board
    assert "/desa-belum/" not in board  # a viewer cannot open the queue
    coklit = website.client("dpml").get("/coklit/").content.decode()
    assert "2 pemilih belum punya desa" in coklit and "tidak masuk lembar kerja desa mana pun" in coklit
    assert 'href="/desa-belum/"' in coklit
    committee = website.client("panitia", kode_desa=PANTANAKAN[0]).get("/coklit/").content.decode()
    assert "belum punya desa" not in committee


def test_a_village_given_by_any_change_counts_as_a_correction_on_kpus_side(listed):
    """KPU receives a resolution inside an applied hand-back (or a reviewed finding): a KODE DESA
    given to a voter who had none is still no move (no TMS-4 out of the queue, no new voter)."""
    from pemilih.cycle import recap
    from pemilih.store import changes, events
    row = changes.voters([TYPO]).get(TYPO)
    changes.record(events.REVIEW_ACCEPTED, [changes.set_value(row, "kode_desa", LEMPO_POTON[0], "Disdukcapil")],
                   actor="Verifikator", agency="DISDUKCAPIL", reason="Kode desa dari data kependudukan")
    result = recap.run(listed, recap.RecapRequest(ON - timedelta(days=1), ON + timedelta(days=1))).recap
    rows = {r["kode_desa"]: r for r in result.villages.to_dicts()}
    assert (rows[LEMPO_POTON[0]]["awal_jml"], rows[LEMPO_POTON[0]]["ubah_jml"], rows[LEMPO_POTON[0]]["baru_jml"]) \
        == (1, 1, 0)
    assert (rows["-"]["awal_jml"], rows["-"]["tms_jml"], rows["-"]["akhir_jml"]) == (1, 0, 1)
    assert result.total["tms_4_jml"] == 0 and result.total["baru_jml"] == 0


def test_upload_page_and_receive_job_say_how_many_rows_land_in_the_queue(website, tmp_path):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pemilih.web.models import Job
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, _rows())
    client = website.client("kpu")
    page = client.post("/unggah/", {"berkas": SimpleUploadedFile("dpt.csv", path.read_bytes())}).content.decode()
    assert "2 baris belum punya desa" in page
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
    client.post("/unggah/simpan/", {"token": token})
    website.run_jobs()
    job = Job.objects.get()
    assert job.status == Job.DONE and "2 pemilih belum punya desa" in job.message


def test_a_new_voter_without_a_village_is_shown_masked(listed, website, capsys, store_location, monkeypatch):
    """A voter added without a village has a key holding her NIK: the queue's page, its form
    and the command line name her by her masked key or her place in the list, never the NIK."""
    from pemilih import cli
    from pemilih.store import changes, events
    nik = "7326044101060003"
    new = changes.new_voter_row(changes.new_voter_key(nik), 1000, {"nik": nik, "nama": "PEMILIH BARU", "tps": "001"})
    changes.record(events.RESPONSE_RECORDED, [changes.add(new, "Tanggapan")], actor="Panitia", agency="PANITIA",
                   reason="Tanggapan masyarakat")
    page = website.client("kpu").get("/desa-belum/").content.decode()
    assert "3 pemilih belum punya desa" in page and "PEMILIH BARU" in page and nik not in page
    confirm = website.client("kpu").post("/desa-belum/", {"desa:1000": LEMPO_POTON[0], "alasan": "Alamat di KK"})
    assert "PEMILIH BARU" in confirm.content.decode() and nik not in confirm.content.decode()
    monkeypatch.setenv("DATABASE_URL", store_location[1])
    assert cli.main(["resolve", "daftar", "--workspace", str(store_location[0])]) == 0
    shown = capsys.readouterr().out
    assert "PEMILIH BARU" in shown and nik not in shown and "baru:732604" in shown
