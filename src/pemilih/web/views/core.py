"""Signing in and out, the home page, and the pages of background jobs."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pemilih.web import access, access_log, jobs
from pemilih.web.access import PUBLIC, SIGNED_IN, route
from pemilih.web.models import Job
from pemilih.web.roles import Role


class Login(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        from pemilih.web import gate
        response = super().form_valid(form)
        self.request.session.pop(gate.VERIFIED, None)
        if gate.pending(self.request) != "masuk_kode":
            gate.login_complete(self.request)  # no second factor to give: the failures are forgiven
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked username and address (AXES_LOCKOUT_CALLABLE): the login
    page with the reason, in Bahasa Indonesia, and 429."""
    from django.conf import settings
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME or 0) * 60))
    reason = (_("Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini dari alamat Anda. "
                "Akun terkunci selama %(menit)d menit; coba lagi nanti atau minta administrator membukanya.")
              % {"menit": minutes})
    return render(request, "web/login.html", {"locked": reason}, status=429)


def home(request):
    from pemilih.store.models import Event, Voter
    from pemilih.web.villages import queue_context, villages
    scope = access.village_scope(request)
    voters = Voter.objects.all()
    if scope:
        voters = voters.filter(kode_desa=scope)
    can_see_list = access.RULES["pemilih"].allows(access.role_of(request))
    # Villages are the villages of the list: a voter without a village (the unresolved queue) is
    # counted among the voters and on a line of its own, never as one more village.
    listed = [v for v in villages() if not scope or v["kode_desa"] == scope]
    context = {
        "name": request.user.get_full_name() or request.user.username,
        "voters": voters.count() if can_see_list else "-",
        "villages": len(listed) if can_see_list else "-",
        # a committee reads its village and its election's stage, not the log's size
        "events": Event.objects.count() if not scope else None,
        "village": _village_card(scope) if scope else None,
        "jobs": [_labelled(j) for j in Job.objects.filter(user=request.user)[:8]],
        **(queue_context(request) if can_see_list else {}),
    }
    return render(request, "web/home.html", context)


def _village_card(kode_desa: str) -> dict:
    """A committee's village by name (the region reference), with the stage of the latest
    election it holds: the stage, its deadline and the next step (domain/election_rules)."""
    from pemilih.cycle import election as step
    from pemilih.domain import election_rules, region_tables
    from pemilih.store import elections
    from pemilih.store.models import Election
    from pemilih.web import workspace
    from pemilih.web.villages import kecamatan_of, title_of
    card = {"title": title_of(kode_desa), "code": kode_desa, "kecamatan": kecamatan_of(kode_desa),
            "regency": region_tables.regency_name(kode_desa[:5]) or "", "election": None}
    held = [e for e in Election.objects.order_by("-voting_day", "-pk") if kode_desa in e.villages]
    if held:
        e = held[0]
        plan = step.timetable(workspace.current(), e.code)
        done = [s for s in (election_rules.DPS, election_rules.DPT) if elections.latest(e, s) is not None]
        card["election"] = e
        card["stage"] = election_rules.current_stage(plan["schedule"], plan["today"], done)
    return card


def _labelled(job: Job) -> Job:
    job.label = jobs.label(job.kind)
    return job


def own_job(request, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if access.role_of(request) != Role.ADMIN and job.user_id != request.user.pk:
        raise Http404  # another account's job does not exist for this one
    if job.kode_desa:
        access.require_village(request, job.kode_desa)
    return _labelled(job)


def job_page(request, pk: int):
    job = own_job(request, pk)
    return render(request, "web/job.html", {"job": job, "label": job.label, **_status(job)})


def job_status(request, pk: int):
    job = own_job(request, pk)
    return render(request, "web/job_status.html", {"job": job, **_status(job)})


def _status(job: Job) -> dict:
    from pemilih.web import health
    return {"next_url": job.params.get("next_url"), "queue_warning": health.queue_warning(job),
            "output_hours": jobs.output_hours()}


@access_log.records_access("unduh-hasil-pekerjaan")
def job_file(request, pk: int, name: str):
    """A job's output file: POST with the CSRF token only (outputs hold personal data, and each
    download of one is an access to record: no link or image elsewhere may cause one). Who may
    not have the file is refused first, whatever the method."""
    job = own_job(request, pk)
    if name not in job.files:
        raise Http404
    if job.files_expired is not None:
        return render(request, "web/denied.html", {"reason": _expired_reason(job)}, status=410)
    export = job.params.get("personal_data")
    if export:  # a job of an older release says True: the list
        access.require_agreement(request, [job.kode_desa] if job.kode_desa else None,
                                 export if isinstance(export, str) else "daftar")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access_log.note(request, skip=not export, pekerjaan=f"{job.kind} #{job.pk}",
                    berkas=name, desa=job.kode_desa or None, rows=_rows_of(job))
    return FileResponse(open(jobs.output_dir(job) / name, "rb"), as_attachment=True, filename=name)


def _rows_of(job: Job) -> int | None:
    """The rows a job's outcome says it wrote, when it says so."""
    result = job.result if isinstance(job.result, dict) else {}
    if isinstance(result.get("rows"), int):  # coklit workbooks, received lists
        return result["rows"]
    if isinstance(result.get("findings"), dict):  # verification: findings per code
        return sum(n for n in result["findings"].values() if isinstance(n, int))
    if isinstance(result.get("counts"), dict) and isinstance(result["counts"].get("pemilih_akhir"), int):
        return result["counts"]["pemilih_akhir"]  # the hand-back package's list
    if isinstance(result.get("list"), int):  # an election's list (DPS, DPT, DPTb)
        from pemilih.store.models import ElectionList
        return ElectionList.objects.filter(pk=result["list"]).values_list("voters", flat=True).first()
    return None


def _expired_reason(job: Job) -> str:
    from django.utils import timezone
    return (f"Berkas hasil pekerjaan ini sudah kedaluwarsa dan dihapus pada "
            f"{timezone.localtime(job.files_expired):%d-%m-%Y %H:%M}; jalankan pekerjaannya lagi bila masih perlu.")


def root(request):
    if request.user.is_authenticated:
        return redirect("beranda")
    return Login.as_view()(request)


routes = [
    route("", root, "masuk", PUBLIC),
    route("keluar/", auth_views.LogoutView.as_view(), "keluar", PUBLIC),
    route("beranda/", home, "beranda", SIGNED_IN),
    route("pekerjaan/<int:pk>/", job_page, "pekerjaan", SIGNED_IN),
    route("pekerjaan/<int:pk>/status/", job_status, "pekerjaan_status", SIGNED_IN),
    route("pekerjaan/<int:pk>/unduh/<str:name>", job_file, "pekerjaan_unduh", SIGNED_IN),
]


def not_found(request, exception=None):
    return render(request, "web/denied.html", {"reason": "Halaman tidak ditemukan."}, status=404)
