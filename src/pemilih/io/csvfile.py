"""CSV lists: encoding and separator detected, header found by contents, every value text.

The head of the file (title lines, header) is read with Python's csv module, which is where
the separator and the header row are decided; the body is handed to Polars in one call.
Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
Windows-1252 (what Excel on Windows writes as "CSV"). Row numbers are line numbers, as a
text editor shows them; quoted values spanning lines are counted exactly.
"""
from __future__ import annotations

import codecs
import csv
import io
import re

import polars as pl

from pemilih.io.bounds import what_it_is
from pemilih.io.grid import FileRead, Source
from pemilih.io.headers import Header, detect_kind, find_header, missing_columns

SEPARATORS = (",", ";", "\t", "|")
HEAD_LINES = 80


def _text_bytes(raw: bytes) -> tuple[bytes, int]:
    """(the file as bytes in UTF-8 or Windows-1252, where its text starts): after a UTF-8
    byte-order mark, which stays in place (a copy of a provincial extract costs a gigabyte)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw, len(codecs.BOM_UTF8)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16").encode("utf-8"), 0
    return raw, 0


def _head(data: bytes, start: int) -> tuple[bytes, str]:
    """The first lines and the encoding they reveal (cp1252 when not valid UTF-8)."""
    end = start
    for _ in range(HEAD_LINES):
        nxt = data.find(b"\n", end)
        if nxt < 0:
            end = len(data)
            break
        end = nxt + 1
    head = data[start:end]
    try:
        head.decode("utf-8")
        return head, "utf-8"
    except UnicodeDecodeError:
        return head, "cp1252"


def _records(text: str, sep: str) -> tuple[list[list[str]], list[int]]:
    """Records of the head and the line each starts on (1-based)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows, starts, previous = [], [], 0
    try:
        for row in reader:
            rows.append(row)
            starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error:
        pass  # a broken quote in the head: keep what was read
    return rows, starts


def _best_header(text: str) -> tuple[str, list[list[str]], list[int], Header] | None:
    best = None
    for sep in SEPARATORS:
        rows, starts = _records(text, sep)
        header = find_header(rows)
        if header and (best is None or len(header.keys) > len(best[3].keys)):
            best = (sep, rows, starts, header)
    return best


def _offset_of_line(data: bytes, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            return len(data)
        pos = nxt + 1
    return pos


def _body_frame(data: bytes, skip: int, sep: str, width: int) -> pl.DataFrame:
    """The records after the first `skip` lines of data (newlines as written: the head was
    counted the same way), `width` text columns c0, c1, ...: the bytes parsed where they lie,
    not copied after a header line of their own."""
    schema = {f"c{i}": pl.String for i in range(width)}
    return pl.read_csv(data, has_header=False, schema=schema, missing_columns="insert", skip_lines=skip,
                       separator=sep, truncate_ragged_lines=True, quote_char='"', encoding="utf8",
                       raise_if_empty=False)


def _line_numbers(data: bytes, offset: int, height: int, first_line: int, sep: str) -> pl.Series:
    """Line of each record (the body starts at `offset`): counted from newlines, or with csv
    when values span lines."""
    lines = data.count(b"\n", offset) + (0 if data.endswith(b"\n") or len(data) <= offset else 1)
    if lines == height:
        return pl.Series("row", range(first_line, first_line + height), dtype=pl.Int64)
    _, starts = _records(data[offset:].decode("utf-8", errors="replace"), sep)
    if len(starts) == height:
        return pl.Series("row", [first_line - 1 + s for s in starts], dtype=pl.Int64)
    return pl.Series("row", range(first_line, first_line + height), dtype=pl.Int64)


_VISIBLE = re.compile(rb"\S")


def read_csv_file(path: str, name: str, kind: str | None, raw: bytes) -> FileRead:
    read = FileRead(name, path)
    data, start = _text_bytes(raw)
    if not _VISIBLE.search(data, start):  # as `not data.strip()`, without copying 25 MB to learn it
        read.unreadable = "berkas kosong"
        return read
    if b"\x00" in data[start:start + 65536]:
        seen = what_it_is(raw[:4096])
        read.unreadable = (f"bukan berkas CSV: isinya {seen}" if seen
                           else "bukan berkas CSV atau spreadsheet yang dapat dibaca")
        return read
    head, encoding = _head(data, start)
    found = _best_header(head.decode(encoding, errors="replace"))
    if found is None:
        read.unreadable = "tidak ditemukan baris judul kolom (NIK, NAMA, ...); periksa isi berkas"
        return read
    sep, rows, starts, header = found
    read.kind = kind or detect_kind([header])
    columns = header.columns(read.kind)
    source = Source(name, "", header, read.kind, header_row=starts[header.row])
    read.sources.append(source)
    read.missing = [("", c) for c in missing_columns(read.kind, set(columns.values()), header.title)]
    if read.missing:
        return read
    first_line = starts[header.first_data] if header.first_data < len(starts) else (
        head.count(b"\n") + 1)
    offset, skip, width = _offset_of_line(data, first_line), first_line - 1, len(rows[header.row])
    if encoding == "cp1252":  # recoded: a copy of the body, which is then all there is to read
        data, offset, skip = data[offset:].decode("cp1252", errors="replace").encode("utf-8"), 0, 0
    try:
        frame = _body_frame(data, skip, sep, width)
    except pl.exceptions.ComputeError:
        if encoding != "utf-8":
            raise
        data = data[offset:].decode("cp1252", errors="replace").encode("utf-8")  # UTF-8 head, 1252 body
        offset = skip = 0
        frame = _body_frame(data, skip, sep, width)
    numbers = _line_numbers(data, offset, frame.height, first_line, sep)
    read.frames = [frame.select([pl.col(f"c{i}").alias(c) for i, c in columns.items()])
                   .with_columns(numbers, pl.lit(0, pl.Int32).alias("_sheet_no"))]
    return read
