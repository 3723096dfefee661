"""The Rakor dashboard: the recap of a period per kecamatan and per village, charts, the change
across periods and stored lists, and its exports (XLSX, PDF for the meeting).

Aggregates only (no voter is shown), so no data-sharing agreement is needed; village
committees have no place here (their own village's list is on their own pages). Every number
comes from store/recap.py through web/rakor.py (cached per newest event); nothing is counted
here.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from pemilih.domain.codes import label as code_label
from pemilih.domain.codes import regimes
from pemilih.web import charts, params, rakor
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import queue_context

RULE = only(Role.VIEWER, Role.KPU, Role.DPML, Role.DISDUKCAPIL)
MAX_COLUMNS = 6  # periods side by side in a comparison


class _Asked:
    """The period, code table and kecamatan a request asks for (defaults filled in)."""

    def __init__(self, request, kecamatan: str | None = None):
        self.error = ""
        self.malformed = False  # a day that cannot be read, not a period that cannot be counted
        default = rakor.default_period()
        self.start, self.end = default or (None, None)
        for name in ("dari", "sampai"):
            text = (request.GET.get(name) or "").strip()
            if text:
                try:
                    setattr(self, "start" if name == "dari" else "end", params.day(text))
                except params.ParamError as err:
                    self.error, self.malformed = str(err), True
        wanted = request.GET.get("rezim") or ""
        self.regime = wanted if wanted in regimes() else rakor.default_regime()
        self.kecamatan = (kecamatan or request.GET.get("kecamatan") or "").strip()

    def query(self, **extra) -> str:
        values = {"dari": self.start.isoformat() if self.start else "",
                  "sampai": self.end.isoformat() if self.end else "", "rezim": self.regime, **extra}
        return urlencode({k: v for k, v in values.items() if v})


def _recap(asked: _Asked):
    """(recap of the whole regency, the kecamatan asked for or None); (None, None) and
    asked.error set when it cannot be counted."""
    if asked.malformed:  # a day that cannot be read: nothing counted, the message shown
        return None, None
    if asked.start is None:
        asked.error = asked.error or "Belum ada daftar pemilih yang diterima di ruang kerja ini."
        return None, None
    try:
        result = rakor.period_recap(asked.start, asked.end, asked.regime)
    except rakor.PeriodError as exc:
        asked.error = str(exc)
        return None, None
    name = None
    if asked.kecamatan:
        name = rakor.find_kecamatan(result, asked.kecamatan)
        if name is None:
            asked.error = f"Kecamatan '{asked.kecamatan}' tidak ada dalam rekap periode ini."
    return result, name


def dashboard(request, kecamatan: str | None = None):
    asked = _Asked(request, kecamatan)
    result, name = _recap(asked)
    context = {"asked": asked, "regimes": regimes(), "result": None, "query": asked.query()}
    if result is not None and not (asked.kecamatan and name is None):
        shown = rakor.narrowed(result, name)
        by = "desa" if name else "kecamatan"
        rows = rakor.table_rows(shown, by)
        context.update(
            result=shown, kecamatan=name, rows=rows, total=rakor.total_row(shown),
            kecamatan_code=rakor.kecamatan_codes(result).get(name, "") if name else "",
            # in Kemendagri code order, as the tables and the report list them
            choices=[{"code": c, "name": n} for n, c in sorted(rakor.kecamatan_codes(result).items(),
                                                               key=lambda x: (str(x[1] or "~"), str(x[0])))],
            tms_titles=[{"code": c, "label": code_label(c, shown.regime)} for c in shown.tms_codes],
            export_query=asked.query(kecamatan=rakor.kecamatan_codes(result).get(name, name) if name else ""),
            voters_chart=_voters_chart(rows, by), tms_chart=_tms_chart(rows, shown, by),
            cooperation=[] if name else rakor.cooperation(shown.end_day),
            queue_url=queue_context(request)["queue_url"])
    status = 404 if asked.kecamatan and name is None and result is not None else 200
    return render(request, "web/dashboard/index.html", context, status=status)


def _voters_chart(rows: list[dict], by: str) -> str:
    where = "kecamatan" if by == "kecamatan" else "desa"
    return charts.stacked_bars(
        f"Pemilih akhir periode per {where}, laki-laki dan perempuan",
        [(r["name"], [r["akhir_l"], r["akhir_p"]]) for r in rows],
        [charts.Series("Laki-laki (L)", css="bar"), charts.Series("Perempuan (P)", css="bar alt")])


def _tms_chart(rows: list[dict], result, by: str) -> str:
    where = "kecamatan" if by == "kecamatan" else "desa"
    used = [i for i, c in enumerate(result.tms_codes) if any(r["tms"][i] for r in rows)]
    series = charts.palette([f"{result.tms_codes[i]} {code_label(result.tms_codes[i], result.regime)}"
                             for i in used])
    return charts.stacked_bars(f"Tidak memenuhi syarat (TMS) per {where}, menurut kategori",
                               [(r["name"], [r["tms"][i] for i in used]) for r in rows], series)


def compare(request):
    asked = _Asked(request)
    picked = [k for k in request.GET.getlist("p") if k]
    custom = bool(request.GET.get("dari") or request.GET.get("sampai"))
    available = rakor.choices()
    if not picked and not custom:
        # First visit: the stored lists and the dashboard's own period (most likely counted
        # already); each month costs a replay of the log, so months are picked by hand.
        picked = [c["key"] for c in available if c["key"].startswith("daftar-")][-(MAX_COLUMNS - 1):]
        custom = asked.start is not None
    if custom and asked.start and asked.end and not asked.error:
        picked.append(f"rentang-{asked.start:%Y%m%d}-{asked.end:%Y%m%d}")
    columns, errors = [], [asked.error] if asked.error else []
    wanted = list(dict.fromkeys(picked))  # each once, in the order asked
    if len(wanted) > MAX_COLUMNS:
        # Each period is a replay of the log: bounded work per request, the rest not counted.
        errors.append(f"Paling banyak {MAX_COLUMNS} periode dibandingkan sekaligus; {len(wanted) - MAX_COLUMNS} "
                      "periode lainnya tidak dihitung dan tidak ditampilkan.")
        wanted = wanted[:MAX_COLUMNS]
    for key in wanted:
        try:
            columns.append(rakor.column(key, asked.regime))
        except rakor.PeriodError as exc:
            errors.append(str(exc)[:200])
    columns = rakor.by_end(columns)
    context = {"asked": asked, "available": available, "picked": set(picked), "columns": columns,
               "errors": errors, "regimes": regimes(), "custom": custom,
               "table": rakor.comparison(columns) if columns else None}
    return render(request, "web/dashboard/compare.html", context)


def _export(request, write, suffix: str, content_type: str):
    asked = _Asked(request)
    result, name = _recap(asked)
    if result is None or (asked.kecamatan and name is None):
        return render(request, "web/dashboard/index.html",
                      {"asked": asked, "regimes": regimes(), "result": None, "query": asked.query()},
                      status=404 if result is not None else 200)
    shown = rakor.narrowed(result, name)
    part = f"_{rakor.kecamatan_codes(result).get(name, '').replace('.', '')}" if name else ""
    filename = f"rekap_{asked.start:%Y%m%d}_{asked.end:%Y%m%d}{part}.{suffix}"
    with tempfile.TemporaryDirectory(prefix="pemilih-rakor-") as folder:
        path = Path(folder) / filename
        write(shown, path, name)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_xlsx(request):
    from pemilih.cycle import recap

    def write(result, path, name):
        recap.write_xlsx(result, path, kecamatan=name)
    return _export(request, write, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


REASON_REPORT = "Laporan rapat koordinasi dicetak"


def export_pdf(request):
    from pemilih.cycle import recap
    from pemilih.cycle.common import Who
    from pemilih.web import access, workspace

    # Numbered by KPU's scheme when KPU prints it (the number kept when printed again); anyone
    # else gets the number KPU gave it, or a dotted line: a viewer never issues KPU's documents.
    issues = access.role_of(request) in (Role.KPU, Role.ADMIN)

    def write(result, path, name):
        recap.write_pdf(result, path, kecamatan=name, printed_on=rakor.today(), ws=workspace.current(),
                        who=Who(**access.who(request, REASON_REPORT)) if issues else None)
    return _export(request, write, "pdf", "application/pdf")


routes = [
    route("rekap/", dashboard, "rekap", RULE),
    route("rekap/banding/", compare, "rekap_banding", RULE),
    route("rekap/unduh/xlsx/", export_xlsx, "rekap_xlsx", RULE),
    route("rekap/unduh/pdf/", export_pdf, "rekap_pdf", RULE),
    route("rekap/<str:kecamatan>/", dashboard, "rekap_kecamatan", RULE),
]
