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
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pemilih import progress
from pemilih.commands import common
from pemilih.cycle.common import Who
from pemilih.domain.codes import MOVE, codes_with

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


def run(out: Path, workspace: str, results: dict, observe=None) -> dict:
    """The cycle; `observe(step, cycle)` is called after each step (a test checks its
    invariants there: every row of KPU's list accounted for, on both workspaces)."""
    from pemilih.store.workspace import open_workspace
    cycle = Cycle(out, open_workspace(workspace), out / "ruang-kerja-kpu",
                  json.loads((out / "truth" / "meta.json").read_text()), common.today())
    from pemilih.store.models import Election
    done = Election.objects.filter(code=ELECTION, lists__stage="DPT").exists()
    if done:  # a second run changes nothing: the cycle is in the workspace's log already
        print(f"Siklus desa ({ELECTION}) sudah dijalankan di ruang kerja ini; tidak diulang.")
        saved = out / "ringkasan.json"
        return json.loads(saved.read_text()) if saved.exists() else {}
    steps = [("perjanjian", lambda: _agreement(cycle)),
             ("desa_belum_ditetapkan", lambda: _resolve_one(cycle)),
             ("pemilihan", lambda: _create_election(cycle)),
             ("coklit", lambda: _share_and_collect(cycle, results)),
             ("verifikasi", lambda: _verify_and_review(cycle, results)),
             ("pilkalem", lambda: _election(cycle)),
             ("hari_pemungutan", lambda: _polling_day(cycle)),
             ("surat_suara", lambda: _ballots(cycle)),
             ("paket", lambda: _handback(cycle)),
             ("kpu", lambda: _apply_and_recap(cycle, results))]
    summary = {"dokumen": {}}
    for name, step in steps:
        done = step()
        if done is not None:
            # Each step lists the documents it printed under `dokumen`; the summary gathers them.
            for key, paths in done.pop("dokumen", {}).items():
                summary["dokumen"].setdefault(key, []).extend(paths)
            summary[name] = done
        if observe is not None:
            observe(name, cycle)
    loans = _equipment_loans(cycle)  # after the hand-back: the cooperation goes on (issue 16)
    for key, paths in loans.pop("dokumen", {}).items():
        summary["dokumen"].setdefault(key, []).extend(paths)
    summary.setdefault("kerja_sama", {})["pinjam_pakai"] = loans
    education = _voter_education(cycle)
    summary["dokumen"]["laporan_pendidikan"] = education.pop("dokumen")
    summary.setdefault("kerja_sama", {})["pendidikan_pemilih"] = education
    summary.setdefault("kerja_sama", {})["dp3"] = _dp3(cycle)
    report = _cooperation_report(cycle)
    summary["dokumen"]["laporan_rakor"].append(report)
    summary["kerja_sama"]["laporan_rakor"] = report
    return summary


def _cooperation_report(c: Cycle) -> str:
    """The Rakor report of the regency's workspace once the cooperation went on: the list's
    recap since it was received, and the loans, the voter education and DP3 beside it."""
    from pemilih.cycle import recap
    from pemilih.store.handback import base_batch
    c.ws.activate()
    start = base_batch().created.date()
    who = Who("demo: operator KPU", "KPU", "Laporan Rakor: kerja sama setelah serah kembali")
    made = recap.run(c.ws, recap.RecapRequest(start, c.today, None, out_dir=str(c.out / "kerja_sama" / "rakor"),
                                             who=who))
    print(f"Laporan Rakor dengan kerja sama (pinjam pakai, pendidikan pemilih, DP3) -> {made.report}")
    return str(Path(made.report).relative_to(c.out))


def documents_of(c: Cycle, **paths) -> dict[str, list[str]]:
    """`dokumen` of a step's summary: per document kind (the keys of ringkasan.json's
    `dokumen`), the paths printed, relative to the demo's folder."""
    return {key: [str(Path(p).relative_to(c.out)) for p in found] for key, found in paths.items()}


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
    _document_settings(c)


# The signatories every printed document names (synthetic names and NIPs).
SIGNATORIES = (("DPML", "Yohanis Contoh, S.Sos.", "Kepala Dinas", "197001011995031001"),
               ("KPU", "Marta Contoh, S.H.", "Ketua", "198002022005012002"),
               ("DISDUKCAPIL", "Daniel Contoh, S.Kom.", "Kepala Dinas", "197505052000031003"))


def _document_settings(c: Cycle, ws=None, agencies: tuple[str, ...] = ("DPML", "KPU", "DISDUKCAPIL")) -> None:
    """The signatories of `agencies` in `ws` (DPML's workspace when None), set once."""
    from pemilih.cycle import documents
    ws = ws or c.ws
    if documents.settings(ws):
        return
    who = Who(f"demo: sekretariat {agencies[0]}", agencies[0], "Penandatangan dokumen (contoh)")
    for agency, name, position, nip in SIGNATORIES:
        if agency in agencies:
            documents.record(ws, documents.SettingsRequest(agency, who, signer=name, position=position, nip=nip))
    print(f"Penandatangan dokumen {', '.join(agencies)} dicatat (contoh).")


# --- field validation ---------------------------------------------------------------------

def _share_and_collect(c: Cycle, results: dict) -> dict:
    from pemilih.cycle import coklit_progress, collect, share
    shared_dir, returned_dir = c.out / "coklit" / "dibagikan", c.out / "coklit" / "kembali"
    with progress.TerminalProgress() as shown:
        shared = share.run(c.ws, share.ShareRequest(
            str(shared_dir), AGREEMENT, Who(DPML, "DPML", "Bahan coklit Pilkalem untuk panitia"), on=c.today,
            election=ELECTION), shown)
    print(f"Coklit: {len(shared.paths)} lembar kerja dibagikan, hanya lembang yang ber-Pilkalem "
          f"({shared.rows:,} pemilih) -> {shared_dir}")
    edits = _committee_edits(c, results, {_village_of(p.name) for p in shared.paths})
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
    visits = coklit_progress.run(c.ws, coklit_progress.ProgressRequest()).total
    print(f"  kunjungan: {visits['visited']:,} dari {visits['voters']:,} pemilih dikunjungi, "
          f"{visits['not_visited']:,} belum (pemilih coklit-progress)")
    return {"lembar_kerja": len(shared.paths), "perubahan": counts, "kunjungan": visits}


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


def _committee_edits(c: Cycle, results: dict, villages: set[str]) -> dict[str, dict]:
    """What the committees write down, per village: most deaths and moves they know of, some
    name and sex corrections, a voter listed at the wrong TPS of the village (TMS-8, moved to
    another), some new voters they meet (with the data from their KK), and the visit itself: a
    tick for each voter found as listed, the day and the officer on every row visited (most)."""
    truth = pl.read_csv(c.out / "truth" / "expected_findings.csv", infer_schema=False)
    listed = results["kpu"].records.select("source_ref", "kode_desa", "tps").filter(
        pl.col("kode_desa").is_in(list(villages)))
    edits: dict[str, dict] = {}

    def village(code: str) -> dict:
        return edits.setdefault(code, {"statuses": {}, "corrections": {}, "new_voters": [], "notes": {},
                                       "checked": [], "visits": {}})
    fields = {"NAMA": ("nama", "Nama sesuai KTP-el"), "JENIS KELAMIN": ("jenis_kelamin", "Jenis kelamin sesuai KTP-el")}
    marked = truth.filter(pl.col("code").is_in(["TMS-1", "TMS-4"]) | (pl.col("code") == "U")
                          & pl.col("field").is_in(list(fields))).join(listed, on="source_ref")
    for r in marked.iter_rows(named=True):
        if not _picked(r["source_ref"], 0.6):
            continue
        v = village(r["kode_desa"])
        if r["code"] == "U":
            column, note = fields[r["field"]]
            v["corrections"].setdefault(r["source_ref"], {})[column] = r["proposed"]
            v["notes"][r["source_ref"]] = note
        else:
            v["statuses"][r["source_ref"]] = r["code"]
            v["notes"][r["source_ref"]] = "Akta kematian/keterangan keluarga" if r["code"] == "TMS-1" \
                else "Pindah menurut keterangan RT"
    _moves(listed, village)
    _new_voters(truth, results["registry"].records, village, villages)
    _visits(c, listed, village)
    return edits


def _moves(listed: pl.DataFrame, village) -> None:
    """In each village of several TPS, one voter found living nearer another TPS of the village:
    STATUS TMS-8 and the TPS to move to (the voter stays listed)."""
    for (code,), rows in listed.sort("source_ref").group_by("kode_desa", maintain_order=True):
        tps = sorted(set(rows["tps"].drop_nulls()))
        if len(tps) < 2:
            continue
        v = village(code)
        free = [k for k in rows["source_ref"] if k not in v["statuses"] and k not in v["corrections"]]
        if not free:
            continue
        key = min(free, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
        now = rows.filter(pl.col("source_ref") == key)["tps"][0]
        v["statuses"][key] = codes_with(MOVE, "PILKALEM")[0]  # TMS-8: listed at the wrong TPS of the village
        v["corrections"][key] = {"tps": tps[(tps.index(now) + 1) % len(tps)]}
        v["notes"][key] = "Rumah lebih dekat ke TPS lain di desa yang sama"


def _new_voters(truth: pl.DataFrame, registry: pl.DataFrame, village, villages: set[str]) -> None:
    new = truth.filter(pl.col("code") == "B").select(pl.col("registry_nik").alias("nik"))
    people = registry.join(new, on="nik").unique("nik", keep="last")
    for r in people.iter_rows(named=True):
        if r.get("kode_wilayah") not in villages or not _picked(r["nik"], 0.3):
            continue
        village(r["kode_wilayah"])["new_voters"].append({k: r.get(k) for k in (
            "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
            "alamat", "rt", "rw")} | {"ktp_el": "S", "keterangan": "Ditemui saat coklit"})


def _visits(c: Cycle, listed: pl.DataFrame, village) -> None:
    """Nine in ten voters visited: found as listed (ticked SESUAI) or written down, each with
    the day and the officer; the rest not yet visited (what the progress view shows)."""
    day = f"{c.today:%d-%m-%Y}"
    for (code,), rows in listed.group_by("kode_desa"):
        v = village(code)
        changed = set(v["statuses"]) | set(v["corrections"])
        officer = f"PPDP {code[-4:]}"
        for key in rows["source_ref"]:
            if key in changed or _picked("kunjungan" + key, 0.9):
                v["visits"][key] = (day, officer)
                if key not in changed:
                    v["checked"].append(key)


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
    print(f"  berita acara verifikasi -> {result.paths['ba_verifikasi']}")
    return {"temuan": counts, "diterima": decided,
            "dokumen": documents_of(c, ba_verifikasi=[result.paths["ba_verifikasi"]])}


# --- the village election -------------------------------------------------------------------

def _resolve_one(c: Cycle) -> dict:
    """A voter whose village KPU's list did not name in a way anyone could match waits in the
    queue; the operator looks at the nearest villages and places the first one (the others wait,
    and every report counts them)."""
    from pemilih.cycle import resolve
    waiting = resolve.queue(c.ws)
    placed = 0
    first = next((u for u in waiting.rows if u.candidates), None)
    if first is not None:
        resolve.run(c.ws, resolve.ResolveRequest(((first.key, first.candidates[0].code),), Who(
            DPML, "DPML", "Desa dicocokkan dengan alamat dan daftar desa Kemendagri")))
        placed = 1
        print(f"Pemilih tanpa desa: {waiting.total} di antrean; 1 ditetapkan desanya oleh operator "
              f"({first.candidates[0].label}), {waiting.total - 1} menunggu.")
    return {"antrean": waiting.total, "ditetapkan": placed, "menunggu": waiting.total - placed}


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
                                                              announce=False, schedule_reason=OFF_SCHEDULE),
                                shown)  # the polling-day pack after the TPS register: _polling_day
    print(f"  tanggapan masyarakat: {answered.counts}; DPT {dpt.list.voters:,} pemilih di {dpt.tps} TPS "
          f"(maks. {MAX_PER_TPS}); logistik -> {base / 'dpt'}")
    return {"lembang": len(lembang), "dps": dps.list.voters, "dpt": dpt.list.voters, "tps": dpt.tps,
            "tanggapan": answered.counts, "berkas": len(dps.paths) + len(dpt.paths),
            "dokumen": documents_of(c, sk_dps=dps.documents("sk_dps"), ba_dps=dps.documents("ba_dps"),
                                    sk_dpt=dpt.documents("sk_dpt"), ba_dpt=dpt.documents("ba_dpt"))}


def _polling_day(c: Cycle) -> dict:
    """The committees enter their TPS places (synthetic: the village office's yard for TPS 001,
    a hamlet hall for the others, coordinates near Rantepao, one TPS a village without), then
    the polling-day pack is printed from the DPT."""
    from pemilih.cycle import polling_day, tps_places
    who = Who(PANITIA, "PANITIA", "Pencatatan tempat TPS oleh panitia (contoh)")
    rows = tps_places.register(c.ws, ELECTION)
    entries = []
    for n, r in enumerate(rows):
        spot = int(hashlib.sha256(f"{r.kode_desa}/{r.tps}".encode()).hexdigest()[:6], 16)
        name = f"Halaman Kantor {r.title}" if r.tps == 1 else f"Balai Pertemuan Dusun {r.tps} {r.title}"
        lat, lon = -2.90 - spot % 1000 / 10000, 119.80 + spot // 1000 % 1000 / 5000
        coordinates = None if r.tps == 2 else f"{lat:.4f},{lon:.4f}"
        entries.append(tps_places.PlaceRequest(ELECTION, r.kode_desa, r.tps, name,
                                               f"Jl. Poros {r.title.split(' ', 1)[-1]} No. {n + 1}, "
                                               f"Kecamatan {r.kecamatan.title()}", coordinates))
    if entries:
        tps_places.record(c.ws, entries, who)
    with progress.TerminalProgress() as shown:
        pack = polling_day.run(c.ws, polling_day.PackRequest(
            ELECTION, str(c.out / "pilkalem" / polling_day.FOLDER), who), shown)
    print(f"Hari pemungutan suara: tempat {len(entries)} TPS dicatat; salinan DPT untuk KPPS dan undangan "
          f"{pack.voters:,} pemilih di {pack.tps} TPS, daftar TPS -> {c.out / 'pilkalem' / polling_day.FOLDER}")
    return {"tps": pack.tps, "tempat_dicatat": len(entries), "undangan": pack.voters,
            "dokumen": documents_of(c, **pack.documents)}


def _ballots(c: Cycle) -> dict:
    """Polling day at every TPS of the DPT: about four in five voters come, each uses a ballot,
    0 to 2 ballots are spoiled, the rest of the ballots received (the logistics' figure) are
    unused; the KPPS's counts recorded, then the minutes per TPS and the receipts per village."""
    from pemilih.cycle import ballots
    who = Who(PANITIA, "PANITIA", ballots.RECORD_REASON)
    came = spoiled = 0
    places = ballots.tps_of(c.ws, ELECTION)
    for p in places:
        spread = int(hashlib.sha256(f"{p.kode_desa}/{p.tps}".encode()).hexdigest()[:8], 16)
        present = p.registered * (75 + spread % 11) // 100  # 75-85% of the TPS's voters
        torn = min(spread % 3, p.ballots - present)
        ballots.record(c.ws, ballots.RecordRequest(ELECTION, p.kode_desa, p.tps, p.ballots, present, torn,
                                                   p.ballots - present - torn, present, who))
        came, spoiled = came + present, spoiled + torn
    printed = ballots.print_all(c.ws, ballots.PrintRequest(ELECTION, str(c.out / "pilkalem" / "surat_suara"), who))
    registered = sum(p.registered for p in places)
    print(f"Surat suara: {len(places)} TPS dicatat, hadir {came:,} dari {registered:,} pemilih, rusak {spoiled}; "
          f"{len(printed.minutes)} berita acara dan {len(printed.receipts)} tanda terima logistik "
          f"-> {c.out / 'pilkalem' / 'surat_suara'}")
    return {"tps": len(places), "hadir": came, "terdaftar": registered, "rusak": spoiled,
            "dokumen": documents_of(c, ba_surat_suara=printed.minutes, tanda_terima_logistik=printed.receipts)}


def _equipment_loans(c: Cycle) -> dict:
    """KPU lends the election's ballot boxes and booths (pinjam pakai): its register (what the
    TPS need and a little more in good condition, a few lightly damaged boxes), DPML's request
    (the first lembang holds 2 booths of its own), the agreement, one hand-over a week before
    polling day, and the returns two weeks after it: every lembang but the last gives all back,
    the first with a lightly damaged booth, the second with a lost one; then the documents."""
    from pemilih.cycle import equipment_loan_papers as papers
    from pemilih.cycle import equipment_loans as loans
    from pemilih.domain.equipment_loans import Returned
    from pemilih.store.elections import latest_election
    c.ws.activate()
    e = latest_election(c.ws)
    kpu, dpml = Who("demo: operator KPU", "KPU", loans.INVENTORY_REASON), Who(DPML, "DPML", loans.REQUEST_REASON)
    need = loans.needs(c.ws, e.code)
    total = {item: sum(q for (_v, i), q in need.items() if i == item) for item in ("kotak_suara", "bilik_suara")}
    for item, store, condition, quantity in (
            ("kotak_suara", "Gudang Logistik KPU Rantepao", "baik", total["kotak_suara"] + 10),
            ("kotak_suara", "Gudang Logistik KPU Rantepao", "rusak_ringan", 5),
            ("bilik_suara", "Gudang Logistik KPU Rantepao", "baik", total["bilik_suara"]),
            ("bilik_suara", "Gudang Sekretariat KPU", "baik", 20)):
        loans.record_inventory(c.ws, loans.InventoryRequest(item, store, condition, quantity, kpu))
    villages = sorted(e.villages)
    loans.request(c.ws, loans.LoanRequest(e.code, {(villages[0], "bilik_suara"): 2}, dpml))
    secretariat, day = "demo: sekretariat KPU", c.voting_day
    loans.agree(c.ws, loans.AgreementRequest(e.code, day - timedelta(days=30), day + timedelta(days=30),
                                             Who(secretariat, "KPU", loans.AGREEMENT_REASON)))
    loans.hand_over(c.ws, loans.HandoverRequest(e.code, day - timedelta(days=7), "Gudang Logistik KPU Rantepao",
                                                Who(secretariat, "KPU", loans.HANDOVER_REASON)))
    out = {(r["kode_desa"], r["item"]): r["belum_kembali"] for r in loans.report_rows(c.ws, e.code)}
    back_on = c.voting_day + timedelta(days=14)
    for n, village in enumerate(villages[:-1]):
        items = {}
        for item in ("kotak_suara", "bilik_suara"):
            q = out.get((village, item), 0)
            hurt = 1 if item == "bilik_suara" and n in (0, 1) and q else 0
            items[item] = Returned(good=q - hurt, light=hurt if n == 0 else 0, lost=hurt if n == 1 else 0)
        loans.give_back(c.ws, loans.ReturnRequest(e.code, village, back_on, Who(DPML, "DPML", loans.RETURN_REASON),
                                                  items))
    printed = papers.print_all(c.ws, e.code, c.out / "kerja_sama" / "pinjam_pakai")
    totals = {s["item"]: {k: s[k] for k in ("desa", "dipinjam", "kembali_baik", "rusak", "hilang", "belum_kembali")}
              for s in loans.by_item(loans.report_rows(c.ws, e.code))}
    print(f"Pinjam pakai: {sum(t['dipinjam'] for t in totals.values())} barang dipinjamkan ke {len(villages)} lembang, "
          f"belum kembali {sum(t['belum_kembali'] for t in totals.values())}; {len(printed.returns)} berita acara "
          f"pengembalian -> {c.out / 'kerja_sama' / 'pinjam_pakai'}")
    return {"lembang": len(villages), "barang": totals, "pengembalian": len(printed.returns),
            "dokumen": documents_of(c, perjanjian_pinjam_pakai=printed.agreement,
                                    ba_serah_terima_pinjam_pakai=printed.handovers,
                                    ba_pengembalian_pinjam_pakai=printed.returns)}
def _voter_education(c: Cycle) -> dict:
    """KPU's voter education in the first three villages of the list: a voting simulation for
    first-time voters and women, door to door for voters with disabilities, a talk with
    community, customary and religious leaders; figures spread by the village's code. Then the
    regency's report, numbered and signed."""
    from pemilih.cycle import voter_education as step
    from pemilih.domain.voter_education import Attendance
    who = Who("demo: petugas KPU", "KPU", step.RECORD_REASON)
    plans = [("simulasi", "Tata cara memberikan suara di TPS", ("pemula", "perempuan")),
             ("pintu_ke_pintu", "Hak pilih penyandang disabilitas", ("disabilitas",)),
             ("sosialisasi", "Peran tokoh dalam pemilihan yang damai", ("tokoh", "umum"))]
    for n, village in enumerate(sorted(_villages(c))[:3]):
        spread = int(hashlib.sha256(village.encode()).hexdigest()[:8], 16)
        for k, (kind, topic, segments) in enumerate(plans):
            counts = {s: (5 + (spread >> (3 * i + k)) % 11, 6 + (spread >> (3 * i + k + 1)) % 13) for i, s in
                      enumerate(segments)}
            if "perempuan" in counts:
                counts["perempuan"] = (0, counts["perempuan"][1])  # the women's segment holds no men
            men, women = sum(m for m, _ in counts.values()), sum(w for _, w in counts.values())
            step.record(c.ws, step.RecordRequest(c.today - timedelta(days=30 - 7 * n - 2 * k), village, kind, topic,
                                                 segments, Attendance(men, women, counts), who,
                                                 "Surat suara contoh, bilik suara, leaflet"))
    result = step.report(c.ws)
    folder = c.out / "kerja_sama" / "pendidikan_pemilih"
    pdf = step.print_report(c.ws, folder, Who("demo: petugas KPU", "KPU", step.PRINT_REASON), on=c.today)
    book = step.write_activities_xlsx(result, folder / step.ACTIVITIES_FILE)
    t = result.total
    print(f"Pendidikan pemilih: {t.activities} kegiatan di {len(result.villages)} desa, peserta {t.total:,} "
          f"(L {t.men:,}, P {t.women:,}) -> {folder}")
    return {"kegiatan": t.activities, "desa": len(result.villages), "peserta": t.total, "laki_laki": t.men,
            "perempuan": t.women, "per_segmen": {s: m + w for s, (m, w) in t.by_segment.items()},
            "dokumen": [str(Path(p).relative_to(c.out)) for p in (pdf, book)]}
# Synthetic cadres of the DP3 demo: first and family names combined, no real person.
DP3_FIRST = ("Ani", "Budi", "Citra", "Dodi", "Eka", "Frans", "Gita", "Hana", "Ivan", "Joni", "Kiki", "Lina", "Marta")
DP3_FAMILY = ("Rante", "Tandi", "Sampe", "Bua", "Toding", "Pakan", "Rara", "Allo")
DP3_CADRES = (25, 18, 11)  # per lokus: one at the target, two short of it


def _dp3(c: Cycle) -> dict:
    """The DP3 programme (issue 16) in three lembang of the election, this year: KPU designates
    them with an agreement with each village head, registers their cadres (components and
    sexes in turn, every fourth recruited by the first cadre), trains them, records two
    activities each; one cadre withdraws consent (counted still, no longer named)."""
    from pemilih.cycle import dp3
    from pemilih.domain import dp3 as rules
    from pemilih.store.models import Election
    c.ws.activate()  # the KPU step ends on KPU's own workspace
    who = Who("demo: operator KPU", "KPU", dp3.RECORD_REASON)
    year, day = c.today.year, c.today
    villages = sorted(Election.objects.get(code=ELECTION).villages)[:len(DP3_CADRES)]
    components = list(rules.COMPONENTS)
    cadres = people = 0
    for n, (kode, wanted) in enumerate(zip(villages, DP3_CADRES)):
        reasons = (("partisipasi_rendah", "rawan_bencana"), ("rawan_konflik",), ("rawan_pelanggaran",))[n % 3]
        dp3.designate(c.ws, dp3.LokusRequest(
            year, kode, reasons, f"{n + 1:03d}/PKS/KPU-DP3/{year}", day,
            ({"name": "Ketua KPU Contoh", "position": "Ketua", "agency": "KPU Kabupaten"},
             {"name": f"Kepala Lembang {DP3_FAMILY[n]}", "position": "Kepala Lembang", "agency": "Pemerintah Lembang"}),
            who))
        first = None
        numbers = []
        for i in range(wanted):
            component = components[i % len(components)]
            sex = "P" if component == "perempuan" else "LP"[i % 2]
            name = f"{DP3_FIRST[i % len(DP3_FIRST)]} {DP3_FAMILY[(i + n) % len(DP3_FAMILY)]}"
            _seq, number = dp3.register(c.ws, dp3.CadreRequest(
                kode, day, name, sex, component, day, "formulir persetujuan bertanda tangan", who,
                birth_year=year - 18 - (i * 3) % 40, recruited_by=first if first and i % 4 == 3 else None))
            first = first or number
            numbers.append(number)
        dp3.train(c.ws, dp3.TrainingRequest(kode, day, "Bimtek kader DP3", tuple(numbers[: wanted * 4 // 5]), who))
        for kind, topic, segments in (("sosialisasi", "Tolak politik uang", {"perempuan": {"P": 14 + n},
                                                                             "umum": {"L": 9, "P": 6}}),
                                      ("simulasi", "Tata cara memilih", {"disabilitas": {"L": 3, "P": 2},
                                                                         "pemula": {"L": 8 + n, "P": 10}})):
            dp3.record_activity(c.ws, dp3.ActivityRequest(kode, day, kind, topic, segments, who))
            people += rules.total(segments)
        cadres += wanted
    withdrawn = f"{villages[0]}/K002"
    dp3.withdraw(c.ws, withdrawn, day, "surat pencabutan dari kader", who)
    print(f"DP3: {len(villages)} lokus tahun {year}, {cadres} kader (target {rules.TARGET_CADRES} per lokus), "
          f"{2 * len(villages)} kegiatan dengan {people} peserta; persetujuan 1 kader dicabut")
    return {"tahun": year, "lokus": len(villages), "kader": cadres, "target": rules.TARGET_CADRES * len(villages),
            "pelatihan": len(villages), "kegiatan": 2 * len(villages), "peserta": people, "persetujuan_dicabut": 1}


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
    print(f"Paket serah-kembali (aturan KPU, umur pada {c.today:%d-%m-%Y}): {made.path}")
    print(f"  B {counts['B']:,}, TMS {sum(v for k, v in counts.items() if k.startswith('TMS')):,}, pindah TPS "
          f"{counts['pindah_tps']:,}, U {counts['U']:,}; untuk informasi KPU {counts['informasi']:,} (hanya "
          f"berbeda di daftar desa), belum punya desa {counts['belum_punya_desa']:,}")
    # The minutes and the change file in KPU's shape, also beside the package, for those who print them.
    from pemilih.contract import PACKAGE_PER_TPS
    beside = {}
    for key, name in (("ba_serah_terima", "berita_acara.pdf"), ("perubahan_per_tps", PACKAGE_PER_TPS)):
        beside[key] = [c.out / "paket" / name]
        beside[key][0].write_bytes(zipfile.ZipFile(made.path).read(name))
    return {"berkas": str(made.path), "jumlah": counts, "dokumen": documents_of(c, **beside)}


def _apply_and_recap(c: Cycle, results: dict) -> dict:
    from pemilih.commands.recap import print_summary
    from pemilih.contract import KPU_REGIME
    from pemilih.cycle import apply, keys, recap, receive
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
        dpml_key = keys.own(c.ws).public_key  # handed over with the agreement, registered once
        c.ws.activate()
        registered = keys.register(kpu, keys.RegisterRequest("DPML", dpml_key, Who(
            "demo: operator KPU", "KPU", "Kunci publik DPML diterima bersama perjanjian")))
        print(f"KPU mendaftarkan kunci publik DPML, sidik {registered.grouped}")
        first = apply.run(kpu, apply.ApplyRequest(str(package), who))
        second = apply.run(kpu, apply.ApplyRequest(str(package), who))
        print(f"KPU menerapkan paket: {sum(first.applied.values()):,} perubahan, {len(first.conflicts)} konflik; "
              f"diterapkan lagi: {'tidak ada perubahan' if second.already or not second.applied else 'BERUBAH!'}")
        _document_settings(c, kpu, ("KPU",))  # KPU's own workspace: its signatory, for the Rakor report
        made = recap.run(kpu, recap.RecapRequest(shared_on, c.today, KPU_REGIME, out_dir=str(c.out / "rekap"),
                                                 who=who))
        print_summary(made.recap)
        print(f"  rekap -> {made.path}; laporan Rakor -> {made.report}")
        return {"diterapkan": first.applied, "konflik": len(first.conflicts), "rekap": made.recap.total,
                "dokumen": documents_of(c, laporan_rakor=[made.report, made.path])}
    finally:
        kpu.close()
        c.ws.activate()
