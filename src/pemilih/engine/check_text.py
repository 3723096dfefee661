"""The check report as text a village operator can act on, in Bahasa Indonesia.

Order: files (read, refused, unreadable), rows per village with their TPS, the errors
grouped by file with the row a spreadsheet shows, then one final line: `HASIL: LULUS (PASS)`,
`HASIL: GAGAL (FAIL)` or `HASIL: TIDAK TERBACA (UNREADABLE)`.
"""
from __future__ import annotations

import polars as pl

MAX_ERRORS_PER_FILE = 500
KIND_NAMES = {"kpu": "daftar pemilih KPU", "registry": "data Disdukcapil"}
STATUS_NAMES = {"dibaca": "DIBACA", "ditolak": "DITOLAK", "tidak terbaca": "TIDAK TERBACA"}
RESULT_LINES = {"PASS": "HASIL: LULUS (PASS)", "FAIL": "HASIL: GAGAL (FAIL)",
                "UNREADABLE": "HASIL: TIDAK TERBACA (UNREADABLE)"}


def number(n: int) -> str:
    """Thousands with a dot, as written in Indonesia: 200.000."""
    return f"{n:,}".replace(",", ".")


def _files(report) -> list[str]:
    lines = [f"Berkas diperiksa: {len(report.files)}"]
    for f in report.files:
        label = STATUS_NAMES.get(f["status"], f["status"].upper())
        detail = (f"{number(f['rows'])} baris, {number(f['errors'])} kesalahan" if f["status"] == "dibaca"
                  else f["reason"] or "")
        lines.append(f"  [{label}] {f['name']} ({KIND_NAMES.get(f['kind'], f['kind'])}): {detail}")
    lines.append(f"Jumlah baris data dibaca: {number(report.rows)} (baris benar dan salah)")
    return lines


def _villages(report) -> list[str]:
    tps = {}
    for row in report.per_tps.iter_rows(named=True):
        tps.setdefault((row["kode_desa"], row["kecamatan"], row["desa"]), []).append(
            f"{row['tps'] or '?'}: {number(row['rows'])}")
    lines = []
    for (kind,), part in report.per_village.group_by("jenis", maintain_order=True):
        lines += ["", f"RINGKASAN PER DESA/KELURAHAN: {KIND_NAMES.get(kind, kind)}",
                  f"  {'KODE DESA':<15} {'KECAMATAN':<20} {'DESA/KELURAHAN':<24} {'BARIS':>8} {'SALAH':>6}"
                  + ("  TPS (baris)" if kind == "kpu" else "")]
        for row in part.iter_rows(named=True):
            key = (row["kode_desa"], row["kecamatan"], row["desa"])
            at_tps = ", ".join(tps.get(key, [])) if kind == "kpu" else ""
            line = (f"  {row['kode_desa'] or '(tidak dikenal)':<15} {row['kecamatan'] or '-':<20} "
                    f"{row['desa'] or '-':<24} {number(row['rows']):>8} {number(row['errors']):>6}  {at_tps}")
            lines.append(line.rstrip())
    return lines


def _errors(report) -> list[str]:
    errors: pl.DataFrame = report.errors
    if errors.height == 0:
        return ["", "Tidak ada kesalahan."]
    lines = ["", f"KESALAHAN PER BERKAS ({number(errors.height)})"]
    for (name,), part in errors.group_by("file", maintain_order=True):
        lines.append(f"  {name} ({number(part.height)} kesalahan)")
        for e in part.head(MAX_ERRORS_PER_FILE).iter_rows(named=True):
            column = e["column"] or "-"
            lines.append(f"    {e['source_ref']}  {column}  [{e['code']}] {e['reason']}")
        if part.height > MAX_ERRORS_PER_FILE:
            lines.append(f"    ... dan {number(part.height - MAX_ERRORS_PER_FILE)} kesalahan lain; "
                         "jalankan dengan --json untuk daftar lengkap")
    return lines


def _unresolved(report) -> list[str]:
    if not report.unresolved:
        return []
    return ["", f"{number(report.unresolved)} baris belum punya desa (KODE DESA kosong dan nama desa tidak "
                "dikenali): bila diterima, pemilihnya masuk antrean 'belum punya desa', tidak masuk lembar kerja "
                "coklit desa mana pun sampai desanya ditetapkan petugas (pemilih resolve)."]


def _advice(report) -> list[str]:
    if report.status == "PASS":
        return ["", "Semua berkas dapat diterima."]
    if report.status == "UNREADABLE":
        return ["", "Ada berkas yang tidak dapat dibaca: simpan ulang sebagai .xlsx atau .csv lalu periksa lagi."]
    return ["", "Perbaiki baris yang disebut di atas (nomor baris seperti terlihat di Excel), lalu periksa lagi."]


def render(report) -> str:
    lines = ["PEMERIKSAAN AWAL BERKAS (pemilih check)", ""]
    lines += _files(report) + _villages(report) + _unresolved(report) + _errors(report) + _advice(report)
    lines += ["", RESULT_LINES[report.status]]
    return "\n".join(lines)
