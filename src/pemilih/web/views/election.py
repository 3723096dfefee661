"""The village-head election (Pilkalem) in the browser: what `pemilih election` does.

DPML creates an election and sets its lists (DPS, then DPT with TPS and logistics, then DPTb)
as background jobs running the election step (cycle/election.py, as `pemilih election`), which
prints into the job's folder. Public responses to the DPS are uploaded as a sheet (the same
step): the file lands whole or not at all, every bad cell named on the page. Per village: the
announcement PDF of a set list and the TPS table with logistics; a village committee reaches
only its own village (the middleware checks the URL, the views narrow every list with
access.village_scope).
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from pemilih.contract import ELECTION_STAGES as STAGES
from pemilih.cycle import election as step
from pemilih.cycle.common import StepError, Who, is_refusal
from pemilih.web import access, access_log, jobs, tasks, workspace
from pemilih.web.access import only, route
from pemilih.web.models import Job
from pemilih.web.roles import Role
from pemilih.web.uploads import RESPONSES, SIZE_LIMITS, TOO_LARGE, size_refusal
from pemilih.web.villages import kecamatan_of, title_of, villages

MAX_UPLOAD = SIZE_LIMITS[RESPONSES][0]  # a responses sheet is a few hundred rows
RESPONSE_SUFFIXES = (".xlsx", ".xls", ".ods")  # what the sheet reader (calamine) opens
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_CREATE = step.CREATE_REASON
REASON_RESPONSES = step.RESPONSES_REASON + " (unggahan web)"
STAGE_REASONS = {s: step.stage_reason(s) + " (web)" for s in STAGES}


def _election_or_404(request, code: str):
    """The election, if it exists and concerns the account (a committee: its own village)."""
    from pemilih.store.models import Election
    e = Election.objects.filter(code=code).first()
    scope = access.village_scope(request)
    if e is None or (scope is not None and scope not in e.villages):
        raise Http404
    return e


def _visible_villages(request, e) -> list[str]:
    scope = access.village_scope(request)
    return [scope] if scope is not None else list(e.villages)


def _can_set(request) -> bool:
    return access.RULES["pilkalem_tetapkan"].allows(access.role_of(request))


# --- the elections ----------------------------------------------------------------------------

def election_list(request):
    from pemilih.store.models import Election, ElectionVoter
    scope = access.village_scope(request)
    rows = []
    for e in Election.objects.order_by("-voting_day", "code"):
        if scope is not None and scope not in e.villages:
            continue
        lists = []
        for stage in STAGES:
            made = e.lists.filter(stage=stage).order_by("-id").first()
            if made is None:
                continue
            n = made.voters if scope is None else ElectionVoter.objects.filter(list=made, kode_desa=scope).count()
            lists.append({"stage": stage, "voters": n})
        rows.append({"e": e, "villages": len(e.villages), "lists": lists})
    return render(request, "web/election/list.html", {
        "elections": rows, "can_create": access.RULES["pilkalem_buat"].allows(access.role_of(request)),
        # a committee whose village holds none is told so, not shown an empty table only
        "no_election_here": scope if scope is not None and not rows else None, "scoped": scope is not None})


def _lembang(choices: list[dict]) -> list[str]:
    """Villages that may hold a village-head election: lembang/desa (code part 2xxx), not kelurahan."""
    from pemilih.domain.regions import is_kelurahan
    return [v["kode_desa"] for v in choices if not is_kelurahan(v["kode_desa"])]


def election_create(request):
    from pemilih.domain.codes import regimes
    choices = villages()
    form = {"kode": "", "nama": "", "rezim": step.DEFAULT_REGIME, "hari": "", "dps": "",
            "maks_tps": str(step.DEFAULT_MAX_PER_TPS), "cadangan": "", "cakupan": "semua", "desa": [],
            "alasan": REASON_CREATE, "umumkan": "", "tanggapan": "", "dpt": ""}
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        form.update({k: p.get(k, "").strip() for k in ("kode", "nama", "rezim", "hari", "dps", "maks_tps",
                                                        "cadangan", "cakupan", "alasan", "umumkan", "tanggapan",
                                                        "dpt")})
        form["desa"] = p.getlist("desa")
        asked, errors = _creation(request, form, choices)
        if not errors:
            try:
                e = step.create(workspace.current(), asked)
            except Exception as exc:  # a refusal of the store (the code taken): its message is for the user
                if not is_refusal(exc):
                    raise
                errors.append(str(exc))
            else:
                messages.success(request, f"Pemilihan {e.code} dibuat: {len(e.villages)} desa.")
                return redirect("pilkalem_detail", e.code)
    from pemilih.domain.election_rules import rules
    return render(request, "web/election/create.html", {
        "form": form, "errors": errors, "villages": choices, "regimes": regimes(),
        "lembang": set(_lembang(choices)), "defaults": rules(step.DEFAULT_REGIME)}, status=400 if errors else 200)


def _creation(request, form: dict, choices: list[dict]):
    """(the step's request, []) from the form, or (None, what is wrong with it): the form's
    own reading first (dates, numbers, villages), then the step's checks."""
    errors = []
    days = {}
    for field, label in (("hari", "Hari pemungutan suara"), ("dps", "Tanggal penetapan DPS")):
        try:
            days[field] = date.fromisoformat(form[field])
        except ValueError:
            errors.append(f"{label}: isi tanggal yang sah.")
    for field, label in (("umumkan", "Akhir pengumuman DPS"), ("tanggapan", "Batas tanggapan"),
                         ("dpt", "Tanggal penetapan DPT")):  # optional: empty takes the regime's default
        try:
            days[field] = date.fromisoformat(form[field]) if form[field] else None
        except ValueError:
            errors.append(f"{label}: isi tanggal yang sah atau kosongkan.")
    try:
        cap = int(form["maks_tps"])
    except ValueError:
        cap = 0
        errors.append("Pemilih paling banyak per TPS: isi bilangan bulat.")
    known = {v["kode_desa"] for v in choices}
    chosen = _lembang(choices) if form["cakupan"] == "semua" else [d for d in form["desa"] if d in known]
    if form["cakupan"] != "semua" and len(chosen) != len(form["desa"]):
        errors.append("Ada desa terpilih yang tidak ada dalam daftar pemilih.")
    if not form["alasan"]:
        errors.append("Dasar penetapan wajib diisi (dicatat dalam log peristiwa).")
    if errors:
        return None, errors
    try:
        return step.CreateRequest(form["kode"], form["nama"], days["hari"], days["dps"], tuple(chosen),
                                  Who(**access.who(request, form["alasan"])), regime=form["rezim"],
                                  max_per_tps=cap, reserve_percent=form["cadangan"] or None,
                                  announce_until=days["umumkan"], responses_until=days["tanggapan"],
                                  dpt_set_on=days["dpt"]), []
    except StepError as exc:
        return None, [str(exc)]


# --- one election: its stages, villages and TPS ------------------------------------------------

def election_detail(request, code: str, problems: list[str] | None = None, status: int = 200):
    from pemilih.store import elections
    from pemilih.store.models import Event
    from pemilih.store.projection import RESPONSE_RECORDED
    e = _election_or_404(request, code)
    shown = _visible_villages(request, e)
    lists = {s: elections.latest(e, s) for s in STAGES}
    answered = Event.objects.filter(kind=RESPONSE_RECORDED, payload__election=e.code)
    plan = step.timetable(workspace.current(), e.code)
    scope = access.village_scope(request)
    stages = [{"stage": s, "name": elections.STAGE_NAMES[s], "list": lists[s],
               # a committee reads its own village's count, not the whole election's
               "voters": (lists[s].voters if scope is None else lists[s].rows.filter(kode_desa=scope).count())
               if lists[s] else None,
               "set_on": lists[s].event.happened_at if lists[s] else None, "dates": plan["stages"][s],
               "ready": s == "DPS" or lists[{"DPT": "DPS", "DPTb": "DPT"}[s]] is not None} for s in STAGES]
    late = plan["schedule"].responses_late(plan["today"]) if lists["DPT"] is None else None
    tps_list = lists["DPT"] or lists["DPS"]
    chosen = request.GET.get("desa") if request.GET.get("desa") in shown else (shown[0] if shown else None)
    return render(request, "web/election/detail.html", {
        "e": e, "stages": stages, "can_set": _can_set(request),
        "responses": {"batches": answered.count(),
                      "rows": sum(ev.payload.get("responses", 0) for ev in answered)},
        "villages": _village_rows(e, lists, shown), "tps_list": tps_list, "chosen": chosen,
        "tps": _tps_summary(tps_list, chosen) if tps_list and chosen else [],
        "chosen_title": title_of(chosen) if chosen else "",
        "problems": problems or [], "scoped": access.village_scope(request) is not None,
        "plan": plan, "responses_late": late, "responses_open": lists["DPS"] is not None,
        "can_register": lists["DPT"] is not None  # the TPS register: DPML's, from the DPT
        and access.RULES["pilkalem_daftar_tps"].allows(access.role_of(request)),
    }, status=status)


def _village_rows(e, lists: dict, shown: list[str]) -> list[dict]:
    """Per village: voters on each set list and the number of TPS (DPT, else DPS)."""
    from pemilih.store.models import ElectionVoter
    names = {v["kode_desa"]: v for v in villages()}  # the list's spelling, where the reference lacks it
    counts: dict[str, dict] = {}
    for stage, made in lists.items():
        if made is None:
            continue
        for row in (ElectionVoter.objects.filter(list=made, kode_desa__in=shown).values("kode_desa")
                    .annotate(n=Count("id"), tps=Count("tps_number", distinct=True))):
            counts.setdefault(row["kode_desa"], {})[stage] = row
    tps_stage = "DPT" if lists["DPT"] else "DPS"
    rows = []
    for kode in shown:
        found = counts.get(kode, {})
        rows.append({"kode_desa": kode, "desa": names.get(kode, {}).get("desa", ""), "title": title_of(kode),
                     "kecamatan": kecamatan_of(kode),
                     "counts": [found.get(s, {}).get("n") for s in STAGES],
                     "tps": found.get(tps_stage, {}).get("tps"),
                     "printable": [s for s in STAGES if found.get(s)]})
    return rows


def _tps_summary(made, kode_desa: str) -> list[dict]:
    from pemilih.store.elections import tps_summary
    return tps_summary(made, kode_desa)


# --- setting a list: a background job ---------------------------------------------------------

def set_list(request, code: str, stage: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _election_or_404(request, code)
    if stage not in STAGES:
        raise Http404
    reserve = request.POST.get("cadangan", "").strip() or None
    off_schedule = request.POST.get("alasan_jadwal", "").strip() or None
    who = access.who(request, STAGE_REASONS[stage])
    try:  # checked now, by the step's own request and rules: the job would refuse the same
        step.SetListRequest(e.code, stage, "", Who(**who), reserve_percent=reserve, schedule_reason=off_schedule)
        step.check_stage(workspace.current(), e.code, stage, off_schedule)
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return election_detail(request, code, [str(exc)], status=400)
    access.require_agreement(request, list(e.villages))
    params = {"code": e.code, "stage": stage, "cadangan": reserve, "alasan_jadwal": off_schedule,
              "pengumuman": request.POST.get("pengumuman", "1") == "1", "who": who,
              "next_url": reverse("pilkalem_detail", args=[e.code]), "personal_data": "daftar"}
    job = jobs.enqueue(request, tasks.SET_LIST, params)
    return redirect("pekerjaan", job.pk)


# --- public responses ---------------------------------------------------------------------------

def upload_responses(request, code: str):
    from pemilih.store.responses import ResponseError
    if request.method != "POST":
        return redirect("pilkalem_detail", code)
    e = _election_or_404(request, code)
    upload = request.FILES.get("berkas")
    if upload is None:
        return election_detail(request, code, ["Pilih berkas tanggapan (xlsx) untuk diunggah."], status=400)
    if size_refusal([upload], RESPONSES):
        return election_detail(request, code, [size_refusal([upload], RESPONSES)], status=TOO_LARGE)
    try:
        stored = jobs.save_upload(upload, RESPONSE_SUFFIXES, MAX_UPLOAD)
    except ValueError as exc:
        return election_detail(request, code, [str(exc)], status=400)
    try:
        out = step.record_responses(workspace.current(), step.ResponsesRequest(
            e.code, str(stored), Who(**access.who(request, REASON_RESPONSES)), shown_name=stored.name,
            village=access.village_scope(request), schedule_reason=request.POST.get("alasan_jadwal", "").strip()))
    except ResponseError as exc:
        return election_detail(request, code, exc.problems, status=400)
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return election_detail(request, code, [str(exc)], status=400)
    finally:
        shutil.rmtree(stored.parent, ignore_errors=True)
    counts = ", ".join(f"{k.lower()} {v}" for k, v in sorted(out.counts.items())) or "tidak ada perubahan"
    messages.success(request, f"Tanggapan dicatat ({counts}).")
    return redirect("pilkalem_detail", code)


# --- per-village downloads ----------------------------------------------------------------------

def _list_of(e, stage: str):
    from pemilih.store import elections
    if stage not in STAGES:
        raise Http404
    made = elections.latest(e, stage)
    if made is None:
        raise Http404
    return made


@access_log.records_access("unduh-pengumuman")
def announcement(request, code: str, kode_desa: str, stage: str):
    """A village's announcement PDF (names of its voters): POST with the CSRF token only, as
    every download of personal data (no link or image elsewhere may cause one)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _election_or_404(request, code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    made = _list_of(e, stage)
    path = _announcement_file(e, made, kode_desa)
    if path is None:
        raise Http404
    access_log.note(request, rows=made.rows.filter(kode_desa=kode_desa).count(), berkas=path.name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/pdf")


def _announcement_file(e, made, kode_desa: str) -> Path | None:
    """The village's announcement PDF of this list: the one the job that set it printed, else
    printed now by the election step (once: kept per list, and a set list never changes)."""
    from pemilih.cycle.tps_places import version
    pattern = f"{made.stage}_{kode_desa.replace('.', '')}_*.pdf"
    printed = Job.objects.filter(kind=tasks.SET_LIST, status=Job.DONE, result__list=made.pk,
                                 files_expired__isnull=True)  # expired: printed again below
    register = version(workspace.current(), e.code)
    if register is not None and register > made.event_id:
        printed = printed.none()  # TPS places entered since the job printed it: printed again below
    for job in printed:
        found = sorted((jobs.output_dir(job) / "pengumuman").glob(pattern))
        if found:
            return found[0]
    cache = jobs.workspace_dir() / "web" / "pilkalem" / f"daftar-{made.pk}"
    return step.village_announcement(workspace.current(), e.code, kode_desa, made.stage, cache)


def tps_table(request, code: str, kode_desa: str):
    """The village's TPS as a workbook: TPS, voters L/P, ballots with the list's reserve and
    equipment (the election step's, from the settings the list was set with)."""
    e = _election_or_404(request, code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    stage = request.GET.get("tahap") or None
    if stage is not None and stage not in STAGES:
        raise Http404
    made = step.tps_table(workspace.current(), e.code, kode_desa, stage)
    if made is None:
        raise Http404
    name, body = made
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


routes = [
    route("pilkalem/", election_list, "pilkalem", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/buat/", election_create, "pilkalem_buat", only(Role.DPML)),
    route("pilkalem/<str:code>/", election_detail, "pilkalem_detail", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/tanggapan/", upload_responses, "pilkalem_tanggapan", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/tetapkan/<str:stage>/", set_list, "pilkalem_tetapkan",
          only(Role.DPML, personal_data="daftar")),
    route("pilkalem/<str:code>/<str:kode_desa>/pengumuman/<str:stage>/", announcement, "pilkalem_pengumuman",
          only(Role.DPML, Role.PANITIA, personal_data="pengumuman")),
    route("pilkalem/<str:code>/<str:kode_desa>/tps/", tps_table, "pilkalem_tps", only(Role.DPML, Role.PANITIA)),
]
