"""Drawing one village's announcement sheets (pengumuman daftar pemilih) from a prepared job.

Runs in worker processes (announcement_pdf sends them `VillageJob`s), so it imports no
Polars: a job carries its cells already masked and formatted, each column joined into one
string (cheap to send between processes; split here with one call per column).

Page plan, the same for the page count and the drawing, so `Halaman i dari n` is exact in
one pass: each TPS starts a new page; ROWS_PER_PAGE voters a page; after the last voter the
count line and the signature block, on a page of their own when they do not fit below.
"""
from __future__ import annotations

from dataclasses import dataclass

from pemilih.io.pdf_common import (
    BOLD,
    LANDSCAPE,
    MARGIN,
    Column,
    Table,
    draw,
    page_footer,
    pdf_file,
    title_block,
    wrap,
)

SEP = "\x1f"  # joins a column's cells; control characters are removed from every cell first
SIZE = 7.5
ROW_HEIGHT = 11.5
TABLE_TOP = 495.0  # below the title block, the region line and the TPS's place
TABLE_BOTTOM = 32.0  # above the page footer
END_BLOCK = 96.0  # count line, notes and signature block
NOTE_WIDTH = 540.0  # the notes, left of the signature block
COLUMNS = [
    Column("No", 26, "right"), Column("NKK", 66), Column("NIK", 66), Column("Nama", 150),
    Column("Tempat lahir", 84), Column("Umur", 26, "right"), Column("L/P", 22, "centre"),
    Column("Status", 30, "centre"), Column("Alamat", 160), Column("RT", 24, "centre"),
    Column("RW", 24, "centre"),
]
COLUMNS.append(Column("Keterangan", LANDSCAPE[0] - 2 * MARGIN - sum(c.width for c in COLUMNS)))
_HEADER_HEIGHT = ROW_HEIGHT + 3
ROWS_PER_PAGE = int((TABLE_TOP - _HEADER_HEIGHT - TABLE_BOTTOM) // ROW_HEIGHT)


@dataclass(frozen=True)
class Tps:
    label: str  # "001"
    count: int
    men: int
    women: int
    place: str = ""  # the TPS's place and address from the register; empty: not entered


@dataclass(frozen=True)
class VillageJob:
    path: str
    title: str  # e.g. PENGUMUMAN DAFTAR PEMILIH
    stage_line: str  # e.g. DAFTAR PEMILIH SEMENTARA (DPS)
    election: str
    kecamatan: str
    village_label: str  # Desa/Lembang or Kelurahan
    desa: str
    voting_day: str  # Senin, 12 April 2027
    signed: str  # the date under the signature, or dots to fill in by hand
    stage: str
    tps: tuple[Tps, ...]
    columns: tuple[str, ...]  # NKK .. Keterangan (no "No"), each joined with SEP
    regency: str = ""  # Kabupaten Toraja Utara
    announced: tuple[str, ...] = ()  # first and last day of the announcement, as printed
    responses_until: str = ""  # the response deadline; empty: the list invites no responses
    decision: str = ""  # the decision that set the list (Keputusan ... Nomor ...); empty: none cited

    @property
    def heading(self) -> str:
        """The election and the regency, the title block's third line."""
        return f"{self.election} - {self.regency}" if self.regency else self.election

    @property
    def dates_note(self) -> str:
        """The period and deadline in short, for every page's footer."""
        parts = []
        if self.announced:
            parts.append(f"diumumkan {self.announced[0]} s.d. {self.announced[1]}")
        if self.responses_until:
            parts.append(f"tanggapan paling lambat {self.responses_until}")
        return "; ".join(parts)

    @property
    def rows(self) -> int:
        return sum(t.count for t in self.tps)


def tps_pages(count: int) -> int:
    """Pages one TPS of `count` voters takes."""
    pages = max(1, -(-count // ROWS_PER_PAGE))
    on_last = count - (pages - 1) * ROWS_PER_PAGE
    return pages + (_space_after(on_last) < END_BLOCK)


def _space_after(rows_on_page: int) -> float:
    return TABLE_TOP - _HEADER_HEIGHT - rows_on_page * ROW_HEIGHT - TABLE_BOTTOM


def render_village(job: VillageJob) -> str:
    """Write job.path; returns it."""
    cells = [column.split(SEP) for column in job.columns]
    rows = list(zip(*cells))
    with pdf_file(job.path, LANDSCAPE, title=f"{job.stage_line} {job.desa}") as canvas:
        sheet = _Sheet(canvas, job, sum(tps_pages(t.count) for t in job.tps))
        start = 0
        for tps in job.tps:
            sheet.tps(tps, rows[start:start + tps.count])
            start += tps.count
        if sheet.page != sheet.total:  # the plan and the drawing disagree: page numbers wrong
            raise RuntimeError(f"{job.path}: {sheet.page} halaman tercetak, {sheet.total} direncanakan")
    return job.path


class _Sheet:
    def __init__(self, canvas, job: VillageJob, total_pages: int):
        self.canvas, self.job, self.total, self.page = canvas, job, total_pages, 0
        self.table = Table(COLUMNS, MARGIN, size=SIZE, row_height=ROW_HEIGHT)

    def tps(self, tps: Tps, rows: list[tuple]) -> None:
        numbered = [(str(i), *row) for i, row in enumerate(rows, 1)]
        y = None
        for start in range(0, max(len(numbered), 1), ROWS_PER_PAGE):
            self._new_page(tps)
            y = self.table.header(self.canvas, TABLE_TOP)
            y = self.table.rows(self.canvas, numbered[start:start + ROWS_PER_PAGE], y)
        if y - TABLE_BOTTOM < END_BLOCK:
            self._new_page(tps)
            y = TABLE_TOP
        self._end_block(tps, y)

    def _new_page(self, tps: Tps) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        job, canvas = self.job, self.canvas
        y = title_block(canvas, LANDSCAPE, [(job.title, BOLD, 11), (job.stage_line, BOLD, 10),
                                            (job.heading, "Helvetica", 9)])
        y -= 8
        draw(canvas, MARGIN, y, f"Kecamatan : {job.kecamatan}", width=230)
        draw(canvas, MARGIN + 235, y, f"{job.village_label} : {job.desa}", width=250)
        draw(canvas, MARGIN + 490, y, f"TPS {tps.label}", font=BOLD, size=10)
        draw(canvas, LANDSCAPE[0] - MARGIN, y, f"Hari pemungutan suara: {job.voting_day}", size=8,
             align="right")
        if tps.place:
            draw(canvas, MARGIN, y - 11, f"Tempat TPS {tps.label}: {tps.place}", size=8,
                 width=LANDSCAPE[0] - 2 * MARGIN)
        note = f"{job.stage} - {job.election} - {job.desa} - TPS {tps.label}"
        page_footer(canvas, LANDSCAPE, self.page, self.total,
                    note=f"{note} ({job.dates_note})" if job.dates_note else note)

    def _end_block(self, tps: Tps, y: float) -> None:
        canvas, job = self.canvas, self.job
        y -= 14
        draw(canvas, MARGIN, y, f"JUMLAH : L = {tps.men}, P = {tps.women}, TOTAL = {tps.count}",
             font=BOLD, size=9)
        notes = ["Catatan:",
                 "- NIK dan NKK disamarkan; tanggal lahir dan keterangan disabilitas tidak diumumkan.",
                 f"- Umur dihitung pada hari pemungutan suara ({job.voting_day}).",
                 "- Status: B = belum kawin, S = sudah kawin, P = pernah kawin."]
        if job.announced:
            notes.append(f"- Diumumkan {job.announced[0]} sampai dengan {job.announced[1]}.")
        if job.responses_until:  # only a list open to responses (the DPS) invites them
            notes.append("- Tanggapan dan perbaikan data disampaikan kepada panitia pemilihan paling lambat "
                         f"{job.responses_until}.")
        if job.decision:  # wider than the notes: the number is never cut (the signature is further right)
            notes += wrap(f"- Ditetapkan dengan {job.decision}.", NOTE_WIDTH, "Helvetica", 7.5)
        for i, line in enumerate(notes):
            draw(canvas, MARGIN, y - 18 - i * 10, line, size=7.5, width=NOTE_WIDTH)
        x = LANDSCAPE[0] - MARGIN - 110
        draw(canvas, x, y - 18, f"{job.desa}, {job.signed}", size=9, align="centre", width=220)
        draw(canvas, x, y - 30, "Ketua Panitia Pemilihan", size=9, align="centre")
        draw(canvas, x, y - 88, "( .............................................. )", size=9,
             align="centre")
