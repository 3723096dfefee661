"""The DP3 programme in the browser: what `pemilih dp3` does.

KPU designates focus villages (lokus) and, like the village's committee (its own village only:
the middleware checks the URL), registers cadres with their consent, records a withdrawal of
consent, trainings and activities. The Rakor viewer (pemantau) sees the reports: counts by sex
and component, never a cadre's name; the cadre roster is shown to KPU and the village's
committee only. A refused record is said on the page with the step's reason (field and why).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pemilih.cycle import dp3 as step
from pemilih.cycle.common import StepError, Who, is_refusal, local_today
from pemilih.cycle.common import day as parse_day
from pemilih.domain import dp3 as rules
from pemilih.web import access, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role

RECORDERS = (Role.KPU, Role.PANITIA)  # and the administrator
CONTENT = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _year(request) -> int:
    text = (request.GET.get("tahun") or request.POST.get("tahun") or "").strip()
    return int(text) if text.isdigit() and rules.FIRST_YEAR <= int(text) <= 9999 else local_today().year


def _sees_names(request) -> bool:
    return access.role_of(request) in (Role.ADMIN, Role.KPU, Role.PANITIA)


def _who(request) -> Who:
    return Who(**access.who(request, step.RECORD_REASON + " (web)"))


def _report(year: int, kode_desa: str | None = None):
    try:
        return step.report(workspace.current(), year, kode_desa=kode_desa)
    except StepError:
        return None


def index(request):
    scope = access.village_scope(request)
    if scope is not None:
        return redirect("dp3_desa", kode_desa=scope)
    year = _year(request)
    result = _report(year)
    rows = []
    if result is not None and result.villages:
        for v in [*result.villages, result.totals()]:
            rows.append({"v": v, "cadres": v.cadre_rows()[-1], "people": v.participant_rows()[-1],
                         "before": v.voters_before or (0, 0, 0), "after": v.voters_after or (0, 0, 0)})
    return render(request, "web/dp3/index.html", {
        "year": year, "stage": rules.stage_of(year), "result": result, "rows": rows,
        "components": result.totals().cadre_rows() if result and result.villages else [],
        "target": rules.TARGET_CADRES, "reasons": rules.REASONS, "can_designate": access.role_of(request) in (
            Role.ADMIN, Role.KPU), "decision": rules.DECISION})


@require_POST
def designate(request):
    p = request.POST
    year = _year(request)
    try:
        signers = tuple({"name": p.get(f"ttd{i}_nama", ""), "position": p.get(f"ttd{i}_jabatan", ""),
                         "agency": p.get(f"ttd{i}_instansi", "")} for i in (1, 2))
        step.designate(workspace.current(), step.LokusRequest(
            year, p.get("desa", "").strip(), tuple(p.getlist("kriteria")), p.get("perjanjian", ""),
            parse_day(p.get("tanggal_perjanjian", "")), signers, _who(request)))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        messages.error(request, f"Lokus tidak ditetapkan: {exc}")
    else:
        messages.success(request, f"Desa {p.get('desa')} ditetapkan sebagai lokus DP3 tahun {year}.")
    return redirect(reverse("dp3") + f"?tahun={year}")


def village(request, kode_desa: str):
    access.require_village(request, kode_desa)
    year = _year(request)
    result = _report(year, kode_desa)
    v = result.villages[0] if result is not None else None
    names = _sees_names(request)
    return render(request, "web/dp3/village.html", {
        "kode_desa": kode_desa, "year": year, "stage": rules.stage_of(year), "v": v,
        "roster": step.roster_lines(v) if v is not None and names else [], "recorder": names,
        "components": rules.COMPONENTS, "segments": rules.SEGMENTS, "sexes": rules.SEXES,
        "kinds": rules.ACTIVITY_KINDS, "modes": rules.MODES, "reasons": rules.REASONS, "target": rules.TARGET_CADRES,
        "today": local_today().isoformat(), "by_stage": sorted(v.by_stage.items()) if v else []})


def _back(kode_desa: str, year: int):
    return redirect(reverse("dp3_desa", args=[kode_desa]) + f"?tahun={year}")


def _recorded(request, kode_desa: str, what: str, action):
    """Run `action()` (a step); the refusal's reason or `what` as the page's message."""
    access.require_village(request, kode_desa)
    try:
        done = action()
    except Exception as exc:
        if not is_refusal(exc):
            raise
        messages.error(request, f"Tidak dicatat: {exc}")
    else:
        messages.success(request, what.format(done=done))
    return _back(kode_desa, _year(request))


def _int_or_none(text: str):
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise StepError(f"Isian '{text}' harus bilangan bulat")
    return int(text)


@require_POST
def cadre(request, kode_desa: str):
    p = request.POST

    def run():
        _seq, number = step.register(workspace.current(), step.CadreRequest(
            kode_desa, parse_day(p.get("tanggal", "")), p.get("nama", ""), p.get("jk", ""), p.get("komponen", ""),
            parse_day(p.get("persetujuan_tanggal", "")), p.get("persetujuan_cara", ""), _who(request),
            _int_or_none(p.get("tahun_lahir")), p.get("telepon") or None, p.get("direkrut_oleh") or None))
        return number
    return _recorded(request, kode_desa, "Kader {done} terdaftar.", run)


def _own_cadre(kode_desa: str, number: str) -> str:
    if not number.startswith(kode_desa + "/"):
        raise StepError(f"Kader {number} bukan kader desa {kode_desa}")
    return number


@require_POST
def withdraw(request, kode_desa: str):
    p = request.POST

    def run():
        number = _own_cadre(kode_desa, p.get("kader", "").strip())
        step.withdraw(workspace.current(), number, parse_day(p.get("tanggal", "")), p.get("cara", ""), _who(request))
        return number
    return _recorded(request, kode_desa, "Persetujuan kader {done} dicabut: data pribadinya tidak ditampilkan lagi.",
                     run)


@require_POST
def training(request, kode_desa: str):
    p = request.POST

    def run():
        cadres = tuple(_own_cadre(kode_desa, n) for n in p.getlist("kader"))
        step.train(workspace.current(), step.TrainingRequest(
            kode_desa, parse_day(p.get("tanggal", "")), p.get("judul", ""), cadres, _who(request),
            p.get("cara", "luring")))
        return len(cadres)
    return _recorded(request, kode_desa, "Pelatihan tercatat: {done} kader hadir.", run)


@require_POST
def activity(request, kode_desa: str):
    p = request.POST

    def run():
        people = {}
        for segment in rules.SEGMENTS:
            by_sex = {sex: _int_or_none(p.get(f"peserta_{segment}_{sex}")) for sex in rules.SEXES}
            if any(n for n in by_sex.values()):
                people[segment] = {sex: n or 0 for sex, n in by_sex.items()}
        step.record_activity(workspace.current(), step.ActivityRequest(
            kode_desa, parse_day(p.get("tanggal", "")), p.get("jenis", ""), p.get("topik", ""), people,
            _who(request), p.get("cara", "luring")))
        return rules.total(people)
    return _recorded(request, kode_desa, "Kegiatan tercatat: {done} peserta.", run)


def _download(request, kind: str, kode_desa: str | None):
    """The yearly report as PDF (numbered when KPU prints it by POST) or XLSX (a village's copy
    with its roster for KPU and its committee)."""
    if kind not in CONTENT:
        raise Http404
    year = _year(request)
    result = _report(year, kode_desa)
    if result is None or not result.villages:
        raise Http404
    numbered = request.method == "POST" and access.role_of(request) in (Role.ADMIN, Role.KPU)
    name = step.file_name(year, kode_desa, kind)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if kind == "pdf":
            step.write_pdf(workspace.current(), result, path, kode_desa=kode_desa,
                           who=Who(**access.who(request, step.PRINT_REASON + " (web)")) if numbered else None)
        else:
            step.write_xlsx(result, path, internal=kode_desa is not None and _sees_names(request))
        response = HttpResponse(path.read_bytes(), content_type=CONTENT[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def regency_report(request, kind: str):
    return _download(request, kind, None)


def village_report(request, kode_desa: str, kind: str):
    access.require_village(request, kode_desa)
    return _download(request, kind, kode_desa)


routes = [
    route("kerja-sama/dp3/", index, "dp3", only(Role.KPU, Role.PANITIA, Role.VIEWER)),
    route("kerja-sama/dp3/lokus/", designate, "dp3_lokus", only(Role.KPU)),
    route("kerja-sama/dp3/laporan/<str:kind>/", regency_report, "dp3_laporan", only(Role.KPU, Role.VIEWER)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/", village, "dp3_desa", only(Role.KPU, Role.PANITIA, Role.VIEWER)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/kader/", cadre, "dp3_kader", only(*RECORDERS)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/cabut/", withdraw, "dp3_cabut", only(*RECORDERS)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/pelatihan/", training, "dp3_pelatihan", only(*RECORDERS)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/kegiatan/", activity, "dp3_kegiatan", only(*RECORDERS)),
    route("kerja-sama/dp3/desa/<str:kode_desa>/laporan/<str:kind>/", village_report, "dp3_laporan_desa",
          only(Role.KPU, Role.PANITIA, Role.VIEWER)),
]
