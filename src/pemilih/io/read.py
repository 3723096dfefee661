"""Reading KPU lists and civil-registry extracts: `read_files` and `read_grouped`.

Files are read two at a time (the machines have two cores; calamine parses a sheet without
holding Python's lock), or taken from the worker processes `pemilih check` starts before
loading Polars (sheets.py); then all rows of one kind are checked together, column by column
(validate.py). A file that cannot be read at all is recorded as FILE-UNREADABLE; one that
lacks a required column is refused whole as COLUMN-MISSING; neither stops the others.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from pemilih.contract import KPU_COLUMNS, PROBLEM_COLUMNS, REF_COLUMNS, REGISTRY_COLUMNS, ReadResult, SourceFile
from pemilih.domain import region_tables
from pemilih.domain.regions import district_prefixes
from pemilih.io import bounds, fingerprint
from pemilih.io.csvfile import read_csv_file
from pemilih.io.grid import FileRead, whole_columns
from pemilih.io.headers import alias_hint, printed
from pemilih.io.workbook import read_workbook

KINDS = ("kpu", "registry")
COLUMNS = {"kpu": KPU_COLUMNS, "registry": REGISTRY_COLUMNS}
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
_TITLE_COLUMNS = {"_t_kab": "kab", "_t_kec": "kec", "_t_desa": "desa", "_t_tps": "tps"}
_KIND_NAMES = {"kpu": "daftar pemilih KPU", "registry": "data Disdukcapil"}
_HASH_APART = 1 << 20  # bytes: smaller files are hashed in line, a thread costs more
# read_apart checks files in groups of about this many bytes: a province's 24 regency lists one
# by one, a regency's 151 village workbooks in a few groups.
APART_BYTES = 24 << 20


def _read_one(path: str, kind: str | None) -> FileRead:
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except IsADirectoryError:
        return FileRead(name, path, unreadable="ini sebuah folder, bukan berkas")
    except OSError:
        return FileRead(name, path, unreadable="berkas tidak ditemukan atau tidak dapat dibuka")
    if len(raw) < _HASH_APART:
        read = _parse(path, name, kind, raw)
        read.sha256, read.size = fingerprint.digest(path, raw)
        return read
    # The hash of the very bytes parsed, computed meanwhile on another core (hashlib lets go
    # of Python's lock): a 25 MB list costs a tenth of a second to hash.
    with ThreadPoolExecutor(1) as hashing:
        digest = hashing.submit(fingerprint.digest, path, raw)
        read = _parse(path, name, kind, raw)
    read.sha256, read.size = digest.result()
    return read


def _parse(path: str, name: str, kind: str | None, raw: bytes) -> FileRead:
    try:
        if raw[:4] in _WORKBOOK_MAGIC:
            read = read_workbook(path, name, kind)
        elif name.lower().endswith(_WORKBOOK_EXT):
            read = FileRead(name, path, unreadable=bounds.refusal(path, name)
                            or "berkas rusak atau bukan spreadsheet yang dapat dibaca")
        else:
            read = read_csv_file(path, name, kind, raw)
    except Exception as exc:  # never let one odd file stop the others
        read = FileRead(name, path, unreadable=f"berkas tidak dapat dibaca ({type(exc).__name__})")
    return read


def _warm_up() -> None:
    """Load the region tables the checks need (a tenth of a second, partly in Polars, which
    lets go of Python's lock) while the files are parsed, instead of after."""
    try:
        region_tables.villages()
        district_prefixes()
        region_tables.regencies()
    except Exception:
        pass  # the checks load them again themselves, and say what is wrong


def read_raw(paths: list[str], kind: str | None = None, on_file=None) -> list[FileRead]:
    """Every file read (not yet checked), in the order given; on_file() after each one."""
    paths = [os.fspath(p) for p in paths]
    warming = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
    warming.start()
    try:
        return _read_all(paths, kind, on_file)
    finally:
        warming.join()


def _read_all(paths: list[str], kind: str | None, on_file) -> list[FileRead]:
    if len(paths) <= 1:
        reads = [_read_one(p, kind) for p in paths]
        if on_file:
            for _ in reads:
                on_file()
        return reads
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        futures = [pool.submit(_read_one, p, kind) for p in paths]
        for f in futures:
            f.result()
            if on_file:
                on_file()
    return [f.result() for f in futures]


def _problem(file: str, sheet: str, column: str | None, code: str, reason: str) -> dict:
    ref = f"{file}:{sheet}" if sheet else file
    return {"source_ref": ref, "file": file, "sheet": sheet, "row": None, "column": column,
            "code": code, "reason": reason}


def _file_problems(read: FileRead, kind: str) -> list[dict]:
    if read.unreadable:
        return [_problem(read.name, "", None, "FILE-UNREADABLE", read.unreadable)]
    out = []
    for sheet, column in read.missing:
        where = f"lembar '{sheet}'" if sheet else "berkas"
        if not column:
            out.append(_problem(read.name, sheet, None, "COLUMN-MISSING",
                                f"{where} berisi data tetapi baris judul kolom tidak ditemukan; berkas ditolak"))
            continue
        header_row = next((s.header_row for s in read.sources if s.sheet == sheet), None)
        at = f" (baris judul kolom: baris {header_row})" if header_row else ""
        out.append(_problem(read.name, sheet, printed(kind).get(column, column), "COLUMN-MISSING",
                            f"kolom {alias_hint(kind, column)} tidak ada di {where}{at}; berkas ditolak"))
    return out


def _stack(reads: list[FileRead]) -> pl.DataFrame | None:
    """Every row of these files in one frame, with file, sheet and title-block values."""
    frames, meta, bases, heights = [], [], [], []
    for read in reads:
        base = len(meta)
        for sheet_no, source in enumerate(read.sources):
            meta.append({"_src": base + sheet_no, "file": read.name, "sheet": source.sheet,
                         **{c: source.title.get(k) for c, k in _TITLE_COLUMNS.items()}})
        frames += read.frames
        bases += [base for f in read.frames if f.height]
        heights += [f.height for f in read.frames if f.height]
        read.frames = []  # stacked now: the file's own frames would only double the memory
    if not frames:
        return None
    table = pl.DataFrame(meta, schema={"_src": pl.Int32, "file": pl.String, "sheet": pl.String,
                                       **dict.fromkeys(_TITLE_COLUMNS, pl.String)})
    stacked = whole_columns(pl.concat(frames, how="diagonal_relaxed"))
    del frames
    # Each file's sheet numbers moved past the sheets of the files before it: one operation
    # on the stacked frame rather than one per file (151 workbooks).
    offset = pl.Series(bases, dtype=pl.Int32).repeat_by(pl.Series(heights, dtype=pl.UInt32)).explode()
    stacked = stacked.with_columns((pl.col("_sheet_no") + offset).alias("_src")).drop("_sheet_no")
    # `_src` is the row of `table`: its values are taken by position, new columns beside the
    # frame's own; a join would copy every column (a provincial extract's 1.5 GB more at once).
    return stacked.with_columns(table[c].gather(stacked["_src"]) for c in table.columns if c != "_src")


def _empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema={c: (pl.Int64 if c == "row" else pl.String) for c in REF_COLUMNS + COLUMNS[kind]})


def assemble(reads: list[FileRead], kind: str) -> ReadResult:
    """Check the rows of these files (all of `kind`) and gather every problem."""
    from pemilih.io.validate import check_kpu, check_registry, empty_problems
    file_problems, refused, good = [], [], []
    for read in reads:
        if read.kind not in (None, kind) and not read.unreadable:
            read.missing = []
            file_problems.append(_problem(read.name, "", None, "FILE-KIND", (
                f"{read.name} tampak sebagai {_KIND_NAMES[read.kind]}, bukan {_KIND_NAMES[kind]}; "
                "periksa berkas tersebut terpisah")))
            refused.append(f"{read.name}: jenis berkas berbeda")
            continue
        problems = _file_problems(read, kind)
        file_problems += problems
        if problems:
            refused.append(f"{read.name}: {problems[0]['reason']}")
        else:
            good.append(read)
    stacked = [_stack(good)]  # which lets go of each file's own frames
    if stacked[0] is None:
        records, problems = _empty(kind), empty_problems()
    else:  # handed over, not kept: the checks' first step replaces it, and it can go then
        records, problems = (check_kpu if kind == "kpu" else check_registry)(stacked.pop())
    if file_problems:
        problems = pl.concat([pl.DataFrame(file_problems, schema=problems.schema), problems])
    files = [SourceFile(r.name, r.path, r.sha256, r.size, r.kind or kind) for r in reads]
    return ReadResult(kind, records, problems.select(PROBLEM_COLUMNS), files, refused)


def read_files(paths, kind: str | None = None, on_file=None) -> ReadResult:
    """Read lists of one kind (detected from the headers when kind is None).

    A file of the other kind than most is refused (FILE-KIND): check them separately or use
    read_grouped()."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"jenis berkas tidak dikenal: {kind} (pilih kpu atau registry)")
    reads = read_raw(list(paths), kind, on_file)
    if kind is None:
        kinds = [r.kind for r in reads if r.kind]
        kind = "registry" if kinds.count("registry") > kinds.count("kpu") else "kpu"
    return assemble(reads, kind)


def read_apart(paths, kind: str, columns: list[str] | None = None) -> ReadResult:
    """read_files, a group of files at a time (about APART_BYTES), each group's records
    narrowed to `columns` as soon as it is checked. The same records and problems in the same
    order: every check judges a file on its own rows (validate.py), so checking files apart
    changes nothing but the working memory, which follows the largest groups instead of all
    files together, and the time: two groups are checked side by side (a group's many small
    steps leave the second core idle), a province's 24 lists in three quarters of the time."""
    groups = _groups([os.fspath(p) for p in paths]) or [[]]

    def one(group: list[str]) -> ReadResult:
        result = read_files(group, kind=kind)
        result.records = result.records.select(columns or result.records.columns)
        return result
    if len(groups) == 1:
        results = [one(groups[0])]
    else:
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1), thread_name_prefix="baca") as pool:
            results = list(pool.map(one, groups))
    records = whole_columns(pl.concat([r.records for r in results]))
    # As read_files orders them: the file-level problems (no row) first, then by row.
    problems = pl.concat([r.problems for r in results]).sort(pl.col("row").is_not_null(), maintain_order=True)
    return ReadResult(kind, records, problems, [f for r in results for f in r.files],
                      [x for r in results for x in r.refused])


def _groups(paths: list[str]) -> list[list[str]]:
    groups, size = [[]], 0
    for path in paths:
        try:
            n = os.path.getsize(path)
        except OSError:
            n = 0  # the reader says why
        if groups[-1] and size + n > APART_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(path)
        size += n
    return [g for g in groups if g]


def read_grouped(paths, on_file=None) -> dict[str, ReadResult]:
    """Read a mix of KPU lists and registry extracts: one ReadResult per kind found.

    A file that cannot be read at all goes with the KPU lists (or with the registry extracts
    when there are no KPU lists)."""
    reads = read_raw(list(paths), None, on_file)
    found = [k for k in KINDS if any(r.kind == k for r in reads)] or ["kpu"]
    home = found[0]
    return {k: assemble([r for r in reads if (r.kind or home) == k], k) for k in found}
