"""The whole village cycle on a generated regency (issue 4, "done when"): share to three
villages, the committees' workbooks edited by a script (including a conflict, an edited
identifier and a bad value), collect, verify, provisional list, responses, final list with
TPS, logistics, hand-back, apply on a separate KPU workspace, and the recap.

Checked against what the script did and what the events say, not against the code's output:
the recap's counts against a tally of the applied event's own changes, the applied list
against the village's final list, and a second apply against the database dump.
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
import xlsxwriter

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle.common import local_today
from pemilih.cycle.recap import period as recap
from pemilih.engine import election_lists
from pemilih.engine.findings import verify
from pemilih.engine.logistics import LogisticsParams, logistics
from pemilih.generate import generate
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.io.read import read_files
from pemilih.io.responses import read_responses
from pemilih.store import agreements, changes, elections, responses
from pemilih.store.collect import ACCEPTED, CONFLICT, REFUSED
from pemilih.store.models import Event
from pemilih.store.projection import current_list
from pemilih.store.receive import import_result
from pemilih.store.review import Selection, accept, load_findings

from filemaker import apply_package as apply
from filemaker import build_handback as build
from filemaker import collect_books as collect
from filemaker import set_election_list
from filemaker import share_list as share

pytestmark = pytest.mark.postgres
TODAY = local_today()
VOTING_DAY, DPS_ON = date(2027, 3, 17), date(2027, 1, 15)
PANITIA = {"actor": "Panitia", "agency": "PANITIA", "reason": "Rapat pleno panitia"}


@pytest.fixture(scope="module")
def regency(tmp_path_factory):
    out = tmp_path_factory.mktemp("regency")
    generate(str(out), scale=0.02, seed=41, progress=False, processes=1)
    return {"kpu": read_files([str(out / "kpu" / "dpt_7326.csv")], kind="kpu"),
            "registry": read_files([str(out / "registry" / "disdukcapil_7326.csv")], kind="registry")}


def _three_lembang(records: pl.DataFrame) -> list[str]:
    counts = (records.filter(pl.col("kode_desa").str.slice(9, 1) == "2").group_by("kode_desa").len()
              .sort(["len", "kode_desa"], descending=[True, False]))
    return counts["kode_desa"].head(3).to_list()


def _edit_identifier(path, out):
    """A person in Excel unprotects the sheet and overwrites a NIK (openpyxl, as Excel would)."""
    from openpyxl import load_workbook
    book = load_workbook(path)
    sheet = next(s for s in book.worksheets if s.title.startswith("TPS"))
    cell = sheet.cell(row=5, column=4)  # D5: the first voter's NIK
    cell.value = "7326010101010001"
    book.save(out)
    return f"{sheet.title}!D5"


def _age(iso: str, day: date) -> int:
    born = date.fromisoformat(iso)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _substance(frame: pl.DataFrame) -> pl.DataFrame:
    """The list as a set of rows, without what follows from the rest (numbers, village names,
    TPS, the note of a proposed TPS)."""
    columns = [c for c in KPU_COLUMNS if c not in ("no", "kecamatan", "desa", "tps", "keterangan")]
    return (frame.select(*columns).with_columns(pl.col(c).replace("", None) for c in columns)
            .sort(columns, nulls_last=True))


def _info_keys(package) -> set[str]:
    import io
    import zipfile

    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_filelike(io.BytesIO(zipfile.ZipFile(package).read("perubahan.xlsx")))
    return {r[0] for r in book.get_sheet_by_name("Informasi").to_python()[1:]}


def test_the_whole_cycle(regency, workspace, kpu_workspace, tmp_path, dump_db):
    dpml = workspace
    dpml.activate()
    import_result(dpml, regency["kpu"], actor="Operator", agency="KPU", reason="DPT", allow_refused=True)
    import_result(dpml, regency["registry"], actor="Operator", agency="DISDUKCAPIL", reason="Ekstrak")
    agreements.record_agreement(dpml, agreements.Terms(
        number="PKS-1", title="PKS", provider="KPU", recipient="DPML", purpose="Pilkalem",
        legal_basis="UU 7/2017", valid_from=TODAY - timedelta(days=1), valid_to=TODAY + timedelta(days=365),
        retention="3 bulan", data_elements=list(KPU_COLUMNS), villages=["*"]),
        actor="KPU", agency="KPU", reason="MoU")
    villages = _three_lembang(regency["kpu"].records)

    # --- share to three villages; the committees fill their workbooks ------------------------
    shared = share(dpml, tmp_path / "share", agreement="PKS-1", on=TODAY, regime="PILKALEM",
                   villages=villages, actor="Operator", agency="DPML", reason="Coklit", processes=1)
    assert len(shared.paths) == 3
    by_village = {v: next(p for p in shared.paths if v.replace(".", "") in p.name) for v in villages}
    good, bad_id, bad_value = (by_village[v] for v in villages)
    listed = current_list(dpml)
    in_good = listed.filter(pl.col("kode_desa") == villages[0]).sort("source_ref")
    dead, renamed, clash = in_good.row(0, named=True), in_good.row(1, named=True), in_good.row(2, named=True)
    newcomer = {"nkk": dead["nkk"], "nik": "7326014101080007", "nama": "MARIA LINGGI",
                "tempat_lahir": "RANTEPAO", "tanggal_lahir": "01-01-2008", "jenis_kelamin": "P",
                "status_kawin": "B", "alamat": dead["alamat"], "rt": dead["rt"], "rw": dead["rw"], "ktp_el": "S",
                "keterangan": "KK"}
    fill_workbook(good, tmp_path / "good.xlsx", statuses={dead["source_ref"]: "TMS-1"},
                  corrections={renamed["source_ref"]: {"nama": "NAMA BENAR"},
                               clash["source_ref"]: {"nama": "VERSI PANITIA"}},
                  notes={dead["source_ref"]: "Akta kematian"}, new_voters=[newcomer])
    where = _edit_identifier(bad_id, tmp_path / "bad_id.xlsx")
    first_bad = listed.filter(pl.col("kode_desa") == villages[2]).sort("source_ref").row(0, named=True)
    fill_workbook(bad_value, tmp_path / "bad_value.xlsx", statuses={first_bad["source_ref"]: "TMS-99"})
    # Meanwhile the workspace changes one of the rows the good workbook corrects: a conflict.
    row = changes.voters([clash["source_ref"]]).get(clash["source_ref"])
    changes.record("response-recorded", [changes.set_value(row, "nama", "VERSI KANTOR", "KTP-el")],
                   actor="Operator", agency="DPML", reason="Koreksi kantor")

    outcomes = collect(dpml, [tmp_path / "good.xlsx", tmp_path / "bad_id.xlsx", tmp_path / "bad_value.xlsx"],
                       **PANITIA)
    by_file = {o.file: o for o in outcomes}
    assert by_file["good.xlsx"].status == CONFLICT
    conflicts = by_file["good.xlsx"].conflicts
    assert len(conflicts) == 1 and "NAMA BARU" in conflicts[0], conflicts
    assert by_file["bad_id.xlsx"].status == REFUSED
    assert any(where.split("!")[1] in p for p in by_file["bad_id.xlsx"].problems)
    assert by_file["bad_value.xlsx"].status == REFUSED
    assert any("TMS-99" in p for p in by_file["bad_value.xlsx"].problems)
    now = current_list(dpml)
    names = dict(zip(now["source_ref"], now["nama"]))
    assert dead["source_ref"] not in names and names[renamed["source_ref"]] == "NAMA BENAR"
    assert names[clash["source_ref"]] == "VERSI KANTOR"  # listed as a conflict, not overwritten
    assert "MARIA LINGGI" in names.values()
    assert first_bad["source_ref"] in names  # the refused workbook changed nothing
    again = collect(dpml, [tmp_path / "good.xlsx"], **PANITIA)
    assert again[0].status not in (ACCEPTED, CONFLICT) and current_list(dpml).equals(now)

    # --- verification and review -----------------------------------------------------------
    found = verify(current_list(dpml), regency["registry"].records, VOTING_DAY, regime="PILKALEM",
                   dps_set_on=DPS_ON).findings
    load_findings(dpml, found, actor="Verifikator", reason="Verifikasi")
    for village in villages:
        for code in ("TMS-1", "TMS-4", "B"):
            try:
                accept(dpml, Selection(code=code, kode_desa=village), actor="Verifikator",
                       agency="DISDUKCAPIL", reason="Diperiksa")
            except Exception as err:  # no open proposal of that code in that village
                assert "Tidak ada temuan terbuka" in str(err)

    # --- the election: DPS, responses, DPT with TPS, logistics ------------------------------
    e = elections.create(dpml, code="PK", name="Pilkalem", regime="PILKALEM", voting_day=VOTING_DAY,
                         dps_set_on=DPS_ON, villages=villages, max_per_tps=60, actor="Kadis",
                         agency="DPML", reason="SK")
    # The cycle runs in one day, not on the election's schedule: each list says why.
    off = {"schedule_reason": "Uji: seluruh siklus dalam satu hari"}
    dps = set_election_list(dpml, e, "DPS", **PANITIA, **off)
    leaving = dps.voters.filter(pl.col("kode_desa") == villages[1]).row(0, named=True)
    sheet = tmp_path / "tanggapan.xlsx"
    book = xlsxwriter.Workbook(str(sheet))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["JENIS", "KUNCI", "KODE", "BUKTI"])
    ws.write_row(1, 0, ["HAPUS", leaving["key"], "TMS-4", "Surat pindah"])
    book.close()
    responses.record(dpml, e, read_responses(sheet), **PANITIA)
    dpt = set_election_list(dpml, e, "DPT", **PANITIA, **off)
    assert leaving["key"] not in dpt.voters["key"].to_list()
    sizes = dpt.voters.group_by("kode_desa", "tps_number").len()
    assert sizes["len"].max() <= 60 and set(sizes["kode_desa"]) == set(villages)
    families = dpt.voters.filter(pl.col("nkk").is_not_null()).group_by("kode_desa", "nkk").agg(
        pl.col("tps_number").n_unique().alias("n"))
    assert families["n"].max() == 1
    need = logistics(election_lists.tps_counts(dpt.voters), LogisticsParams.for_election("pilkalem"))
    assert need.total["pemilih"] == dpt.list.voters
    assert need.total["surat_suara"] >= dpt.list.voters + sizes.height  # at least one spare per TPS

    # --- hand-back, apply on KPU's side, twice -----------------------------------------------
    final = current_list(dpml)
    village_final = elections.rows_of(dpt.list)
    package = build(dpml, tmp_path / "paket", period="2027-Q1", agreement="PKS-1", on=TODAY,
                    actor="Kadis", reason="Serah kembali").path
    kpu = kpu_workspace
    import_result(kpu, regency["kpu"], actor="Operator KPU", agency="KPU", reason="DPT", allow_refused=True)
    first = apply(kpu, package, actor="Operator KPU", reason="Rakor")
    assert not first.conflicts

    # KPU's list is the village's, but for new voters not yet 17 and never married on the day of
    # the hand-back: the Pilkalem counts age on its voting day, KPU on the hand-back's (issue 12).
    shared_keys = set(regency["kpu"].records["source_ref"])
    young = {r["source_ref"] for r in final.iter_rows(named=True)
             if r["source_ref"] not in shared_keys and r["status_kawin"] not in ("S", "P")
             and _age(r["tanggal_lahir"], TODAY) < 17}
    expected = final.filter(~pl.col("source_ref").is_in(list(young)))
    got = current_list(kpu)
    assert _substance(got).equals(_substance(expected))
    assert _info_keys(package) == young
    # a new voter of the election's villages has the TPS of the election's list on KPU's list
    dpt_tps = dict(zip(village_final["key"], village_final["tps_number"]))
    added = got.filter(~pl.col("source_ref").is_in(list(shared_keys)) & pl.col("kode_desa").is_in(villages))
    assert added.height and all(int(t) == dpt_tps[k] for k, t in zip(added["source_ref"], added["tps"]))
    before = dump_db(kpu)
    assert apply(kpu, package, actor="Operator KPU", reason="Rakor").already
    assert dump_db(kpu) == before

    # --- the recap equals the applied event's own changes ----------------------------------
    applied = Event.objects.get(kind="handback-applied")
    ops = applied.payload["changes"]
    moved = {c["key"] for c in ops if c["op"] == "set" and c["column"] == "kode_desa"}
    summary = recap(kpu, TODAY, TODAY, "PEMILU2024")
    total = summary.total
    removed = pl.DataFrame([c for c in ops if c["op"] == "remove"]).group_by("code").len()
    for code, n in removed.iter_rows():
        extra = len(moved) if code == "TMS-4" else 0
        assert total[code.lower().replace("-", "_") + "_jml"] == n + extra, code
    assert total["baru_jml"] == sum(c["op"] == "add" for c in ops) + len(moved)
    corrected = {c["key"] for c in ops if c["op"] == "set"} - moved
    assert total["ubah_jml"] == len(corrected)
    assert total["akhir_jml"] == current_list(kpu).height
    assert total["awal_jml"] + total["baru_jml"] - total["tms_jml"] == total["akhir_jml"]
