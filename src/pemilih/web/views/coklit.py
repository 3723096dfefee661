"""Coklit (field validation): the villages' workbooks out to the committees and back.

DPML sees every village, a committee only its own. Downloading a village's workbook is a share
of that one village (store/share.py), recorded as a transfer under the KPU-DPML agreement that
covers it today; uploading returned workbooks is store/collect.py, which refuses a committee's
workbook of another village by itself (`village=`). All villages at once is a background job,
both ways: downloading every workbook, and collecting more than a few returned at once (a
committee's own workbook is collected in the request, its outcome on the page at once).
"""
from __future__ import annotations

from django.utils import timezone

import shutil
import tempfile
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from pemilih.web import access, jobs, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import villages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_SHARE = "Lembar kerja coklit untuk panitia (unduhan web)"
REASON_COLLECT = "Hasil coklit panitia (unggahan web)"
STATUS_LABELS = {
    "diterima": "Diterima", "konflik": "Diterima dengan konflik", "ditolak": "Ditolak",
    "sudah-dikumpulkan": "Sudah dikumpulkan sebelumnya", "tanpa-perubahan": "Tanpa perubahan",
    "tidak-terbaca": "Tidak dapat dibaca",
}
MAX_UPLOAD = 50 * 1024 * 1024  # one village's workbook is well under a megabyte
SHOWN = 200  # problems or conflicts listed per workbook on the page
IN_REQUEST = 5  # more workbooks than this at once are collected as a job (151 take a minute)
KIND_COLLECT = "kumpul"


# --- choosing the agreement and the code table --------------------------------------------------

def agreement_for_villages(codes: list[str], on: date | None = None):
    """(the KPU-DPML agreement valid today covering every village, None) or (None, why not).
    The newest in force wins when several are."""
    from pemilih.store.models import Agreement
    from pemilih.store.share import SHARED_ELEMENTS
    on = on or timezone.localdate()
    valid = [a for a in Agreement.objects.filter(valid_from__lte=on, valid_to__gte=on)
             .order_by("-valid_from", "-pk") if {a.provider, a.recipient} == {"KPU", "DPML"}]
    if not valid:
        return None, ("Belum ada perjanjian berbagi data KPU-DPML yang berlaku hari ini; lembar kerja "
                      "coklit tidak dapat dibuat.")
    covering = [a for a in valid if all(a.covers(c) for c in codes)]
    if not covering:
        return None, "Perjanjian yang berlaku tidak mencakup desa " + ", ".join(codes) + "."
    allowing = [a for a in covering if set(SHARED_ELEMENTS) <= set(a.data_elements)]
    if not allowing:
        return None, (f"Perjanjian {covering[0].number} tidak mengizinkan semua kolom lembar kerja "
                      "coklit (elemen data).")
    return allowing[0], None


def default_regime() -> str:
    """The code table of the latest election when there is one (a Pilkalem adds TMS-D), else
    the setting PEMILIH_COKLIT_REGIME, else the library's default."""
    from pemilih.domain import codes
    from pemilih.store.models import Election
    election = Election.objects.order_by("-pk").first()
    if election is not None and election.regime in codes.regimes():
        return election.regime
    return getattr(settings, "PEMILIH_COKLIT_REGIME", codes.DEFAULT_REGIME)


def chosen_regime(value: str | None) -> str:
    from pemilih.domain import codes
    return value if value in codes.regimes() else default_regime()


# --- the page ---------------------------------------------------------------------------------

def _history() -> tuple[dict, dict]:
    """Per village: when its workbook was last shared, and its last collected workbook."""
    from pemilih.store import projection
    from pemilih.store.models import Event
    shared = dict(Event.objects.filter(kind=projection.LIST_SHARED).order_by("seq")
                  .values_list("payload__kode_desa", "happened_at"))
    collected = {}
    for kode, at, conflicts, counts in (Event.objects.filter(kind=projection.COKLIT_COLLECTED).order_by("seq")
                                        .values_list("payload__kode_desa", "happened_at", "payload__conflicts",
                                                     "payload__counts")):
        collected[kode] = {"at": at, "conflicts": len(conflicts or []), "counts": counts or {}}
    return shared, collected


def coklit_page(request, outcomes=None, error=None):
    from pemilih.domain import codes
    scope = access.village_scope(request)
    shared, collected = _history()
    rows = []
    for v in villages():
        if scope and v["kode_desa"] != scope:
            continue
        rows.append({**v, "shared_at": shared.get(v["kode_desa"]), "collected": collected.get(v["kode_desa"])})
    regime = chosen_regime(request.GET.get("rezim"))
    agreement, problem = agreement_for_villages([scope] if scope else [r["kode_desa"] for r in rows])
    if outcomes is None:
        outcomes = _job_outcomes(request)
    return render(request, "web/coklit/index.html", {
        "rows": rows, "scoped": bool(scope), "regime": regime, "regimes": codes.regimes(),
        "agreement": agreement, "agreement_problem": problem, "outcomes": outcomes, "error": error,
        "can_zip": scope is None and bool(rows), "in_request": IN_REQUEST})


def _job_outcomes(request) -> list[dict] | None:
    """The outcomes of a finished collect job (`?pekerjaan=N`), for the account that ran it."""
    from pemilih.web.models import Job
    from pemilih.web.views.core import own_job
    pk = request.GET.get("pekerjaan", "")
    if not pk.isdigit():
        return None
    job = own_job(request, int(pk))
    if job.kind != KIND_COLLECT or job.status != Job.DONE:
        return None
    return (job.result or {}).get("outcomes")


# --- download ---------------------------------------------------------------------------------

def download(request, kode_desa: str):
    """One village's workbook, written now (about a second) and handed out as it is."""
    from pemilih.store.changes import ChangeError
    from pemilih.store.share import share
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    access.require_village(request, kode_desa)
    agreement, problem = agreement_for_villages([kode_desa])
    if problem:
        messages.error(request, problem)
        return redirect("coklit")
    regime = chosen_regime(request.GET.get("rezim"))
    folder = Path(tempfile.mkdtemp(prefix="coklit-", dir=jobs.upload_dir()))
    try:
        out = share(workspace.current(), folder, agreement=agreement.number, on=timezone.localdate(), regime=regime,
                    villages=[kode_desa], processes=1,
                    **access.who(request, REASON_SHARE))
        path = out.paths[0]
        data = path.read_bytes()
    except ChangeError as err:
        messages.error(request, str(err))
        return redirect("coklit")
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the store keeps the transfer, not the file
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


def download_all(request):
    """Every village's workbook as one zip: a job (151 villages take a few minutes)."""
    if request.method != "POST":
        return redirect("coklit")
    codes = [v["kode_desa"] for v in villages()]
    agreement, problem = agreement_for_villages(codes) if codes else (None, "Daftar pemilih masih kosong.")
    if problem:
        messages.error(request, problem)
        return redirect("coklit")
    job = jobs.enqueue(request, "coklit-semua", {
        "agreement": agreement.number, "regime": chosen_regime(request.POST.get("rezim")),
        "who": access.who(request, REASON_SHARE), "next_url": reverse("coklit"), "personal_data": True})
    return redirect("pekerjaan", job.pk)


@jobs.handler("coklit-semua", "Lembar kerja coklit semua desa")
def run_share_all(job, bar) -> str:
    from pemilih.store.share import share
    p = job.params
    out_dir = jobs.output_dir(job)
    folder = Path(tempfile.mkdtemp(prefix="coklit-", dir=out_dir))
    try:
        bar.stage("Menulis lembar kerja per desa", None)
        out = share(workspace.current(), folder, agreement=p["agreement"], on=timezone.localdate(), regime=p["regime"],
                    processes=2, progress=bar, **p["who"])
        name = f"COKLIT_SEMUA_DESA_{timezone.localdate():%Y%m%d}.zip"
        with zipfile.ZipFile(out_dir / name, "w", compression=zipfile.ZIP_STORED) as z:
            for path in out.paths:  # xlsx are compressed already
                z.write(path, path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    job.result = {"villages": len(out.paths), "rows": out.rows}
    return (f"{len(out.paths)} lembar kerja ({out.rows} pemilih) ditulis, perjanjian {p['agreement']}, "
            f"rezim {p['regime']}.")


# --- collect ----------------------------------------------------------------------------------

def collect_upload(request):
    """Returned workbooks: a few collected now, their outcome on the coklit page; more than
    IN_REQUEST at once as a job whose outcome the coklit page shows when it is done."""
    from pemilih.store.changes import ChangeError
    from pemilih.store.collect import collect
    if request.method != "POST":
        return redirect("coklit")
    uploads = request.FILES.getlist("berkas")
    if not uploads:
        return coklit_page(request, error="Pilih lembar kerja (xlsx) yang akan dikumpulkan.")
    saved = []
    try:
        for upload in uploads:
            saved.append(jobs.save_upload(upload, (".xlsx",), MAX_UPLOAD))
        if len(saved) > IN_REQUEST:
            job, saved = _collect_later(request, saved), []  # the job removes them when done
            return redirect("pekerjaan", job.pk)
        outcomes = collect(workspace.current(), saved, village=access.village_scope(request), processes=1,
                           **access.who(request, REASON_COLLECT))
    except (ValueError, ChangeError) as err:
        return coklit_page(request, error=str(err))
    finally:
        _discard(saved)
    return coklit_page(request, outcomes=[_shown(o) for o in outcomes])


def _discard(saved) -> None:
    for path in saved:  # the store keeps a collected file's bytes as a snapshot
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def _collect_later(request, saved: list[Path]):
    scope = access.village_scope(request)
    job = jobs.enqueue(request, KIND_COLLECT, {
        "paths": [str(p) for p in saved], "village": scope, "who": access.who(request, REASON_COLLECT),
        "personal_data": True}, kode_desa=scope or "")
    # The page to go on to names the job, known only now; the worker never reads this key.
    job.params["next_url"] = f"{reverse('coklit')}?pekerjaan={job.pk}"
    job.save(update_fields=["params"])
    return job


@jobs.handler(KIND_COLLECT, "Mengumpulkan lembar kerja coklit")
def run_collect(job, bar) -> str:
    from pemilih.store.collect import collect
    p = job.params
    try:
        bar.stage("Membaca dan mencatat lembar kerja", len(p["paths"]))
        outcomes = collect(workspace.current(), [Path(x) for x in p["paths"]], village=p["village"],
                           processes=2, progress=bar, **p["who"])
    finally:
        _discard(p["paths"])
    shown = [_shown(o) for o in outcomes]
    job.result = {"outcomes": shown}
    tally = Counter(o["label"] for o in shown)
    return f"{len(shown)} lembar kerja: " + ", ".join(f"{label} {n}" for label, n in tally.items()) + "."


def _shown(outcome) -> dict:
    from pemilih.store.collect import count_order
    counts = sorted(outcome.counts.items(), key=lambda kv: count_order(kv[0]))
    return {"file": outcome.file, "status": outcome.status, "label": STATUS_LABELS.get(outcome.status, outcome.status),
            "event_seq": outcome.event_seq, "kode_desa": outcome.kode_desa or "", "counts": counts,
            "conflicts": outcome.conflicts[:SHOWN], "problems": outcome.problems[:SHOWN],
            "more": max(0, len(outcome.conflicts) - SHOWN) + max(0, len(outcome.problems) - SHOWN),
            "tone": {"diterima": "ok", "konflik": "warn", "ditolak": "error",
                     "tidak-terbaca": "error"}.get(outcome.status, "muted")}


def index(request):
    return coklit_page(request)


routes = [
    route("coklit/", index, "coklit", only(Role.DPML, Role.PANITIA)),
    route("coklit/semua/", download_all, "coklit_semua", only(Role.DPML, personal_data=True)),
    route("coklit/kumpul/", collect_upload, "coklit_kumpul", only(Role.DPML, Role.PANITIA, personal_data=True)),
    route("coklit/<str:kode_desa>/unduh/", download, "coklit_unduh",
          only(Role.DPML, Role.PANITIA, personal_data=True)),
]
