"""`pemilih demo`: the demo regency end to end (what `make run` calls).

Generates Kabupaten Toraja Utara (skipped when the same scale and seed are already there),
runs the pre-flight check over the flat list, the 151 form-style workbooks and the registry
extract, imports the list and the extract into the workspace, and prints where things are.
Later steps of the cycle are added here as they land.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

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
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    out = Path(args.out)
    _ensure_regency(out, args.scale, args.seed)
    results = _check_all(out)
    _import_all(args.workspace, results)
    findings = _verify(out, results)
    _propose(args.workspace, findings)
    print()
    print("Selesai. Hasil ada di:")
    print(f"  berkas kabupaten contoh : {out}/kpu, {out}/registry (kebenaran dasar: {out}/truth)")
    print(f"  laporan pemeriksaan     : {out}/periksa/")
    print(f"  temuan verifikasi       : {out}/verifikasi/findings.csv, findings.xlsx")
    print(f"  ruang kerja             : {args.workspace}")
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
    from pemilih.engine.check import check, with_duplicates
    from pemilih.io.read import read_files

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
        with progress.stage(f"memeriksa {name}"):
            result = with_duplicates(read_files(paths, kind=kind))
            report = check(result)
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
    from pemilih.store.receive import import_result
    from pemilih.store.workspace import open_workspace

    ws = open_workspace(workspace)
    print(f"Impor ke ruang kerja ({ws.describe()}):")
    for kind, agency, reason in (
        ("kpu", "KPU", "DPT Pemilu 2024 dari KPU sebagai bahan awal daftar pemilih Pilkalem"),
        ("registry", "DISDUKCAPIL", "Ekstrak data kependudukan untuk verifikasi daftar pemilih"),
    ):
        outcome = import_result(ws, results[kind], actor="demo", agency=agency, reason=reason,
                                legal_basis="Perjanjian kerja sama berbagi data KPU dan DPML (contoh)",
                                allow_refused=True)
        state = "diimpor" if outcome.created else "sudah ada, tidak berubah"
        print(f"  {kind:8s}: {outcome.rows} baris, {outcome.problems} catatan masalah ({state}, "
              f"{outcome.seconds:.1f} detik)")


def _verify(out: Path, results: dict):
    """Verify the list against the registry for the demo's village election (Pilkalem)."""
    import polars as pl

    from pemilih import progress
    from pemilih.engine.findings import verify
    from pemilih.io.findings import write_all

    dates = json.loads((out / "truth" / "meta.json").read_text())["dates"]
    voting_day = date.fromisoformat(dates["pilkalem_voting_day"])
    dps_set_on = date.fromisoformat(dates["pilkalem_dps_set"])
    print(f"Verifikasi terhadap Disdukcapil (Pilkalem {voting_day:%d-%m-%Y}, DPS {dps_set_on:%d-%m-%Y}):")
    with progress.stage("verifikasi"):
        result = verify(results["kpu"].records, results["registry"].records, voting_day,
                        regime="PILKALEM", dps_set_on=dps_set_on,
                        # Duplicates are verify's own TMS-2 findings; not twice.
                        list_problems=results["kpu"].problems.filter(pl.col("code") != "NIK-DUPLICATE"))
        paths = write_all(result.findings, str(out / "verifikasi"))
    counts = result.findings.group_by("code").len().sort("code")
    print("  temuan: " + ", ".join(f"{code} {n}" for code, n in counts.iter_rows()))
    print(f"  ditulis: {paths['csv']}")
    return result.findings


def _propose(workspace: str, findings) -> None:
    """The findings go into the workspace as proposals for the verifiers (`pemilih review`)."""
    from pemilih import progress
    from pemilih.store.review import load_findings
    from pemilih.store.workspace import open_workspace

    ws = open_workspace(workspace)
    with progress.stage("menyimpan usulan"):
        outcome = load_findings(ws, findings, actor="demo", agency="DISDUKCAPIL",
                                reason="Hasil verifikasi contoh untuk ditinjau verifikator",
                                legal_basis="Perjanjian kerja sama berbagi data KPU dan DPML (contoh)")
    print(f"  usulan untuk ditinjau: {outcome.added} baru, {outcome.known} sudah ada "
          f"(lihat: pemilih review daftar --workspace {workspace})")
