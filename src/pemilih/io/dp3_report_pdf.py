"""The yearly report of the DP3 programme (laporan tahunan Desa Peduli Pemilu dan Pemilihan),
for one focus village or for the regency: a signable A4 document.

KPU's letterhead, title and number, the year and its stage; for a village its lokus (reasons,
the agreement with the village head); then A. cadres by component and sex against the target
of 25 per lokus, B. trainings, C. activities by stage and their participants by component and
sex, D. the village's voters when the programme began and at the report's day, by sex; the
regency's report lists every lokus first. Signature blocks with name and NIP (the agreement's
signatories for a village, KPU's for the regency).

Counts only: no cadre is named here, and every text passes through the masking rule
(document_flow's blocks, `scrub` below), so no NIK can be printed.
"""
from __future__ import annotations

from pathlib import Path

from pemilih.domain import dp3 as rules
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import Flow, counts_table, heading, letterhead, signatures, wrapped_table, write_document
from pemilih.io.pdf_common import BOLD, Column, Table, thousands

BLANK = "." * 30


def write_dp3_report(path, result, *, title: str, number: str, letterhead_of: tuple[str, ...],
                     signatories: list[dict], printed_on, village: bool) -> Path:
    """Write `result` (cycle.dp3.Report; one village's when `village`) to path; returns it."""
    content = dict(result=result, title=title, number=number or BLANK, letterhead_of=letterhead_of,
                   signatories=signatories, printed_on=printed_on, village=village)
    return write_document(path, title, lambda flow: _lay_out(flow, **content), note=f"Nomor {number or BLANK}")


def _signed(n: int) -> str:
    return ("+" if n > 0 else "") + thousands(n)


def _lay_out(flow: Flow, *, result, title, number, letterhead_of, signatories, printed_on, village) -> None:
    letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    if village:
        v = result.villages[0]
        lok = v.lokus
        about = f"Lokus {lok.desa.title()} ({lok.kode_desa}), Kecamatan {lok.kecamatan.title()}"
    else:
        v = result.totals()
        about = f"{len(result.villages)} lokus, {letterhead_of[-1]}"
    heading(flow, title, number, (f"Tahun {result.year}, tahap {result.stage}", about))
    flow.paragraph(f"Program {rules.PROGRAMME} menurut {rules.DECISION}. Laporan ini memuat keadaan sampai "
                   f"{result.on:%d-%m-%Y}, dihitung dari catatan program; kader disebut menurut jumlahnya saja.")
    if village:
        _lokus(flow, v.lokus)
    else:
        _villages(flow, result)
    _cadres(flow, v, len(result.villages))
    _trainings(flow, v, village)
    _activities(flow, v)
    _voters(flow, v, village)
    flow.gap()
    flow.paragraph(f"Demikian laporan ini dibuat dengan sebenarnya. Dicetak {printed_on:%d-%m-%Y}.")
    signatures(flow, signatories, named_as_parties=False)


def _section(flow: Flow, text: str) -> None:
    flow.gap()
    flow.need(60)
    flow.line(text, font=BOLD)


def _lokus(flow: Flow, lok) -> None:
    _section(flow, "Penetapan lokus")
    reasons = ", ".join(rules.REASONS.get(r, r) for r in lok.reasons)
    flow.field("Alasan", scrub(reasons))
    made = f" tanggal {lok.agreement_on:%d-%m-%Y}" if lok.agreement_on else ""
    flow.field("Perjanjian", scrub(f"{lok.agreement_number}{made}"))
    for s in lok.signatories:
        flow.field("Pihak", scrub(f"{s.get('name', '')}, {s.get('position', '')} {s.get('agency', '')}".strip()))


def _villages(flow: Flow, result) -> None:
    _section(flow, "Lokus tahun ini")
    w = flow.width
    table = Table([Column("No", 24, "right"), Column("Desa/Lembang", w - 24 - 6 * 52), Column("Kader", 52, "right"),
                   Column("Kurang", 52, "right"), Column("Pelatihan", 52, "right"), Column("Kegiatan", 52, "right"),
                   Column("Peserta", 52, "right"), Column("Pemilih", 52, "right")], flow.left, size=8, row_height=14)
    rows = []
    for i, v in enumerate(result.villages, 1):
        people = rules.total(v.participants)
        rows.append([str(i), f"{v.lokus.desa.title()} ({v.lokus.kode_desa}), Kec. {v.lokus.kecamatan.title()}",
                     thousands(v.cadre_total), thousands(v.shortfall), thousands(len(v.trainings)),
                     thousands(len(v.activities)), thousands(people),
                     thousands((v.voters_after or (0, 0, 0))[2])])
    wrapped_table(flow, table, rows)


def _cadres(flow: Flow, v, lokus: int) -> None:
    _section(flow, "A. Kader per komponen dan jenis kelamin")
    counts_table(flow, v.cadre_rows(), label="Komponen")
    target = rules.TARGET_CADRES * max(lokus, 1)
    flow.gap()
    flow.paragraph(f"Target {rules.TARGET_CADRES} kader per lokus ({thousands(target)}); tercatat "
                   f"{thousands(v.cadre_total)}, kurang {thousands(max(target - v.cadre_total, 0))}. Direkrut oleh "
                   f"kader lain: {thousands(v.recruited)}. Mencabut persetujuan (tetap dihitung, tidak disebut "
                   f"namanya): {thousands(v.withdrawn)}.")


def _trainings(flow: Flow, v, village: bool) -> None:
    _section(flow, "B. Pelatihan kader (Bimtek)")
    if village:
        rows = [(f"{t.held_on:%d-%m-%Y} {t.title} ({rules.MODES.get(t.mode, t.mode)})", len(t.cadres))
                for t in v.trainings]
    else:
        rows = [("Pelatihan", len(v.trainings))]
    counts_table(flow, rows + [("Kader yang mengikuti pelatihan", v.trained)], label="Pelatihan (kader hadir)")


def _activities(flow: Flow, v) -> None:
    _section(flow, "C. Kegiatan per tahap")
    stages = [(f"Tahap {stage}: {n} kegiatan", men, women, men + women) for stage, (n, men, women)
              in sorted(v.by_stage.items())]
    counts_table(flow, stages or [("Belum ada kegiatan", 0, 0, 0)], label="Tahap (peserta)")
    flow.gap()
    flow.line("Peserta kegiatan per komponen dan jenis kelamin")
    counts_table(flow, v.participant_rows(), label="Komponen peserta")


def _voters(flow: Flow, v, village: bool) -> None:
    _section(flow, "D. Pemilih di desa lokus" if village else "D. Pemilih di seluruh desa lokus")
    before, after = v.voters_before or (0, 0, 0), v.voters_after or (0, 0, 0)
    since = f" ({v.voters_from:%d-%m-%Y})" if village and v.voters_from else ""
    until = f" ({v.voters_to:%d-%m-%Y})" if village and v.voters_to else ""
    counts_table(flow, [(f"Pemilih pada awal program{since}", *before),
                        (f"Pemilih pada akhir laporan{until}", *after),
                        ("Selisih", *(_signed(a - b) for a, b in zip(after, before)))], label="Daftar pemilih")
