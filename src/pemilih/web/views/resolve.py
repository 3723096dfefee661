"""Voters without a village (the unresolved queue) and a person's pick of their village.

KPU and DPML see the queue, each voter with the villages closest to its names as written and
every village of the regency; they pick a village for one voter or several, give a reason, see
what they picked once more and confirm. The pick is the resolve step (cycle/resolve.py): one
event of KODE DESA corrections, with who and why. A voter is named in the form by its place in
the list, never by its key (a new voter's key holds a NIK).
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pemilih.cycle.common import DEFAULT_LEGAL_BASIS, StepError, Who, is_refusal
from pemilih.domain.masking import mask_digits_in_text
from pemilih.web import access, access_log, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role

PAGE = 50
FIELD = "desa:"  # one select per voter: desa:<position>


@access_log.records_access("antrean-tanpa-desa")
def queue_page(request):
    if request.method == "POST":
        return _pick(request)
    return _render(request)


def _queue(request):
    from pemilih.cycle import resolve
    page = request.GET.get("hal", "1")
    page = max(1, int(page)) if page.isdigit() else 1
    found = resolve.queue(workspace.current(), resolve.QueueRequest(limit=PAGE, offset=(page - 1) * PAGE))
    return found, page


def _render(request, *, chosen: dict | None = None, reason: str = "", error: str | None = None, confirm=None,
            status: int = 200):
    found, page = _queue(request)
    chosen = chosen or {}
    rows = [{"position": r.position, "ref": mask_digits_in_text(r.ref), "nama": r.nama, "tps": r.tps,
             "kecamatan": r.kecamatan, "desa": r.desa, "reason": r.reason, "candidates": r.candidates,
             "chosen": chosen.get(r.position, "")} for r in found.rows]
    access_log.note(request, rows=len(rows), halaman=page)
    return render(request, "web/resolve/index.html", {
        "found": found, "rows": rows, "villages": found.villages, "reason": reason, "error": error,
        "confirm": confirm, "page": page, "more": found.total > page * PAGE, "unresolved": found.total,
        "field": FIELD}, status=status)


def _pick(request):
    """First POST: the picks shown once more; with `konfirmasi`: recorded."""
    from pemilih.cycle import resolve
    chosen = {}
    for name, code in request.POST.items():
        if name.startswith(FIELD) and name[len(FIELD):].isdigit() and code.strip():
            chosen[int(name[len(FIELD):])] = code.strip()
    reason = request.POST.get("alasan", "").strip()
    if not chosen:
        return _render(request, reason=reason, error=_("Pilih desa untuk paling sedikit satu pemilih."))
    if not reason:
        return _render(request, chosen=chosen, error=_("Tulis alasan penetapan desa (dicatat dalam log peristiwa)."))
    found = resolve.queue(workspace.current())
    by_position = {r.position: r for r in found.rows}
    missing = [p for p in chosen if p not in by_position]
    if missing:
        return _render(request, chosen=chosen, reason=reason,
                       error=_("Ada pemilih yang sudah tidak menunggu desa; muat ulang halaman ini."))
    acted = access.who(request, reason)
    try:
        asked = resolve.ResolveRequest(tuple((by_position[p].key, code) for p, code in chosen.items()),
                                       Who(acted["actor"], acted["agency"], reason, DEFAULT_LEGAL_BASIS))
    except StepError as err:
        return _render(request, chosen=chosen, reason=reason, error=str(err))
    if not request.POST.get("konfirmasi"):
        villages = {v.code: v for v in found.villages}
        confirm = [{"position": p, "ref": mask_digits_in_text(by_position[p].ref), "nama": by_position[p].nama,
                    "kecamatan": by_position[p].kecamatan, "desa": by_position[p].desa,
                    "village": villages.get(code), "code": code}
                   for p, code in zip(chosen, (c for _, c in asked.picks))]
        return _render(request, chosen=chosen, reason=reason, confirm=confirm)
    try:
        out = resolve.run(workspace.current(), asked)
    except Exception as err:
        if not is_refusal(err):
            raise
        return _render(request, chosen=chosen, reason=reason, error=str(err))
    messages.success(request, _("%(n)s pemilih ditetapkan desanya (peristiwa #%(seq)s).")
                     % {"n": out.voters, "seq": out.event_seq})
    return redirect("desa_belum")


routes = [
    route("desa-belum/", queue_page, "desa_belum", only(Role.KPU, Role.DPML, personal_data="daftar")),
]
