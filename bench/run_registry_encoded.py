"""Benchmark of verification on the encoded registry (issue 15 item 4): `pemilih verify` on the
clear extract against `pemilih verify` on the same extract encoded (`pemilih registry encode`),
accuracy per finding code against the generator's truth, time and peak memory.

    .venv/bin/python bench/run_registry_encoded.py [--data DIR] [--scale 1.0] [--seed 2026] [--repeat 3]

Each run is its own process from the same files (start-up and reading included; bench/measure.py:
median of --repeat unsampled runs, peak memory from one more sampled run). The key and the
encoded extract are made once in a temporary folder, the encoding timed apart.

Accuracy in bench/run_verify.py's units (its scoring functions): per row for TMS codes, per
pair for TMS-2, per (row, field, proposed value) for U, per registry record for B. A finding of
the encoded run names a registry record by its token (`T` + 16 hex digits): the truth's
registry NIKs are turned into the same references with the key (the benchmark holds both sides).
Two macro F1 (the mean over the codes the truth has): over every finding, and with U counted
only on the fields the encoded extract releases (JENIS KELAMIN, KODE DESA, STATUS PERKAWINAN),
since by design no value of a withheld field is proposed. Results: bench/results/registry_encoded.json and .md.
"""
from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run_verify import PEMILIH, ensure_regency, finding_keys, read_findings, score  # noqa: E402

RELEASED_U = {"JENIS KELAMIN", "KODE DESA", "STATUS PERKAWINAN"}


def _f1(s: dict) -> float:
    p, r = s["precision"], s["recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


def _macro(codes: dict, expected: dict) -> float:
    f1 = [_f1(codes[c]) for c in expected]
    return sum(f1) / len(f1)


def _released_only(keys: dict) -> dict:
    out = dict(keys)
    out["U"] = {k for k in keys.get("U", set()) if k[1] in RELEASED_U}
    return out


def _as_refs(expected, key_file: Path):
    """The truth with registry NIKs as the encoded run's references (contract ENCODED_REF_*)."""
    import polars as pl

    from pemilih.contract import ENCODED_REF_DIGITS, ENCODED_REF_PREFIX
    from pemilih.engine.registry_encode import sub_key, token
    key = base64.b64decode(key_file.read_text().split("\n")[1])
    nik_key = sub_key(key, "token_nik")
    niks = [n for n in expected["registry_nik"].unique().to_list() if n]
    refs = {n: ENCODED_REF_PREFIX + token(nik_key, n)[:ENCODED_REF_DIGITS] for n in niks}
    return expected.with_columns(pl.col("registry_nik").replace(refs))


def main() -> None:
    import measure
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "regency"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = Path(args.data)
    meta = ensure_regency(data, args.scale, args.seed)
    list_csv, registry_csv = data / meta["files"]["kpu_csv"], data / meta["files"]["registry_csv"]
    dates = meta["dates"]
    work = Path(tempfile.mkdtemp(prefix="pemilih-enkode-"))
    key, encoded = work / "kunci.txt", work / "ekstrak_enkode.csv"
    made = measure.run(PEMILIH + ["registry", "key", "--out", str(key)])
    if made.returncode:
        sys.exit(f"registry key gagal:\n{made.stderr[-2000:]}")
    enc = measure.repeat(PEMILIH + ["registry", "encode", "--registry", str(registry_csv), "--key-file", str(key),
                                    "--out", str(encoded)], 1, before=lambda: encoded.unlink(missing_ok=True),
                         memory_run=True)
    common = ["--list", str(list_csv), "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
              "--rezim", meta.get("regime", "PILKALEM")]
    runs = {"jelas": PEMILIH + ["verify", *common, "--registry", str(registry_csv), "--out", str(work / "jelas")],
            "terenkode": PEMILIH + ["verify", *common, "--registry", str(encoded), "--key-file", str(key),
                                    "--out", str(work / "terenkode")]}
    truth = read_findings(data / "truth" / "expected_findings.csv")
    expected = {"jelas": finding_keys(truth), "terenkode": finding_keys(_as_refs(truth, key))}
    result = {"data": str(data), "scale": meta["scale"], "seed": meta["seed"], "repeat": args.repeat,
              "list_rows": meta["counts"]["list_rows"], "registry_rows": meta["counts"]["registry_rows"],
              "encode": {"seconds": enc["median_s"], "peak_mb": enc["peak_mb"],
                         "clear_mb": registry_csv.stat().st_size / 2**20, "encoded_mb": encoded.stat().st_size / 2**20}}
    for name, cmd in runs.items():
        got = measure.repeat(cmd, args.repeat, memory_run=True)
        found = finding_keys(read_findings(work / name / "findings.csv"))
        codes = score(found, expected[name])
        released = score(_released_only(found), _released_only(expected[name]))
        result[name] = {"median_s": got["median_s"], "cpu_s": got["cpu_s"], "peak_mb": got["peak_mb"],
                        "stdout": got["last"].stdout.strip(), "codes": codes,
                        "macro_f1": _macro(codes, expected[name]),
                        "macro_f1_released_u": _macro(released, expected[name]),
                        "u_released": released.get("U")}
    report(result)


def report(r: dict) -> None:
    c, e = r["jelas"], r["terenkode"]
    lines = [f"Kabupaten contoh skala {r['scale']} (benih {r['seed']}): {r['list_rows']} baris daftar, "
             f"{r['registry_rows']} baris Disdukcapil.", "",
             "| kode | diharapkan | F1 jelas | F1 terenkode | presisi terenkode | recall terenkode |",
             "|---|---|---|---|---|---|"]
    for code, s in e["codes"].items():
        if s["expected"] == 0:
            continue
        lines.append(f"| {code} | {s['expected']} | {_f1(c['codes'][code]):.4f} | {_f1(s):.4f} "
                     f"| {s['precision']:.4f} | {s['recall']:.4f} |")
    ur, uc = e["u_released"], c["u_released"]
    lines += [f"| U (kolom yang dibuka saja) | {ur['expected']} | {_f1(uc):.4f} | {_f1(ur):.4f} "
              f"| {ur['precision']:.4f} | {ur['recall']:.4f} |", "",
              "| verifikasi | waktu (s, median) | CPU (s) | puncak memori (MB) | F1 makro "
              "| F1 makro (U kolom dibuka) |",
              "|---|---|---|---|---|---|"]
    for name, x in (("ekstrak jelas", c), ("ekstrak terenkode", e)):
        lines.append(f"| {name} | {x['median_s']:.2f} | {x['cpu_s']:.2f} | {x['peak_mb']:.0f} | {x['macro_f1']:.4f} "
                     f"| {x['macro_f1_released_u']:.4f} |")
    enc = r["encode"]
    lines += ["", f"Rasio waktu terenkode/jelas: {e['median_s'] / c['median_s']:.2f}x; memori "
                  f"{e['peak_mb'] / c['peak_mb']:.2f}x. Selisih F1 makro: {c['macro_f1'] - e['macro_f1']:.4f} "
                  f"(U kolom dibuka: {c['macro_f1_released_u'] - e['macro_f1_released_u']:.4f}).",
              f"Enkode: {enc['seconds']:.1f} s, puncak {enc['peak_mb']:.0f} MB; berkas {enc['clear_mb']:.0f} MB "
              f"jadi {enc['encoded_mb']:.0f} MB."]
    text = "\n".join(lines)
    print(text)
    import measure
    measure.save("registry_encoded", r, text)


if __name__ == "__main__":
    main()
