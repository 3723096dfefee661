"""The village-head election (Pilkalem) in the browser: what `pemilih election` does.

DPML creates an election and sets its lists (DPS, then DPT with TPS and logistics, then DPTb)
as background jobs that call the same library functions as the command (store/elections.py
set_list, then commands/election.py publish into the job's folder). Public responses to the
DPS are uploaded as a sheet (store/responses.py): the file lands whole or not at all, every bad
cell named on the page. Per village: the announcement PDF of a set list and the TPS table with
logistics; a village committee reaches only its own village (the middleware checks the URL,
the views narrow every list with access.village_scope).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from pemilih.web import access, jobs, workspace
from pemilih.web.access import only, route
from pemilih.web.models import Job
from pemilih.web.roles import Role
from pemilih.web.villages import villages

KIND_LIST = "pilkalem_daftar"
STAGES = ("DPS", "DPT", "DPTb")
PDF_PROCESSES = 2  # announcement PDFs are drawn in worker processes; the machine has 2 cores
MAX_UPLOAD = 20 * 1024 * 1024  # a responses sheet is a few hundred rows
RESPONSE_SUFFIXES = (".xlsx", ".xls", ".ods")  # what the sheet reader (calamine) opens
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")  # it goes into URLs
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_CREATE = "Penetapan penyelenggaraan Pilkalem"
REASON_RESPONSES = "Tanggapan masyarakat atas DPS (unggahan web)"
STAGE_REASONS = {s: f"Penetapan {s} oleh panitia pemilihan (web)" for s in STAGES}


def _election_or_404(request, code: str):
    """The election, if it exists and concerns the account (a committee: its own village)."""
    from pemilih.store.models import Election
    e = Election.objects.filter(code=code).first()
    scope = access.village_scope(request)
    if e is None or (scope is not None and scope not in e.villages):
        raise Http404
    return e


def _visible_villages(request, e) -> list[str]:
    scope = access.village_scope(request)
    return [scope] if scope is not None else list(e.villages)


def _can_set(request) -> bool:
    return access.RULES["pilkalem_tetapkan"].allows(access.role_of(request))


# --- the elections ----------------------------------------------------------------------------

def election_list(request):
    from pemilih.store.models import Election, ElectionVoter
    scope = access.village_scope(request)
    rows = []
    for e in Election.objects.order_by("-voting_day", "code"):
        if scope is not None and scope not in e.villages:
            continue
        lists = []
        for stage in STAGES:
            made = e.lists.filter(stage=stage).order_by("-id").first()
            if made is None:
                continue
            n = made.voters if scope is None else ElectionVoter.objects.filter(list=made, kode_desa=scope).count()
            lists.append({"stage": stage, "voters": n})
        rows.append({"e": e, "villages": len(e.villages), "lists": lists})
    return render(request, "web/election/list.html", {
        "elections": rows, "can_create": access.RULES["pilkalem_buat"].allows(access.role_of(request))})


def _lembang(choices: list[dict]) -> list[str]:
    """Villages holding a village-head election: lembang/desa (code part 2xxx), not kelurahan."""
    return [v["kode_desa"] for v in choices if v["kode_desa"].split(".")[-1].startswith("2")]


def election_create(request):
    from pemilih.domain.codes import regimes
    from pemilih.store import elections
    choices = villages()
    form = {"kode": "", "nama": "", "rezim": "PILKALEM", "hari": "", "dps": "", "maks_tps": "500",
            "cakupan": "semua", "desa": [], "alasan": REASON_CREATE}
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        form.update({k: p.get(k, "").strip() for k in ("kode", "nama", "rezim", "hari", "dps", "maks_tps",
                                                        "cakupan", "alasan")})
        form["desa"] = p.getlist("desa")
        values, errors = _creation(form, choices)
        if not errors:
            try:
                e = elections.create(workspace.current(), **values, **access.who(request, form["alasan"]))
            except elections.ElectionError as exc:  # ChangeError: its message is for the user
                errors.append(str(exc))
            else:
                messages.success(request, f"Pemilihan {e.code} dibuat: {len(e.villages)} desa.")
                return redirect("pilkalem_detail", e.code)
    return render(request, "web/election/create.html", {
        "form": form, "errors": errors, "villages": choices, "regimes": regimes(),
        "lembang": set(_lembang(choices))}, status=400 if errors else 200)


def _creation(form: dict, choices: list[dict]) -> tuple[dict, list[str]]:
    """The arguments of elections.create from the form, or what is wrong with it."""
    from pemilih.domain.codes import regimes
    errors = []
    if not CODE_PATTERN.match(form["kode"]):
        errors.append("Kode pemilihan: huruf, angka, - atau _ saja (mis. PILKALEM2027).")
    if not form["nama"]:
        errors.append("Nama pemilihan wajib diisi.")
    if form["rezim"] not in regimes():
        errors.append(f"Tabel kode '{form['rezim']}' tidak dikenal.")
    days = {}
    for field, label in (("hari", "Hari pemungutan suara"), ("dps", "Tanggal penetapan DPS")):
        try:
            days[field] = date.fromisoformat(form[field])
        except ValueError:
            errors.append(f"{label}: isi tanggal yang sah.")
    try:
        cap = int(form["maks_tps"])
    except ValueError:
        cap = 0
        errors.append("Pemilih paling banyak per TPS: isi bilangan bulat.")
    known = {v["kode_desa"] for v in choices}
    chosen = _lembang(choices) if form["cakupan"] == "semua" else [d for d in form["desa"] if d in known]
    if form["cakupan"] != "semua" and len(chosen) != len(form["desa"]):
        errors.append("Ada desa terpilih yang tidak ada dalam daftar pemilih.")
    if not chosen:
        errors.append("Pilih paling sedikit satu desa/lembang.")
    if not form["alasan"]:
        errors.append("Dasar penetapan wajib diisi (dicatat dalam log peristiwa).")
    values = {"code": form["kode"], "name": form["nama"], "regime": form["rezim"],
              "voting_day": days.get("hari"), "dps_set_on": days.get("dps"), "villages": chosen,
              "max_per_tps": cap}
    return values, errors


# --- one election: its stages, villages and TPS ------------------------------------------------

def election_detail(request, code: str, problems: list[str] | None = None, status: int = 200):
    from pemilih.store import elections
    from pemilih.store.models import Event
    from pemilih.store.projection import RESPONSE_RECORDED
    e = _election_or_404(request, code)
    shown = _visible_villages(request, e)
    lists = {s: elections.latest(e, s) for s in STAGES}
    answered = Event.objects.filter(kind=RESPONSE_RECORDED, payload__election=e.code)
    stages = [{"stage": s, "name": elections.STAGE_NAMES[s], "list": lists[s],
               "set_on": lists[s].event.happened_at if lists[s] else None,
               "ready": s == "DPS" or lists[{"DPT": "DPS", "DPTb": "DPT"}[s]] is not None} for s in STAGES]
    tps_list = lists["DPT"] or lists["DPS"]
    chosen = request.GET.get("desa") if request.GET.get("desa") in shown else (shown[0] if shown else None)
    return render(request, "web/election/detail.html", {
        "e": e, "stages": stages, "can_set": _can_set(request),
        "responses": {"batches": answered.count(),
                      "rows": sum(ev.payload.get("responses", 0) for ev in answered)},
        "villages": _village_rows(e, lists, shown), "tps_list": tps_list, "chosen": chosen,
        "tps": _tps_summary(tps_list, chosen) if tps_list and chosen else [],
        "problems": problems or [], "scoped": access.village_scope(request) is not None,
    }, status=status)


def _village_rows(e, lists: dict, shown: list[str]) -> list[dict]:
    """Per village: voters on each set list and the number of TPS (DPT, else DPS)."""
    from pemilih.store.models import ElectionVoter
    names = {v["kode_desa"]: v for v in villages()}
    counts: dict[str, dict] = {}
    for stage, made in lists.items():
        if made is None:
            continue
        for row in (ElectionVoter.objects.filter(list=made, kode_desa__in=shown).values("kode_desa")
                    .annotate(n=Count("id"), tps=Count("tps_number", distinct=True))):
            counts.setdefault(row["kode_desa"], {})[stage] = row
    tps_stage = "DPT" if lists["DPT"] else "DPS"
    rows = []
    for kode in shown:
        found = counts.get(kode, {})
        rows.append({"kode_desa": kode, "desa": names.get(kode, {}).get("desa", ""),
                     "kecamatan": names.get(kode, {}).get("kecamatan", ""),
                     "counts": [found.get(s, {}).get("n") for s in STAGES],
                     "tps": found.get(tps_stage, {}).get("tps"),
                     "printable": [s for s in STAGES if found.get(s)]})
    return rows


def _tps_summary(made, kode_desa: str) -> list[dict]:
    """TPS, L, P and total of one village on a set list, from its stored rows."""
    from pemilih.store.models import ElectionVoter
    return list(ElectionVoter.objects.filter(list=made, kode_desa=kode_desa).values("tps_number")
                .annotate(l=Count("id", filter=Q(jenis_kelamin="L")),
                          p=Count("id", filter=Q(jenis_kelamin="P")), n=Count("id"))
                .order_by("tps_number"))


# --- setting a list: a background job ---------------------------------------------------------

def set_list(request, code: str, stage: str):
    from pemilih.engine.logistics import LogisticsParams
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    e = _election_or_404(request, code)
    if stage not in STAGES:
        raise Http404
    reserve = request.POST.get("cadangan", "").strip()
    if reserve:
        try:  # checked now: the list is set before the logistics are computed
            LogisticsParams.for_election("pilkalem", reserve_percent=reserve)
        except ValueError as exc:
            return election_detail(request, code, [f"Cadangan surat suara: {exc}"], status=400)
    access.require_agreement(request, list(e.villages))
    params = {"code": e.code, "stage": stage, "cadangan": reserve or None,
              "pengumuman": request.POST.get("pengumuman", "1") == "1",
              "who": access.who(request, STAGE_REASONS[stage]),
              "next_url": reverse("pilkalem_detail", args=[e.code]), "personal_data": True}
    job = jobs.enqueue(request, KIND_LIST, params)
    return redirect("pekerjaan", job.pk)


@jobs.handler(KIND_LIST, "Penetapan daftar Pilkalem")
def run_set_list(job: Job, bar) -> str:
    """elections.set_list, then the command's publish into the job's folder (list workbook,
    announcement PDFs per village, and for the DPT the logistics)."""
    from pemilih.commands.election import publish
    from pemilih.store import elections
    p = job.params
    ws = workspace.current()
    e = elections.election(ws, p["code"])
    bar.stage(f"Menetapkan {p['stage']} dan membagi TPS")
    made = elections.set_list(ws, e, p["stage"], **p["who"])
    job.result = {"list": made.list.pk, "election": e.code, "stage": p["stage"]}
    out = jobs.output_dir(job)
    villages_on_list = made.voters["kode_desa"].n_unique() if made.voters.height else 0
    bar.stage("Mencetak daftar, pengumuman dan logistik", total=villages_on_list or None)
    paths = publish(made, e, out, processes=PDF_PROCESSES, reserve=p.get("cadangan"),
                    announce=p.get("pengumuman", True), progress=lambda n: bar.update(n - bar.n))
    _zip_announcements(out, made.list.stage, e.code)
    tps = made.voters.select("kode_desa", "tps_number").n_unique() if made.voters.height else 0
    message = (f"{made.list.stage} {e.code} ditetapkan: {made.list.voters:,} pemilih di {tps} TPS "
               f"(peristiwa #{made.list.event_id}); {len(paths)} berkas.").replace(",", ".")
    if made.warnings:
        message += "\nPeringatan: " + "; ".join(made.warnings[:10])
    return message


def _zip_announcements(out: Path, stage: str, code: str) -> None:
    """All villages' announcement PDFs in one file beside the others (the job page lists the
    files of its folder, not of sub-folders)."""
    pdfs = sorted((out / "pengumuman").glob("*.pdf"))
    if not pdfs:
        return
    with zipfile.ZipFile(out / f"pengumuman_{stage}_{code}.zip", "w", zipfile.ZIP_STORED) as z:
        for pdf in pdfs:  # PDFs are compressed already
            z.write(pdf, pdf.name)


# --- public responses ---------------------------------------------------------------------------

def upload_responses(request, code: str):
    from pemilih.store import responses
    from pemilih.store.changes import ChangeError
    if request.method != "POST":
        return redirect("pilkalem_detail", code)
    e = _election_or_404(request, code)
    upload = request.FILES.get("berkas")
    if upload is None:
        return election_detail(request, code, ["Pilih berkas tanggapan (xlsx) untuk diunggah."], status=400)
    try:
        stored = jobs.save_upload(upload, RESPONSE_SUFFIXES, MAX_UPLOAD)
    except ValueError as exc:
        return election_detail(request, code, [str(exc)], status=400)
    try:
        rows = _read_responses(stored, stored.name)
        scope = access.village_scope(request)
        outside = _outside_village(rows, scope) if scope is not None else []
        if outside:
            raise responses.ResponseError(outside)
        out = responses.record(workspace.current(), e, rows, **access.who(request, REASON_RESPONSES))
    except responses.ResponseError as exc:
        return election_detail(request, code, exc.problems, status=400)
    except ChangeError as exc:
        return election_detail(request, code, [str(exc)], status=400)
    finally:
        shutil.rmtree(stored.parent, ignore_errors=True)
    counts = ", ".join(f"{k.lower()} {v}" for k, v in sorted(out.counts.items())) or "tidak ada perubahan"
    messages.success(request, f"Tanggapan dicatat ({counts})"
                     + (f", peristiwa #{out.event_seq}." if out.event_seq else "."))
    return redirect("pilkalem_detail", code)


def _read_responses(stored: Path, shown: str) -> list[tuple[str, dict]]:
    """responses.read_sheet, with each row named after the file the user sent (not the
    server's name for it); a file that is not a readable workbook is refused with a reason."""
    from pemilih.store import responses
    try:
        rows = responses.read_sheet(stored)
    except Exception as exc:  # calamine's errors differ by format: any unreadable file is one answer
        raise responses.ResponseError([f"{shown}: bukan lembar kerja xlsx yang dapat dibaca "
                                       f"({type(exc).__name__})"]) from None
    if not rows:
        raise responses.ResponseError([f"{shown}: tidak ada baris tanggapan di lembar pertama"])
    return [(shown + ref[len(stored.name):], r) for ref, r in rows]


def _outside_village(rows: list[tuple[str, dict]], scope: str) -> list[str]:
    """A committee answers for its own village only: every row naming a voter of another
    village, or adding one elsewhere, is named (the library checks the rest)."""
    from pemilih.domain.nik import clean_id
    from pemilih.store.models import Voter
    from pemilih.store.responses import judge_cell
    keys = {r.get("KUNCI") for _, r in rows if r.get("KUNCI")}
    niks = {clean_id(r.get("NIK")) for _, r in rows if clean_id(r.get("NIK"))}
    by_key = dict(Voter.objects.filter(key__in=keys).values_list("key", "kode_desa"))
    by_nik = dict(Voter.objects.filter(nik__in=niks).values_list("nik", "kode_desa"))
    problems = []
    for ref, r in rows:
        if (r.get("JENIS") or "").upper() == "TAMBAH":
            # The code as the list stores it (`7326012001` is `73.26.01.2001`); one that is no
            # code at all is refused by responses.record with the judge's reason.
            code = judge_cell("kode_desa", r.get("KODE DESA")).value
            if code and code != scope:
                problems.append(f"{ref} kolom KODE DESA: panitia hanya menambah pemilih desa {scope}")
            continue
        village = by_key.get(r.get("KUNCI")) if r.get("KUNCI") else by_nik.get(clean_id(r.get("NIK")))
        if village is not None and village != scope:
            problems.append(f"{ref} kolom KUNCI/NIK: pemilih ini bukan pemilih desa {scope}")
    return problems


# --- per-village downloads ----------------------------------------------------------------------

def _list_of(e, stage: str):
    from pemilih.store import elections
    if stage not in STAGES:
        raise Http404
    made = elections.latest(e, stage)
    if made is None:
        raise Http404
    return made


def _village_frame(made, kode_desa: str):
    """Every stored column of one village's rows of a set list, in list order (as rows_of)."""
    import polars as pl

    from pemilih.io.records import KPU_COLUMNS
    from pemilih.store.models import ElectionVoter
    rows = list(ElectionVoter.objects.filter(list=made, kode_desa=kode_desa).order_by("position")
                .values_list("key", "tps_number", *KPU_COLUMNS))
    schema = {"key": pl.String, "tps_number": pl.Int64, **{c: pl.String for c in KPU_COLUMNS}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def announcement(request, code: str, kode_desa: str, stage: str):
    e = _election_or_404(request, code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    path = _announcement_file(e, _list_of(e, stage), kode_desa)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/pdf")


def _announcement_file(e, made, kode_desa: str) -> Path | None:
    """The village's announcement PDF of this list: the one the job that set it printed, else
    printed now (once: kept per list, and a set list never changes)."""
    pattern = f"{made.stage}_{kode_desa.replace('.', '')}_*.pdf"
    for job in Job.objects.filter(kind=KIND_LIST, status=Job.DONE, result__list=made.pk):
        found = sorted((jobs.output_dir(job) / "pengumuman").glob(pattern))
        if found:
            return found[0]
    cache = jobs.workspace_dir() / "web" / "pilkalem" / f"daftar-{made.pk}"
    found = sorted(cache.glob(pattern))
    if found:
        return found[0]
    return _print_announcement(e, made, kode_desa, cache)


def _print_announcement(e, made, kode_desa: str, cache: Path) -> Path | None:
    import polars as pl

    from pemilih.io.announcement_pdf import write_announcements
    from pemilih.store.elections import named
    rows = _village_frame(made, kode_desa)
    if not rows.height:
        return None
    voters = named(rows).with_columns(pl.col("tps_number").cast(pl.String).str.zfill(3).alias("tps"))
    cache.mkdir(parents=True, exist_ok=True)
    # Printed aside and moved in whole: two requests at once never serve half a file.
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        [printed] = write_announcements(voters, tmp, title=f"Pengumuman {made.stage}", stage=made.stage,
                                        election_name=e.name, voting_day=e.voting_day, processes=1)
        final = cache / printed.name
        os.replace(printed, final)
    return final


def tps_table(request, code: str, kode_desa: str):
    """The village's TPS as a workbook: TPS, voters L/P, ballots with reserve and equipment."""
    from pemilih.engine.logistics import LogisticsParams, logistics
    from pemilih.store.elections import latest, tps_counts
    e = _election_or_404(request, code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    stage = request.GET.get("tahap") or ("DPT" if latest(e, "DPT") else "DPS")
    made = _list_of(e, stage)
    rows = _village_frame(made, kode_desa)
    if not rows.height:
        raise Http404
    setter = Job.objects.filter(kind=KIND_LIST, result__list=made.pk).first()
    reserve = setter.params.get("cadangan") if setter else None
    params = LogisticsParams.for_election("pilkalem", **({"reserve_percent": reserve} if reserve else {}))
    result = logistics(tps_counts(rows), params)
    by_tps = {r["tps_number"]: r for r in _tps_summary(made, kode_desa)}
    body = _tps_workbook(e, made, result.per_tps.to_dicts(), by_tps, params)
    name = f"TPS_{made.stage}_{kode_desa.replace('.', '')}.xlsx"
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


TPS_HEADERS = [("tps", "TPS"), ("l", "Laki-laki"), ("p", "Perempuan"), ("pemilih", "Jumlah pemilih"),
               ("cadangan", "Cadangan"), ("surat_suara", "Surat suara"), ("kotak_suara", "Kotak suara"),
               ("bilik_suara", "Bilik suara"), ("tinta", "Tinta"), ("segel", "Segel"), ("formulir", "Formulir")]


def _tps_workbook(e, made, per_tps: list[dict], by_tps: dict, params) -> bytes:
    import io

    import xlsxwriter

    from pemilih.io.logistics_xlsx import reserve_note
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("TPS")
    bold = book.add_format({"bold": True})
    first = per_tps[0] if per_tps else {}
    for n, line in enumerate([f"Daftar TPS {made.stage} — {e.name}",
                              f"{first.get('desa', '')} ({first.get('kode_desa', '')}), "
                              f"Kecamatan {first.get('kecamatan', '')}", reserve_note(params)]):
        sheet.write_string(n, 0, line, bold if n == 0 else None)
    top = 4
    sheet.write_row(top, 0, [h for _, h in TPS_HEADERS], bold)
    sheet.set_column(0, len(TPS_HEADERS) - 1, 13)
    totals = {c: 0 for c, _ in TPS_HEADERS[1:]}
    for i, row in enumerate(per_tps, start=top + 1):
        counted = by_tps.get(row["tps"], {})
        values = {**row, "l": counted.get("l", 0), "p": counted.get("p", 0)}
        sheet.write_string(i, 0, f"{row['tps']:03d}")
        for j, (c, _) in enumerate(TPS_HEADERS[1:], start=1):
            sheet.write_number(i, j, values[c])
            totals[c] += values[c]
    end = top + 1 + len(per_tps)
    sheet.write_string(end, 0, "JUMLAH", bold)
    for j, (c, _) in enumerate(TPS_HEADERS[1:], start=1):
        sheet.write_number(end, j, totals[c], bold)
    sheet.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()


routes = [
    route("pilkalem/", election_list, "pilkalem", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/buat/", election_create, "pilkalem_buat", only(Role.DPML)),
    route("pilkalem/<str:code>/", election_detail, "pilkalem_detail", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/tanggapan/", upload_responses, "pilkalem_tanggapan", only(Role.DPML, Role.PANITIA)),
    route("pilkalem/<str:code>/tetapkan/<str:stage>/", set_list, "pilkalem_tetapkan",
          only(Role.DPML, personal_data=True)),
    route("pilkalem/<str:code>/<str:kode_desa>/pengumuman/<str:stage>/", announcement, "pilkalem_pengumuman",
          only(Role.DPML, Role.PANITIA, personal_data=True)),
    route("pilkalem/<str:code>/<str:kode_desa>/tps/", tps_table, "pilkalem_tps", only(Role.DPML, Role.PANITIA)),
]
