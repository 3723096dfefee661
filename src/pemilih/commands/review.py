"""`pemilih review ...`: review verification findings in a workspace.

    pemilih review muat hasil/findings.csv --alasan "Hasil verifikasi Maret"
    pemilih review daftar --kode U --status terbuka
    pemilih review terima --kode TMS-1 --desa 73.26.01.2001 --alasan "Akta kematian ada"
    pemilih review tolak --kunci 1a2b3c4d5e6f7a8b --alasan "Nama sudah benar"
    pemilih review batal --peristiwa 12 --alasan "Salah pilih desa"

Every decision is an event in the workspace's log (who, agency, reason, legal basis); an
undo is a new event as well, nothing is deleted.
"""
from __future__ import annotations

import sys

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text, mask_field

STATUSES = ["terbuka", "diterima", "ditolak"]


def register(sub):
    p = sub.add_parser(
        "review", help="telaah temuan verifikasi: terima, tolak, batalkan",
        description="Telaah temuan `pemilih verify` di ruang kerja. Temuan dimuat sebagai usulan; "
                    "petugas menerima atau menolaknya (satu per satu atau sekaligus menurut kode, "
                    "desa, atau rentang skor) dengan alasan. Keputusan dapat dibatalkan dengan "
                    "peristiwa baru; tidak ada yang dihapus.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)

    load = actions.add_parser("muat", help="muat findings.csv/findings.xlsx sebagai usulan")
    load.add_argument("file", metavar="TEMUAN")
    _who(load, reason_required=False)

    show = actions.add_parser("daftar", help="tampilkan usulan dan statusnya")
    _filters(show)
    show.add_argument("--status", choices=STATUSES, default=None, help="saring menurut status")
    show.add_argument("--batas", type=int, default=50, help="paling banyak baris ditampilkan (bawaan: 50)")

    for name, text in (("terima", "terima usulan terpilih"), ("tolak", "tolak usulan terpilih")):
        decide = actions.add_parser(name, help=text)
        decide.add_argument("--kunci", nargs="+", default=[], metavar="K", help="kunci temuan (finding_key)")
        _filters(decide)
        _who(decide, reason_required=True)

    cancel = actions.add_parser("batal", help="batalkan sebuah keputusan (peristiwa baru)")
    cancel.add_argument("--peristiwa", type=int, required=True, metavar="N", help="nomor peristiwa keputusan")
    _who(cancel, reason_required=True)

    for sp in (load, show, cancel, *[actions.choices[n] for n in ("terima", "tolak")]):
        common.add_workspace(sp)
        sp.set_defaults(func=run)
    return p


def _filters(p) -> None:
    p.add_argument("--kode", default=None, help="kode temuan, mis. TMS-1, U, B")
    p.add_argument("--desa", default=None, metavar="KODE_DESA", help="kode desa, mis. 73.26.01.2001")
    p.add_argument("--skor-min", type=float, default=None, help="skor paling rendah (0-1)")
    p.add_argument("--skor-max", type=float, default=None, help="skor paling tinggi (0-1)")


def _who(p, reason_required: bool) -> None:
    from pemilih.cycle.review import DEFAULT_AGENCY, LOAD_REASON
    common.add_who(p, DEFAULT_AGENCY, None if reason_required else LOAD_REASON, legal_basis=True)


def run(args) -> int:
    from pemilih.cycle.common import is_refusal
    try:
        return ACTIONS[args.action](args)
    except Exception as exc:  # the boundary: a user never sees a traceback
        if is_refusal(exc):
            print(f"Tidak dilakukan, ruang kerja tidak berubah: {mask_digits_in_text(exc)}", file=sys.stderr)
            return 1
        print(f"Telaah gagal, ruang kerja tidak berubah ({type(exc).__name__}): {mask_digits_in_text(exc)}",
              file=sys.stderr)
        return 2


def _selection(args, status=None):
    from pemilih.cycle.review import selection
    return selection(getattr(args, "kunci", ()), args.kode, args.desa, args.skor_min, args.skor_max, status)


def _load(args) -> int:
    from pemilih.cycle import review
    from pemilih.cycle.common import StepError
    try:
        out = review.load(common.workspace(args), review.LoadRequest(args.file, common.who(args)))
    except StepError as exc:  # the file is no findings table
        print(mask_digits_in_text(exc), file=sys.stderr)
        return 2
    if out.event_seq is None:
        print(f"Tidak ada usulan baru: {out.known} temuan sudah pernah dimuat "
              f"({out.rejected_before} di antaranya pernah ditolak).")
    else:
        print(f"Dimuat {out.added} usulan baru (peristiwa #{out.event_seq}); "
              f"{out.known} sudah ada sebelumnya, {out.rejected_before} pernah ditolak.")
    return 0


def _show(args) -> int:
    from pemilih.cycle import review
    table = review.listing(common.workspace(args), _selection(args, args.status))
    if not table.height:
        print("Tidak ada usulan yang cocok.")
        return 0
    counts = table.group_by("status").len().sort("status")
    print("Usulan: " + ", ".join(f"{s} {n}" for s, n in counts.iter_rows()) + f" (jumlah {table.height})")
    print("KUNCI             KODE           STATUS        SKOR   DESA           SUMBER / KOLOM: LAMA -> USULAN")
    for r in table.head(args.batas).iter_rows(named=True):
        # Personal data as everywhere else (domain/masking): the web queue shows the same.
        current, proposed = mask_field(r["field"], r["current"]), mask_field(r["field"], r["proposed"])
        change = f" {r['field']}: {current} -> {proposed}" if r["field"] else ""
        score = "" if r["score"] is None else f"{r['score']:.2f}"
        # The deciding event's number: what `review batal --peristiwa` needs.
        status = r["status"] + (f" #{r['decided_by']}" if r["decided_by"] is not None else "")
        print(f"{r['finding_key']:<17} {r['code']:<14} {status:<13} {score:<6} "
              f"{r['kode_desa'] or '-':<14} {mask_digits_in_text(r['source_ref']) or '(pemilih baru)'}{change}")
    if table.height > args.batas:
        print(f"... dan {table.height - args.batas} lagi (pakai --batas untuk melihat lebih banyak).")
    return 0


def _decide(args) -> int:
    from pemilih.cycle import review
    verdict = review.ACCEPT if args.action == "terima" else review.REJECT
    out = review.decide(common.workspace(args), review.DecideRequest(verdict, _selection(args), common.who(args)))
    label = "diterima" if args.action == "terima" else "ditolak"
    print(f"{out.decided} usulan {label} (peristiwa #{out.event_seq}); {out.changed} perubahan pada daftar.")
    for line in out.skipped[:20]:
        print(f"  tanpa perubahan daftar: {line}")
    return 0


def _cancel(args) -> int:
    from pemilih.cycle import review
    seq = review.undo(common.workspace(args), review.UndoRequest(args.peristiwa, common.who(args)))
    print(f"Keputusan #{args.peristiwa} dibatalkan (peristiwa #{seq}).")
    return 0


ACTIONS = {"muat": _load, "daftar": _show, "terima": _decide, "tolak": _decide, "batal": _cancel}
