"""Data-sharing agreements: the list, the exports made under them, and recording a new one."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle import agreement as step
from pemilih.cycle.common import Who, is_refusal
from pemilih.domain.agencies import PARTIES, PROVIDER, RECIPIENT
from pemilih.web import access, jobs, tasks
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.workspace import current


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Tanggal '{text}' tidak sah") from None


def agreement_list(request):
    ws = current()
    if request.method == "POST":
        p = request.POST
        try:
            made = step.run(ws, step.AgreementRequest(
                number=p.get("number", ""), purpose=p.get("purpose", ""), legal_basis=p.get("legal_basis", ""),
                valid_from=_day(p.get("valid_from", "")), valid_to=_day(p.get("valid_to", "")),
                retention=p.get("retention", ""), who=Who(**access.who(request, step.DEFAULT_REASON)),
                title=p.get("title", ""), provider=p.get("provider", PROVIDER),
                recipient=p.get("recipient", RECIPIENT), data_elements=tuple(p.getlist("elements") or KPU_COLUMNS),
                villages=tuple(p.get("villages", "").split() or ["*"])))
            messages.success(request, f"Perjanjian {made.number} dicatat.")
            return redirect("perjanjian")
        except Exception as exc:
            if not (isinstance(exc, ValueError) or is_refusal(exc)):
                raise
            messages.error(request, f"Tidak dicatat: {exc}")
    agreements, moved = step.listing(ws)
    from pemilih.cycle import retention
    from pemilih.store.retention import due
    today = timezone.localdate()
    retained = due(ws, today) if access.role_of(request) in (Role.DPML, Role.ADMIN) else []
    return render(request, "web/agreements.html", {
        "agreements": agreements[::-1], "today": today,
        "transfers": moved[-20:][::-1], "agencies": PARTIES, "elements": KPU_COLUMNS,
        "retained": retained, "retention_due": any(d.due and d.due <= today and not d.done for d in retained),
        "deletions": retention.recorded(ws) if retained else []})


def retention_run(request):
    """Delete (redact) the personal data past its retention: a job (it rewrites every event that
    holds a personal value)."""
    if request.method != "POST":
        return redirect("perjanjian")
    from pemilih.cycle.retention import DEFAULT_REASON
    job = jobs.enqueue(request, tasks.RETENTION, {"who": access.who(request, DEFAULT_REASON),
                                                  "on": timezone.localdate().isoformat(),
                                                  "next_url": reverse("perjanjian")})
    return redirect("pekerjaan", job.pk)


routes = [route("perjanjian/", agreement_list, "perjanjian", only(Role.KPU, Role.DPML)),
          route("perjanjian/retensi/", retention_run, "retensi", only(Role.DPML))]
