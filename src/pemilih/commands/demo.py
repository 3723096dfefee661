"""`pemilih demo`: the demo regency end to end (what `make run` calls).

Generates Kabupaten Toraja Utara (skipped when the same scale and seed are already there),
runs the pre-flight check over the flat list, the 151 form-style workbooks and the registry
extract, imports the list and the extract into the workspace, and prints where things are.
then runs the village cycle on it (demo_cycle.py): share, collect, verify and review,
the Pilkalem lists with TPS and logistics, the hand-back package, KPU's apply and recap.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pemilih.commands import common

DEFAULT_SEED = 2026


def register(sub):
    p = sub.add_parser(
        "demo", help="jalankan contoh lengkap pada kabupaten sintetis (Toraja Utara)",
        description="Bangkitkan kabupaten contoh, periksa dan impor berkasnya ke ruang kerja, "
                    "lalu cetak ringkasan dan letak hasilnya.")
    p.add_argument("--out", default="demo", help="folder hasil (bawaan: ./demo)")
    p.add_argument("--scale", type=float, default=1.0, help="skala kabupaten (1.0 = ±260.000 penduduk)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="benih acak (bawaan: %(default)s)")
    p.add_argument("--workspace", default="pemilih-data", help="folder ruang kerja (bawaan: ./pemilih-data)")
    p.set_defaults(func=common.guarded(run))
    return p


def run(args, observe=None) -> int:
    """The demo; `observe(step, cycle)` is called after each step of the village cycle."""
    out = Path(args.out)
    _ensure_regency(out, args.scale, args.seed)
    results = _check_all(out)
    _import_all(args.workspace, results)
    from pemilih.commands import demo_cycle
    summary = demo_cycle.run(out, args.workspace, results, observe)
    (out / "ringkasan.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str),
                                        encoding="utf-8")
    print()
    print("Selesai. Hasil ada di:")
    print(f"  berkas kabupaten contoh : {out}/kpu, {out}/registry (kebenaran dasar: {out}/truth)")
    print(f"  laporan pemeriksaan     : {out}/periksa/")
    print(f"  lembar kerja coklit     : {out}/coklit/dibagikan, {out}/coklit/kembali")
    print(f"  temuan verifikasi       : {out}/verifikasi/findings.csv, findings.xlsx")
    print(f"  Pilkalem (DPS, DPT, TPS): {out}/pilkalem/ (pengumuman PDF, logistik.xlsx/pdf)")
    print(f"  paket serah-kembali     : {out}/paket/")
    print(f"  rekap KPU               : {out}/rekap/")
    print(f"  ruang kerja DPML / KPU  : {args.workspace} / {out}/ruang-kerja-kpu")
    print(f"  ringkasan angka         : {out}/ringkasan.json")
    print(f"Aplikasi web dengan satu akun demo per peran: pemilih serve --workspace {args.workspace} --akun-demo")
    return 0


def _ensure_regency(out: Path, scale: float, seed: int) -> None:
    from pemilih.generate import existing, generate
    if existing(out, scale, seed):
        print(f"Kabupaten contoh sudah ada di {out} (skala {scale}, benih {seed}); dipakai ulang.")
        return
    print(f"Membangkitkan kabupaten contoh Toraja Utara (skala {scale}, benih {seed}) ...", flush=True)
    summary = generate(str(out), scale=scale, seed=seed, progress=True)
    counts = summary.get("counts", {})
    print(f"  {counts.get('residents_on_extract', '?')} penduduk, {counts.get('list_rows', '?')} baris DPT lama "
          f"di {counts.get('workbooks', '?')} buku kerja ({counts.get('tps', '?')} TPS), "
          f"{counts.get('registry_rows', '?')} baris ekstrak Disdukcapil")


def _check_all(out: Path) -> dict:
    """Check each rendering; returns the ReadResults to import (flat list and registry)."""
    from pemilih import progress
    from pemilih.cycle import check

    reports = out / "periksa"
    reports.mkdir(parents=True, exist_ok=True)
    books = sorted(str(p) for p in (out / "kpu" / "form").glob("*.xlsx"))
    inputs = {
        "dpt_csv": ([str(out / "kpu" / "dpt_7326.csv")], "kpu"),
        "dpt_formulir": (books, "kpu"),
        "disdukcapil": ([str(out / "registry" / "disdukcapil_7326.csv")], "registry"),
    }
    print("Pemeriksaan awal (pre-flight):")
    results, rows = {}, {}
    for name, (paths, kind) in inputs.items():
        with progress.TerminalProgress() as shown:
            checked = check.run(check.CheckRequest(tuple(paths), kind), shown)
        report, result = checked.report, checked.results[kind]
        (reports / f"{name}.txt").write_text(report.to_text(), encoding="utf-8")
        (reports / f"{name}.json").write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1),
                                              encoding="utf-8")
        rows[name] = report.rows
        print(f"  {name:13s}: {len(paths):3d} berkas, {report.rows:7d} baris, "
              f"{report.errors.height:5d} masalah -> {report.status}  ({reports / name}.txt)")
        results[name] = result
    if rows["dpt_csv"] != rows["dpt_formulir"]:
        print("  PERHATIAN: jumlah baris CSV dan buku kerja formulir berbeda!", file=sys.stderr)
    else:
        print(f"  CSV datar dan {len(books)} buku kerja formulir: jumlah baris sama ({rows['dpt_csv']}).")
    return {"kpu": results["dpt_csv"], "registry": results["disdukcapil"]}


def _import_all(workspace: str, results: dict) -> None:
    """The flat list and the extract, as checked, received by the receive step."""
    from pemilih.cycle import receive
    from pemilih.store.workspace import open_workspace

    ws = open_workspace(workspace)
    print(f"Impor ke ruang kerja ({ws.describe()}):")
    for kind, reason in (("kpu", "DPT Pemilu 2024 dari KPU sebagai bahan awal daftar pemilih Pilkalem"),
                         ("registry", None)):
        request = receive.ReceiveRequest(tuple(f.path for f in results[kind].files), "demo", kind=kind,
                                         reason=reason,
                                         legal_basis="Perjanjian kerja sama berbagi data KPU dan DPML (contoh)")
        [outcome] = receive.store(ws, {kind: results[kind]}, request).received
        state = "diimpor" if outcome.created else "sudah ada, tidak berubah"
        print(f"  {kind:8s}: {outcome.rows} baris, {outcome.problems} catatan masalah ({state}, "
              f"{outcome.seconds:.1f} detik)")
