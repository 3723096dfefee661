"""The village committee's decision (keputusan) setting the DPS or the DPT, and the minutes
(berita acara) of the plenary meeting that set it: layout only, from plain values
(cycle/list_documents.py gathers them).

The decision follows the shape of a village-level keputusan: the committee's letterhead, the
title with its number and subject (`TENTANG ...`), Menimbang, Mengingat, MEMUTUSKAN with the
clauses KESATU, KEDUA, ... (the list's total with L/P and its TPS, a table per TPS, for the DPS
its announcement period and response deadline), signed by the chairman. The minutes open
with the day in words, name the members present, give the same counts, the dates or the
changes since the DPS, and the members' signature blocks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import (
    LEADING,
    SIZE,
    Flow,
    counts_table,
    heading,
    letterhead,
    opening,
    signatures,
    signed_at,
    write_document,
)
from pemilih.io.pdf_common import BOLD, FONT, draw, thousands, wrap
from pemilih.io.words_id import day_and_date

LABEL = 80.0  # width of Menimbang / Mengingat / Memperhatikan / Menetapkan / KESATU
MARKER = 16.0  # width of `a.` / `1.`
LETTERS = "abcdefghijklmnopqrstuvwxyz"
SIGNATURE_LINES = 12  # what signed_at takes: place and date, position and agency, room to sign, name, NIP
DICTA = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM")  # the clauses of a decision


@dataclass(frozen=True)
class ListPaper:
    """What the decision and the minutes of one village's list say, as printed."""

    stage: str  # DPS or DPT
    stage_name: str  # Daftar Pemilih Sementara
    committee: str  # Panitia Pemilihan Kepala Lembang Limbong
    letterhead_lines: tuple[str, ...]  # under the committee's name: kecamatan, regency
    village: str  # Lembang Limbong
    election: str  # the election's name
    year: int  # of the voting day
    voting_day: date
    place: str  # where it is set and signed
    day: date  # the day it is set
    decision_number: str
    minutes_number: str
    tps: tuple[tuple[str, int, int, int], ...]  # (TPS 001, L, P, total), in TPS order
    chairman: dict  # name, position, agency, nip
    members: tuple[dict, ...]  # who signs the minutes: the chairman first
    considering: tuple[str, ...]  # Menimbang a., b., ...
    legal_basis: tuple[str, ...]  # Mengingat 1., 2., ...
    announced: tuple[date, date] | None = None  # the DPS's announcement period
    responses_until: date | None = None  # the DPS's response deadline
    changes: tuple[tuple[str, int, int, int], ...] = field(default=())  # the DPT: since the DPS

    @property
    def totals(self) -> tuple[int, int, int]:
        return tuple(sum(row[i] for row in self.tps) for i in (1, 2, 3))

    @property
    def subject(self) -> str:
        return f"PENETAPAN {self.stage_name.upper()} ({self.stage}) PEMILIHAN KEPALA {self.village.upper()} " \
               f"TAHUN {self.year}"

    def counts_rows(self) -> list[tuple]:
        return [*self.tps, ("Jumlah", *self.totals)]

    def total_sentence(self) -> str:
        men, women, total = self.totals
        return (f"{thousands(total)} pemilih (laki-laki {thousands(men)}, perempuan {thousands(women)}) "
                f"pada {len(self.tps)} TPS")

    def dates_sentence(self) -> str:
        """The DPS's announcement period and response deadline ('' for a list without them)."""
        parts = []
        if self.announced:
            parts.append(f"diumumkan di {self.village} mulai {day_and_date(self.announced[0])} sampai dengan "
                         f"{day_and_date(self.announced[1])}")
        if self.responses_until:
            parts.append("tanggapan dan masukan masyarakat atasnya disampaikan kepada panitia paling lambat "
                         f"{day_and_date(self.responses_until)}")
        return "; ".join(parts)


def write_decision(path, paper: ListPaper) -> Path:
    """The keputusan setting the list (A4 portrait); returns the path."""
    title = f"Keputusan {paper.committee} tentang {paper.subject.title()}"
    return write_document(path, title, lambda flow: _decision(flow, paper),
                          note=f"Nomor {paper.decision_number}")


def write_list_minutes(path, paper: ListPaper) -> Path:
    """The berita acara of the plenary meeting setting the list (A4 portrait); returns the path."""
    title = f"Berita Acara Rapat Pleno Penetapan {paper.stage}"
    return write_document(path, title, lambda flow: _minutes(flow, paper), note=f"Nomor {paper.minutes_number}")


def _decision(flow: Flow, paper: ListPaper) -> None:
    letterhead(flow, paper.committee, paper.letterhead_lines)
    for line in wrap(scrub(f"KEPUTUSAN {paper.committee.upper()}"), flow.width, BOLD, 12):
        flow.line(line, font=BOLD, size=12, align="centre")
    flow.line(f"NOMOR: {scrub(paper.decision_number)}", align="centre")
    flow.gap(4)
    flow.line("TENTANG", font=BOLD, align="centre")
    for line in wrap(scrub(paper.subject), flow.width, BOLD, SIZE):
        flow.line(line, font=BOLD, align="centre")
    flow.gap()
    for line in wrap(scrub(paper.committee.upper() + ","), flow.width, BOLD, SIZE):
        flow.line(line, font=BOLD, align="centre")
    flow.gap()
    _clause(flow, "Menimbang", [f"{LETTERS[i]}." for i in range(len(paper.considering))], paper.considering)
    flow.gap()
    _clause(flow, "Mengingat", [f"{i + 1}." for i in range(len(paper.legal_basis))], paper.legal_basis)
    flow.gap()
    _clause(flow, "Memperhatikan", [""], [f"Berita Acara Rapat Pleno {paper.committee} Nomor {paper.minutes_number} "
                                          f"tentang Penetapan {paper.stage_name} ({paper.stage})."])
    flow.gap()
    flow.line("MEMUTUSKAN:", font=BOLD, align="centre")
    flow.gap(4)
    _clause(flow, "Menetapkan", [""], [f"KEPUTUSAN {paper.committee.upper()} TENTANG {paper.subject}."], font=BOLD)
    flow.gap(4)
    clauses = [f"Menetapkan {paper.stage_name} ({paper.stage}) {paper.election} di {paper.village} berjumlah "
               f"{paper.total_sentence()}, dengan rincian per TPS sebagaimana tercantum dalam tabel berikut."]
    _clause(flow, DICTA[0], [""], clauses[:1])
    counts_table(flow, paper.counts_rows(), label="TPS")
    flow.gap()
    rest = []
    if paper.dates_sentence():
        rest.append(f"{paper.stage_name} sebagaimana dimaksud diktum KESATU {paper.dates_sentence()}.")
    else:
        rest.append(f"{paper.stage_name} sebagaimana dimaksud diktum KESATU menjadi dasar pemungutan suara pada "
                    f"hari {day_and_date(paper.voting_day)} dan diumumkan di {paper.village}.")
    rest.append("Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    for i, text in enumerate(rest, 1):
        if i == len(rest):  # the last clause goes with the signature: never a signature alone on a page
            flow.need(LEADING * (len(wrap(text, flow.width - LABEL - 8, FONT, SIZE)) + SIGNATURE_LINES))
        _clause(flow, DICTA[i], [""], [text])
        flow.gap(4)
    signed_at(flow, paper.place, paper.day, paper.chairman)


def _minutes(flow: Flow, paper: ListPaper) -> None:
    letterhead(flow, paper.committee, paper.letterhead_lines)
    heading(flow, f"Berita Acara Rapat Pleno Penetapan {paper.stage_name} ({paper.stage})",
            paper.minutes_number, (f"PEMILIHAN KEPALA {paper.village.upper()} TAHUN {paper.year}",))
    flow.paragraph(opening(paper.day, paper.place))
    flow.gap(4)
    for i, who in enumerate(paper.members, 1):
        flow.line(f"{i}.", indent=8)
        draw(flow.canvas, flow.left + 26, flow.y, scrub(who.get("name", "")), size=SIZE, width=flow.width * 0.55)
        draw(flow.canvas, flow.left + 26 + flow.width * 0.58, flow.y, scrub(who.get("position", "")), size=SIZE,
             width=flow.width * 0.4)
    flow.gap(4)
    flow.paragraph(scrub(f"selaku {paper.committee}, telah melaksanakan rapat pleno penetapan {paper.stage_name} "
                         f"({paper.stage}) {paper.election} dengan hasil sebagai berikut:"))
    flow.gap(4)
    points = [f"{paper.stage_name} ({paper.stage}) ditetapkan berjumlah {paper.total_sentence()}, dengan rincian "
              "per TPS:"]
    _numbered(flow, 1, points[0])
    counts_table(flow, paper.counts_rows(), label="TPS")
    flow.gap()
    n = 2
    if paper.dates_sentence():
        _numbered(flow, n, f"{paper.stage_name} {paper.dates_sentence()}.")
        n += 1
    if paper.changes:
        _numbered(flow, n, "Perubahan sejak Daftar Pemilih Sementara (DPS) ditetapkan, dari tanggapan masyarakat dan "
                           "perbaikan data:")
        counts_table(flow, list(paper.changes), label="Uraian")
        flow.gap()
        n += 1
    _numbered(flow, n, f"Hasil rapat pleno ini ditetapkan dengan Keputusan {paper.committee} Nomor "
                       f"{paper.decision_number}.")
    flow.gap()
    flow.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.")
    flow.line(scrub(f"{paper.place}, {day_and_date(paper.day)}"), align="right")
    flow.line(scrub(paper.committee), font=BOLD, align="centre")
    signatures(flow, list(paper.members), named_as_parties=False)


def _numbered(flow: Flow, n: int, text: str) -> None:
    lines = wrap(scrub(text), flow.width - MARKER, FONT, SIZE)
    for k, line in enumerate(lines):
        flow.line(line, indent=MARKER)
        if k == 0:
            draw(flow.canvas, flow.left, flow.y, f"{n}.", size=SIZE)


def _clause(flow: Flow, label: str, markers: list[str], texts, *, font: str = FONT) -> None:
    """`label : a. text` with the text wrapped under itself, the markers under each other."""
    left = LABEL + 8 + (MARKER if any(markers) else 0)
    for i, (marker, text) in enumerate(zip(markers, texts)):
        for k, line in enumerate(wrap(scrub(text), flow.width - left, font, SIZE)):
            flow.line(label if i == 0 and k == 0 else "", font=BOLD if label.isupper() else FONT)
            if i == 0 and k == 0:
                draw(flow.canvas, flow.left + LABEL, flow.y, ":", size=SIZE)
            if k == 0 and marker:
                draw(flow.canvas, flow.left + LABEL + 8, flow.y, marker, size=SIZE)
            draw(flow.canvas, flow.left + left, flow.y, line, font=font, size=SIZE, width=flow.width - left)
