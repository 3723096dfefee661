"""Pictures of the printed PDFs for readers of the documentation.

    .venv/bin/python scripts/render_pdf_samples.py [--out docs/img] [--demo DIR]

Builds each kind (announcement sheet, logistics needs, hand-over minutes) from a small
synthetic table in a temporary folder and renders its first page with
`pdftoppm -png -r 80 -f 1 -l 1` (poppler-utils, scripts/sysdeps.sh) to
`<out>/pdf_announcement.png`, `pdf_logistics.png`, `pdf_minutes.png`. With `--demo DIR` (the
folder of `pemilih demo --out DIR`), also the first page of the first PDF of each kind its
summary lists under `dokumen` (`<out>/pdf_<kind>.png`: sk_dps, ba_dpt, undangan, ...). All data
is made up.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from pemilih.io.announcement_pdf import write_announcements
from pemilih.io.logistics_pdf import NUMERIC, write_logistics_pdf
from pemilih.io.minutes_pdf import write_minutes

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Yohanis", "Agustina", "Marthen", "Ruth", "Samuel", "Ester", "Lukas", "Debora", "Rante", "Batti'"]
FAMILY = ["Pakiding", "Sampe Bua'", "Tandirerung", "Pasolang", "Sumule", "Limbong", "Patandianan Pasang Kalua'"]
PLACES = ["RANTEPAO", "SA'DAN", "MAKALE", "PALOPO", "SESEAN"]


def voters(n: int = 60, seed: int = 1) -> pl.DataFrame:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        sex = "LP"[i % 2]
        born = date(rnd.randint(1950, 2008), rnd.randint(1, 12), rnd.randint(1, 28))
        day = born.day + (40 if sex == "P" else 0)
        rows.append({
            "kecamatan": "TALLUNGLIPU", "desa": "TAMPAN BONGA", "kode_desa": "73.26.05.2003",
            "tps": "1" if i < 45 else "2", "nkk": f"732605{rnd.randint(0, 10 ** 10 - 1):010d}",
            "nik": f"732605{day:02d}{born.month:02d}{born.year % 100:02d}{i + 1:04d}",
            "nama": f"{rnd.choice(FIRST)} {rnd.choice(FIRST)} {rnd.choice(FAMILY)}",
            "tempat_lahir": rnd.choice(PLACES), "tanggal_lahir": born.strftime("%d-%m-%Y"),
            "jenis_kelamin": sex, "status_kawin": rnd.choice("BSSP"),
            "alamat": rnd.choice(["Dusun Tongkonan", "Jl. Poros Rantepao - Palopo", "Kampung Bori'"]),
            "rt": str(rnd.randint(1, 9)), "rw": str(rnd.randint(1, 4)), "keterangan": rnd.choice(["", "", "U", "B"]),
        })
    return pl.DataFrame(rows)


def logistics_tables():
    per_tps = pl.DataFrame({
        "kecamatan": ["RANTEPAO"] * 3 + ["TALLUNGLIPU"] * 3,
        "desa": ["PANTANAKAN LOLO", "PANTANAKAN LOLO", "LAANG TANDUK", "TAMPAN BONGA", "TAMPAN BONGA", "TAMPAN BONGA"],
        "kode_desa": ["73.26.01.2001", "73.26.01.2001", "73.26.01.1002", "73.26.05.2003", "73.26.05.2003",
                      "73.26.05.2003"],
        "tps": [1, 2, 1, 1, 2, 3], "pemilih": [300, 250, 200, 281, 279, 96]})
    per_tps = per_tps.with_columns(cadangan=(pl.col("pemilih") * 25 + 999) // 1000).with_columns(
        surat_suara=pl.col("pemilih") + pl.col("cadangan"), kotak_suara=pl.lit(1), bilik_suara=pl.lit(4),
        tinta=pl.lit(2), segel=pl.lit(1), formulir=pl.lit(1))
    per_village = per_tps.group_by("kecamatan", "desa", "kode_desa", maintain_order=True).agg(pl.col(NUMERIC).sum())
    per_kecamatan = per_tps.group_by("kecamatan", maintain_order=True).agg(pl.col(NUMERIC).sum())
    total = per_tps.select(pl.col(NUMERIC).sum()).row(0, named=True)
    return per_tps, per_village, per_kecamatan, total


def build(work: Path) -> dict[str, Path]:
    [announcement] = write_announcements(
        voters(), work, title="Pengumuman Daftar Pemilih", stage="DPS",
        election_name="Pemilihan Kepala Lembang Serentak Tahun 2027", voting_day=date(2027, 4, 12), processes=1,
        announced=(date(2027, 1, 15), date(2027, 1, 17)), responses_until=date(2027, 1, 17))
    logistics = write_logistics_pdf(*logistics_tables(), work / "logistik.pdf",
                                    title="Kebutuhan Logistik Pilkalem 2027",
                                    params={"preset": "pilkalem", "reserve_percent": 2.5, "ballot_boxes": 1,
                                            "booths": 4, "ink": 2, "seals": 1, "forms": 1})
    minutes = write_minutes(
        work / "berita_acara.pdf", title="Berita Acara Serah Terima Data Pemilih", number="007/BA-DPML/IV/2027",
        place="Kantor Dinas Pemberdayaan Masyarakat dan Lembang, Rantepao", day=date(2027, 4, 12),
        parties=[{"name": "Yohanis Pakiding", "role": "Kepala Seksi Penataan Lembang",
                  "agency": "DPML Kabupaten Toraja Utara"},
                 {"name": "Ruth Sampe Bua'", "role": "Ketua", "agency": "KPU Kabupaten Toraja Utara"}],
        counts=[("Pemilih pada awal periode", 190231), ("Pemilih baru (B)", 4427),
                ("Tidak memenuhi syarat (TMS)", 2002),
                ("Perbaikan data (U)", 8168), ("Pemilih pada akhir periode", 192656)],
        manifest_sha256="3b4c1f0e9a2d7c6b5e8f1a0d3c2b4e6f7a8d9c0b1e2f3a4d5c6b7e8f9a0d1c2b",
        notes=["Paket diserahkan dalam satu berkas zip beserta manifest.json.",
               "Data contoh; semua nama dan nomor dibuat-buat."])
    return {"announcement": announcement, "logistics": logistics, "minutes": minutes}


def from_demo(folder: Path) -> dict[str, Path]:
    """The first PDF of each kind the demo's summary lists."""
    listed = json.loads((folder / "ringkasan.json").read_text()).get("dokumen", {})
    found = {}
    for kind, paths in listed.items():
        pdfs = [folder / p for p in paths if p.endswith(".pdf")]
        if pdfs:
            found[kind] = pdfs[0]
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    ap.add_argument("--demo", default=None, help="folder of `pemilih demo --out`: its documents too")
    args = ap.parse_args()
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm tidak ditemukan: pasang poppler-utils (scripts/sysdeps.sh)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pemilih-samples-") as tmp:
        kinds = build(Path(tmp)) | (from_demo(Path(args.demo)) if args.demo else {})
        for kind, pdf in kinds.items():
            stem = Path(tmp) / f"pdf_{kind}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                           check=True)
            shutil.copyfile(f"{stem}.png", out / f"pdf_{kind}.png")
            print(out / f"pdf_{kind}.png")


if __name__ == "__main__":
    main()
