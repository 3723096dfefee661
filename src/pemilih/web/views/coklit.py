"""Coklit (field validation): the villages' workbooks out to the committees and back, and how
far each village's check has come (visited, not yet visited, changed, new voters).

DPML sees every village, a committee only its own, and only villages of the election (the
latest: UU 27/2022 asks for no more personal data than its purpose needs); a village outside
the agreements in force is listed with the reason, not offered. Downloading a village's
workbook is the share step for that one village (cycle/share.py), recorded as a transfer under
the KPU-DPML agreement that covers it today; uploading returned workbooks is the collect step, which refuses a
committee's workbook of another village by itself (`village=`). All villages at once is a
background job (web/tasks.py), both ways: downloading every workbook, and collecting more than
a few returned at once (a committee's own workbook is collected in the request).

A workbook collected in the request and refused only for some rows' own problems is kept
aside for a while (PENDING_HOURS, owner-only, named in the session that uploaded it), and the
page asks: take the right rows now (collect with take_good; the wrong rows listed and kept on
the event) or fix first (the copy is removed; the workspace is unchanged either way until then).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pemilih.cycle.common import Who, is_refusal, working_regime
from pemilih.web import access, access_log, jobs, tasks, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.uploads import COKLIT, SIZE_LIMITS, TOO_LARGE, size_refusal
from pemilih.web.villages import queue_context, villages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_SHARE = "Lembar kerja coklit untuk panitia (unduhan web)"
REASON_COLLECT = "Hasil coklit panitia (unggahan web)"
MAX_UPLOAD = SIZE_LIMITS[COKLIT][0]  # one village's workbook is well under a megabyte
IN_REQUEST = 5  # more workbooks than this at once are collected as a job (151 take a minute)
PENDING = "coklit_tertunda"  # session key: {token: file name} of workbooks awaiting the choice
PENDING_HOURS = 8  # a workbook awaiting the choice is kept no longer than a session lasts
TAKE, FIX = "ambil", "perbaiki"  # the two choices


# --- choosing the agreement and the code table --------------------------------------------------

def agreement_for_villages(codes: list[str]):
    from pemilih.cycle.share import agreement_for_villages as found
    return found(workspace.current(), codes, timezone.localdate())


def the_election():
    """The election workbooks are shared for (the latest; None: none yet): only its villages."""
    from pemilih.cycle.share import default_election
    from pemilih.store.models import Election
    code = default_election(workspace.current())
    return Election.objects.get(code=code) if code else None


def chosen_regime(value: str | None) -> str:
    from pemilih.domain import codes
    return value if value in codes.regimes() else working_regime(workspace.current())


def regime_for(request, asked: str | None, election) -> str:
    """The code table a workbook is cut with: what is asked, among every table; a committee
    gets its election's own table only (whatever a form says), else the working one."""
    if access.village_scope(request) is not None:
        return election.regime if election is not None else working_regime(workspace.current())
    return chosen_regime(asked or (election.regime if election else None))


def regimes_for(request, election) -> list[str]:
    """The code tables a page offers: a committee its election's own only."""
    from pemilih.domain import codes
    if access.village_scope(request) is not None:
        return [regime_for(request, None, election)]
    return list(codes.regimes())


# --- the page ---------------------------------------------------------------------------------

def _history() -> tuple[dict, dict]:
    """Per village: when its workbook was last shared, and its last collected workbook."""
    from pemilih.store import projection
    from pemilih.store.models import Event
    shared = dict(Event.objects.filter(kind=projection.LIST_SHARED).order_by("seq")
                  .values_list("payload__kode_desa", "happened_at"))
    collected = {}
    for kode, at, conflicts, counts, left in (Event.objects.filter(kind=projection.COKLIT_COLLECTED).order_by("seq")
                                              .values_list("payload__kode_desa", "happened_at", "payload__conflicts",
                                                           "payload__counts", "payload__left")):
        collected[kode] = {"at": at, "conflicts": len(conflicts or []), "counts": counts or {}, "left": len(left or [])}
    return shared, collected


def _progress(scope: str | None) -> dict:
    """Per village, the coklit progress against its latest workbook (cycle/coklit_progress.py)."""
    from pemilih.cycle import coklit_progress as step
    out = step.run(workspace.current(), step.ProgressRequest(scope))
    return {v.kode_desa: v for v in out.villages}


def coklit_page(request, outcomes=None, error=None, status: int = 200):
    """The villages whose workbooks may go out: in the account's scope, of the election (the
    latest), each offered only under an agreement that covers it (else the reason is shown)."""
    from pemilih.cycle.share import agreements_by_village
    scope = access.village_scope(request)
    election = the_election()
    shared, collected = _history()
    progress = _progress(scope)
    rows = []
    for v in villages():
        if scope and v["kode_desa"] != scope:
            continue
        if election is not None and v["kode_desa"] not in election.villages:
            continue
        rows.append({**v, "shared_at": shared.get(v["kode_desa"]), "collected": collected.get(v["kode_desa"]),
                     "progress": progress.get(v["kode_desa"])})
    covered = agreements_by_village(workspace.current(), [r["kode_desa"] for r in rows], timezone.localdate())
    for r in rows:
        r["agreement"], r["problem"] = covered[r["kode_desa"]]
    regime = regime_for(request, request.GET.get("rezim"), election)
    whole, problem = agreement_for_villages([r["kode_desa"] for r in rows]) if rows else (None, None)
    agreement = whole or next((r["agreement"] for r in rows if r["agreement"]), None)  # for the notice
    if outcomes is None:
        outcomes = _job_outcomes(request)
    shown = [r["progress"] for r in rows if r["progress"]]
    visits = {"voters": sum(p.voters for p in shown), "visited": sum(p.visited for p in shown)} if shown else None
    return render(request, "web/coklit/index.html", {
        "rows": rows, "scoped": bool(scope), "visits": visits, "regime": regime,
        "regimes": regimes_for(request, election),
        "agreement": agreement, "agreement_problem": problem if agreement is None else None,
        "partly_covered": agreement is not None and whole is None, "outcomes": outcomes, "error": error,
        "can_zip": scope is None and bool(rows) and whole is not None, "in_request": IN_REQUEST,
        "election": election, "scope": scope,
        "outside_election": scope is not None and election is not None and scope not in election.villages,
        **queue_context(request), "queue_note": _("tidak masuk lembar kerja desa mana pun")}, status=status)


def _job_outcomes(request) -> list[dict] | None:
    """The outcomes of a finished collect job (`?pekerjaan=N`), for the account that ran it."""
    from pemilih.web.models import Job
    from pemilih.web.views.core import own_job
    pk = request.GET.get("pekerjaan", "")
    if not pk.isdigit():
        return None
    job = own_job(request, int(pk))
    if job.kind != tasks.COLLECT or job.status != Job.DONE:
        return None
    return (job.result or {}).get("outcomes")


# --- download ---------------------------------------------------------------------------------

@access_log.records_access("unduh-coklit")
def download(request, kode_desa: str):
    """One village's workbook, written now (about a second) and handed out as it is.

    POST with the CSRF token only: each download records a transfer of personal data, which
    a link or an image on another site must not be able to do."""
    from pemilih.cycle import share
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access.require_village(request, kode_desa)
    agreement, problem = agreement_for_villages([kode_desa])
    if problem:
        messages.error(request, problem)
        return redirect("coklit")
    election = the_election()
    regime = regime_for(request, request.POST.get("rezim"), election)
    folder = Path(tempfile.mkdtemp(prefix="coklit-", dir=jobs.upload_dir()))
    try:
        out = share.run(workspace.current(), share.ShareRequest(
            str(folder), agreement.number, Who(**access.who(request, REASON_SHARE)), on=timezone.localdate(),
            regime=regime, villages=(kode_desa,), processes=1, election=election.code if election else None))
        path = out.paths[0]
        data = path.read_bytes()
    except Exception as err:
        if not is_refusal(err):
            raise
        messages.error(request, str(err))
        return redirect("coklit")
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the store keeps the transfer, not the file
    access_log.note(request, rows=out.rows, berkas=path.name)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


def download_all(request):
    """Every village's workbook as one zip: a job (151 villages take a few minutes)."""
    if request.method != "POST":
        return redirect("coklit")
    election = the_election()
    codes = [v["kode_desa"] for v in villages() if election is None or v["kode_desa"] in election.villages]
    agreement, problem = agreement_for_villages(codes) if codes else (None, "Daftar pemilih masih kosong.")
    if problem:
        messages.error(request, problem)
        return redirect("coklit")
    job = jobs.enqueue(request, tasks.SHARE_ALL, {
        "agreement": agreement.number, "election": election.code if election else None,
        "regime": regime_for(request, request.POST.get("rezim"), election),
        "who": access.who(request, REASON_SHARE), "next_url": reverse("coklit"), "personal_data": "coklit"})
    return redirect("pekerjaan", job.pk)


# --- collect ----------------------------------------------------------------------------------

def collect_upload(request):
    """Returned workbooks: a few collected now, their outcome on the coklit page; more than
    IN_REQUEST at once as a job whose outcome the coklit page shows when it is done."""
    from pemilih.cycle import collect
    if request.method != "POST":
        return redirect("coklit")
    uploads = request.FILES.getlist("berkas")
    if not uploads:
        return coklit_page(request, error="Pilih lembar kerja (xlsx) yang akan dikumpulkan.")
    if size_refusal(uploads, COKLIT):
        return coklit_page(request, error=size_refusal(uploads, COKLIT), status=TOO_LARGE)
    saved = []
    try:
        for upload in uploads:
            saved.append(jobs.save_upload(upload, (".xlsx",), MAX_UPLOAD))
        if len(saved) > IN_REQUEST:
            job, saved = _collect_later(request, saved), []  # the job removes them when done
            return redirect("pekerjaan", job.pk)
        outcomes = collect.run(workspace.current(), collect.CollectRequest(
            tuple(str(p) for p in saved), Who(**access.who(request, REASON_COLLECT)), access.village_scope(request),
            processes=1))
        shown = [tasks.collected(o) for o in outcomes]
        for item, path in zip(shown, list(saved)):  # one outcome per file, in the order given
            if item["rows_only"]:
                item["pending"] = _set_aside(request, path)
                saved.remove(path)
    except Exception as err:
        if not (isinstance(err, ValueError) or is_refusal(err)):
            raise
        return coklit_page(request, error=str(err))
    finally:
        tasks.discard(saved)
    return coklit_page(request, outcomes=shown)


# --- a workbook with wrong rows: take the right ones now, or fix first --------------------------

def _pending_dir() -> Path:
    from pemilih.store import owner_only
    return owner_only.private_folder(jobs.workspace_dir() / "web" / "coklit-tertunda")


def _sweep() -> None:
    """Workbooks whose choice was never made, once older than PENDING_HOURS (personal data is
    kept no longer than its purpose needs)."""
    limit = time.time() - PENDING_HOURS * 3600
    for folder in _pending_dir().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _set_aside(request, path: Path) -> str:
    """Keep an uploaded workbook for the choice; its token, known to this session only."""
    _sweep()
    token = uuid.uuid4().hex
    folder = _pending_dir() / token
    folder.mkdir(mode=0o700)
    shutil.move(str(path), folder / path.name)
    shutil.rmtree(path.parent, ignore_errors=True)
    request.session[PENDING] = {**request.session.get(PENDING, {}), token: path.name}
    return token


def _take_pending(request, token: str) -> Path | None:
    """The workbook set aside under `token` by this session, forgotten by the session (its
    folder is the caller's to remove); None when there is none (chosen already, or swept)."""
    pending = dict(request.session.get(PENDING, {}))
    name = pending.pop(token, None) if re.fullmatch(r"[0-9a-f]{32}", token) else None
    request.session[PENDING] = pending
    path = _pending_dir() / token / name if name else None
    return path if path is not None and path.is_file() else None


def collect_choice(request):
    """The committee's choice for a workbook refused for some rows only: `ambil` collects its
    right rows now (the wrong ones listed on the page and kept on the event), `perbaiki` drops
    the copy so the fixed workbook is uploaded later. POST only."""
    from pemilih.cycle import collect
    if request.method != "POST":
        return redirect("coklit")
    choice, token = request.POST.get("pilihan", ""), request.POST.get("token", "")
    if choice not in (TAKE, FIX):
        return coklit_page(request, error="Pilihan tidak dikenal.", status=400)
    path = _take_pending(request, token)
    if path is None:
        return coklit_page(request, error="Lembar kerja itu tidak ada lagi (sudah dipilih, atau terlalu lama "
                                          "menunggu); unggah lagi bila perlu.")
    try:
        if choice == FIX:
            messages.info(request, f"{path.name} tidak dikumpulkan; ruang kerja tidak berubah. Perbaiki baris yang "
                                   "didaftar, lalu unggah lagi.")
            return redirect("coklit")
        outcomes = collect.run(workspace.current(), collect.CollectRequest(
            (str(path),), Who(**access.who(request, REASON_COLLECT)), access.village_scope(request),
            processes=1, take_good=True))
    except Exception as err:
        if not (isinstance(err, ValueError) or is_refusal(err)):
            raise
        return coklit_page(request, error=str(err))
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return coklit_page(request, outcomes=[tasks.collected(o) for o in outcomes])


def _collect_later(request, saved: list[Path]):
    scope = access.village_scope(request)
    job = jobs.enqueue(request, tasks.COLLECT, {
        "paths": [str(p) for p in saved], "village": scope, "who": access.who(request, REASON_COLLECT),
        "personal_data": "coklit"}, kode_desa=scope or "")
    # The page to go on to names the job, known only now; the worker never reads this key.
    job.params["next_url"] = f"{reverse('coklit')}?pekerjaan={job.pk}"
    job.save(update_fields=["params"])
    return job


def index(request):
    return coklit_page(request)


routes = [
    route("coklit/", index, "coklit", only(Role.DPML, Role.PANITIA)),
    route("coklit/semua/", download_all, "coklit_semua", only(Role.DPML, personal_data="coklit")),
    route("coklit/kumpul/", collect_upload, "coklit_kumpul", only(Role.DPML, Role.PANITIA, personal_data="coklit")),
    route("coklit/kumpul/pilih/", collect_choice, "coklit_pilih",
          only(Role.DPML, Role.PANITIA, personal_data="coklit")),
    route("coklit/<str:kode_desa>/unduh/", download, "coklit_unduh",
          only(Role.DPML, Role.PANITIA, personal_data="coklit")),
]
