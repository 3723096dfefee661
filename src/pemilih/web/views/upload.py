"""Upload of KPU lists and civil-registry extracts: the pre-flight report first, then receive.

Step 1 saves the files (web/uploads.py) and runs the check step (cycle/check.py, as
`pemilih check`) in the request (a regency's 190k-row CSV checks in about a second); the page
shows the report and nothing is stored. Step 2 ("Simpan ke ruang kerja") enqueues a job that
receives the very files checked with the receive step (web/tasks.py), as `pemilih receive`.
"""
from __future__ import annotations

import polars as pl
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from pemilih.cycle.receive import REASON_OF_KIND
from pemilih.web import access, jobs, tasks
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.uploads import LIST, TOO_LARGE, load_upload, save_upload, size_refusal

MAX_SHOWN = 200  # problems listed on the page; the counts per code cover all of them
KINDS = {"kpu": "Daftar pemilih KPU", "registry": "Ekstrak data Disdukcapil"}
KIND_OF_ROLE = {Role.KPU: "kpu", Role.DISDUKCAPIL: "registry"}


# --- the pre-flight report ----------------------------------------------------------------------

def preflight(paths, kind: str) -> dict:
    """The check report of these files as the page shows it."""
    from pemilih.cycle import check
    report = check.run(check.CheckRequest(tuple(str(p) for p in paths), kind)).report
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
        "unresolved": report.unresolved,
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
    status = 200
    if request.method == "POST":
        files = request.FILES.getlist("berkas")
        if context["kind"] is None:
            context["error"] = "Pilih jenis berkas: daftar pemilih KPU atau ekstrak Disdukcapil."
        elif not files:
            context["error"] = "Pilih satu berkas atau lebih (.xlsx atau .csv) untuk diperiksa."
        elif size_refusal(files, LIST):
            context["error"], status = size_refusal(files, LIST), TOO_LARGE
        else:
            token, paths = save_upload(files, context["kind"], request.user.pk)
            context.update(token=token, report=preflight(paths, context["kind"]))
    context["kind_label"] = KINDS.get(context["kind"] or "", "")
    return render(request, "web/upload/upload.html", context, status=status)


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
    job = jobs.enqueue(request, tasks.RECEIVE, {"token": token, "kind": manifest["kind"], "who": who,
                                                "next_url": reverse("unggah")})
    return redirect("pekerjaan", job.pk)


routes = [
    route("unggah/", upload, "unggah", only(Role.KPU, Role.DISDUKCAPIL)),
    route("unggah/simpan/", store, "unggah_simpan", only(Role.KPU, Role.DISDUKCAPIL)),
]
