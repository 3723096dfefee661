"""Signing in and out, the home page, and the pages of background jobs."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from pemilih.web import access, jobs
from pemilih.web.access import PUBLIC, SIGNED_IN, route
from pemilih.web.models import Job
from pemilih.web.roles import Role


class Login(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


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
        "events": Event.objects.count(),
        "jobs": [_labelled(j) for j in Job.objects.filter(user=request.user)[:8]],
        **(queue_context(request) if can_see_list else {}),
    }
    return render(request, "web/home.html", context)


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
    return render(request, "web/job.html", {"job": job, "label": job.label,
                                            "next_url": job.params.get("next_url")})


def job_status(request, pk: int):
    job = own_job(request, pk)
    return render(request, "web/job_status.html", {"job": job, "next_url": job.params.get("next_url")})


def job_file(request, pk: int, name: str):
    """A job's output file: POST with the CSRF token only (outputs hold personal data, and each
    download of one is an access to record: no link or image elsewhere may cause one)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = own_job(request, pk)
    if name not in job.files:
        raise Http404
    if job.params.get("personal_data"):
        access.require_agreement(request, [job.kode_desa] if job.kode_desa else None)
    return FileResponse(open(jobs.output_dir(job) / name, "rb"), as_attachment=True, filename=name)


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
