"""The store at province scale (issue 17, item 5): a province's lists into one PostgreSQL
workspace, then the voter list, the review queue and /cek on it.

    .venv/bin/python bench/run_province_store.py [--scale 1.0] [--data DIR] [--pgdata DIR]
        [--no-registry] [--findings N] [--requests 100] [--clients 2] [--rate 50] [--seconds 20]

1. The province: `pemilih generate --province 73 --scale S` into --data (once; reused after).
2. Its own PostgreSQL server (the tests' initdb + pg_ctl helper, tests/conftest.py), with the
   durability a real office server has (fsync on) and the usual bulk-load settings (bigger
   max_wal_size, shared_buffers, maintenance_work_mem); --pgdata keeps it between runs, and a
   workspace that already holds the list is not imported again (receive is idempotent).
3. The import, stage by stage, through the functions `pemilih receive` runs (cycle/receive.py):
   reading and checking the 24 regency files (io/read.py), writing the records (COPY), the
   current list (projection), the civil-registry extract (unless --no-registry; received per
   regency, 24 batches: io/read.py holds every row it reads, and the province's 10.9 million
   registry rows at once would take about 15 GB), the web application's reading indexes
   (web/indexes.py, made by `pemilih serve`). Wall time and peak
   RSS of this process and of the PostgreSQL server per stage. Target: the list's import
   (read + records + current list) at most 3 minutes.
4. Findings for the review queue: `pemilih verify` per regency (the regency's list against the
   registry rows of that regency: cheap, and a realistic number of findings; partitioned
   verification proper is another part of issue 17), an even sample of --findings N of them
   (default: one per ten voters) loaded with `pemilih review muat`.
5. The web application (run_web.py's server, clients and measures): the voter list (first
   page, one village, a deep page, a name search), the review queue, /cek open loop;
   p50/p95/p99 per URL, target p95 < 300 ms.

Results go to bench/results/province_store.json. NIKs are never printed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT / "tests"))

import run_web  # noqa: E402
from run_foundation import PEMILIH  # noqa: E402

from conftest import PostgresServer  # noqa: E402

TARGET_IMPORT_S = 180.0
TARGET_P95_MS = 300.0
DATABASE = "pemilih_provinsi"
ON_DAY = "2029-02-14"


# --- the server -------------------------------------------------------------------------------

class BenchServer(PostgresServer):
    """The tests' throwaway server, durable like a real one (fsync on), in a folder that may
    be kept between runs."""

    # fsync and full-page writes on, as in production; a bulk load's usual settings otherwise.
    OPTIONS = ("-c shared_buffers=1GB -c maintenance_work_mem=512MB -c work_mem=32MB "
               "-c max_wal_size=8GB -c checkpoint_timeout=15min -c effective_cache_size=8GB "
               "-c max_parallel_workers_per_gather=2")

    def __init__(self, folder: Path | None):
        super().__init__()
        if folder is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = folder
            self.dir.mkdir(parents=True, exist_ok=True)
            if self.as_root:
                shutil.chown(self.dir, user="postgres")
        self.kept = folder is not None

    def start(self) -> None:
        data = self.dir / "data"
        if not (data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--locale=C.UTF-8")
        try:
            self._run("pg_ctl", "-D", str(data), "status")
            return  # still running from an earlier run (--pgdata)
        except RuntimeError:
            pass
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' {self.OPTIONS}"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        if not self.kept:
            return super().stop()
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def postmaster(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def ensure_database(self) -> None:
        import psycopg
        with psycopg.connect(host=str(self.dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
                conn.execute(f"CREATE DATABASE {DATABASE}")


# --- stages, timed -----------------------------------------------------------------------------

class Stages:
    """Wall time and peak RSS (this process; the PostgreSQL server) per stage."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.done: dict[str, dict] = {}

    def run(self, name: str, func, *args, **kwargs):
        print(f"  {name} ...", flush=True)
        with run_web.MemorySampler([os.getpid()], every=0.5) as own, \
                run_web.MemorySampler([self.server_pid], every=0.5) as server:
            started = time.perf_counter()
            value = func(*args, **kwargs)
            seconds = time.perf_counter() - started
        self.done[name] = {"seconds": round(seconds, 2), "peak_rss_mb": round(own.peak_rss),
                           "server_peak_rss_mb": round(server.peak_rss)}
        print(f"  {name}: {seconds:.1f} s, puncak RSS {own.peak_rss:.0f} MB "
              f"(server PostgreSQL {server.peak_rss:.0f} MB)", flush=True)
        return value


def ensure_province(data: Path, scale: float, seed: int) -> dict:
    if (data / "kpu").is_dir() and (data / "selesai").exists():
        return {"generated": False}
    started = time.perf_counter()
    # The lists and the extract are all it reads: no workbooks (with them, a province at scale
    # 1.0 does not fit in 23 GB).
    cmd = PEMILIH + ["generate", "--province", "73", "--scale", str(scale), "--seed", str(seed),
                     "--out", str(data), "--no-workbooks"]
    print(f"membuat provinsi skala {scale} di {data} (sekali) ...", flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} gagal ({done.returncode}):\n{done.stderr[-3000:]}")
    (data / "selesai").write_text("ok\n")
    return {"generated": True, "seconds": round(time.perf_counter() - started, 1)}


def import_lists(ws, data: Path, stages: Stages, with_registry: bool) -> dict:
    """The province's lists (and registry) into the workspace, stage by stage."""
    from pemilih.contract import KIND_KPU, KIND_REGISTRY
    from pemilih.cycle import receive
    from pemilih.store import events, projection
    from pemilih.store.receive import latest_batch
    out = {}
    if latest_batch(ws, KIND_KPU) is None:
        lists = sorted(str(p) for p in (data / "kpu").glob("dpt_73*.csv"))
        request = receive.ReceiveRequest(tuple(lists), "bench-provinsi", KIND_KPU)
        started = time.perf_counter()
        results = stages.run("daftar: baca dan periksa (io/read.py)", receive.read, request)
        rows = results[KIND_KPU].records.height
        applier = projection.APPLIERS[events.LIST_IMPORTED]
        timed = {}

        def list_imported(event):  # the current list's fill, timed on its own
            t = time.perf_counter()
            applier(event)
            timed["seconds"] = time.perf_counter() - t
        projection.APPLIERS[events.LIST_IMPORTED] = list_imported
        try:
            outcome = stages.run("daftar: simpan (COPY + daftar terkini)", receive.store, ws, results, request)
        finally:
            projection.APPLIERS[events.LIST_IMPORTED] = applier
        del results
        total = time.perf_counter() - started
        stored = stages.done["daftar: simpan (COPY + daftar terkini)"]
        stored["current_list_seconds"] = round(timed.get("seconds", 0.0), 2)
        stored["records_and_rest_seconds"] = round(stored["seconds"] - stored["current_list_seconds"], 2)
        out["list"] = {"files": len(lists), "rows": rows, "problems": outcome.received[0].problems,
                       "seconds": round(total, 1), "target_s": TARGET_IMPORT_S,
                       "met": total <= TARGET_IMPORT_S}
        print(f"daftar provinsi: {rows:,} baris dari {len(lists)} berkas dalam {total:.1f} s "
              f"(target <= {TARGET_IMPORT_S:.0f} s)", flush=True)
        kept = {name: v for name, v in stages.done.items() if name.startswith("daftar:")}
        (data / "impor-daftar.json").write_text(json.dumps({"list": out["list"], "stages": kept}, indent=1))
    elif (data / "impor-daftar.json").exists():  # measured by an earlier run on this server
        earlier = json.loads((data / "impor-daftar.json").read_text())
        out["list"] = {**earlier["list"], "measured_by_an_earlier_run": True}
        stages.done.update(earlier["stages"])
    else:
        out["list"] = {"skipped": "ruang kerja sudah berisi daftar (impor ulang tidak mengubah apa pun)"}
    if with_registry and latest_batch(ws, KIND_REGISTRY) is None:
        parts = stages.run("registry: dipecah per kabupaten/kota", registry_parts, data)
        out["registry"] = stages.run("registry: impor per kabupaten/kota (24 batch)", _receive_registry, ws, parts)
    from pemilih.web import indexes
    out["indexes_made"] = stages.run("indeks aplikasi web (web/indexes.py)", indexes.ensure)
    return out


def registry_parts(data: Path) -> list[Path]:
    """The province's registry extract cut by regency, in one pass (once): read whole, 10.9
    million rows would take about 15 GB here (io/read.py holds every row), a regency's 0.7 GB."""
    import polars as pl
    folder = data / "temuan" / "registry"
    regencies = [lst.stem.split("_")[1] for lst in sorted((data / "kpu").glob("dpt_73*.csv"))]
    parts = [folder / f"disdukcapil_{r}.csv" for r in regencies]
    if (folder / "selesai").exists():
        return parts
    folder.mkdir(parents=True, exist_ok=True)
    handles = {r: open(p, "wb") for r, p in zip(regencies, parts)}
    try:
        for extract in sorted((data / "registry").glob("*.csv")):
            cut = (pl.scan_csv(extract, infer_schema=False)
                   .with_columns(pl.col("KODE_WILAYAH").str.replace_all(r"\D", "").str.slice(0, 4).alias("_kab")))
            for batch in cut.collect_batches(chunk_size=500_000):
                for (regency,), rows in batch.partition_by("_kab", as_dict=True).items():
                    if regency in handles:  # outside the province's regencies: left out
                        out = handles[regency]
                        rows.drop("_kab").write_csv(out, include_header=out.tell() == 0)
    finally:
        for handle in handles.values():
            handle.close()
    (folder / "selesai").write_text("ok\n")
    return parts


def _receive_registry(ws, parts: list[Path]) -> dict:
    from pemilih.contract import KIND_REGISTRY
    from pemilih.cycle import receive
    rows = 0
    for part in parts:
        request = receive.ReceiveRequest((str(part),), "bench-provinsi", KIND_REGISTRY)
        rows += receive.store(ws, receive.read(request), request).received[0].rows
    return {"rows": rows, "batches": len(parts)}


# --- findings for the review queue -------------------------------------------------------------

def ensure_findings(data: Path, ws_dir: Path, url: str, limit: int | None, stages: Stages,
                    source: str | None = None) -> dict:
    """Findings per regency (list of the regency against its registry rows), loaded once."""
    if limit == 0:
        return {"skipped": "--findings 0"}
    from pemilih.store.models import Proposal
    if Proposal.objects.exists():
        return {"proposals": Proposal.objects.count(), "loaded_before": True}
    if limit is None:  # about one voter in ten with a finding: more than a real update has
        from pemilih.store.models import Voter
        limit = Voter.objects.count() // 10
    import polars as pl
    folder = data / "temuan"
    folder.mkdir(parents=True, exist_ok=True)
    merged = Path(source) if source else folder / "findings.csv"
    if not merged.exists():
        stages.run("temuan: verify per kabupaten/kota", _verify_by_regency, data, folder)
    frame = pl.read_csv(merged, infer_schema=False)
    if limit > 0 and frame.height > limit:  # an even sample over the province, in list order
        frame = frame.with_row_index().sample(limit, seed=17).sort("index").drop("index")
    chosen = folder / "findings-dimuat.csv"
    frame.write_csv(chosen)
    env = {**os.environ, "DATABASE_URL": url}
    cmd = PEMILIH + ["review", "muat", str(chosen), "--workspace", str(ws_dir),
                     "--alasan", "Uji beban provinsi"]
    done = stages.run("temuan: review muat", subprocess.run, cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"review muat gagal ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"findings": frame.height, "proposals": Proposal.objects.count(), "from": str(merged)}


def _verify_by_regency(data: Path, folder: Path) -> None:
    import polars as pl
    parts = folder / "bagian"
    parts.mkdir(parents=True, exist_ok=True)
    frames = []
    for lst, reg in zip(sorted((data / "kpu").glob("dpt_73*.csv")), registry_parts(data)):
        out = parts / lst.stem.split("_")[1]
        if not (out / "findings.csv").exists():
            cmd = PEMILIH + ["verify", "--list", str(lst), "--registry", str(reg), "--on", ON_DAY,
                             "--out", str(out)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"verify {lst.name} gagal ({done.returncode}):\n{done.stderr[-3000:]}")
        frames.append(pl.read_csv(out / "findings.csv", infer_schema=False))
    pl.concat(frames, how="diagonal").write_csv(folder / "findings.csv")


# --- what the pages are asked for ---------------------------------------------------------------

def page_values(ws) -> dict:
    """run_web.prepare_workspace's values, read by sampling: it reads every NIK of the list
    into memory, 7 million of them here."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from pemilih.web import accounts
    password = run_web.secrets.token_urlsafe(12)
    user = get_user_model().objects.filter(username=run_web.BENCH_USER).first()
    if user is None:
        accounts.create(run_web.BENCH_USER, password, "dpml", full_name="Uji Beban")
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    _agreement(ws)
    with connection.cursor() as cur:
        cur.execute("SELECT kode_desa, COUNT(*) FROM store_voter GROUP BY kode_desa ORDER BY 2 DESC LIMIT 1")
        village = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM store_voter")
        voters = cur.fetchone()[0]
        cur.execute("SELECT nik, nama FROM store_voter TABLESAMPLE SYSTEM (1) REPEATABLE (17) "
                    "WHERE nik IS NOT NULL LIMIT 20000")
        sample = cur.fetchall()
        finding_code, review_village = run_web._review_values(cur)
        listed = sorted({n for n, _ in sample if len(n) == 16 and n.isdigit() and not n.startswith("00")})
        rng = random.Random(7326)
        unlisted = []
        while len(unlisted) < 3000:
            nik = "73" + f"{rng.randrange(10**14):014d}"
            cur.execute("SELECT 1 FROM store_voter WHERE nik = %s", [nik])
            if cur.fetchone() is None:
                unlisted.append(nik)
    first_names = [n.split()[0] for _, n in sample if n and n.split()]
    name = max(set(first_names), key=first_names.count) if first_names else "MARIA"
    return {"password": password, "village": village, "voters": voters, "name": name,
            "deep_page": max(1, voters // 50 * 3 // 4), "listed": rng.sample(listed, min(3000, len(listed))),
            "unlisted": unlisted, "finding_code": finding_code, "review_village": review_village}


def _agreement(ws, number: str = "UJI-PROVINSI-73") -> None:
    """The data-sharing agreement a DPML account needs to see the list (as the demo records)."""
    from datetime import date, timedelta

    from pemilih.cycle import agreement
    from pemilih.cycle.common import Who
    if any(a.number == number for a in agreement.listing(ws)[0]):
        return
    today = date.today()
    agreement.run(ws, agreement.AgreementRequest(
        number=number, purpose="Uji beban ruang kerja provinsi", legal_basis="UU 7/2017 Pasal 14",
        valid_from=today - timedelta(days=1), valid_to=today + timedelta(days=365),
        retention="Dihapus setelah uji", who=Who("bench-provinsi", "KPU", "Uji beban")))


def query_plans(values: dict) -> dict:
    """EXPLAIN ANALYZE of the pages' queries on the province: the plan's first lines (node
    types only, no values) and the execution time. The old ones (COUNT(*), OFFSET to a deep
    page) beside what the pages now run (web/voter_pages.py, web/indexes.py)."""
    from django.db import connection
    groups = [g for g in _groups() if g[0]]
    village, skip = groups[len(groups) * 3 // 4][0], 1000
    nik = values["listed"][0]
    common, rare = values["name"], "ZULKARNAEN"
    name = "UPPER(nama::text) LIKE UPPER(%s)"
    page = "SELECT kode_desa, nama, nik FROM store_voter"
    asked = {
        "daftar: COUNT(*) lama": ("SELECT COUNT(*) FROM store_voter", []),
        "daftar: halaman dalam lama (OFFSET 75%)": (
            f"{page} ORDER BY kode_desa, position OFFSET {values['voters'] * 3 // 4} LIMIT 50", []),
        "daftar: halaman dalam baru (seek dari desa)": (
            f"{page} WHERE kode_desa >= %s ORDER BY kode_desa, position OFFSET {skip} LIMIT 50", [village]),
        "daftar: cari nama umum": (f"{page} WHERE {name} ORDER BY kode_desa, position LIMIT 50", [f"%{common}%"]),
        "daftar: hitung nama umum (batas)": (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM store_voter WHERE {name} LIMIT 1001) s", [f"%{common}%"]),
        "daftar: cari nama jarang": (f"{page} WHERE {name} ORDER BY kode_desa, position LIMIT 50", [f"%{rare}%"]),
        "daftar: hitung nama jarang (batas)": (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM store_voter WHERE {name} LIMIT 1001) s", [f"%{rare}%"]),
        "/cek: NIK di daftar": ("SELECT nama, desa, kecamatan, tps FROM store_voter WHERE nik = %s LIMIT 1", [nik]),
        "tinjau: rekaman registry per NIK": ("SELECT id FROM store_sourcerecord WHERE nik = %s", [nik]),
        "desa: GROUP BY per peristiwa (web/villages.py)": (
            "SELECT kode_desa, desa, kecamatan, COUNT(*) FROM store_voter GROUP BY kode_desa, desa, kecamatan "
            "ORDER BY kode_desa", []),
    }
    out = {}
    with connection.cursor() as cur:
        for label, (sql, params) in asked.items():
            cur.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) " + sql, params)
            lines = [r[0] for r in cur.fetchall()]
            plan = [ln.strip().split("  (")[0].lstrip("-> ").strip() for ln in lines
                    if "(cost=" in ln][:4]
            ms = next(float(ln.split(":")[1].split()[0]) for ln in lines if ln.startswith("Execution Time"))
            out[label] = {"ms": ms, "plan": plan}
            print(f"  {label}: {ms:.1f} ms  {' / '.join(plan)}", flush=True)
    return out


def _groups():
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("SELECT kode_desa, COUNT(*) FROM store_voter GROUP BY kode_desa ORDER BY kode_desa")
        return cur.fetchall()


def table_sizes() -> dict:
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                    "WHERE relname IN ('store_sourcerecord', 'store_voter', 'store_proposal', 'store_rowproblem')")
        return {name: f"{size / 2**20:.0f} MB" for name, size in cur.fetchall()}


def bench_web(ws_dir: Path, url: str, values: dict, args) -> dict:
    os.environ["DATABASE_URL"] = url
    procs = run_web.start_server(ws_dir, args.port)
    from pemilih.web import server
    try:
        with run_web.MemorySampler([p.pid for p in procs]) as memory:
            pages, notes = run_web.bench_pages(args.port, values, args.requests, args.clients)
            after_event = _after_an_event(args.port, values, ws_dir, url)
            people = run_web.residents(args.port, args.residents)
            cek = run_web.bench_lookup(args.port, values, args.rate, args.seconds, args.load_threads, people)
    finally:
        server.stop(*procs)
    return {"pages": pages, "notes": notes, "cek": cek, "after_event": after_event,
            "memory": {"peak_rss_mb": round(memory.peak_rss), "peak_pss_mb": round(memory.peak_pss)}}


def _after_an_event(port: int, values: dict, ws_dir: Path, url: str) -> dict:
    """The first pages after a new event: the per-process caches keyed on the event log (the
    villages and their counts, the review index) are read again then. One event (an agreement,
    which changes nothing else), then each page four times in turn (two server processes)."""
    from pemilih.store.workspace import open_workspace
    ws = open_workspace(ws_dir, url)
    _agreement(ws, f"UJI-PROVINSI-73-{int(time.time())}")
    ws.close()
    session = run_web.Client(port)
    session.login(run_web.BENCH_USER, values["password"])
    out = {}
    for path in ("/pemilih/", "/tinjau/"):
        times = []
        for _ in range(4):
            started = time.perf_counter()
            status, _, _ = session.get(path)
            times.append(round((time.perf_counter() - started) * 1000, 1))
        out[path] = times
    return out


def report(out: dict) -> None:
    print()
    print(f"Provinsi 73 skala {out['scale']}: {out['voters']:,} pemilih di satu ruang kerja PostgreSQL")
    print(f"perintah: {out['command']}")
    print("| tahap | detik | puncak RSS proses (MB) | puncak RSS server PostgreSQL (MB) |")
    print("|---|---|---|---|")
    for name, s in out["stages"].items():
        print(f"| {name} | {s['seconds']} | {s['peak_rss_mb']} | {s['server_peak_rss_mb']} |")
    lst = out["import"].get("list", {})
    if "seconds" in lst:
        print(f"impor daftar: {lst['seconds']} s (target <= {TARGET_IMPORT_S:.0f} s: "
              f"{'ok' if lst['met'] else 'MELESET'})")
    print()
    print(f"halaman ({out['web']['pages'] and next(iter(out['web']['pages'].values()))['n']} jawaban per URL, "
          f"{out['page_clients']} klien) dan /cek ({out['web']['cek']['rate_asked']:.0f}/detik, beban terbuka)")
    print("| halaman | URL | p50 (ms) | p95 (ms) | p99 (ms) | galat | target p95 < 300 ms |")
    print("|---|---|---|---|---|---|---|")
    rows = dict(out["web"]["pages"])
    rows["/cek (POST)"] = {"url": "/cek", **out["web"]["cek"]}
    for label, r in rows.items():
        ok = "ok" if r["p95_ms"] < TARGET_P95_MS and not r["errors"] else "MELESET"
        print(f"| {label} | `{r['url']}` | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {ok} |")
    for note in out["web"]["notes"]:
        print(f"  catatan: {note}")
    print(f"halaman pertama setelah peristiwa baru (ms, 4 kali berturut-turut): {out['web']['after_event']}")
    print(f"memori server web, puncak: RSS {out['web']['memory']['peak_rss_mb']} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--data", default=None, help="folder provinsi (bawaan: bench/results/provinsi-SKALA)")
    ap.add_argument("--pgdata", default=None, help="folder server PostgreSQL yang disimpan antar-run "
                                                   "(bawaan: sementara, dihapus di akhir)")
    ap.add_argument("--no-registry", action="store_true", help="tanpa ekstrak Disdukcapil")
    ap.add_argument("--findings", type=int, default=None,
                    help="temuan dimuat, sampel merata (bawaan: 10%% jumlah pemilih; -1: semua, 0: tanpa)")
    ap.add_argument("--findings-from", default=None, metavar="CSV",
                    help="findings.csv yang dimuat, bukan hasil verify per kabupaten/kota")
    ap.add_argument("--port", type=int, default=8797)
    ap.add_argument("--requests", type=int, default=100, help="jawaban per URL halaman")
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--rate", type=float, default=50.0, help="permintaan /cek per detik")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--load-threads", type=int, default=32)
    ap.add_argument("--residents", type=int, default=500)
    args = ap.parse_args()
    data = Path(args.data or ROOT / "bench" / "results" / f"provinsi-{args.scale}")
    generated = ensure_province(data, args.scale, args.seed)
    server = BenchServer(Path(args.pgdata) if args.pgdata else None)
    server.start()
    try:
        server.ensure_database()
        url = server.url(DATABASE)
        ws_dir = data / "ruang-kerja"
        stages = Stages(server.postmaster())
        from pemilih.store.workspace import open_workspace
        ws = stages.run("buka ruang kerja (migrasi)", open_workspace, ws_dir, url)
        imported = import_lists(ws, data, stages, not args.no_registry)
        findings = ensure_findings(data, ws_dir, url, args.findings, stages, args.findings_from)
        values = page_values(ws)
        sizes = table_sizes()
        plans = query_plans(values)
        ws.close()
        web = bench_web(ws_dir, url, values, args)
    finally:
        server.stop()
    out = {"command": " ".join([".venv/bin/python", "bench/run_province_store.py", *sys.argv[1:]]),
           "scale": args.scale, "voters": values["voters"], "generated": generated, "stages": stages.done,
           "import": imported, "findings": findings, "table_sizes": sizes, "query_plans": plans,
           "page_clients": args.clients,
           "web": web, "loadavg": "/".join(f"{x:.2f}" for x in os.getloadavg()),
           "postgresql_settings": BenchServer.OPTIONS}
    report(out)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "province_store.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    threading.excepthook = lambda a: print(f"utas gagal: {a.exc_value!r}", file=sys.stderr)
    main()
