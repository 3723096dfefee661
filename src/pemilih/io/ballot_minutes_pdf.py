"""The minutes of a TPS's ballots (berita acara serah terima dan penggunaan surat suara): the
committee hands the ballots to the KPPS, the KPPS accounts for them after the count.

Letterhead of the committee, title and number, the opening with the day in words, the two
parties, what the logistics calculation gave the TPS, the counts (received, used, spoiled,
unused, their sum, voters who came, voters registered), the balance line with `seimbang` or
`TIDAK SEIMBANG` (the domain's rule, domain/ballots.py), and both signatures with NIP.
Before the counts are recorded the form prints with the ballots received filled from the
logistics and dotted blanks to fill by hand. Counts only: no personal data of voters.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pemilih.domain.ballots import BALANCED, UNBALANCED, BallotCount, verdict
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import (
    Flow,
    counts_table,
    heading,
    letterhead,
    opening,
    party,
    signatures,
    write_document,
)
from pemilih.io.pdf_common import BOLD, thousands

TITLE = "Berita Acara Serah Terima dan Penggunaan Surat Suara"
BLANK = "." * 12  # a figure to write in by hand


def write_ballot_minutes(path, *, number: str, day: date, place: str, election_name: str, tps_label: str,
                         letterhead_of: tuple[str, ...], parties: list[dict], registered: int, voters: int,
                         reserve: int, reserve_rule: str, count: BallotCount | None) -> Path:
    """Write the minutes of one TPS to path (A4 portrait); returns the path.

    `parties`: the committee (PIHAK PERTAMA) and the KPPS (PIHAK KEDUA), dicts with name,
    position, agency and nip; `voters` and `reserve`: the TPS's DPT and the reserve the
    logistics gave it (ballots = voters + reserve), `reserve_rule` in words; `registered`: its
    DPT and DPTb; `count`: the recorded counts, None for the blank form."""
    content = dict(number=number, day=day, place=place, election_name=election_name, tps_label=tps_label,
                   letterhead_of=letterhead_of, parties=parties, registered=registered, voters=voters,
                   reserve=reserve, reserve_rule=reserve_rule, count=count)
    return write_document(path, TITLE, lambda flow: _lay_out(flow, **content), note=f"Nomor {number}")


def count_rows(count: BallotCount | None, received: int, registered: int) -> list[tuple[str, str]]:
    """The table's rows (label, figure): the recorded figures, or blanks but for the ballots
    received (the logistics' figure) and the voters registered."""
    labels = ["Surat suara diterima KPPS, termasuk cadangan (A)", "Surat suara dipakai (dicoblos pemilih) (B)",
              "Surat suara rusak atau keliru coblos (C)", "Surat suara sisa, tidak dipakai (D)", "Jumlah B + C + D",
              "Pemilih yang hadir menggunakan hak pilih (daftar hadir)", "Pemilih terdaftar di DPT dan DPTb TPS ini"]
    if count is None:
        figures = [received, BLANK, BLANK, BLANK, BLANK, BLANK, registered]
    else:
        figures = [count.received, count.used, count.spoiled, count.unused, count.accounted, count.came, registered]
    return list(zip(labels, figures))


def balance_line(count: BallotCount | None, received: int) -> str:
    if count is None:
        return (f"Keseimbangan A = B + C + D: {thousands(received)} = {BLANK} + {BLANK} + {BLANK}, "
                f"{BALANCED} / {UNBALANCED} *)")
    return (f"Keseimbangan A = B + C + D: {thousands(count.received)} = {thousands(count.used)} + "
            f"{thousands(count.spoiled)} + {thousands(count.unused)}, {verdict(count)}")


def _lay_out(flow: Flow, *, number, day, place, election_name, tps_label, letterhead_of, parties, registered,
             voters, reserve, reserve_rule, count) -> None:
    letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    heading(flow, TITLE, number, (election_name, tps_label))
    flow.paragraph(opening(day, place))
    for i, who in enumerate(parties):
        party(flow, i, who)
    flow.gap()
    received = voters + reserve
    flow.paragraph(f"Menurut perhitungan logistik, {scrub(tps_label)} memerlukan {thousands(received)} lembar "
                   "surat suara: "
                   f"{thousands(voters)} pemilih DPT ditambah cadangan {thousands(reserve)} ({scrub(reserve_rule)}). "
                   "PIHAK PERTAMA telah menyerahkan surat suara kepada PIHAK KEDUA, dan PIHAK KEDUA "
                   "mempertanggungjawabkan penggunaannya sebagai berikut:")
    counts_table(flow, count_rows(count, received, registered))
    flow.gap()
    flow.paragraph(balance_line(count, received), font=BOLD)
    if count is None:
        flow.paragraph("*) coret yang tidak sesuai. Angka B, C, D dan pemilih yang hadir diisi KPPS sesudah "
                       "penghitungan suara; pemilih yang hadir menurut daftar hadir.")
    else:
        flow.paragraph(f"Pemilih terdaftar yang tidak hadir: {thousands(max(registered - count.came, 0))}.")
    flow.gap()
    flow.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.")
    signatures(flow, parties)
