"""The village cycle of `pemilih demo`, after the files are checked and received.

Each step is the cycle's own (pemilih.cycle), as its command calls it; the people of the cycle are
played by small scripts: the committees mark part of what they find door to door (from the
generator's ground truth: most deaths and moves, some new voters and name corrections), the
Disdukcapil verifier accepts the verification's proposals, residents answer the provisional
list. Everything lands in the workspace as events, every artefact in the demo folder.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pemilih import progress
from pemilih.commands import common
from pemilih.cycle.common import Who

AGREEMENT = "001/PKS/KPU-DPML/2026"
ELECTION = "PILKALEM2027"
MAX_PER_TPS = 500  # the committee's cap (SE Mendagri 141/6698/SJ capped village TPS at 500)
LEMBANG_IN_ELECTION = 17  # as in Toraja Utara's 2021 Pilkalem
# The demo runs every stage of the election on one day, not on the election's schedule.
OFF_SCHEDULE = "Contoh: seluruh tahapan dijalankan pada hari yang sama, tidak menurut jadwal pemilihan"
DPML, PANITIA = "demo: operator DPML", "demo: panitia pemilihan"


@dataclass
class Cycle:
    out: Path
    ws: object  # DPML's workspace
    kpu_workspace: Path
    meta: dict
    today: date

    @property
    def voting_day(self) -> date:
        return date.fromisoformat(self.meta["dates"]["pilkalem_voting_day"])

    @property
    def dps_set_on(self) -> date:
        return date.fromisoformat(self.meta["dates"]["pilkalem_dps_set"])


def run(out: Path, workspace: str, results: dict) -> dict:
    from pemilih.store.workspace import open_workspace
    cycle = Cycle(out, open_workspace(workspace), out / "ruang-kerja-kpu",
                  json.loads((out / "truth" / "meta.json").read_text()), common.today())
    from pemilih.store.models import Election
    done = Election.objects.filter(code=ELECTION, lists__stage="DPT").exists()
    if done:  # a second run changes nothing: the cycle is in the workspace's log already
        print(f"Siklus desa ({ELECTION}) sudah dijalankan di ruang kerja ini; tidak diulang.")
        saved = out / "ringkasan.json"
        return json.loads(saved.read_text()) if saved.exists() else {}
    summary = {}
    _agreement(cycle)
    summary["pemilihan"] = _create_election(cycle)
    summary["coklit"] = _share_and_collect(cycle, results)
    summary["verifikasi"] = _verify_and_review(cycle, results)
    summary["pilkalem"] = _election(cycle)
    summary["paket"] = _handback(cycle)
    summary["kpu"] = _apply_and_recap(cycle, results)
    return summary


def _agreement(c: Cycle) -> None:
    from pemilih.cycle import agreement
    if any(a.number == AGREEMENT for a in agreement.listing(c.ws)[0]):
        return
    agreement.run(c.ws, agreement.AgreementRequest(
        number=AGREEMENT, title="Perjanjian kerja sama penggunaan data pemilih untuk Pilkalem (contoh)",
        purpose="Data awal daftar pemilih Pilkalem serentak dan pengembaliannya sebagai data dukung PDPB",
        legal_basis="UU 7/2017 Pasal 14; UU 27/2022; Perda Toraja Utara 6/2014",
        valid_from=c.today - timedelta(days=30), valid_to=c.today + timedelta(days=730),
        retention="Salinan di DPML dan panitia dihapus 3 bulan setelah data diserahkan kembali kepada KPU",
        parties=({"name": "Ketua KPU Kabupaten Toraja Utara", "role": "Pihak pertama", "agency": "KPU"},
                 {"name": "Kepala DPML Kabupaten Toraja Utara", "role": "Pihak kedua", "agency": "DPML"}),
        who=Who("demo: sekretariat KPU", "KPU", "Perjanjian ditandatangani (contoh)")))
    print(f"Perjanjian berbagi data {AGREEMENT} dicatat.")


# --- field validation ---------------------------------------------------------------------

def _share_and_collect(c: Cycle, results: dict) -> dict:
    from pemilih.cycle import collect, share
    shared_dir, returned_dir = c.out / "coklit" / "dibagikan", c.out / "coklit" / "kembali"
    with progress.TerminalProgress() as shown:
        shared = share.run(c.ws, share.ShareRequest(
            str(shared_dir), AGREEMENT, Who(DPML, "DPML", "Bahan coklit Pilkalem untuk panitia"), on=c.today,
            election=ELECTION), shown)
    print(f"Coklit: {len(shared.paths)} lembar kerja dibagikan, hanya lembang yang ber-Pilkalem "
          f"({shared.rows:,} pemilih) -> {shared_dir}")
    edits = _committee_edits(c, results)
    returned_dir.mkdir(parents=True, exist_ok=True)
    returned = [returned_dir / path.name for path in shared.paths]
    jobs = [(path, target, edits.get(_village_of(path.name), {})) for path, target in zip(shared.paths, returned)]
    # The committees work side by side: two worker processes (the io module needs no Django).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        for _ in progress.bar(pool.map(_fill, jobs), total=len(jobs), desc="panitia mengisi lembar kerja"):
            pass
    with progress.TerminalProgress() as shown:
        outcomes = collect.run(c.ws, collect.CollectRequest(
            tuple(returned), Who(PANITIA, "PANITIA", "Hasil coklit panitia")), shown)
    counts: dict[str, int] = {}
    for o in outcomes:
        for k, v in o.counts.items():
            counts[k] = counts.get(k, 0) + v
    states = pl.Series([o.status for o in outcomes]).value_counts().sort("")
    print("  dikumpulkan: " + ", ".join(f"{s} {n}" for s, n in states.iter_rows())
          + " | perubahan: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    return {"lembar_kerja": len(shared.paths), "perubahan": counts}


def _fill(job) -> str:
    from pemilih.io.coklit_workbook import fill_workbook
    path, target, edits = job
    return fill_workbook(path, target, **edits)


def _village_of(name: str) -> str:
    digits = name.split("_")[1]  # COKLIT_<kode desa without dots>_<NAME>.xlsx
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def _picked(text: str, share: float) -> bool:
    """A stable pseudo-random choice (the same on every run)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) < share * 0xFFFFFFFF


def _committee_edits(c: Cycle, results: dict) -> dict[str, dict]:
    """What the committees write down, per village: most deaths and moves they know of, some
    name corrections, and some new voters they meet (with the data from their KK)."""
    truth = pl.read_csv(c.out / "truth" / "expected_findings.csv", infer_schema=False)
    listed = results["kpu"].records.select("source_ref", "kode_desa")
    edits: dict[str, dict] = {}
    marked = truth.filter(pl.col("code").is_in(["TMS-1", "TMS-4"]) | (pl.col("code") == "U")
                          & (pl.col("field") == "NAMA")).join(listed, on="source_ref")
    for r in marked.iter_rows(named=True):
        if not r["kode_desa"] or not _picked(r["source_ref"], 0.6):
            continue
        village = edits.setdefault(r["kode_desa"], {"statuses": {}, "corrections": {}, "new_voters": [], "notes": {}})
        if r["code"] == "U":
            village["corrections"][r["source_ref"]] = {"nama": r["proposed"]}
            village["notes"][r["source_ref"]] = "Nama sesuai KTP-el"
        else:
            village["statuses"][r["source_ref"]] = r["code"]
            village["notes"][r["source_ref"]] = "Akta kematian/keterangan keluarga" if r["code"] == "TMS-1" \
                else "Pindah menurut keterangan RT"
    registry = results["registry"].records
    new = truth.filter(pl.col("code") == "B").select(pl.col("registry_nik").alias("nik"))
    people = registry.join(new, on="nik").unique("nik", keep="last")
    for r in people.iter_rows(named=True):
        village_code = r.get("kode_wilayah")
        if not village_code or not _picked(r["nik"], 0.3):
            continue
        village = edits.setdefault(village_code, {"statuses": {}, "corrections": {}, "new_voters": [], "notes": {}})
        village["new_voters"].append({k: r.get(k) for k in (
            "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
            "alamat", "rt", "rw")} | {"ktp_el": "S", "keterangan": "Ditemui saat coklit"})
    return edits


# --- verification and review --------------------------------------------------------------

def _verify_and_review(c: Cycle, results: dict) -> dict:
    from pemilih.cycle import review, verify
    verifier = "demo: verifikator Disdukcapil"
    with progress.TerminalProgress() as shown:  # the list in the workspace, the extract it received
        result = verify.run(c.ws, verify.VerifyRequest(
            on=c.voting_day, out_dir=str(c.out / "verifikasi"), dps_set_on=c.dps_set_on, regime="PILKALEM",
            load=review.who(verifier, verify.LOAD_REASON)), shown)
    counts = result.counts
    print("Verifikasi Disdukcapil atas daftar hasil coklit: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" -> {result.paths['csv']}")
    decided = {}
    for code in sorted(set(review.listing(c.ws, review.selection(status="terbuka"))["code"])):
        if code.startswith("TMS-") or code in ("U", "B"):
            out = review.decide(c.ws, review.DecideRequest(review.ACCEPT, review.selection(code=code), review.who(
                verifier, f"Diterima setelah diperiksa ({code})")))
            decided[code] = out.changed
    print("  diterima verifikator: " + ", ".join(f"{k} {v:,}" for k, v in decided.items()))
    return {"temuan": counts, "diterima": decided}


# --- the village election -------------------------------------------------------------------

def _create_election(c: Cycle) -> dict:
    """The simultaneous Pilkalem, in some of the lembang only (the 2021 one was held in 17 of
    the 111): every kelurahan and the other lembang stay out of the coklit and the lists."""
    from pemilih.cycle import election
    from pemilih.store.elections import latest_election
    e = latest_election(c.ws)
    if e is None or e.code != ELECTION:
        lembang = sorted(v for v in _villages(c) if v.split(".")[-1].startswith("2"))
        step = max(len(lembang) // LEMBANG_IN_ELECTION, 1)
        chosen = tuple(lembang[::step][:LEMBANG_IN_ELECTION])  # spread over the kecamatan
        e = election.create(c.ws, election.CreateRequest(
            ELECTION, "Pemilihan Kepala Lembang Serentak 2027", c.voting_day, c.dps_set_on, chosen,
            Who(DPML, "DPML", "Keputusan Bupati tentang Pilkalem serentak (contoh)"), regime="PILKALEM",
            max_per_tps=MAX_PER_TPS))
        print(f"Pilkalem {ELECTION} dibuat: {len(chosen)} dari {len(lembang)} lembang "
              f"(pemungutan suara {c.voting_day:%d-%m-%Y}).")
    return {"lembang": len(e.villages), "desa_di_kabupaten": len(_villages(c))}


def _election(c: Cycle) -> dict:
    from pemilih.cycle import election
    from pemilih.store.elections import latest_election
    lembang = latest_election(c.ws).villages
    base = c.out / "pilkalem"
    who = Who(PANITIA, "PANITIA", "Rapat pleno panitia pemilihan")
    with progress.TerminalProgress() as shown:
        dps = election.set_list(c.ws, election.SetListRequest(ELECTION, "DPS", str(base / "dps"), who,
                                                              schedule_reason=OFF_SCHEDULE), shown)
    pdfs = sum(p.suffix == ".pdf" for p in dps.paths)
    print(f"Pilkalem: {len(lembang)} lembang; DPS {dps.list.voters:,} pemilih, {pdfs} PDF pengumuman "
          f"-> {base / 'dps'}")
    sheet = _responses_file(c, dps.voters, base / "tanggapan.xlsx")
    answered = election.record_responses(c.ws, election.ResponsesRequest(ELECTION, str(sheet), who))
    with progress.TerminalProgress() as shown:  # announced once, as the DPS
        dpt = election.set_list(c.ws, election.SetListRequest(ELECTION, "DPT", str(base / "dpt"), who,
                                                              announce=False, schedule_reason=OFF_SCHEDULE), shown)
    print(f"  tanggapan masyarakat: {answered.counts}; DPT {dpt.list.voters:,} pemilih di {dpt.tps} TPS "
          f"(maks. {MAX_PER_TPS}); logistik -> {base / 'dpt'}")
    return {"lembang": len(lembang), "dps": dps.list.voters, "dpt": dpt.list.voters, "tps": dpt.tps,
            "tanggapan": answered.counts, "berkas": len(dps.paths) + len(dpt.paths)}


def _villages(c: Cycle) -> list[str]:
    from pemilih.store import bulk
    return bulk.read_frame("SELECT DISTINCT kode_desa FROM store_voter WHERE kode_desa IS NOT NULL",
                           ["k"])["k"].to_list()


def _responses_file(c: Cycle, dps: pl.DataFrame, path: Path) -> Path:
    """Three residents answer the DPS: a death, a misspelt name, and a voter left out."""
    import xlsxwriter
    sample = dps.filter(pl.col("nik").str.len_chars() == 16).sort("key").head(2).to_dicts()
    from pemilih.contract import (
        RESPONSE_CODE,
        RESPONSE_COLUMN,
        RESPONSE_EVIDENCE,
        RESPONSE_KEY,
        RESPONSE_KIND,
        RESPONSE_NEW_VALUE,
    )
    header = [RESPONSE_KIND, RESPONSE_KEY, RESPONSE_CODE, RESPONSE_COLUMN, RESPONSE_NEW_VALUE, RESPONSE_EVIDENCE]
    rows = [["HAPUS", sample[0]["key"], "TMS-1", "", "", "Surat keterangan kematian dari kepala lembang"],
            ["UBAH", sample[1]["key"], "", "NAMA", (sample[1]["nama"] or "") + " PARE", "Fotokopi KTP-el"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("Tanggapan")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return path


# --- hand-back and KPU's side ---------------------------------------------------------------

def _handback(c: Cycle) -> dict:
    from pemilih.cycle import handback
    with progress.TerminalProgress() as shown:
        made = handback.run(c.ws, handback.HandbackRequest(
            str(c.out / "paket"), f"{c.today:%Y-%m}", AGREEMENT, Who(DPML, "DPML", "Data dukung PDPB hasil Pilkalem"),
            on=c.today), shown)
    counts = made.counts
    print(f"Paket serah-kembali: {made.path} (B {counts['B']:,}, U {counts['U']:,}, TMS "
          f"{sum(v for k, v in counts.items() if k.startswith('TMS')):,})")
    return {"berkas": str(made.path), "jumlah": counts}


def _apply_and_recap(c: Cycle, results: dict) -> dict:
    from pemilih.commands.recap import print_summary
    from pemilih.contract import KPU_REGIME
    from pemilih.cycle import apply, recap, receive
    from pemilih.store.handback import base_batch
    from pemilih.store.workspace import open_workspace
    package = sorted((c.out / "paket").glob("*.zip"), key=lambda p: p.stat().st_mtime)[-1]
    shared_on = base_batch().created.date()
    c.kpu_workspace.mkdir(parents=True, exist_ok=True)
    kpu = open_workspace(c.kpu_workspace, f"sqlite:///{c.kpu_workspace / 'pemilih.sqlite3'}")
    try:
        files = tuple(f.path for f in results["kpu"].files)
        receive.store(kpu, {"kpu": results["kpu"]}, receive.ReceiveRequest(
            files, "demo: operator KPU", kind="kpu", agency="KPU", reason="DPT terakhir"))
        who = Who("demo: operator KPU", "KPU", "Data dukung PDPB dari DPML (Rakor)")
        first = apply.run(kpu, apply.ApplyRequest(str(package), who))
        second = apply.run(kpu, apply.ApplyRequest(str(package), who))
        print(f"KPU menerapkan paket: {sum(first.applied.values()):,} perubahan, {len(first.conflicts)} konflik; "
              f"diterapkan lagi: {'tidak ada perubahan' if second.already or not second.applied else 'BERUBAH!'}")
        made = recap.run(kpu, recap.RecapRequest(shared_on, c.today, KPU_REGIME, out_dir=str(c.out / "rekap")))
        print_summary(made.recap)
        print(f"  rekap -> {made.path}")
        return {"diterapkan": first.applied, "konflik": len(first.conflicts), "rekap": made.recap.total}
    finally:
        kpu.close()
        c.ws.activate()
