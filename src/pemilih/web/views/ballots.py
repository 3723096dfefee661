"""The ballots of a village's TPS on polling day, in the browser: what `pemilih surat-suara` does.

The committee (its own village only: the middleware checks the URL) or DPML records one TPS's
counts at a time on a form; the step (cycle/ballots.py) checks the balance and the voters and
refuses a record that breaks them, naming the TPS and the numbers (the page's script checks
the balance as the figures are typed, which only helps: the server decides). The minutes of a
TPS and the receipts of the village are printed on request (POST: each issues a number).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pemilih.cycle import ballots as step
from pemilih.cycle.common import StepError, Who, is_refusal
from pemilih.domain.ballots import LABELS, verdict
from pemilih.web import access, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import title_of

# form field -> the request's field (labels: domain/ballots.LABELS)
FIELDS = {"diterima": "received", "dipakai": "used", "rusak": "spoiled", "sisa": "unused", "hadir": "came"}
MAX_COUNT = 10**6  # far above any TPS; a larger figure is a typing error


def _places(request, code: str, kode_desa: str) -> list:
    """The village's TPS on the election's DPT (404: no such election or village; a refusal
    such as no DPT yet is shown on the page by the caller)."""
    from pemilih.store.models import Election
    access.require_village(request, kode_desa)
    e = Election.objects.filter(code=code).first()
    if e is None or kode_desa not in e.villages:
        raise Http404
    return step.tps_of(workspace.current(), e.code, kode_desa)


def _chosen(places: list, asked: str | None):
    """The TPS the form is for: the one asked for, else the first without counts, else the first."""
    by_number = {str(p.tps): p for p in places}
    if asked and asked.strip() in by_number:
        return by_number[asked.strip()]
    return next((p for p in places if p.recorded is None), places[0] if places else None)


def ballots_page(request, code: str, kode_desa: str):
    try:
        places = _places(request, code, kode_desa)
    except StepError as exc:
        return render(request, "web/election/ballots.html", {
            "code": code, "kode_desa": kode_desa, "title": title_of(kode_desa), "refused": str(exc)}, status=400)
    errors: list[str] = []
    form = {}
    if request.method == "POST":
        chosen = _chosen(places, request.POST.get("tps"))
        form = {k: request.POST.get(k, "").strip() for k in FIELDS}
        asked, errors = _request(request, code, kode_desa, chosen, form)
        if asked is not None:
            try:
                _seq, place = step.record(workspace.current(), asked)
            except Exception as exc:
                if not is_refusal(exc):
                    raise
                errors = str(exc).split("; ")
            else:
                messages.success(request, f"Surat suara {place.label} tercatat: {verdict(place.count)}.")
                return redirect(reverse("pilkalem_surat_suara", args=[code, kode_desa]) + f"?tps={place.tps}")
    else:
        chosen = _chosen(places, request.GET.get("tps"))
    if chosen is not None and not form:
        count = chosen.count
        form = ({k: str(getattr(count, f)) for k, f in FIELDS.items()} if count is not None
                else {"diterima": str(chosen.ballots)})
    rows = [{"p": p, "count": p.count, "verdict": verdict(p.count) if p.count else None} for p in places]
    return render(request, "web/election/ballots.html", {
        "code": code, "kode_desa": kode_desa, "title": title_of(kode_desa), "rows": rows, "chosen": chosen,
        "form": form, "errors": errors, "labels": {k: LABELS[f] for k, f in FIELDS.items()},
        "recorded": sum(p.recorded is not None for p in places)}, status=400 if errors else 200)


def _request(request, code: str, kode_desa: str, chosen, form: dict):
    """(the step's request, []) from the form, or (None, what is wrong with it)."""
    if chosen is None:
        return None, ["Desa ini tidak punya TPS di DPT."]
    errors, values = [], {}
    for key, name in FIELDS.items():
        text = form[key]
        if not text.isdigit() or int(text) > MAX_COUNT:
            errors.append(f"{chosen.label}: jumlah {LABELS[name]}: isi bilangan bulat 0 atau lebih, bukan '{text}'.")
        else:
            values[name] = int(text)
    if errors:
        return None, errors
    reason = request.POST.get("alasan", "").strip() or step.RECORD_REASON + " (web)"
    return step.RecordRequest(code, kode_desa, chosen.tps, who=Who(**access.who(request, reason)), **values), []


def _pdf(path: Path) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


def _printable_places(request, code: str, kode_desa: str):
    """The village's TPS to print for; 404 for an election or village that has none."""
    try:
        return _places(request, code, kode_desa)
    except StepError:
        raise Http404 from None


@require_POST  # printing issues a number
def ballot_minutes(request, code: str, kode_desa: str):
    """One TPS's minutes of the ballots (blank until its counts are recorded)."""
    places = _printable_places(request, code, kode_desa)
    place = next((p for p in places if str(p.tps) == request.POST.get("tps", "").strip()), None)
    if place is None:
        raise Http404
    who = Who(**access.who(request, step.PRINT_REASON + " (web)"))
    with tempfile.TemporaryDirectory() as folder:
        return _pdf(step.print_minutes(workspace.current(), code, place, Path(folder), who))


@require_POST
def logistics_receipts(request, code: str, kode_desa: str):
    """The village's equipment receipts, one page per TPS."""
    places = _printable_places(request, code, kode_desa)
    if not places:
        raise Http404
    who = Who(**access.who(request, step.PRINT_REASON + " (web)"))
    with tempfile.TemporaryDirectory() as folder:
        return _pdf(step.print_receipts(workspace.current(), code, places, Path(folder), who))


routes = [
    route("pilkalem/<str:code>/<str:kode_desa>/surat-suara/", ballots_page, "pilkalem_surat_suara",
          only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/<str:kode_desa>/surat-suara/berita-acara/", ballot_minutes,
          "pilkalem_ba_surat_suara", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/<str:kode_desa>/surat-suara/tanda-terima/", logistics_receipts,
          "pilkalem_tanda_terima", only(Role.DPML, Role.PANITIA)),
]
