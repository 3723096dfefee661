"""Benchmark of the announcement sheets: every TPS of a regency-sized list as village PDFs.

    .venv/bin/python bench/run_pdf.py [--rows 190000] [--villages 151] [--seed 7326]
                                      [--processes 2] [--repeat 3] [--keep DIR]

A synthetic voters table (fixed seed, Toraja-like names, TPS of at most 300 voters) is
written once to a Parquet file; each run is then its own process that reads it and calls
io.announcement_pdf.write_announcements (start-up included, as in the other benchmarks).
It reports the median wall time, the CPU time of the process tree (steadier than wall time
on a shared machine, when bench/measure.py gives it), the time inside write_announcements as
the run itself reports it, and the peak memory (summed PSS of the process tree, so the
worker processes are counted). Results: bench/results/pdf.json.

`python bench/run_pdf.py --child TABLE.parquet OUT_DIR PROCESSES` is one measured run.
"""
from __future__ import annotations

import argparse
import inspect
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402

TARGET_S = 60.0
# Newer bench/measure.py can time a run without sampling its memory (sampling costs CPU on a
# 2-core machine); then the peak memory comes from one extra, untimed run.
UNSAMPLED = "sample" in inspect.signature(measure.run).parameters
MAX_PER_TPS = 300
VOTING_DAY = date(2027, 4, 12)
FIRST = ["Yohanis", "Marthen", "Agustina", "Yulianti", "Samuel", "Ruth", "Daniel", "Lukas", "Maria",
         "Petrus", "Ester", "Paulus", "Rahel", "Simon", "Debora", "Markus", "Elisabeth", "Natan",
         "Frederik", "Kristina", "Rante", "Lai'", "Tandi", "Sampe", "Batti'", "Pong", "Ne'", "Indo'"]
FAMILY = ["Pakiding", "Palullungan", "Tangdilintin", "Sampe Bua'", "Rante Allo", "Tandirerung",
          "Pasolang", "Sumule", "Parinding", "Limbong", "Tappi'", "Sarungallo", "Pongsibanne",
          "Bua' Datu", "Lembang", "Kombong", "Tandiayu", "Patandianan Pasang Kalua'"]
PLACES = ["RANTEPAO", "MAKALE", "SESEAN", "SA'DAN", "BALUSU", "TIKALA", "MAKASSAR", "PALOPO",
          "TALLUNGLIPU", "KESU'", "NANGGALA", "BUNTAO'", "RINDINGALLO", "SOPAI", "DENPINA"]
DUSUN = ["Dusun Tongkonan", "Jl. Poros Rantepao - Palopo", "Kampung Bori'", "Lingkungan Pasar",
         "Dusun Kalambe' Rante", "Jl. Pahlawan", "Dusun To' Bulo", "Lorong Buntu Rante"]


def synthetic(rows: int, villages: int, seed: int):
    """A voters table in the writer's input layout, village sizes uneven like a real regency."""
    import polars as pl
    rnd = random.Random(seed)
    weights = [rnd.uniform(0.3, 2.5) for _ in range(villages)]
    sizes = [max(50, int(rows * w / sum(weights))) for w in weights]
    sizes[-1] += rows - sum(sizes)
    out = {c: [] for c in ["kecamatan", "desa", "kode_desa", "tps", "nkk", "nik", "nama", "tempat_lahir",
                           "tanggal_lahir", "jenis_kelamin", "status_kawin", "alamat", "rt", "rw", "keterangan"]}
    serial = 0
    for v, size in enumerate(sizes):
        kec = 1 + v * 21 // villages
        kode = f"73.26.{kec:02d}.{(1 if v % 9 == 0 else 2)}{v:03d}"  # every 9th a kelurahan
        desa = f"{rnd.choice(FAMILY).upper()} {v}"
        n_tps = -(-size // MAX_PER_TPS)
        for i in range(size):
            serial += 1
            sex = rnd.choice("LP")
            born = date(rnd.randint(1935, 2009), rnd.randint(1, 12), rnd.randint(1, 28))
            day = born.day + (40 if sex == "P" else 0)
            out["kecamatan"].append(f"KECAMATAN {kec}")
            out["desa"].append(desa)
            out["kode_desa"].append(kode)
            out["tps"].append(str(1 + i * n_tps // size))
            out["nkk"].append(f"7326{kec:02d}{rnd.randint(0, 9999999999):010d}")
            out["nik"].append(f"7326{kec:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 10000:04d}")
            out["nama"].append(" ".join(rnd.choice(FIRST) for _ in range(rnd.randint(1, 2)))
                               + " " + rnd.choice(FAMILY))
            out["tempat_lahir"].append(rnd.choice(PLACES))
            out["tanggal_lahir"].append(born.strftime("%d-%m-%Y"))
            out["jenis_kelamin"].append(sex)
            out["status_kawin"].append(rnd.choice("BSSSP"))
            out["alamat"].append(rnd.choice(DUSUN))
            out["rt"].append(str(rnd.randint(1, 12)))
            out["rw"].append(str(rnd.randint(1, 6)))
            out["keterangan"].append(rnd.choice(["", "", "", "", "", "U", "B"]))
    return pl.DataFrame(out)


def child(table: str, out_dir: str, processes: int) -> None:
    import polars as pl

    from pemilih.io.announcement_pdf import write_announcements
    voters = pl.read_parquet(table)
    started = time.perf_counter()
    paths = write_announcements(voters, out_dir, title="Pengumuman Daftar Pemilih", stage="DPS",
                                election_name="Pemilihan Kepala Lembang Serentak Tahun 2027",
                                voting_day=VOTING_DAY, processes=processes)
    print(json.dumps({"seconds": time.perf_counter() - started, "files": len(paths)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=190_000)
    ap.add_argument("--villages", type=int, default=151)
    ap.add_argument("--seed", type=int, default=7326)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="leave the PDFs of the last run in this folder")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pemilih-pdf-"))
    try:
        table = work / "voters.parquet"
        voters = synthetic(args.rows, args.villages, args.seed)
        voters.write_parquet(table)
        n_tps = voters.select("kode_desa", "tps").unique().height
        out = Path(args.keep) if args.keep else work / "out"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(table), str(out), str(args.processes)]
        runs = [_one(cmd, out, sample=not UNSAMPLED) for _ in range(args.repeat)]
        memory = _one(cmd, out, sample=True)[0] if UNSAMPLED else None  # peak memory, not timed
        pages, size = _pages_and_size(out)
        report(args, voters.height, n_tps, runs, memory, pages, size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _one(cmd: list[str], out: Path, sample: bool):
    shutil.rmtree(out, ignore_errors=True)
    r = measure.run(cmd, sample=sample) if UNSAMPLED else measure.run(cmd)
    if r.returncode:
        sys.exit(f"run gagal:\n{r.stderr[-2000:]}")
    return r, json.loads(r.stdout.strip().splitlines()[-1])


def _pages_and_size(out: Path) -> tuple[int, int]:
    import re
    files = list(out.glob("*.pdf"))
    pages = sum(len(re.findall(rb"/Type /Page\b", f.read_bytes())) for f in files)
    return pages, sum(f.stat().st_size for f in files)


def report(args, rows: int, n_tps: int, runs: list, memory, pages: int, size: int) -> None:
    wall = statistics.median(r.seconds for r, _ in runs)
    inner = statistics.median(d["seconds"] for _, d in runs)
    cpu = statistics.median(getattr(r, "cpu_s", 0.0) for r, _ in runs)
    peak = memory.peak_mb if memory is not None else max(r.peak_mb for r, _ in runs)
    verdict = "ok" if wall < TARGET_S else "MELESET"
    print(f"Pengumuman: {rows} pemilih, {args.villages} desa, {n_tps} TPS, {args.processes} proses; "
          f"{runs[-1][1]['files']} berkas, {pages} halaman, {size / 1e6:.1f} MB")
    print(f"median dari {len(runs)} kali: {wall:.2f} s (di dalam write_announcements {inner:.2f} s; "
          f"CPU {cpu:.1f} s), puncak memori {peak:.0f} MB; target < {TARGET_S:.0f} s ({verdict})")
    result = {"rows": rows, "villages": args.villages, "tps": n_tps, "processes": args.processes,
              "files": runs[-1][1]["files"], "pages": pages, "bytes": size, "median_s": wall,
              "median_inner_s": inner, "min_s": min(r.seconds for r, _ in runs), "cpu_s": cpu,
              "peak_mb": peak, "runs": len(runs)}
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "pdf.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
