"""`pemilih coklit-progress`: how far the committees' door-to-door check (coklit) has come.

    pemilih coklit-progress --workspace pemilih-data
    pemilih coklit-progress --desa 73.26.01.2001

Per village, against its latest workbook: voters in it, visited, not yet visited, found
correct, changed (struck, moved within the village, corrected), new voters, and when its last
workbook was collected. Read from the event log; nothing is written.
"""
from __future__ import annotations

from pemilih.commands import common

COLUMNS = [("KODE DESA", 13), ("DESA", 22), ("PEMILIH", 8), ("DIKUNJUNGI", 10), ("BELUM", 7), ("SESUAI", 7),
           ("BERUBAH", 8), ("TMS", 5), ("PINDAH", 6), ("U", 5), ("BARU", 5), ("TERAKHIR DIKUMPULKAN", 20)]


def register(sub):
    p = sub.add_parser(
        "coklit-progress", help="kemajuan coklit per desa",
        description="Kemajuan coklit per desa menurut lembar kerja terakhir yang dibagikan: jumlah pemilih, "
                    "sudah dikunjungi (ditandai SESUAI, diberi tanggal kunjungan, petugas atau STATUS), belum "
                    "dikunjungi, berubah (TMS, pindah TPS, koreksi), pemilih baru, dan kapan lembar kerjanya "
                    "terakhir dikumpulkan. Dibaca dari log peristiwa; tidak ada yang diubah.")
    p.add_argument("--desa", default=None, metavar="KODE", help="hanya desa ini, misalnya 73.26.01.2001")
    common.add_workspace(p)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import coklit_progress as step
    from pemilih.cycle.common import thousands
    out = step.run(common.workspace(args), step.ProgressRequest(args.desa))
    if not out.villages:
        print("Belum ada lembar kerja coklit yang dibagikan" + (f" untuk desa {args.desa}." if args.desa else "."))
        return 0
    print(_line([name for name, _ in COLUMNS]))
    for v in out.villages:
        last = v.last_collected.astimezone().strftime("%d-%m-%Y %H:%M") if v.last_collected else "belum"
        print(_line([v.kode_desa, v.desa, *(thousands(n) for n in (
            v.voters, v.visited, v.not_visited, v.checked, v.changed, v.struck, v.moved, v.corrected,
            v.new_voters)), last]))
    t = out.total
    print(f"Jumlah {len(out.villages)} desa: {thousands(t['voters'])} pemilih, {thousands(t['visited'])} dikunjungi, "
          f"{thousands(t['not_visited'])} belum, {thousands(t['changed'])} berubah, {thousands(t['new_voters'])} "
          "pemilih baru.")
    return 0


def _line(cells: list[str]) -> str:
    return "  ".join(str(c)[:width].ljust(width) if i < 2 or i == len(COLUMNS) - 1 else str(c).rjust(width)
                     for i, (c, (_, width)) in enumerate(zip(cells, COLUMNS))).rstrip()
