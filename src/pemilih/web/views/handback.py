"""Hand-back (DPML builds the package for KPU) and apply (KPU folds it into its list).

Both are steps run as background jobs (web/tasks.py): building replays the log and writes four
files and a PDF, signed with the workspace's key (its fingerprint shown on the hand-back page);
applying checks the signature against DPML's key registered on the apply page, then every
hash. The package is the job's output (a download link on the job page); applying works on
whatever workspace this server serves (KPU runs its own instance).
"""
from __future__ import annotations

from datetime import datetime

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pemilih.contract import KPU_REGIME
from pemilih.cycle.apply import DEFAULT_REASON as REASON_APPLY
from pemilih.cycle.handback import DEFAULT_PLACE, PERIOD, counts_in_words
from pemilih.cycle.handback import DEFAULT_REASON as REASON_HANDBACK
from pemilih.web import access, jobs, tasks, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role

REASON_KEY = "Kunci publik DPML diterima bersama perjanjian berbagi data"
MAX_PACKAGE = 200 * 1024 * 1024  # a regency's package (its list as XLSX) is tens of MB


# --- hand-back (DPML) ---------------------------------------------------------------------------

def _agreements():
    from pemilih.store.models import Agreement
    today = timezone.localdate()
    return [a for a in Agreement.objects.filter(valid_from__lte=today, valid_to__gte=today).order_by("-valid_from")
            if {a.provider, a.recipient} == {"KPU", "DPML"}]


def _transfers():
    """The hand-back packages made so far (data-transferred events), newest first, their
    counts in words (cycle/handback.count_label), never the manifest's keys."""
    from pemilih.store import projection
    from pemilih.store.models import Event
    return [{"seq": seq, "at": at, "file": f or "", "agreement": a or "", "counts": counts_in_words(c or {}),
             "actor": actor, "what": what or ""}
            for seq, at, f, a, c, actor, what in Event.objects.filter(kind=projection.DATA_TRANSFERRED)
            .order_by("-seq").values_list("seq", "happened_at", "payload__file", "payload__agreement",
                                          "payload__counts", "actor", "payload__what")]


def _handback_form(request) -> tuple[dict, list[str]]:
    """The form's values (as typed) and what is wrong with them."""
    from pemilih.store.models import Agreement
    p = request.POST
    values = {"periode": p.get("periode", "").strip(), "perjanjian": p.get("perjanjian", "").strip(),
              "acuan": p.get("acuan", "").strip(), "tanggal": p.get("tanggal", "").strip(),
              "tempat": p.get("tempat", "").strip() or DEFAULT_PLACE}
    errors = []
    if not PERIOD.match(values["periode"]):
        errors.append("Periode wajib diisi dengan huruf, angka atau tanda hubung, mis. 2027-Q1.")
    if not Agreement.objects.filter(number=values["perjanjian"]).exists():
        errors.append("Pilih perjanjian berbagi data yang tercatat.")
    try:
        typed = values["tanggal"]
        values["on"] = datetime.strptime(typed, "%Y-%m-%d").date() if typed else timezone.localdate()
    except ValueError:
        errors.append("Tanggal serah tidak sah; tulis seperti 2027-03-31.")
    try:
        typed = values["acuan"]
        values["eligible_on"] = datetime.strptime(typed, "%Y-%m-%d").date() if typed else None
    except ValueError:
        errors.append("Tanggal acuan umur tidak sah; tulis seperti 2027-03-31, atau kosongkan.")
    return values, errors


def handback_page(request):
    errors, values = [], {}
    if request.method == "POST":
        values, errors = _handback_form(request)
        if not errors:
            job = jobs.enqueue(request, tasks.HANDBACK, {
                "period": values["periode"], "agreement": values["perjanjian"],
                "on": values["on"].isoformat(), "place": values["tempat"],
                "eligible_on": values["eligible_on"].isoformat() if values["eligible_on"] else None,
                "who": access.who(request, REASON_HANDBACK), "next_url": reverse("serah"),
                "personal_data": "serah"})
            return redirect("pekerjaan", job.pk)
    from pemilih.cycle import keys
    valid = _agreements()
    return render(request, "web/handback/serah.html", {
        "own_key": keys.own(workspace.current()),
        "errors": errors, "values": values, "agreements": valid,
        "default_agreement": values.get("perjanjian") or (valid[0].number if valid else ""),
        "today": timezone.localdate().isoformat(), "kpu_regime": KPU_REGIME,
        "transfers": _transfers()}, status=400 if errors else 200)


# --- apply (KPU) --------------------------------------------------------------------------------

def _applied():
    from pemilih.store import projection
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=projection.HANDBACK_APPLIED).order_by("-seq")
                .values("seq", "happened_at", "actor", "payload__file", "payload__period"))


def _register_key(request) -> tuple[str | None, str | None]:
    """(error, message) of registering DPML's public key pasted on the apply page."""
    from pemilih.cycle import keys
    from pemilih.cycle.common import StepError, Who, is_refusal
    try:
        made = keys.register(workspace.current(), keys.RegisterRequest(
            "DPML", request.POST.get("kunci", ""), Who(**access.who(request, REASON_KEY))))
    except Exception as err:
        if isinstance(err, StepError) or is_refusal(err):
            return str(err), None
        raise
    return None, f"Kunci publik DPML terdaftar; sidik {made.grouped}. Cocokkan dengan berita acara."


def apply_page(request):
    from pemilih.cycle import keys
    error = message = None
    if request.method == "POST" and request.POST.get("tindakan") == "kunci":
        error, message = _register_key(request)
    elif request.method == "POST":
        upload = request.FILES.get("paket")
        expected = request.POST.get("sidik", "").strip() or None
        if upload is None:
            error = "Pilih berkas paket (zip) yang akan diterapkan."
        else:
            try:
                path = jobs.save_upload(upload, (".zip",), MAX_PACKAGE)
            except ValueError as err:
                error = str(err)
            else:
                job = jobs.enqueue(request, tasks.APPLY, {
                    "path": str(path), "who": access.who(request, REASON_APPLY), "next_url": reverse("terapkan"),
                    "expected_hash": expected})
                return redirect("pekerjaan", job.pk)
    return render(request, "web/handback/terapkan.html", {
        "error": error, "message": message, "applied": _applied(),
        "keys": [k for k in keys.listing(workspace.current()) if k.agency == "DPML"]},
        status=400 if error else 200)


routes = [
    route("serah/", handback_page, "serah", only(Role.DPML)),
    route("terapkan/", apply_page, "terapkan", only(Role.KPU)),
]
