"""An election's papers from its page: per village the committee's decision (SK) and minutes
(BA) setting the DPS and the DPT, and for the DPT the officers' copies and the invitations of
every TPS; for DPML the register of the election's TPS.

Printed on demand from the stored list by the steps the set-list job prints them with
(cycle/list_documents.print_village, cycle/polling_day.village_bundle and print_register), so
a paper carries the number the job printed (cycle/documents.issue keeps a number once issued;
printing may issue it, when the list was set without printing: hence POST only, with the CSRF
token). A village committee reaches its own village only (the middleware checks the URL); the
officers' copies and the invitations name voters: the agreement is required and each download
is in the access log.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import Http404, HttpResponse, HttpResponseNotAllowed

from pemilih.cycle import list_documents, polling_day
from pemilih.cycle.common import StepError, Who
from pemilih.store import owner_only
from pemilih.web import access, access_log, jobs, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.views.election import _election_or_404, _list_of

PAPERS = {"sk": 0, "ba": 1}  # URL -> position in list_documents.KINDS[stage] (decision, minutes)
PACK = {"salinan-kpps": polling_day.COPY, "undangan": polling_day.INVITATION}  # URL -> the pack's kind
REASON_PAPERS = "Pencetakan keputusan dan berita acara penetapan daftar pemilih (web)"
REASON_PACK = polling_day.REASON + " (web)"
TYPES = {".pdf": "application/pdf", ".zip": "application/zip"}


def _printing_folder() -> tempfile.TemporaryDirectory:
    """A folder of its own for one request's printing, inside the workspace's private part
    (the papers may name voters), removed once the answer is read."""
    return tempfile.TemporaryDirectory(dir=owner_only.private_folder(jobs.workspace_dir() / "web" / "cetak"))


def _download(path: Path) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type=TYPES.get(path.suffix, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


def _village_of(request, code: str, kode_desa: str):
    e = _election_or_404(request, code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    return e


def decision_paper(request, code: str, kode_desa: str, stage: str, kind: str):
    """The village's decision or minutes setting the DPS or the DPT."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _village_of(request, code, kode_desa)
    if kind not in PAPERS or stage not in list_documents.KINDS:
        raise Http404
    _list_of(e, stage)  # 404 until the list is set
    wanted = list_documents.KINDS[stage][PAPERS[kind]]
    who = Who(**access.who(request, REASON_PAPERS))
    with _printing_folder() as folder:
        printed = list_documents.print_village(workspace.current(), e.code, stage, kode_desa, Path(folder), who)
        if wanted not in printed:
            raise Http404  # no voter of the village on the list
        return _download(printed[wanted])


@access_log.records_access("unduh-hari-pemungutan")
def polling_pack(request, code: str, kode_desa: str, kind: str):
    """The village's officers' copies or invitations, a PDF per TPS in one zip (they name voters)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _village_of(request, code, kode_desa)
    if kind not in PACK:
        raise Http404
    made = _list_of(e, "DPT")
    who = Who(**access.who(request, REASON_PACK))
    with _printing_folder() as folder:
        try:
            path = polling_day.village_bundle(workspace.current(), e.code, kode_desa, PACK[kind], Path(folder), who)
        except StepError:
            raise Http404 from None  # no voter of the village on the DPT
        access_log.note(request, rows=made.rows.filter(kode_desa=kode_desa).count(), berkas=path.name)
        return _download(path)


def tps_register(request, code: str):
    """The register of the election's TPS (places, addresses, voters L/P), DPML's document."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _election_or_404(request, code)
    _list_of(e, "DPT")
    who = Who(**access.who(request, polling_day.REASON + " (web)"))
    with _printing_folder() as folder:
        return _download(polling_day.print_register(workspace.current(), e.code, Path(folder), who))


routes = [
    route("pilkalem/<str:code>/<str:kode_desa>/keputusan/<str:stage>/<str:kind>/", decision_paper,
          "pilkalem_keputusan", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/<str:kode_desa>/hari-pemungutan/<str:kind>/", polling_pack,
          "pilkalem_hari_pemungutan", only(Role.DPML, Role.PANITIA, personal_data="daftar")),
    route("pilkalem/<str:code>/daftar-tps/", tps_register, "pilkalem_daftar_tps", only(Role.DPML)),
]
