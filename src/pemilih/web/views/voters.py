"""The current voter list, page by page, narrowed to the account's village."""
from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pemilih.cycle.common import thousands
from pemilih.domain.masking import mask_id
from pemilih.web import access, access_log, village_options
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import QUEUE, queue_context, unresolved_count, villages, voter_groups
from pemilih.web.voter_pages import SEARCH_CAP, VoterPaginator

PAGE = 50
COLUMNS = ["kode_desa", "desa", "tps", "nama", "nik", "jenis_kelamin", "alamat", "rt", "rw", "ktp_el", "key"]


@access_log.records_access("daftar-pemilih")
def voter_list(request):
    """The list, narrowed by village and by a name (GET: the page can be bookmarked and paged)
    or a NIK (POST only: a NIK never goes into a URL, a browser history or a server log)."""
    from pemilih.store.models import Voter
    scope = access.village_scope(request)
    asked = request.POST if request.method == "POST" else request.GET
    desa = scope or asked.get("desa", "")
    query = (asked.get("q") or "").strip()
    notice = ""
    if request.method == "POST" and not query.isdigit():
        return redirect(f"{reverse('pemilih')}?{urlencode({k: v for k, v in (('desa', desa), ('q', query)) if v})}")
    if request.method == "GET" and query.isdigit():
        notice = _("NIK dicari lewat formulir pencarian, tidak lewat alamat halaman; ketik NIK-nya lalu tekan Cari.")
        query = ""
    rows = Voter.objects.all()
    # The counts the village filter holds answer every count but a search's (web/voter_pages.py).
    groups = voter_groups()
    known = sum(n for _, n in groups)
    if desa == QUEUE:  # the voters without a village (the unresolved queue)
        rows = rows.filter(Q(kode_desa__isnull=True) | Q(kode_desa=""))
        known = unresolved_count()
    elif desa:
        rows = rows.filter(kode_desa=desa)
        known = sum(n for kode, n in groups if kode == desa)
    if query:
        rows = rows.filter(nama__icontains=query) if not query.isdigit() else rows.filter(nik=query)
        known = None
    # Village, then list order: the order of the serving index (web/indexes.py), so a page
    # deep in the province's millions of voters is an index walk, not a sort of the whole table.
    rows = rows.order_by("kode_desa", "position").values(*COLUMNS)
    pages = VoterPaginator(rows, PAGE, known_count=known, groups=groups if not (desa or query) else None,
                           cap=SEARCH_CAP if query else None)
    page = pages.get_page(request.GET.get("hal"))
    for r in page.object_list:
        r["nik"] = mask_id(r["nik"])
    access_log.note(request, rows=len(page.object_list), desa=desa or None, cari=query or None,
                    halaman=page.number)
    return render(request, "web/voters.html", {
        "page": page, "village_options": None if scope else village_options.options(
            "pemilih", lambda: [(v["kode_desa"], f"{v['kode_desa']} {v['desa']} ({thousands(v['voters'])})")
                                for v in villages()], desa),
        "search_cap": SEARCH_CAP, "desa": desa, "q": "" if query.isdigit() else query,
        "notice": notice, "scoped": bool(scope), "queue": QUEUE,
        **queue_context(request)})


routes = [
    route("pemilih/", voter_list, "pemilih",
          only(Role.KPU, Role.DPML, Role.PANITIA, Role.DISDUKCAPIL, personal_data="daftar")),
]
