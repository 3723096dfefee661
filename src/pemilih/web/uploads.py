"""Files people upload for checking: kept in a folder of their own until they are received.

Step 1 of the upload page saves the files and checks them (nothing stored); step 2 receives
the very files checked, as a job. A token names the folder between the two; folders never
confirmed are removed after a day.

How big an upload may be is said once, per kind (domain/limits.py): `size_refusal` gives the
pages their answer (HTTP 413), and `RequestSizeLimit` (settings.FILE_UPLOAD_HANDLERS) refuses a
request body over the largest of them before any of it is read.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from pathlib import Path

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

from pemilih.domain import limits
from pemilih.web import jobs

MANIFEST = "unggahan.json"
STALE_SECONDS = 24 * 3600  # unconfirmed uploads are removed after a day
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")

# The kinds of upload: (bytes per file, bytes of all files of one upload, what the message calls it).
LIST, COKLIT, RESPONSES = "daftar", "coklit", "tanggapan"
SIZE_LIMITS = {
    LIST: (limits.UPLOAD_LIST_BYTES, limits.UPLOAD_LIST_TOTAL_BYTES, "daftar pemilih / ekstrak Disdukcapil"),
    COKLIT: (limits.UPLOAD_COKLIT_BYTES, limits.UPLOAD_COKLIT_TOTAL_BYTES, "lembar kerja coklit"),
    RESPONSES: (limits.UPLOAD_RESPONSES_BYTES, limits.UPLOAD_RESPONSES_BYTES, "berkas tanggapan"),
}
TOO_LARGE = 413  # the status of a page that refuses an upload for its size


def _mb(n: int) -> str:
    return f"{n / limits.MB:.1f} MB".replace(".", ",")


def size_refusal(files, kind: str) -> str | None:
    """Why these uploaded files are too big for their kind (Bahasa Indonesia), or None."""
    each, total, label = SIZE_LIMITS[kind]
    for upload in files:
        if upload.size > each:
            return (f"Berkas '{safe_name(upload.name)}' terlalu besar ({_mb(upload.size)}); batas {label} "
                    f"{_mb(each)} per berkas.")
    size = sum(u.size for u in files)
    if size > total:
        return f"Berkas yang diunggah bersama terlalu besar ({_mb(size)}); batas {label} {_mb(total)} sekali unggah."
    return None


class RequestSizeLimit(FileUploadHandler):
    """Refuses a multipart body over limits.UPLOAD_REQUEST_BYTES before reading it (Django
    answers 400, as for its own DATA_UPLOAD_MAX_MEMORY_SIZE); the next handlers store the files."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > limits.UPLOAD_REQUEST_BYTES:
            raise RequestDataTooBig(f"unggahan {_mb(content_length)} melebihi batas {_mb(limits.UPLOAD_REQUEST_BYTES)}")
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def safe_name(name: str) -> str:
    """A file name safe to write: the base name only, odd characters replaced. The name
    stays recognisable because the report and the source references quote it."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "berkas"
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:110] + dot + ext[:9]) if dot else base[:120]
    return base


def save_upload(files, kind: str, user_id: int) -> tuple[str, list[Path]]:
    """Write the uploaded files into a new folder of their own; (token, paths)."""
    _forget_stale()
    token = uuid.uuid4().hex
    folder = jobs.upload_dir() / token
    folder.mkdir()
    paths, taken = [], set()
    for upload in files:
        name = safe_name(upload.name)
        while name.lower() in taken or name == MANIFEST:
            name = "_" + name
        taken.add(name.lower())
        path = folder / name
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(path)
    manifest = {"user": user_id, "kind": kind, "files": [p.name for p in paths], "created": time.time()}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return token, paths


def load_upload(token: str) -> tuple[dict, list[Path]] | None:
    """The manifest and paths of an upload, or None when there is no such upload."""
    if not _TOKEN.match(token or ""):
        return None
    folder = jobs.upload_dir() / token
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest, [folder / name for name in manifest["files"]]


def forget_upload(token: str) -> None:
    if _TOKEN.match(token or ""):
        shutil.rmtree(jobs.upload_dir() / token, ignore_errors=True)


def _forget_stale() -> None:
    """Remove this page's uploads never confirmed (only ours: other pages upload here too)."""
    cutoff = time.time() - STALE_SECONDS
    for folder in jobs.upload_dir().iterdir():
        manifest = folder / MANIFEST
        if _TOKEN.match(folder.name) and manifest.is_file() and manifest.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
