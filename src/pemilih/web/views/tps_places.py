"""An election's TPS register in the browser: what `pemilih tps atur|daftar` does.

DPML and the village committees see every TPS of the election (a committee: of its own
village only) with its place, address, coordinates and voters L/P, and enter or correct the
place of one TPS at a time (the tps_places step; the latest entry wins). A wrong entry (no
place, coordinates outside Indonesia) is refused with the reason on the page, nothing recorded.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from pemilih.cycle import tps_places as step
from pemilih.cycle.common import Who, is_refusal
from pemilih.web import access, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.views.election import _election_or_404, _visible_villages
from pemilih.web.villages import title_of

REASON = "Pencatatan tempat TPS (web)"
FIELDS = ("desa", "tps", "tempat", "alamat", "koordinat")


def register_page(request, code: str):
    e = _election_or_404(request, code)
    shown = _visible_villages(request, e)
    form = {k: "" for k in FIELDS} | {"desa": shown[0] if shown else ""}
    errors: list[str] = []
    if request.method == "POST":
        form.update({k: request.POST.get(k, "").strip() for k in FIELDS})
        if form["desa"] not in shown:
            errors.append("Pilih desa/lembang pemilihan ini.")
        else:
            try:
                step.record(workspace.current(), [step.PlaceRequest(
                    e.code, form["desa"], form["tps"], form["tempat"], form["alamat"], form["koordinat"] or None)],
                    Who(**access.who(request, REASON)))
            except Exception as exc:  # a refusal of the step (a bad entry): its message is for the user
                if not is_refusal(exc):
                    raise
                errors.append(str(exc))
            else:
                messages.success(request, f"Tempat TPS {form['tps']} {title_of(form['desa'])} tercatat.")
                return redirect("pilkalem_tps_tempat", e.code)
    scope = access.village_scope(request)
    rows = step.register(workspace.current(), e.code, scope)
    return render(request, "web/election/tps_places.html", {
        "e": e, "rows": [{"r": r, "title": title_of(r.kode_desa)} for r in rows],
        "villages": [{"kode_desa": k, "title": title_of(k)} for k in shown], "form": form, "errors": errors,
        "missing": sum(r.place is None for r in rows)}, status=400 if errors else 200)


routes = [
    route("pilkalem/<str:code>/tempat-tps/", register_page, "pilkalem_tps_tempat", only(Role.DPML, Role.PANITIA)),
]
