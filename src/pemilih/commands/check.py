"""`pemilih check FILE...`: the pre-flight check, before any file is received.

Exit status 0 when every file passes, 1 when something must be fixed, 2 when a file cannot
be read at all (the others are still checked and reported). Never a traceback: anything
unexpected becomes one Bahasa line on stderr and status 2. Heavy modules are imported only
when the command runs, so `pemilih --help` stays instant.
"""
from __future__ import annotations

import sys

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    p = sub.add_parser(
        "check", help="periksa berkas daftar pemilih / Disdukcapil sebelum diterima",
        description="Pemeriksaan awal: membaca berkas KPU (xlsx/csv) atau data Disdukcapil dan "
                    "melaporkan setiap baris yang salah. Status keluar: 0 lulus, 1 ada kesalahan, "
                    "2 ada berkas yang tidak terbaca.")
    p.add_argument("files", nargs="+", metavar="BERKAS", help="berkas .xlsx atau .csv")
    p.add_argument("--json", action="store_true", help="laporan dalam JSON (untuk program lain)")
    p.add_argument("--jenis", choices=["kpu", "registry"],
                   help="jenis berkas: kpu (daftar pemilih) atau registry (Disdukcapil); "
                        "bawaan: dikenali dari judul kolom")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from pemilih.cycle import check  # small: nothing heavy is imported yet
    try:
        request = check.CheckRequest(tuple(args.files), args.jenis)
        # Workbooks are read by two worker processes and the files hashed by a thread while
        # this process loads Polars; the workers are forked first, before any thread exists.
        check.read_ahead(request)
        with common.progress() as shown:
            report = check.run(request, shown).report
        if args.json:
            import json
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        else:
            print(report.to_text())
        return report.exit_code
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # the command boundary: a message, never a traceback
        detail = mask_digits_in_text(str(exc))[:300]
        print(f"Pemeriksaan berhenti karena kesalahan tak terduga ({type(exc).__name__}: {detail}). "
              "Laporkan pesan ini beserta berkasnya kepada pengelola sistem.", file=sys.stderr)
        return 2
    finally:
        check.stop_ahead()
