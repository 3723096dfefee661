"""Benchmark of TPS assignment and logistics on a regency-sized synthetic list.

    .venv/bin/python bench/run_tps.py [--voters 190000] [--villages 151] [--cap 600] [--repeat 5]

Builds, with a fixed seed, a list shaped like Toraja Utara's (151 villages in 21 kecamatan,
~190k voters in ~60k families, RW/RT written messily, a few voters without NKK), then times
`assign_tps` and `logistics` in this process (the list is built once, outside the timing).
Prints the median wall time and every run, with the CPU time of the process (both cores'
threads summed), which moves less than wall time when the machine is shared. Results also go
to bench/results/tps.json.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import polars as pl

from pemilih.engine.logistics import LogisticsParams, logistics
from pemilih.engine.tps import assign_tps

ROOT = Path(__file__).resolve().parent.parent
KECAMATAN = 21


def synthetic_regency(voters: int, villages: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(voters frame, village names frame). Family sizes 1-8, mean ~3.2 voters."""
    rng = random.Random(seed)
    weights = [rng.uniform(0.3, 2.5) for _ in range(villages)]
    quota = [max(50, round(voters * w / sum(weights))) for w in weights]
    cols = {c: [] for c in ("key", "kode_desa", "nkk", "rw", "rt", "alamat", "nama")}
    names = {"kode_desa": [], "kecamatan": [], "desa": []}
    key = 0
    for v, q in enumerate(quota):
        kec = v % KECAMATAN + 1
        kode = f"73.26.{kec:02d}.{2001 + v:04d}"
        names["kode_desa"].append(kode)
        names["kecamatan"].append(f"KECAMATAN {kec:02d}")
        names["desa"].append(f"LEMBANG {v + 1:03d}")
        placed = 0
        while placed < q:
            size = min(q - placed, rng.choices(range(1, 9), weights=[14, 22, 20, 18, 12, 7, 4, 3])[0])
            nkk = None if rng.random() < 0.03 else f"7326{kec:02d}{rng.randrange(10**10):010d}"
            rw, rt = rng.randint(1, 6), rng.randint(1, 5)
            rw_s = rng.choice([str(rw), f"{rw:03d}", f" {rw} "])
            rt_s = rng.choice([str(rt), f"{rt:03d}", f"{rt} "])
            alamat = f"Dusun {rng.randint(1, 4)} No. {rng.randint(1, 200)}"
            for _ in range(size):
                for c, val in zip(cols, (f"k{key:07d}", kode, nkk, rw_s, rt_s, alamat, f"Pemilih {key}")):
                    cols[c].append(val)
                key += 1
            placed += size
    return pl.DataFrame(cols), pl.DataFrame(names)


def one_run(frame: pl.DataFrame, names: pl.DataFrame, cap: int, params: LogisticsParams) -> dict:
    c0, t0 = time.process_time(), time.perf_counter()
    result = assign_tps(frame, cap)
    t1 = time.perf_counter()
    counts = result.per_tps.join(names, on="kode_desa").select("kecamatan", "desa", "kode_desa", "tps", "pemilih")
    needs = logistics(counts, params)
    t2, c2 = time.perf_counter(), time.process_time()
    return {"assign_tps": t1 - t0, "logistics": t2 - t1, "both": t2 - t0, "cpu": c2 - c0,
            "tps": needs.total["tps"], "surat_suara": needs.total["surat_suara"],
            "families": int(result.per_village["keluarga"].sum()), "warnings": len(result.warnings)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voters", type=int, default=190_000)
    ap.add_argument("--villages", type=int, default=151)
    ap.add_argument("--cap", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7326)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    frame, names = synthetic_regency(args.voters, args.villages, args.seed)
    params = LogisticsParams.for_election("pilkalem")
    print(f"{frame.height} pemilih, {names.height} desa, batas {args.cap} per TPS", flush=True)
    runs = [one_run(frame, names, args.cap, params) for _ in range(args.repeat)]
    for r in runs:
        print(f"  assign_tps {r['assign_tps']:.3f} s, logistics {r['logistics']:.3f} s, "
              f"jumlah {r['both']:.3f} s (CPU {r['cpu']:.3f} s)")
    median = {k: statistics.median(r[k] for r in runs) for k in ("assign_tps", "logistics", "both", "cpu")}
    first = runs[0]
    print(f"median: assign_tps {median['assign_tps']:.3f} s, logistics {median['logistics']:.3f} s, "
          f"jumlah {median['both']:.3f} s (target < 5 s), CPU {median['cpu']:.3f} s; {first['families']} keluarga, "
          f"{first['tps']} TPS, {first['surat_suara']} surat suara, {first['warnings']} peringatan")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    summary = {"voters": frame.height, "villages": names.height, "cap": args.cap, "seed": args.seed,
               "median": median, "runs": runs, "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    (out / "tps.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
