"""Voter education in the browser: what `pemilih pendidikan` does.

KPU records and sees every village's activities; a village committee records and sees its
own village's (the middleware checks the `kode_desa` of the URL, the report is narrowed by
village_scope()); the Rakor viewer (pemantau) sees the report and the targeting table, which
hold counts only, and no photo. The step (cycle/voter_education.py) checks a record and
refuses it whole, naming the activity and the numbers; a correction is a new record.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pemilih.cycle import voter_education as step
from pemilih.cycle.common import StepError, Who, day, is_refusal, local_today
from pemilih.domain.voter_education import KINDS, LAST_GENERAL_ELECTION, SEGMENTS, Attendance
from pemilih.web import access, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role

MAX_COUNT = 100_000  # far above any activity; a larger figure is a typing error
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ws():
    return workspace.current()


def report_page(request):
    """The report: per village, per kind, participants by sex and segment (a committee: its
    own village's only)."""
    scope = access.village_scope(request)
    role = access.role_of(request)
    asked = request.GET.get("desa", "").strip()
    if asked and scope is None and role != Role.VIEWER:
        if asked not in step.villages(_ws()):
            raise Http404
        return redirect(reverse("pendidikan_desa", args=[asked]))
    result = step.report(_ws(), scope)
    return render(request, "web/voter_education/report.html", {
        "result": result, "scope": scope, "segments": step.segment_rows(result.total),
        "kinds": [(KINDS[k], t) for k, t in result.kinds], "may_record": role in (Role.KPU, Role.PANITIA, Role.ADMIN),
        "may_target": RULES_TARGET.allows(role), "may_print": role in (Role.KPU, Role.PANITIA, Role.ADMIN),
        "villages": sorted(step.villages(_ws()).items()) if scope is None else []})


def _attendance(post) -> tuple[Attendance | None, list[str]]:
    errors, counts = [], {}
    values = {}
    for name, label in (("laki", "peserta laki-laki (L)"), ("perempuan", "peserta perempuan (P)")):
        values[name] = _count(post.get(name, ""), label, errors)
    for segment, label in SEGMENTS.items():
        pair = (_count(post.get(f"l_{segment}", ""), f"segmen {label} L", errors, blank=0),
                _count(post.get(f"p_{segment}", ""), f"segmen {label} P", errors, blank=0))
        if None not in pair and sum(pair):
            counts[segment] = pair
    if errors:
        return None, errors
    return Attendance(values["laki"], values["perempuan"], counts), []


def _count(text: str, label: str, errors: list[str], blank: int | None = None) -> int | None:
    text = text.strip()
    if not text and blank is not None:
        return blank
    if not text.isdigit() or int(text) > MAX_COUNT:
        errors.append(f"Jumlah {label}: isi bilangan bulat 0 atau lebih, bukan '{text}'.")
        return None
    return int(text)


def _form_of(activity) -> dict:
    a = activity.attendance
    return {"tanggal": activity.day.isoformat(), "jenis": activity.kind, "tema": activity.topic,
            "sasaran": list(activity.segments), "laki": str(a.men), "perempuan": str(a.women),
            "materi": activity.materials, "koreksi": str(activity.id),
            **{f"l_{s}": str(lp[0]) for s, lp in a.by_segment.items()},
            **{f"p_{s}": str(lp[1]) for s, lp in a.by_segment.items()}}


def village_page(request, kode_desa: str):
    """The village's activities and the form that records one (or corrects one: ?koreksi=N)."""
    ws = _ws()
    known = step.villages(ws)
    if kode_desa not in known:
        raise Http404
    errors: list[str] = []
    form: dict = {"tanggal": local_today().isoformat(), "sasaran": []}
    held = step.activities(ws, kode_desa)
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("tanggal", "jenis", "tema", "laki", "perempuan",
                                                             "materi", "koreksi")}
        form["sasaran"] = request.POST.getlist("sasaran")
        form |= {k: v for k, v in request.POST.items() if k[:2] in ("l_", "p_")}
        asked, errors = _request(request, kode_desa, form, held)
        if asked is not None:
            try:
                _seq, activity = step.record(ws, asked)
            except Exception as exc:
                if not is_refusal(exc):
                    raise
                errors = str(exc).split("; ")
            else:
                messages.success(request, f"Kegiatan nomor {activity.id} tercatat: peserta {activity.attendance.total} "
                                          f"(L {activity.attendance.men}, P {activity.attendance.women}).")
                return redirect(reverse("pendidikan_desa", args=[kode_desa]))
    elif request.GET.get("koreksi", "").isdigit():
        found = next((a for a in held if a.id == int(request.GET["koreksi"])), None)
        if found is None:
            raise Http404
        form = _form_of(found)
    kecamatan, desa = known[kode_desa]
    return render(request, "web/voter_education/village.html", {
        "kode_desa": kode_desa, "desa": desa, "kecamatan": kecamatan, "activities": held, "form": form,
        "errors": errors, "kinds": KINDS, "segments": SEGMENTS,
        "segment_rows": [(k, label, form.get(f"l_{k}", ""), form.get(f"p_{k}", "")) for k, label in SEGMENTS.items()]},
        status=400 if errors else 200)


def _request(request, kode_desa: str, form: dict, held: list):
    """(the step's request, []) from the form, or (None, what is wrong with it)."""
    errors = []
    try:
        held_on = day(form["tanggal"])
    except StepError as exc:
        errors.append(f"Tanggal kegiatan: {exc}")
    attendance, wrong = _attendance(request.POST)
    errors += wrong
    corrects = int(form["koreksi"]) if form.get("koreksi", "").isdigit() else 0
    if corrects and corrects not in {a.id for a in held}:
        errors.append(f"Kegiatan nomor {corrects} bukan kegiatan desa ini")
    photos = tuple((f.name, f.read()) for f in request.FILES.getlist("foto"))
    if errors:
        return None, errors
    reason = step.RECORD_REASON + " (web)"
    return step.RecordRequest(held_on, kode_desa, form["jenis"], form["tema"], tuple(form["sasaran"]), attendance,
                              Who(**access.who(request, reason)), form["materi"], photos, corrects), []


@require_POST
def withdraw(request, kode_desa: str):
    ws = _ws()
    number = request.POST.get("nomor", "").strip()
    if not number.isdigit() or int(number) not in {a.id for a in step.activities(ws, kode_desa)}:
        raise Http404
    reason = request.POST.get("alasan", "").strip() or "Kegiatan keliru dicatat (web)"
    step.withdraw(ws, int(number), Who(**access.who(request, reason)))
    messages.success(request, f"Kegiatan nomor {number} dibatalkan; catatan lamanya tetap di log.")
    return redirect(reverse("pendidikan_desa", args=[kode_desa]))


def photo(request, kode_desa: str, sha256: str):
    """One photo of one of the village's activities (to whom the activity belongs only)."""
    ws = _ws()
    for activity in step.activities(ws, kode_desa):
        if any(p["sha256"] == sha256 for p in activity.photos):
            try:
                name, content = step.photo(ws, activity, sha256)
            except StepError:
                raise Http404 from None
            kind = {b"\xff\xd8": "image/jpeg", b"\x89P": "image/png"}.get(content[:2], "application/pdf")
            response = HttpResponse(content, content_type=kind)
            response["Content-Disposition"] = f'inline; filename="{_safe(name)}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
    raise Http404


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[:100] or "foto"


def targets_page(request):
    """The villages ranked by need; counts and shares only."""
    try:
        found = step.targeting(_ws())
    except StepError as exc:
        return render(request, "web/voter_education/targets.html", {"refused": str(exc)})
    labels = step.factor_labels()
    # What was already held beside the need: where the list says go and no one has been yet.
    held = {code: t.activities for code, _kecamatan, _desa, t in step.report(_ws()).villages}
    rows = [{**r, "shares": [(step.decimal(r[f"{f}_pct"]), r[f"{f}_peringkat"], r[f]) for f in found.factors],
             "score": step.decimal(r["skor"]), "held": held.get(r["kode_desa"], 0)}
            for r in found.table.iter_rows(named=True)]
    return render(request, "web/voter_education/targets.html", {
        "rows": rows, "factors": [labels[f] for f in found.factors],
        "notes": step.target_notes(found, since=LAST_GENERAL_ELECTION, on=local_today())})


def _file(path: Path, content_type: str) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


def activities_xlsx(request):
    result = step.report(_ws(), access.village_scope(request))
    with tempfile.TemporaryDirectory() as folder:
        return _file(step.write_activities_xlsx(result, Path(folder) / step.ACTIVITIES_FILE), XLSX)


def targets_xlsx(request):
    try:
        found = step.targeting(_ws())
    except StepError as exc:
        return render(request, "web/voter_education/targets.html", {"refused": str(exc)}, status=400)
    with tempfile.TemporaryDirectory() as folder:
        return _file(step.write_targets_xlsx(found, Path(folder) / step.TARGETS_FILE, since=LAST_GENERAL_ELECTION,
                                             on=local_today()), XLSX)


@require_POST  # printing issues a number
def report_pdf(request):
    """The report of the regency (KPU) or of one village (KPU, or the village's committee)."""
    scope = access.village_scope(request)
    kode_desa = scope or request.POST.get("desa", "").strip() or None
    if kode_desa is not None and kode_desa not in step.villages(_ws()):
        raise Http404
    who = Who(**access.who(request, step.PRINT_REASON + " (web)"))
    with tempfile.TemporaryDirectory() as folder:
        return _file(step.print_report(_ws(), Path(folder), who, kode_desa), "application/pdf")


RULES_TARGET = only(Role.KPU, Role.VIEWER)
routes = [
    route("kerja-sama/pendidikan/", report_page, "pendidikan", only(Role.KPU, Role.PANITIA, Role.VIEWER)),
    route("kerja-sama/pendidikan/kegiatan.xlsx", activities_xlsx, "pendidikan_xlsx",
          only(Role.KPU, Role.PANITIA, Role.VIEWER)),
    route("kerja-sama/pendidikan/laporan.pdf", report_pdf, "pendidikan_pdf", only(Role.KPU, Role.PANITIA)),
    route("kerja-sama/pendidikan/sasaran/", targets_page, "pendidikan_sasaran", RULES_TARGET),
    route("kerja-sama/pendidikan/sasaran.xlsx", targets_xlsx, "pendidikan_sasaran_xlsx", RULES_TARGET),
    route("kerja-sama/pendidikan/desa/<str:kode_desa>/", village_page, "pendidikan_desa",
          only(Role.KPU, Role.PANITIA)),
    route("kerja-sama/pendidikan/desa/<str:kode_desa>/batal/", withdraw, "pendidikan_batal",
          only(Role.KPU, Role.PANITIA)),
    route("kerja-sama/pendidikan/desa/<str:kode_desa>/foto/<str:sha256>/", photo, "pendidikan_foto",
          only(Role.KPU, Role.PANITIA)),
]
