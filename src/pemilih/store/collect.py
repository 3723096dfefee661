"""Collecting the committees' coklit workbooks back into change events.

Each workbook on its own, in one transaction: by default it is refused whole when anything in
it is wrong (not made by share, another village, a locked cell edited, rows added or removed, an
invalid value, a visit dated before the share or in the future), every problem named by
`<file>:<sheet>:<cell>`, the column, the voter of that row (NO and NAMA) and a reason.

When every problem is a row's own (a wrong value, a locked cell of that row edited, a bad visit
date), the committee may choose to take the right rows now (`take_good`): each row is taken or
left whole, the rows left are kept on the event (`left`, the problems with their rows) and
stay in the list as they were, and the outcome is PARTIAL. The fixed workbook collected later
takes the rest: what was taken is already so, so it is no change (below). Problems of the
workbook itself (its base version, sheets, headers, rows added, removed or repeated) always
refuse it whole.

Otherwise its STATUS rows, corrections (U)
and new voters (B) become one COKLIT_COLLECTED event (store/changes.py), together with a
snapshot of the file's bytes. What a STATUS does is its code's effect (domain/codes.py): a
code that strikes removes the voter; a move (PEMILU2024's TMS-8) sets the voter's TPS to TPS
BARU and keeps the voter listed. The rows checked at the door (ticked SESUAI, dated, signed,
or given a STATUS) are recorded on the event as its visits, changed or not: the coklit
progress (store/visits.py) counts them.

Conflicts are listed, never overwritten: a correction whose column holds, in the workspace,
neither the value at the cut nor the new value; a TMS for a row that changed after the cut or
is no longer listed; a new voter whose NIK is already listed. A change already made (equal
value, row removed with the same code, voter added from an earlier copy) is no change. So the
same file twice changes nothing (found by its sha256), and a re-saved copy changes nothing
either (every change already applied) unless it records visits no copy of the same cut did.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from pemilih.domain import codes as code_tables
from pemilih.domain.codes import count_order
from pemilih.domain.dates import visit_date
from pemilih.domain.masking import mask_digits_in_text, mask_id
from pemilih.domain.regions import canonical_code
from pemilih.io import coklit_workbook as book
from pemilih.store import bulk, changes, events, settings
from pemilih.store.events import Addition, Correction, Removal, Visits

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, SourceFile

ACCEPTED, CONFLICT, REFUSED, PARTIAL = "diterima", "konflik", "ditolak", "sebagian"
ALREADY, UNCHANGED, UNREADABLE = "sudah-dikumpulkan", "tanpa-perubahan", "tidak-terbaca"
CODE_ORDER = {Removal: 0, Correction: 1, Addition: 2}  # KPU's order: TMS, then U, then B


class CollectError(changes.ChangeError):
    """A collect request that cannot be carried out at all (Bahasa Indonesia)."""


@dataclass
class CollectOutcome:
    file: str
    status: str  # ACCEPTED, CONFLICT, PARTIAL, REFUSED, ALREADY, UNCHANGED, UNREADABLE
    event_seq: int | None = None  # the event written, or for ALREADY the earlier one
    kode_desa: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # a STATUS code (struck or moved), U (rows), B
    conflicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # REFUSED: why; PARTIAL: the rows left, why
    visited: int = 0  # TPS rows checked at the door in this workbook (ticked, dated, signed or a STATUS)
    taken: int = 0  # rows the committee filled in that were taken (TPS rows and new voters)
    left: int = 0  # rows left for the committee to fix (PARTIAL), or that would be (REFUSED, rows_only)
    rows_only: bool = False  # REFUSED for rows' own problems only: taking the right rows is possible

    def __post_init__(self):
        # The lines quote what a committee typed (a NIK Excel turned into a number among it):
        # shown by the one rule, on the command line and the web alike.
        self.conflicts = [mask_digits_in_text(line) for line in self.conflicts]
        self.problems = [mask_digits_in_text(line) for line in self.problems]


@dataclass(frozen=True)
class Issue:
    """One thing wrong in a returned workbook: where (sheet, cell, column), why, and when it is
    one row's own, that row (spreadsheet number) and its voter (`pemilih no. 3 BUDI`); `row`
    None is a problem of the workbook itself, which no row can be left for."""

    sheet: str
    cell: str  # `E5`, a row number for a header row, `-` for none
    column: str  # the header, '' for none
    reason: str
    row: int | None = None
    voter: str = ""

    def line(self, file: str) -> str:
        where = f"{file}:{self.sheet}:{self.cell}" + (f" {self.column}" if self.column else "")
        return f"{where}{', ' + self.voter if self.voter else ''}: {self.reason}"

    def kept(self) -> dict:
        """As the event keeps a row left (masked: a reason may quote a NIK typed as a number)."""
        return {"sheet": self.sheet, "cell": self.cell, "column": self.column, "row": self.row,
                "voter": mask_digits_in_text(self.voter), "reason": mask_digits_in_text(self.reason)}

def collect(ws, reads, *, village: str | None = None, actor: str, agency: str = "PANITIA",
            reason: str, progress=None, take_good: bool = False) -> list[CollectOutcome]:
    """Collect each workbook read (io/coklit_workbook.read_many, in the order given by the
    collect step, cycle/collect.py); one outcome per workbook. `take_good`: a workbook whose
    problems are all rows' own gives its right rows now (PARTIAL), else it is refused whole."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    want = None
    if village:
        want = canonical_code(village)
        if want is None or want.count(".") != 3:
            raise CollectError(f"Kode desa '{village}' tidak sah; tulis seperti 73.26.01.2001")
    outcomes = []
    known = _Known.load()
    for read in reads:
        outcomes.append(_collect_one(read, known, want, actor, agency, reason, take_good))
        if progress is not None:
            progress.update(1)
    return outcomes


@dataclass
class _Known:
    """The workspace's cuts and collected files, read once per call: a LIST_SHARED payload holds
    a digest per row, so a JSON lookup per workbook would parse every one of them each time."""

    cuts: dict[str, int]  # cut id -> its LIST_SHARED event
    collected: dict[str, int]  # sha256 of a collected file -> its COKLIT_COLLECTED event
    collected_cuts: set[str]

    niks: set[str] | None = None  # every NIK of the current list, read when first needed
    last_position: int | None = None

    @classmethod
    def load(cls) -> _Known:
        cuts = dict(Event.objects.filter(kind=events.LIST_SHARED).values_list("payload__cut", "seq"))
        done = list(Event.objects.filter(kind=events.COKLIT_COLLECTED)
                    .values_list("payload__sha256", "seq", "payload__cut"))
        return cls(cuts, {sha: seq for sha, seq, _ in done}, {cut for _, _, cut in done})

    def listed(self, niks: list[str]) -> dict[str, list[str]]:
        """Keys of the current list holding each NIK. There is no index on NIK: every NIK of the
        list is read once a call, as one string (cheap on both databases), and only the NIKs
        found there are looked up with their rows."""
        if not niks:
            return {}
        if self.niks is None:
            agg = "group_concat(nik, %s)" if connection.vendor == "sqlite" else "string_agg(nik, %s)"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {agg} FROM store_voter WHERE nik IS NOT NULL", ["\x1f"])
                self.niks = set((cursor.fetchone()[0] or "").split("\x1f"))
        hits = [n for n in niks if n in self.niks]
        found: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(hits), changes.KEY_CHUNK):
                part = hits[start:start + changes.KEY_CHUNK]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f'SELECT nik, "key" FROM store_voter WHERE nik IN ({marks})', part)
                for nik, key in cursor.fetchall():
                    found.setdefault(nik, []).append(key)
        return found

    def add(self, collected: events.CoklitCollected, seq: int, voters: changes.Voters) -> None:
        """Keep in step with an event just recorded by this call."""
        self.collected[collected.sha256] = seq
        self.collected_cuts.add(collected.cut)
        if self.last_position is not None:  # known (read when a workbook first added voters)
            self.last_position = max(self.last_position, voters.last_position)
        if self.niks is not None:  # a NIK removed may stay: a needless look-up, never a wrong one
            self.niks.update(c.row["nik"] for c in collected.changes if isinstance(c, Addition))


def _collect_one(read: book.BookRead, known: _Known, want: str | None, actor, agency,
                 reason, take_good: bool = False) -> CollectOutcome:
    if read.unreadable:
        return CollectOutcome(read.name, UNREADABLE, problems=[f"{read.name}: {read.unreadable}"])
    shared = None
    if read.base is not None and read.base.cut in known.cuts:
        shared = Event.objects.get(seq=known.cuts[read.base.cut])
    issues = _problems(read, shared, want)
    kode = shared.data().kode_desa if shared is not None else None
    lines = [i.line(read.name) for i in issues]
    bad_rows = {(i.sheet, i.row) for i in issues}
    rows_only = bool(issues) and all(i.row is not None for i in issues)
    if issues and not (take_good and rows_only):
        return CollectOutcome(read.name, REFUSED, kode_desa=kode, problems=lines, left=len(bad_rows),
                              rows_only=rows_only)
    taken = _leave(read, bad_rows) if issues else _filled_rows(read)
    if issues and not taken:
        return CollectOutcome(read.name, REFUSED, kode_desa=kode, left=len(bad_rows), problems=[
            *lines, f"{read.name}:-:-: tidak ada baris benar yang berisi isian untuk diambil; perbaiki dulu"])
    if read.sha256 in known.collected:
        return CollectOutcome(read.name, ALREADY, known.collected[read.sha256], kode)
    left = [i.kept() for i in issues]
    visited = sum(r.visited for got in read.sheets.values() for r in got.edits)
    done = {"visited": visited, "taken": taken, "left": len(bad_rows) if issues else 0}
    with transaction.atomic():
        plan = _plan(read, shared, known)
        status = PARTIAL if left else CONFLICT if plan.conflicts else ACCEPTED
        if read.base.cut in known.collected_cuts:  # a copy of this cut came back before
            plan.visits = _not_recorded(plan.visits, read.base.cut)
            if not plan.changes and not plan.visits and not left:  # changes and visits all in already
                return CollectOutcome(read.name, CONFLICT if plan.conflicts else UNCHANGED, None, kode,
                                      plan.counts, plan.conflict_lines(), **done)
        _snapshot(read)
        event = changes.record(events.COKLIT_COLLECTED, plan.changes, actor=actor, agency=agency,
                               reason=reason, legal_basis=shared.legal_basis, payload={
                                   "cut": read.base.cut, "shared_event": shared.seq, "file": read.name,
                                   "sha256": read.sha256, "kode_desa": kode, "counts": plan.counts,
                                   "conflicts": plan.conflicts, "agreement": read.base.agreement,
                                   "visits": plan.visits or None, "left": left or None})
    known.add(event.data(), event.seq, plan.voters)
    return CollectOutcome(read.name, status, event.seq, kode, plan.counts, plan.conflict_lines(),
                          problems=lines, **done)


def _filled_rows(read: book.BookRead) -> int:
    """Rows the committee wrote in: TPS rows with any entry, and new voters."""
    return sum(len(got.edits) for got in read.sheets.values()) + len(read.new_voters)


def _leave(read: book.BookRead, bad_rows: set[tuple[str, int]]) -> int:
    """Drop the rows with problems from what is read, each whole (its status, corrections,
    move, new voter and visit alike): they stay in the list as they were. Returns the rows
    written in that are taken."""
    for sheet, got in read.sheets.items():
        got.edits = [r for r in got.edits if (sheet, r.row) not in bad_rows]
    read.new_voters = [v for v in read.new_voters if (book.NEW_SHEET, v.row) not in bad_rows]
    return _filled_rows(read)


# --- refusal -----------------------------------------------------------------------------------

def _problems(read: book.BookRead, shared: Event | None, want: str | None) -> list[Issue]:
    if read.base is None:
        return [Issue(book.BASE_SHEET, "-", "", "bukan lembar kerja coklit dari `pemilih share` "
                                                "(versi dasar tidak ditemukan)")]
    if shared is None:
        return [Issue(book.BASE_SHEET, "-", "", "lembar kerja dipotong dari daftar yang tidak dikenal di "
                                                f"ruang kerja ini (kode lembar kerja {read.base.cut})")]
    out = []
    cut = shared.data()
    if (read.base.kode_desa, read.base.regime, read.base.format) != (cut.kode_desa, cut.regime, cut.format):
        out.append(Issue(book.BASE_SHEET, "-", "", "versi dasar diubah (desa, rezim atau format berbeda dari "
                                                   f"peristiwa #{shared.seq})"))
    if want and cut.kode_desa != want:
        out.append(Issue("-", "-", "", f"lembar kerja untuk desa {cut.kode_desa} ({cut.desa}), bukan {want}"))
    for sheet in read.extra_sheets:
        out.append(Issue(sheet, "-", "", "lembar tambahan yang tidak dikenal berisi data; pemilih baru "
                                         f"ditulis di lembar {book.NEW_SHEET}, catatan di KETERANGAN"))
    for sheet, ok in read.headers_ok.items():
        if not ok:
            out.append(Issue(sheet, str(book.HEADER_ROW + 1), "", "baris judul kolom diubah; kolom tidak boleh "
                                                                  "ditambah, dihapus atau dipindah"))
    out += _row_problems(read, cut.sheets)
    out += [Issue(p.sheet, p.cell, p.column, p.reason, p.row, p.voter) for p in read.problems]
    out += _visit_problems(read, cut.shared_on)
    return out


def _visit_problems(read: book.BookRead, shared_on) -> list[Issue]:
    """Visit dates before the workbook was shared or after today (the domain's date judge with
    the bounds only the store knows)."""
    today, out, seen = timezone.localdate(), [], {}
    header = book.HEADER["tanggal_kunjungan"]

    def judged(sheet: str, col: int, row: int, day: str | None, voter) -> None:
        if not day:
            return
        if day not in seen:  # a few distinct days over every row of a village
            seen[day] = visit_date(day, earliest=shared_on, latest=today)
        found = seen[day]
        if not found.ok:
            out.append(Issue(sheet, f"{book.column_letter(col)}{row}", header, found.reason, row, voter()))
    for sheet, got in read.sheets.items():
        for r in got.edits:
            judged(sheet, read.layout.col("tanggal_kunjungan"), r.row, r.visited_on,
                   lambda r=r: book.voter_on_row(r.cells))
    for voter in read.new_voters:
        judged(book.NEW_SHEET, read.layout.new_columns.index("tanggal_kunjungan") if voter.visited_on else 0,
               voter.row, voter.visited_on, lambda v=voter: book.new_voter_on_row(v.row, v.values.get("nama") or ""))
    return out


def _row_problems(read: book.BookRead, cut: dict[str, list]) -> list[Issue]:
    """Rows matched to the cut by KUNCI: unknown, duplicated, missing, or locked cells edited."""
    out = []
    for sheet, rows in cut.items():
        got = read.sheets.get(sheet)
        if got is None:
            if read.headers_ok.get(sheet, True):
                out.append(Issue(sheet, "-", "", "lembar TPS hilang atau namanya diubah"))
        elif got.keys != [k for k, _, _ in rows] or got.strong != [d[:8] for _, _, d in rows]:
            out += _sheet_problems(sheet, got, rows)  # the rare case: find where
    for sheet in read.sheets:
        if sheet not in cut:
            out.append(Issue(sheet, "-", "", "lembar TPS tambahan yang tidak ada saat dibagikan"))
    return out


def _sheet_problems(sheet: str, got: book.SheetRead, rows: list) -> list[Issue]:
    """A row added, repeated or removed is the sheet's problem (no row to leave alone); a
    locked cell edited is its row's own: that row can be left and the others taken."""
    out = []
    expected = {key: (i, digest) for i, (key, _, digest) in enumerate(rows)}
    seen: dict[str, int] = {}
    for row, key, strong, joined in zip(got.rows, got.keys, got.strong, got.locked):
        if key not in expected:
            what = "baris tambahan" if not key.strip() else "KUNCI diubah atau baris tambahan"
            out.append(Issue(sheet, f"A{row}", "KUNCI", f"{what}; baris tidak boleh ditambah (pemilih baru di "
                                                        f"lembar {book.NEW_SHEET})"))
            continue
        if key in seen:
            out.append(Issue(sheet, f"A{row}", "KUNCI", f"baris pemilih yang sama juga di baris {seen[key]}"))
            continue
        seen[key] = row
        digest = expected[key][1]
        if strong == digest[:8]:
            continue
        voter = book.voter_on_row(joined.split("\x1f"))
        for i in book.edited_cells(key, joined, digest):
            header = book.TPS_HEADERS[i + 1]
            out.append(Issue(sheet, f"{book.column_letter(i + 1)}{row}", header, "sel terkunci diubah; "
                             f"{header} tidak boleh diubah di lembar kerja (koreksi di kolom BARU)", row, voter))
    for key, (i, _) in expected.items():
        if key not in seen:
            out.append(Issue(sheet, f"A{book.FIRST_ROW + i + 1}", "KUNCI", f"baris pemilih ke-{i + 1} "
                             f"({_shown_key(key)}) dihapus; baris tidak boleh dihapus (pakai STATUS TMS)"))
    return out


def _shown_key(key: str) -> str:
    """A key as printed: a new voter's key holds a NIK, shown masked."""
    if key.startswith(changes.NEW_VOTER_PREFIX):
        return changes.NEW_VOTER_PREFIX + mask_id(key[len(changes.NEW_VOTER_PREFIX):])
    return key


# --- changes and conflicts ---------------------------------------------------------------------

@dataclass
class _Plan:
    voters: changes.Voters
    changes: list[events.Change] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    visits: tuple[Visits, ...] = ()

    def conflict(self, sheet: str, cell: str, column: str, key: str, reason: str) -> None:
        self.conflicts.append({"sheet": sheet, "cell": cell, "column": column, "key": key,
                               "reason": reason})

    def conflict_lines(self) -> list[str]:
        return [f"{c['sheet']}:{c['cell']} {c['column']}: {c['reason']}" for c in self.conflicts]


def _plan(read: book.BookRead, shared: Event, known: _Known) -> _Plan:
    cut_seq = {key: seq for rows in shared.data().sheets.values() for key, seq, _ in rows}
    regime = shared.data().regime
    edited = [(sheet, r) for sheet, got in read.sheets.items() for r in got.edits if r.status]
    listed = known.listed([v.values["nik"] for v in read.new_voters])
    keys = [r.key for _, r in edited] + [k for ks in listed.values() for k in ks]
    if known.last_position is None and read.new_voters:  # the list's end, read once a call
        voters = changes.voters(keys)
        known.last_position = voters.last_position
    else:
        voters = changes.voters(keys, last_position=known.last_position or 0)
    plan = _Plan(voters)
    removed = None
    status_cell = read.layout.col("status")
    for sheet, row in edited:
        current = voters.get(row.key)
        does = code_tables.effect(row.status, regime)
        if does == code_tables.STRIKE:
            if current is None:
                removed = removed if removed is not None else _removals_after(shared.seq)
                _gone(plan, sheet, row, removed.get(row.key), status_cell)
            elif current["last_seq"] != cut_seq[row.key]:
                plan.conflict(sheet, f"{book.column_letter(status_cell)}{row.row}", "STATUS", row.key,
                              f"data pemilih berubah setelah lembar kerja dibagikan (peristiwa "
                              f"#{current['last_seq']}); {row.status} tidak diterapkan")
            else:
                _add(plan, changes.remove(current, row.status, row.note))
                plan.counts[row.status] += 1
            continue
        if does == code_tables.MOVE:
            _move(plan, sheet, row, current, read.layout)
        _corrections(plan, sheet, row, current, read.layout)
    _new_voters(plan, read, listed)
    plan.changes.sort(key=_change_order)
    plan.counts = dict(sorted(plan.counts.items(), key=lambda kv: count_order(kv[0])))
    plan.visits = _visits(read)
    return plan


def _visits(read: book.BookRead) -> tuple[Visits, ...]:
    """The rows checked at the door, grouped by (date, officer, tick): each key once."""
    groups: dict[tuple, list[str]] = {}
    for got in read.sheets.values():
        for r in got.edits:
            if r.visited:
                groups.setdefault((r.visited_on, r.officer, r.checked), []).append(r.key)
    for voter in read.new_voters:
        if voter.visited_on or voter.officer:
            key = changes.new_voter_key(voter.values["nik"])
            groups.setdefault((voter.visited_on, voter.officer, False), []).append(key)
    return tuple(Visits(on, by, ticked, tuple(keys)) for (on, by, ticked), keys in groups.items())


def _not_recorded(visits: tuple[Visits, ...], cut: str) -> tuple[Visits, ...]:
    """`visits` without those a collected copy of the same cut recorded already (a workbook
    returned in parts repeats the rows done before)."""
    done = set()
    for event in Event.objects.filter(kind=events.COKLIT_COLLECTED, payload__cut=cut).iterator():
        for group in event.data().visits or ():
            done.update((key, group.on, group.by, group.checked) for key in group.keys)
    out = []
    for group in visits:
        keys = tuple(k for k in group.keys if (k, group.on, group.by, group.checked) not in done)
        if keys:
            out.append(Visits(group.on, group.by, group.checked, keys))
    return tuple(out)


def _change_order(change: events.Change) -> tuple:
    """KPU's order (TMS, U, B), corrections grouped by column, rows in sheet order (a stable
    sort). Grouped, the projection writes each column's corrections in one executemany
    instead of one round trip per change (they touch different cells: the order is free)."""
    column = book.NEW_VALUE_COLUMNS.index(change.column) if isinstance(change, Correction) else -1
    return CODE_ORDER[type(change)], column


def _add(plan: _Plan, change: events.Change) -> None:
    plan.changes.append(change)
    plan.voters.apply(change)


def _gone(plan: _Plan, sheet: str, row: book.RowRead, removal: tuple[int, str] | None, status_col: int) -> None:
    if removal is not None and removal[1] == row.status:
        return  # removed already, for the same reason: nothing to do
    why = f"dihapus peristiwa #{removal[0]} ({removal[1]})" if removal else "tidak ada di daftar"
    plan.conflict(sheet, f"{book.column_letter(status_col)}{row.row}", "STATUS", row.key,
                  f"pemilih sudah {why}; {row.status} tidak diterapkan")


def _move(plan: _Plan, sheet: str, row: book.RowRead, current, layout: book.Layout) -> None:
    """A move to TPS BARU within the village: the voter's TPS, unless it changed since the cut
    (the sheet a row is on is its TPS at the cut)."""
    cell = f"{book.column_letter(layout.col(book.MOVE))}{row.row}"
    header = layout.header(book.MOVE)
    if current is None:
        plan.conflict(sheet, cell, header, row.key, f"pemilih sudah tidak ada di daftar; {row.status} (pindah TPS) "
                                                    "tidak diterapkan")
    elif book.same_value("tps", current["tps"], row.move_to):
        return  # there already
    elif book.sheet_name(current["tps"]) != sheet:
        plan.conflict(sheet, cell, header, row.key, f"TPS pemilih di ruang kerja sudah berubah sejak lembar kerja "
                                                    f"dibagikan (peristiwa #{current['last_seq']}); {row.status} "
                                                    "(pindah TPS) tidak diterapkan")
    else:
        _add(plan, changes.move(current, row.move_to, row.status, row.note))
        plan.counts[row.status] += 1


def _corrections(plan: _Plan, sheet: str, row: book.RowRead, current, layout: book.Layout) -> None:
    changed = False
    for column, new in row.corrections.items():
        cell, header = f"{book.column_letter(layout.col(column))}{row.row}", layout.header(column)
        if current is None:
            plan.conflict(sheet, cell, header, row.key, "pemilih sudah tidak ada di daftar; koreksi tidak "
                                                        "diterapkan")
            continue
        at_cut = row.cells[book.LOCKED.index(column)]
        if book.same_value(column, current[column], new):
            continue  # already so: no change
        if not book.same_value(column, current[column], at_cut):
            plan.conflict(sheet, cell, header, row.key,
                          f"nilai di ruang kerja sudah berubah sejak lembar kerja dibagikan (peristiwa "
                          f"#{current['last_seq']}); koreksi tidak diterapkan")
            continue
        _add(plan, changes.set_value(current, column, new, row.note))
        current = plan.voters.get(row.key)
        changed = True
    if changed:
        plan.counts["U"] += 1


def _new_voters(plan: _Plan, read: book.BookRead, listed: dict[str, list[str]]) -> None:
    base = read.base
    for voter in read.new_voters:
        nik = voter.values["nik"]
        key = changes.new_voter_key(nik)
        values = {**voter.values, "kode_desa": base.kode_desa, "desa": base.desa,
                  "kecamatan": base.kecamatan}
        there = [plan.voters.get(k) for k in listed.get(nik, []) if plan.voters.get(k) is not None]
        if there:
            if not (len(there) == 1 and there[0]["key"] == key and _same_row(there[0], values)):
                where = there[0]
                plan.conflict(book.NEW_SHEET, f"B{voter.row}", "NIK", key,
                              f"NIK {mask_id(nik)} sudah ada di daftar (desa {where['kode_desa'] or '-'}, "
                              f"TPS {where['tps'] or '-'}); pemilih baru tidak ditambahkan")
            continue
        row = changes.new_voter_row(key, plan.voters.next_position(), values)
        _add(plan, changes.add(row, voter.note))
        plan.counts["B"] += 1


def _same_row(current: dict, values: dict) -> bool:
    return all(book.same_value(c, current.get(c), v) for c, v in values.items())


def _removals_after(seq: int) -> dict[str, tuple[int, str]]:
    """key -> (event, code) of the latest removal since event `seq` (an addition clears it)."""
    removed: dict[str, tuple[int, str]] = {}
    later = Event.objects.filter(kind__in=events.CHANGE_KINDS, seq__gt=seq).order_by("seq")
    for event in later.iterator():
        for change in event.data().changes:
            if isinstance(change, Removal):
                removed[change.key] = (event.seq, change.code or "")
            elif isinstance(change, Addition):
                removed.pop(change.key, None)
    return removed


def _snapshot(read: book.BookRead) -> None:
    """The workbook's bytes as an immutable SourceFile (kind coklit), once per sha256."""
    if SourceFile.objects.filter(sha256=read.sha256).exists():
        return
    content = Path(read.path).read_bytes()
    if hashlib.sha256(content).hexdigest() != read.sha256:
        raise CollectError(f"Berkas {read.name} berubah sejak dibaca; kumpulkan ulang")
    bulk.insert_row(SourceFile, sha256=read.sha256, name=read.name, size=len(content), kind="coklit",
                    content=content, received_at=timezone.now())
