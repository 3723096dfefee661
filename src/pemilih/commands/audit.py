"""`pemilih audit verify`: the log's hash chain and the current list against its replay
(exit 0 all holds, 1 any break, 2 the workspace cannot be read); `pemilih audit [--dari D
--sampai D] [--pengguna U]`: who viewed or took personal data, and the chain's state."""
from __future__ import annotations

import json

from pemilih.commands import common


def _common(p) -> None:
    common.add_workspace(p)
    p.add_argument("--json", action="store_true", help="keluaran JSON (untuk skrip)")


def register(sub):
    p = sub.add_parser("audit", help="jejak audit: akses data pribadi dan keutuhan log peristiwa",
                       description="Tanpa subperintah: daftar setiap tampilan dan unduhan data pribadi (siapa, "
                                   "cakupan, jumlah baris, perjanjian, kapan) dan keadaan rantai hash log. "
                                   "`audit verify`: periksa rantai hash dan kesamaan daftar dengan log.")
    p.add_argument("--dari", type=common.day, default=None, help="sejak tanggal (HH-BB-TTTT)")
    p.add_argument("--sampai", type=common.day, default=None, help="sampai tanggal (HH-BB-TTTT)")
    p.add_argument("--pengguna", default=None, help="hanya pengguna yang namanya memuat teks ini")
    p.add_argument("--batas", type=int, default=None, help="paling banyak sekian baris (terbaru dulu)")
    _common(p)
    p.set_defaults(func=common.guarded(run_list))
    sub2 = p.add_subparsers(dest="audit_command", metavar="SUBPERINTAH")
    v = sub2.add_parser("verify", aliases=["periksa"], help="periksa rantai hash log dan daftar saat ini",
                        description="Memeriksa setiap mata rantai hash log peristiwa (yang pertama dari hash nol) "
                                    "dan bahwa daftar pemilih saat ini sama dengan pemutaran ulang log. "
                                    "Keluar 0 bila semuanya utuh, 1 bila ada kerusakan, 2 bila ruang kerja "
                                    "tidak dapat dibaca.")
    _common(v)
    v.add_argument("--rantai-saja", action="store_true",
                   help="hanya rantai hash (lebih cepat): daftar saat ini tidak dibandingkan dengan log")
    v.set_defaults(func=common.guarded(run_verify))
    return p


def run_verify(args) -> int:
    from pemilih.cycle import audit
    out = audit.verify(common.workspace(args), replay=not args.rantai_saja)
    if args.json:
        print(json.dumps(out.as_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(out.lines()))
    return 0 if out.holds else 1


def run_list(args) -> int:
    from pemilih.cycle import audit
    ws = common.workspace(args)
    rows = audit.accesses(ws, audit.AccessRequest(args.dari, args.sampai, args.pengguna, args.batas))
    from pemilih.store import audit as store_audit
    chain = store_audit.check_chain(ws)
    if args.json:
        print(json.dumps({
            "akses": [{"waktu": audit.local_time(r.at).isoformat(), "pengguna": r.actor, "lembaga": r.agency,
                       "lewat": r.channel, "apa": r.action, "cakupan": r.scope, "baris": r.rows,
                       "perjanjian": r.agreement}
                      for r in rows],
            "rantai": {"utuh": chain.holds, "peristiwa": chain.events, "hash_terakhir": chain.head,
                       "kerusakan": [{"seq": b.seq, "kind": b.kind, "message": b.message} for b in chain.breaks]},
        }, ensure_ascii=False, indent=1))
        return 0
    print(f"Akses data pribadi: {len(rows):,} catatan")
    for r in rows:
        print("  " + audit.access_line(r))
    broken = len(chain.breaks) + chain.more
    state = "utuh" if chain.holds else f"RUSAK di {broken} tempat (jalankan `pemilih audit verify`)"
    print(f"Rantai hash log: {chain.events:,} peristiwa, {state}; hash terakhir {chain.head}")
    return 0
