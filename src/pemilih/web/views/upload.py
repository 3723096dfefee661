"""Upload of KPU lists and civil-registry extracts: the pre-flight report first, then receive.

Step 1 saves the files under the upload folder and runs the same check as `pemilih check`
(io/read.py + engine/check.py) in the request (a regency's 190k-row CSV checks in about a
second); the page shows the report and nothing is stored. Step 2 ("Simpan ke ruang kerja")
enqueues a job that receives the very files checked, as `pemilih receive` does.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from pathlib import Path

import polars as pl
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from pemilih.web import access, jobs, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role

MAX_SHOWN = 200  # problems listed on the page; the counts per code cover all of them
KINDS = {"kpu": "Daftar pemilih KPU", "registry": "Ekstrak data Disdukcapil"}
KIND_OF_ROLE = {Role.KPU: "kpu", Role.DISDUKCAPIL: "registry"}
AGENCY_OF_KIND = {"kpu": "KPU", "registry": "DISDUKCAPIL"}  # as `pemilih receive`: the data's origin
REASON_OF_KIND = {"kpu": "Daftar pemilih terakhir dari KPU sebagai bahan awal pemutakhiran",
                  "registry": "Ekstrak data kependudukan untuk verifikasi daftar pemilih"}
LEGAL_BASIS = "Perjanjian kerja sama berbagi data pemilih KPU dan DPML"
MANIFEST = "unggahan.json"
STALE_SECONDS = 24 * 3600  # unconfirmed uploads are removed after a day
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


# --- saving uploads ---------------------------------------------------------------------------

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


# --- the pre-flight report ----------------------------------------------------------------------

def preflight(paths: list[Path], kind: str) -> dict:
    """The check report of these files as the page shows it."""
    from pemilih.engine.check import check
    from pemilih.io.read import read_files
    report = check(read_files([str(p) for p in paths], kind=kind))
    errors = report.errors
    codes = (errors.group_by("code").agg(pl.len().alias("n"), pl.col("reason").first().alias("example"))
             .sort("n", "code", descending=[True, False]).to_dicts() if errors.height else [])
    shown = errors.head(MAX_SHOWN).select("file", "sheet", "row", "column", "code", "reason").to_dicts()
    return {
        "status": report.status,
        "rows": report.rows,
        "files": report.files,
        "refused": [f for f in report.files if f["status"] != "dibaca"],
        "villages": report.per_village.to_dicts(),
        "codes": codes,
        "problems": shown,
        "problem_total": errors.height,
        "more": max(0, errors.height - MAX_SHOWN),
    }


def _kind_for(request, asked: str | None) -> str | None:
    """The kind of files: from the role; the administrator chooses."""
    role = access.role_of(request)
    if role == Role.ADMIN:
        return asked if asked in KINDS else None
    return KIND_OF_ROLE.get(role)


def upload(request):
    context = {"kinds": KINDS, "choose_kind": access.role_of(request) == Role.ADMIN,
               "kind": _kind_for(request, request.POST.get("jenis") or request.GET.get("jenis"))}
    if request.method == "POST":
        files = request.FILES.getlist("berkas")
        if context["kind"] is None:
            context["error"] = "Pilih jenis berkas: daftar pemilih KPU atau ekstrak Disdukcapil."
        elif not files:
            context["error"] = "Pilih satu berkas atau lebih (.xlsx atau .csv) untuk diperiksa."
        else:
            token, paths = save_upload(files, context["kind"], request.user.pk)
            context.update(token=token, report=preflight(paths, context["kind"]))
    context["kind_label"] = KINDS.get(context["kind"] or "", "")
    return render(request, "web/upload/upload.html", context)


def store(request):
    """Step 2: receive the files checked in step 1, as a job."""
    if request.method != "POST":
        return redirect("unggah")
    token = request.POST.get("token", "")
    found = load_upload(token)
    if found is None or (found[0]["user"] != request.user.pk and access.role_of(request) != Role.ADMIN):
        messages.error(request, "Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah dan periksa ulang berkasnya.")
        return redirect("unggah")
    manifest, _ = found
    who = access.who(request, REASON_OF_KIND[manifest["kind"]])
    job = jobs.enqueue(request, "terima", {"token": token, "kind": manifest["kind"], "actor": who["actor"],
                                           "next_url": reverse("unggah")})
    return redirect("pekerjaan", job.pk)


@jobs.handler("terima", "Menyimpan berkas ke ruang kerja")
def receive_job(job, bar) -> str:
    """Receive the checked files, as `pemilih receive` does (problems kept on their rows)."""
    from pemilih.engine.check import with_duplicates
    from pemilih.io.read import read_files
    from pemilih.store.receive import ImportRefused, import_result
    found = load_upload(job.params.get("token", ""))
    if found is None:
        raise jobs.JobError("Berkas unggahan tidak ditemukan lagi; unggah dan periksa ulang.")
    manifest, paths = found
    kind = manifest["kind"]
    bar.stage("Membaca berkas", len(paths))
    result = with_duplicates(read_files([str(p) for p in paths], kind=kind, on_file=lambda: bar.update(1)))
    lines = [f"DITOLAK: {line}" for line in result.refused]
    if not result.records.height:
        raise jobs.JobError("\n".join(lines + ["Tidak ada baris yang dapat disimpan; ruang kerja tidak berubah."]))
    bar.stage("Menyimpan ke ruang kerja", None)
    try:
        outcome = import_result(workspace.current(), result, actor=job.params["actor"], agency=AGENCY_OF_KIND[kind],
                                reason=REASON_OF_KIND[kind], legal_basis=LEGAL_BASIS, allow_refused=True)
    except ImportRefused as exc:
        raise jobs.JobError(f"Penyimpanan dibatalkan, ruang kerja tidak berubah: {exc}") from None
    forget_upload(job.params["token"])
    label = KINDS[kind].lower()
    if outcome.created:
        lines.append(f"Disimpan ({label}): {_n(outcome.rows)} baris, {_n(outcome.problems)} catatan masalah, "
                     f"batch {outcome.batch_id}.")
    else:
        lines.append(f"Tidak ada perubahan ({label}): berkas yang sama sudah disimpan (batch {outcome.batch_id}).")
    job.result = {"batch": outcome.batch_id, "created": outcome.created, "rows": outcome.rows,
                  "refused": result.refused}
    return "\n".join(lines)


def _n(value: int) -> str:
    """Thousands with a dot, as written in Indonesia."""
    return f"{value:,}".replace(",", ".")


routes = [
    route("unggah/", upload, "unggah", only(Role.KPU, Role.DISDUKCAPIL)),
    route("unggah/simpan/", store, "unggah_simpan", only(Role.KPU, Role.DISDUKCAPIL)),
]
