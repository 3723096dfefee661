"""The hand-back package (formats.md section 5): a zip of five files, a manifest and its
signature. Every list sheet goes through io/voter_table.py (printed names, dates DD-MM-YYYY).

    <regency code>_<period>_<sha256 prefix>.zip
      manifest.json  perubahan.xlsx  daftar.xlsx  rekap.xlsx  perubahan_per_tps.xlsx  berita_acara.pdf
      manifest.sig

The minutes print the manifest's hash, yet the manifest lists the minutes' own hash: so the
hash printed (`manifest_sha256`, also the zip name's prefix) is taken over the manifest
*before* the minutes' entry is added: canonical JSON (sorted keys, no spaces) of every field
except `files["berita_acara.pdf"]` and `manifest_sha256` itself. Anyone can recompute it, so
it proves nothing on its own: `manifest.sig` (Ed25519 over manifest.json's exact bytes, by the
key the manifest's `signer` names, io/signing.py) does, checked against a key the reader
registered. Opening a package streams every entry through its hash with a size limit: an entry
is never read whole (a small zip can declare or inflate to gigabytes).
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pemilih.contract import (
    CHANGE_CODE,
    CHANGE_CODE_MEANING,
    CHANGE_EVIDENCE,
    CHANGE_KEY,
    CHANGE_SHEETS,
    CORRECTED_COLUMN,
    CORRECTED_COLUMNS,
    CORRECTED_NEW,
    CORRECTED_OLD,
    INFO_REASON,
    KPU_COLUMNS,
    KPU_HEADERS,
    LIST_SHEET,
    MOVED_COLUMNS,
    PACKAGE_SCHEMA_VERSIONS_READ,
    SHEET_CORRECTED,
    SHEET_INFO,
    SHEET_MOVED,
    SHEET_NEW,
    SHEET_TMS,
    SHEET_UNRESOLVED,
    UNRESOLVED_WRITTEN,
)
from pemilih.contract import (
    PACKAGE_CHANGES as CHANGES,
)
from pemilih.contract import PACKAGE_DATA_FILES as DATA_FILES
from pemilih.contract import PACKAGE_LATER_FILES as LATER_FILES
from pemilih.contract import PACKAGE_MANIFEST as MANIFEST
from pemilih.contract import PACKAGE_MINUTES as MINUTES
from pemilih.contract import PACKAGE_SCHEMA_VERSION as SCHEMA_VERSION
from pemilih.contract import PACKAGE_SIGNATURE as SIGNATURE
from pemilih.domain.dates import printed_date
from pemilih.io import signing, voter_table

# Limits of what opening a package reads (bytes): the manifest and signature are small; a data
# file is hashed in a stream up to MAX_ENTRY; only perubahan.xlsx is kept in memory, up to MAX_KEPT.
MAX_MANIFEST = 4 << 20
MAX_SIGNATURE = 4 << 10
MAX_ENTRY = 512 << 20
MAX_KEPT = 64 << 20
CHUNK = 1 << 20


class PackageError(Exception):
    """A package that is not what it says it is; the message says why (Bahasa Indonesia)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_hash(manifest: dict) -> str:
    core = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    core["files"] = {k: v for k, v in manifest.get("files", {}).items() if k != MINUTES}
    text = json.dumps(core, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_name(regency: str, period: str, digest: str) -> str:
    return f"{regency.replace('.', '')}_{period}_{digest[:12]}.zip"


def write_changes(path: Path, changes, info, unresolved, code_labels: dict[str, str]) -> None:
    """perubahan.xlsx (formats.md section 5): new voters, not eligible (with the meaning of each
    code), moves to another TPS of the village, corrected fields, in KPU's order; then, for
    information, the voters the two lists treat apart and the rows without a village.
    `changes`: engine.pdpb.Changes; `info`, `unresolved`: key, reason + the KPU columns."""
    from pemilih.io import xlsx_tables
    meaning = pl.col("code").replace_strict(code_labels, default=pl.col("code"), return_dtype=pl.String)
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, SHEET_NEW, pl.concat([
            changes.added.select(pl.col("key").alias(CHANGE_KEY), pl.lit("B").alias(CHANGE_CODE)),
            voter_table.printed(changes.added), changes.added.select(pl.col("evidence").alias(CHANGE_EVIDENCE))],
            how="horizontal"))
        removed = changes.removed.sort("code", "kode_desa", maintain_order=True)
        xlsx_tables.text_sheet(book, SHEET_TMS, pl.concat([
            removed.select(pl.col("key").alias(CHANGE_KEY), pl.col("code").alias(CHANGE_CODE),
                           meaning.alias(CHANGE_CODE_MEANING)),
            voter_table.printed(removed), removed.select(pl.col("evidence").alias(CHANGE_EVIDENCE))],
            how="horizontal"))
        moved = changes.moved.sort("kode_desa", "key", maintain_order=True)
        xlsx_tables.text_sheet(book, SHEET_MOVED, moved.select(pl.col(c).alias(name) for c, name in zip(
            ["key", "nik", "nama", "kecamatan", "desa", "kode_desa", "old", "new", "evidence"], MOVED_COLUMNS)))
        corrected = changes.corrected.sort("kode_desa", "key", maintain_order=True).with_columns(
            pl.col("column").replace_strict(KPU_HEADERS, return_dtype=pl.String),
            *(pl.when(pl.col("column").is_in(voter_table.DATE_COLUMNS)).then(printed_date(v)).otherwise(pl.col(v))
              .alias(v) for v in ("old", "new")))
        xlsx_tables.text_sheet(book, SHEET_CORRECTED, corrected.select(pl.col(c).alias(name) for c, name in zip(
            ["key", "nik", "nama", "kode_desa", "column", "old", "new", "evidence"], CORRECTED_COLUMNS)))
        for sheet, frame, headers in ((SHEET_INFO, info, {}), (SHEET_UNRESOLVED, unresolved, UNRESOLVED_WRITTEN)):
            columns = [c for c in KPU_COLUMNS if sheet == SHEET_INFO or c != "kode_desa"]
            xlsx_tables.text_sheet(book, sheet, pl.concat([
                frame.select(pl.col("key").alias(CHANGE_KEY), pl.col("reason").alias(INFO_REASON)),
                voter_table.printed(frame, columns, headers)], how="horizontal"))


def write_per_tps(path: Path, rows: pl.DataFrame, *, period: str) -> None:
    """perubahan_per_tps.xlsx (formats.md section 5): engine.pdpb.per_tps's rows, one sheet per
    village (named by its code), a heading row per TPS, each TPS starting a printed page under the
    repeated column headers; landscape, fit to width; every cell text (NIK never a number),
    written through io/xlsx_text.text_workbook (a formula in a value stays text)."""
    from pemilih.contract import PER_TPS_COLUMNS
    from pemilih.io.xlsx_text import text_workbook
    printed = rows.with_columns(
        pl.col("column").replace_strict(KPU_HEADERS, default=pl.col("column"), return_dtype=pl.String),
        *(pl.when(pl.col("column").is_in(voter_table.DATE_COLUMNS)).then(printed_date(v)).otherwise(pl.col(v))
          .alias(v) for v in ("old", "new")),
        *voter_table.printed_values(rows, voter_table.DATE_COLUMNS))
    fields = ["tps", "seq", "code", "meaning", "no", *(c for c in KPU_COLUMNS if c not in (
        "kecamatan", "desa", "kode_desa", "tps", "no")), "column", "old", "new", "key"]
    book = text_workbook(str(path))
    try:
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDDDDD", "text_wrap": True})
        cell = book.add_format({"border": 1, "num_format": "@"})
        if printed.is_empty():
            book.add_worksheet("Perubahan").write_string(0, 0, "Tidak ada perubahan pada periode ini.")
        for (code,), village in printed.group_by("kode_desa", maintain_order=True):
            sheet = book.add_worksheet(str(code)[:31])
            first = village.row(0, named=True)
            sheet.write_string(0, 0, f"DAFTAR PERUBAHAN PEMILIH PER TPS (TMS, U, B) PERIODE {period}", bold)
            sheet.write_string(1, 0, f"KECAMATAN {first['kecamatan'] or ''}   KELURAHAN/DESA {first['desa'] or ''}   "
                                     f"KODE DESA {code}", bold)
            sheet.write_row(3, 0, PER_TPS_COLUMNS, head)
            sheet.repeat_rows(3)
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
            sheet.set_column(0, len(PER_TPS_COLUMNS) - 1, 12)
            r, breaks = 4, []
            for (tps,), group in village.group_by("tps", maintain_order=True):
                if r > 4:
                    breaks.append(r)
                count = {c: group.filter(pl.col("code").str.starts_with(c)).height for c in ("TMS", "U", "B")}
                sheet.write_string(r, 0, f"TPS {tps}: TMS {count['TMS']}, U {count['U']}, B {count['B']}", bold)
                r += 1
                for values in group.select(fields).iter_rows():
                    for c, value in enumerate(values):
                        if value is not None and value != "":
                            sheet.write_string(r, c, str(value), cell)
                        else:
                            sheet.write_blank(r, c, None, cell)
                    r += 1
            if breaks:
                sheet.set_h_pagebreaks(breaks)
    finally:
        book.close()


def write_list(path: Path, voters) -> None:
    """daftar.xlsx: the resulting list in the layout of formats.md section 2, per village and
    TPS in the order given."""
    from pemilih.io import xlsx_tables
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, LIST_SHEET, voter_table.printed(voters))


def manifest_for(folder: Path, *, regency: str, period: str, source_list: dict, counts: dict, created: str,
                 key=None) -> dict:
    """The manifest of the data files written in `folder`, its own hash included; `key`: the
    signing key (io/signing.py), named in `signer` so the printed hash covers it too."""
    manifest = {
        "schema_version": SCHEMA_VERSION, "regency": regency, "period": period, "source_list": source_list,
        "created": created, "counts": counts,
        "files": {n: {"sha256": sha256_file(folder / n)} for n in DATA_FILES},
    }
    if key is not None:
        manifest["signer"] = {"algorithm": signing.ALGORITHM, "public_key": signing.public_text(key),
                              "fingerprint": signing.fingerprint(key)}
    manifest["manifest_sha256"] = manifest_hash(manifest)
    return manifest


def add_minutes(folder: Path, manifest: dict) -> None:
    """The minutes' hash into the manifest (after the hash it prints was taken)."""
    manifest["files"][MINUTES] = {"sha256": sha256_file(folder / MINUTES)}


def write_zip(folder: Path, manifest: dict, out: Path, key=None) -> Path:
    """Zip the manifest and the four files of `folder` into `out`, with the manifest's
    signature by `key` (None: unsigned, which apply refuses)."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, text)
        for name in [*DATA_FILES, MINUTES]:  # compressed already: stored, not deflated again
            z.write(folder / name, name, compress_type=zipfile.ZIP_STORED)
        if key is not None:
            z.writestr(SIGNATURE, signing.sign(key, text))
    return out


def read_changes(data: bytes) -> dict[str, list[dict]]:
    """Each sheet of perubahan.xlsx as a list of dicts keyed by header (blank cells None); a
    sheet an older package lacks is empty."""
    import io

    from python_calamine import CalamineWorkbook

    from pemilih.io.xlsx_tables import table_grid
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for sheet in CHANGE_SHEETS:
        if sheet not in book.sheet_names:
            if sheet in (SHEET_NEW, SHEET_TMS, SHEET_CORRECTED):  # in every version
                raise PackageError(f"perubahan.xlsx tidak memuat lembar '{sheet}'")
            out[sheet] = []
            continue
        grid = table_grid(book, sheet)  # with the sheets its rows go on over
        header = [str(h) for h in grid[0]] if grid else []
        out[sheet] = [_stored(dict(zip(header, (_text(v) for v in row)))) for row in grid[1:] if any(row)]
    return out


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


_BIRTH = KPU_HEADERS["tanggal_lahir"]


def _stored(row: dict) -> dict:
    """A row with its birth dates as the store keeps them (ISO); the sheets print DD-MM-YYYY,
    packages of version 1 wrote ISO: both read the same. A value that is no date stays as
    written (KPU's own checks then name it)."""
    if row.get(_BIRTH):
        row[_BIRTH] = _iso(row[_BIRTH])
    if row.get(CORRECTED_COLUMN) == _BIRTH:
        for side in (CORRECTED_OLD, CORRECTED_NEW):
            if row.get(side):
                row[side] = _iso(row[side])
    return row


def _iso(text: str) -> str:
    from pemilih.domain.dates import judge_date
    judged = judge_date(text, label=_BIRTH)
    return judged.value if judged.code is None and judged.value else text


@dataclass
class Opened:
    """A package whose signature, manifest and files were checked (open_package)."""

    manifest: dict
    files: dict[str, bytes]  # the files asked to be kept (perubahan.xlsx)
    fingerprint: str  # of the registered key that signed it


def open_package(path: Path, keys: dict, *, expected_hash: str | None = None,
                 keep: tuple[str, ...] = (CHANGES,)) -> Opened:
    """The package at `path` after checking, in order: its signature over manifest.json's bytes
    by one of `keys` (fingerprint -> Ed25519 public key: the keys the reader registered), the
    manifest's schema and hash (and that it is `expected_hash`, the one printed on the signed
    minutes, when given), and every file's sha256, streamed with a size limit. PackageError
    saying what failed otherwise."""
    name = Path(path).name
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise PackageError(f"{name}: bukan berkas zip yang dapat dibaca") from None
    with z:
        entries = {i.filename.split("/")[-1]: i for i in z.infolist()}
        missing = [n for n in [MANIFEST, *DATA_FILES, MINUTES] if n not in entries and n not in LATER_FILES]
        if missing:
            raise PackageError(f"{name}: paket tidak lengkap, tidak ada: " + ", ".join(missing))
        if SIGNATURE not in entries:
            raise PackageError(f"{name}: paket tidak bertanda tangan ({SIGNATURE} tidak ada); paket tanpa "
                               "tanda tangan elektronik DPML tidak diterapkan")
        text = _read(z, entries[MANIFEST], MAX_MANIFEST, name)
        signature = _read(z, entries[SIGNATURE], MAX_SIGNATURE, name)
        try:
            manifest = json.loads(text)
        except ValueError:
            raise PackageError(f"{name}: manifest.json rusak (bukan JSON)") from None
        if not isinstance(manifest, dict):
            raise PackageError(f"{name}: manifest.json rusak (bukan objek JSON)")
        fingerprint = _check_signature(manifest, text, signature, keys, name)
        _check(manifest, name, expected_hash)
        listed = manifest.get("files") or {}
        files = {}
        later = [n for n in LATER_FILES if isinstance(listed, dict) and n in listed]  # older packages lack them
        if absent := [n for n in later if n not in entries]:
            raise PackageError(f"{name}: paket tidak lengkap, tidak ada: " + ", ".join(absent))
        for file in [*(n for n in DATA_FILES if n not in LATER_FILES or n in later), MINUTES]:
            want = (listed.get(file) or {}).get("sha256") if isinstance(listed, dict) else None
            got, data = _stream(z, entries[file], name, keep=file in keep)
            if want != got:
                raise PackageError(f"{name}: isi {file} tidak sama dengan sidik di manifest "
                                   f"({str(want)[:12]} ≠ {got[:12]}); paket berubah setelah dibuat")
            if data is not None:
                files[file] = data
    return Opened(manifest, files, fingerprint)


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """A small entry whole, refused past `limit` (declared or actual)."""
    digest, data = _stream(z, info, name, keep=True, limit=limit)
    return data


def _stream(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, *, keep: bool,
            limit: int | None = None) -> tuple[str, bytes | None]:
    """(sha256, the bytes when `keep`) of one entry, read a block at a time; refused as soon as
    it is (or says it is) larger than its limit, so a 2 GiB entry costs one block of memory."""
    limit = limit if limit is not None else (MAX_KEPT if keep else MAX_ENTRY)
    too_big = PackageError(f"{name}: berkas {info.filename.split('/')[-1]} di dalam paket terlalu besar "
                           f"(lebih dari {limit // (1 << 20) or 1} MiB); paket ditolak")
    if info.file_size > limit:
        raise too_big
    digest, kept, size = hashlib.sha256(), [] if keep else None, 0
    try:
        with z.open(info) as fh:
            while block := fh.read(CHUNK):
                size += len(block)
                if size > limit:
                    raise too_big
                digest.update(block)
                if kept is not None:
                    kept.append(block)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as err:
        raise PackageError(f"{name}: berkas {info.filename.split('/')[-1]} di dalam paket rusak ({err})") from None
    return digest.hexdigest(), (b"".join(kept) if kept is not None else None)


def _check_signature(manifest: dict, text: bytes, signature: bytes, keys: dict, name: str) -> str:
    signer = manifest.get("signer") if isinstance(manifest.get("signer"), dict) else {}
    fingerprint = signing.normalised(signer.get("fingerprint"))
    public = keys.get(fingerprint)
    if public is None:
        shown = signing.grouped(fingerprint) if fingerprint else "(tidak disebut)"
        raise PackageError(f"{name}: kunci penanda tangan paket (sidik {shown}) belum didaftarkan di ruang "
                           "kerja ini; daftarkan kunci publik DPML dulu (pemilih kunci daftar)")
    if not signing.verify(public, text, signature):
        raise PackageError(f"{name}: tanda tangan manifest tidak sah untuk kunci {signing.grouped(fingerprint)}; "
                           "manifest diubah setelah ditandatangani, atau ditandatangani kunci lain")
    return fingerprint


def _check(manifest: dict, name: str, expected_hash: str | None) -> None:
    if manifest.get("schema_version") not in PACKAGE_SCHEMA_VERSIONS_READ:
        raise PackageError(f"{name}: versi skema {manifest.get('schema_version')!r} tidak dikenal "
                           f"(versi ini membaca {', '.join(map(str, PACKAGE_SCHEMA_VERSIONS_READ))})")
    if manifest.get("manifest_sha256") != manifest_hash(manifest):
        raise PackageError(f"{name}: sidik manifest tidak cocok; manifest diubah setelah dibuat")
    if expected_hash is not None and signing.normalised(expected_hash) != manifest["manifest_sha256"]:
        raise PackageError(f"{name}: sidik manifest {signing.grouped(manifest['manifest_sha256'])} bukan sidik "
                           f"yang tertulis di berita acara ({signing.grouped(expected_hash) or 'kosong'})")
