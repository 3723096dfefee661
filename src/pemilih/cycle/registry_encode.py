"""Steps: a secret key for encoding the civil-registry extract, and the extract encoded with it
(issue 15 item 4; the scheme in docs/registry-encoding.md, the file in formats.md section 10).

Disdukcapil keeps the key; what leaves its office is the encoded extract, in which nobody's NIK,
family card, name, birth date, birthplace or address is in clear. The key is never written into
an output or a message: only its id (16 hex digits derived from it) is.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pemilih.contract import KIND_REGISTRY
from pemilih.cycle.common import SILENT, Progress, StepError

MAX_PROBLEMS_NAMED = 10  # problems listed in a refusal; `pemilih check` lists them all


@dataclass(frozen=True)
class KeyMade:
    path: Path
    key_id: str


def make_key(path: str | os.PathLike) -> KeyMade:
    """A new random key in a new file, owner-only (0600); an existing file is never replaced."""
    from pemilih.engine.registry_encode import key_id
    from pemilih.io.registry_key import key_text, new_key
    from pemilih.store.owner_only import FILE_MODE
    target = Path(path)
    key = new_key()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        raise StepError(f"{target} sudah ada; kunci lama tidak ditimpa (pilih nama berkas lain)") from None
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask was
        os.write(fd, key_text(key).encode("ascii"))
    finally:
        os.close(fd)
    return KeyMade(target, key_id(key))


def read_key(path: str | os.PathLike) -> bytes:
    from pemilih.io.registry_key import MAX_KEY_FILE, parse_key
    source = Path(path)
    try:
        with open(source, "rb") as fh:
            raw = fh.read(MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise StepError(f"berkas kunci {source} tidak ditemukan") from None
    if len(raw) > MAX_KEY_FILE:
        raise StepError(f"{source.name} bukan berkas kunci enkode (terlalu besar)")
    try:
        return parse_key(raw.decode("ascii", errors="replace"), source.name)
    except ValueError as exc:
        raise StepError(str(exc)) from None


@dataclass(frozen=True)
class EncodeRequest:
    registry_paths: tuple[str, ...]
    key_path: str
    out: str

    def __post_init__(self):
        if not self.registry_paths:
            raise StepError("sebutkan berkas Disdukcapil yang dienkode (--registry)")
        inputs = {Path(p).resolve() for p in (*self.registry_paths, self.key_path)}
        if Path(self.out).resolve() in inputs:
            raise StepError("berkas keluaran (--out) tidak boleh sama dengan berkas Disdukcapil atau berkas kunci")


@dataclass(frozen=True)
class EncodeOutcome:
    out: Path
    rows: int
    key_id: str


def _refusal(result) -> str | None:
    """Why the extract is not encoded: files refused whole, or rows with problems, each named
    as `pemilih check` names them (`<file>:<sheet>:<row>`, column, reason)."""
    if result.ok:
        return None
    lines = [f"{r['source_ref']}  {r['column'] or '-'}  [{r['code']}] {r['reason']}"
             for r in result.problems.head(MAX_PROBLEMS_NAMED).iter_rows(named=True)]
    more = result.problems.height - len(lines)
    if more > 0:
        lines.append(f"... dan {more} kesalahan lain")
    return ("data Disdukcapil tidak dienkode karena ada kesalahan (periksa dengan "
            "'pemilih check --jenis registry BERKAS', perbaiki, lalu enkode lagi):\n" + "\n".join(lines))


def encode(request: EncodeRequest, progress: Progress = SILENT) -> EncodeOutcome:
    """The extract read as `pemilih receive` and `verify` read it, refused when it has a
    problem, encoded with the key and written to `out`."""
    from pemilih.engine import registry_encode
    from pemilih.io import registry_encoded
    from pemilih.io.read import read_files
    key = read_key(request.key_path)
    progress.stage("Membaca data Disdukcapil", len(request.registry_paths))
    result = read_files(list(request.registry_paths), kind=KIND_REGISTRY, on_file=lambda: progress.advance(1))
    refusal = _refusal(result)
    if refusal:
        raise StepError(refusal)
    progress.stage("Mengenkode", None)
    encoded = registry_encode.encode(result.records, key)
    out = registry_encoded.write(encoded, request.out)
    return EncodeOutcome(out, encoded.height, registry_encode.key_id(key))
