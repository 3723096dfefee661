"""The administrator's page of the job worker: alive or not, last seen, the job it runs, the
queue, how often `pemilih serve` restarted it, the time limits and how long outputs are kept."""
from __future__ import annotations

from django.shortcuts import render

from pemilih.web import health, jobs
from pemilih.web.access import only, route
from pemilih.web.models import Job


def worker_page(request):
    worker = health.read()
    current = Job.objects.filter(pk=worker.job).first() if worker.job else None
    limits = sorted((jobs.label(kind), jobs.duration(seconds)) for kind, seconds in jobs.time_limits().items())
    return render(request, "web/worker.html", {
        "worker": worker, "current": current, "current_label": jobs.label(current.kind) if current else "",
        "running": Job.objects.filter(status=Job.RUNNING).count(), "limits": limits,
        "output_hours": jobs.output_hours(), "alive_seconds": int(health.ALIVE_SECONDS)})


routes = [route("pekerja/", worker_page, "pekerja", only())]
