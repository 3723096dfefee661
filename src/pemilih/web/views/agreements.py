"""Data-sharing agreements: the list, the exports made under them, and recording a new one."""
from __future__ import annotations

from django.utils import timezone

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render

from pemilih.web import access
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.workspace import current

AGENCIES = ["KPU", "DPML", "PANITIA", "DISDUKCAPIL"]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Tanggal '{text}' tidak sah") from None


def agreement_list(request):
    from pemilih.io.records import KPU_COLUMNS
    from pemilih.store.agreements import AgreementError, Terms, record_agreement, transfers
    from pemilih.store.models import Agreement
    ws = current()
    if request.method == "POST":
        p = request.POST
        try:
            villages = p.get("villages", "").split() or ["*"]
            terms = Terms(number=p.get("number", "").strip(), title=p.get("title", "").strip(),
                          provider=p.get("provider", "KPU"), recipient=p.get("recipient", "DPML"),
                          purpose=p.get("purpose", "").strip(), legal_basis=p.get("legal_basis", "").strip(),
                          valid_from=_day(p.get("valid_from", "")), valid_to=_day(p.get("valid_to", "")),
                          retention=p.get("retention", "").strip(),
                          data_elements=p.getlist("elements") or list(KPU_COLUMNS), villages=villages)
            made = record_agreement(ws, terms, **access.who(request, "Perjanjian berbagi data dicatat"))
            messages.success(request, f"Perjanjian {made.number} dicatat.")
            return redirect("perjanjian")
        except (AgreementError, ValueError) as exc:
            messages.error(request, f"Tidak dicatat: {exc}")
    return render(request, "web/agreements.html", {
        "agreements": Agreement.objects.order_by("-id"), "today": timezone.localdate(),
        "transfers": transfers(ws)[-20:][::-1], "agencies": AGENCIES, "elements": KPU_COLUMNS})


routes = [route("perjanjian/", agreement_list, "perjanjian", only(Role.KPU, Role.DPML))]
