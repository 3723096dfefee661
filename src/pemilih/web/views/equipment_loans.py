"""Equipment loans (pinjam pakai) in the browser: what `pemilih logistik` does.

KPU keeps its register, signs the agreement and hands the items over; DPML requests the items
for an election and records each village's return; a village committee sees its own village's
loans; the Rakor viewer sees the outstanding report. The step (cycle/equipment_loans.py)
checks everything and refuses, naming the village, the item and the numbers; a refused form
is shown again with the reasons (status 400), nothing recorded.
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pemilih.cycle import equipment_loan_papers as papers
from pemilih.cycle import equipment_loans as step
from pemilih.cycle.common import StepError, Who, is_refusal
from pemilih.domain.equipment_loans import CONDITIONS, ITEMS, Returned, item_label
from pemilih.web import access, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import title_of

RETURN_FIELDS = ("baik", "rusak_ringan", "rusak_berat", "hilang")  # the order of Returned's fields
MAX_QUANTITY = step.MAX_QUANTITY


def _elections():
    from pemilih.store.models import Election
    return list(Election.objects.order_by("-voting_day", "code"))


def _election(code: str):
    from pemilih.store.models import Election
    found = Election.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _who(request, reason: str) -> Who:
    return Who(**access.who(request, reason + " (web)"))


def _number(text: str, where: str, errors: list[str]) -> int:
    text = (text or "").strip() or "0"
    if not text.isdigit() or int(text) > MAX_QUANTITY:
        errors.append(f"{where}: isi bilangan bulat 0 atau lebih, bukan '{text}'.")
        return 0
    return int(text)


def _day(text: str, where: str, errors: list[str]) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        errors.append(f"{where}: tanggal '{text}' tidak sah (YYYY-MM-DD).")
        return timezone.localdate()


def _refused(exc: Exception) -> list[str]:
    if not is_refusal(exc):
        raise exc
    return str(exc).split("; ")


# --- the overview: register and outstanding report --------------------------------------------

def overview(request):
    ws = workspace.current()
    scope = access.village_scope(request)
    rows = step.report_rows(ws, kode_desa=scope)
    return render(request, "web/loans/overview.html", {
        "register": step.inventory_rows(ws),
        "free": [(item_label(i), n) for i, n in step.free(step.book_of(ws)).items()],
        "rows": rows, "items": step.by_item(rows), "elections": _elections(), "scope": scope,
        "kpu": access.role_of(request) in (Role.KPU, Role.ADMIN), "item_choices": [(i, item_label(i)) for i in ITEMS],
        "conditions": CONDITIONS.items(), "can_download": scope is None,
        "manage": access.role_of(request) in (Role.KPU, Role.DPML, Role.ADMIN)})


def record_inventory(request):
    if request.method != "POST":
        return redirect("pinjam_pakai")
    ws, p, errors = workspace.current(), request.POST, []
    quantity = _number(p.get("jumlah"), "Jumlah", errors)
    if not errors:
        try:
            step.record_inventory(ws, step.InventoryRequest(p.get("barang", ""), p.get("gudang", ""),
                                                            p.get("kondisi", ""), quantity,
                                                            _who(request, step.INVENTORY_REASON)))
        except Exception as exc:
            errors = _refused(exc)
    if errors:
        for m in errors:
            messages.error(request, m)
    else:
        messages.success(request, f"Inventaris {item_label(p['barang'])} di {p['gudang'].strip()} tercatat.")
    return redirect("pinjam_pakai")


def workbook(request):
    with tempfile.TemporaryDirectory() as folder:
        path = papers.write_workbook(workspace.current(), Path(folder) / "pinjam_pakai.xlsx")
        response = HttpResponse(path.read_bytes(), content_type="application/vnd.openxmlformats-officedocument."
                                                              "spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="pinjam_pakai.xlsx"'
    return response


# --- one election's loan ----------------------------------------------------------------------

def _loan_context(request, e) -> dict:
    ws = workspace.current()
    book = step.book_of(ws, e.code)
    try:
        needs = step.needs(ws, e.code)
        refused = ""
    except StepError as exc:
        needs, refused = {}, str(exc)
    request_rows = step.latest_request(ws, e.code)
    held = {(r["kode_desa"], r["item"]): r["held"] for r in request_rows}
    villages = sorted({k for k, _ in needs})
    found = step.agreement(ws, e.code)
    role = access.role_of(request)
    return {"e": e, "refused": refused, "agreement": found,
            "request_rows": [{**r, "barang": item_label(r["item"]), "desa": title_of(r["kode_desa"])}
                             for r in request_rows],
            "need_rows": [{"kode_desa": v, "title": title_of(v),
                           "items": [(i, needs.get((v, i), 0), held.get((v, i), 0)) for i in ITEMS]}
                          for v in villages],
            "left": sum(step.to_hand_over(ws, e.code).values()) if found else 0,
            "handovers": book.handovers, "returns": book.returns, "rows": step.report_rows(ws, e.code),
            "items": [(i, item_label(i)) for i in ITEMS], "today": timezone.localdate().isoformat(),
            "kpu": role in (Role.KPU, Role.ADMIN), "dpml": role in (Role.DPML, Role.ADMIN)}


def loan_page(request, code: str, errors: list[str] | None = None):
    e = _election(code)
    return render(request, "web/loans/election.html", {**_loan_context(request, e), "errors": errors or []},
                  status=400 if errors else 200)


def _after(request, code: str, errors: list[str], done: str):
    if errors:
        return loan_page(request, code, errors)
    messages.success(request, done)
    return redirect("pinjam_pakai_pemilihan", code=code)


def record_request(request, code: str):
    e = _election(code)
    if request.method != "POST":
        return redirect("pinjam_pakai_pemilihan", code=e.code)
    errors, held = [], {}
    for v in e.villages:
        for i in ITEMS:
            text = request.POST.get(f"punya-{v}-{i}")
            if text is not None:
                held[(v, i)] = _number(text, f"Desa {v}, {item_label(i)} yang dimiliki", errors)
    if not errors:
        try:
            step.request(workspace.current(), step.LoanRequest(e.code, held, _who(request, step.REQUEST_REASON)))
        except Exception as exc:
            errors = _refused(exc)
    return _after(request, e.code, errors, f"Permintaan pinjam pakai {e.code} tercatat.")


def record_agreement(request, code: str):
    e = _election(code)
    if request.method != "POST":
        return redirect("pinjam_pakai_pemilihan", code=e.code)
    p, errors = request.POST, []
    day = _day(p.get("tanggal"), "Tanggal perjanjian", errors)
    due = _day(p.get("kembali"), "Tanggal paling lambat kembali", errors)
    number = ""
    if not errors:
        try:
            _seq, number = step.agree(workspace.current(), step.AgreementRequest(
                e.code, day, due, _who(request, step.AGREEMENT_REASON), p.get("nomor", "")))
        except Exception as exc:
            errors = _refused(exc)
    return _after(request, e.code, errors, f"Perjanjian pinjam pakai {number} tercatat.")


def record_handover(request, code: str):
    e = _election(code)
    if request.method != "POST":
        return redirect("pinjam_pakai_pemilihan", code=e.code)
    p, errors = request.POST, []
    day = _day(p.get("tanggal"), "Tanggal serah terima", errors)
    place = (p.get("tempat") or "").strip()
    if not place:
        errors.append("Tempat serah terima wajib diisi.")
    number = ""
    if not errors:
        try:
            _seq, number = step.hand_over(workspace.current(), step.HandoverRequest(
                e.code, day, place, _who(request, step.HANDOVER_REASON)))
        except Exception as exc:
            errors = _refused(exc)
    return _after(request, e.code, errors, f"Serah terima {number} tercatat.")


def document(request, code: str, seq: int):
    """The PDF of one of the election's loan events: agreement, hand-over or return."""
    from pemilih.store import equipment_loans, events
    e = _election(code)
    ws = workspace.current()
    found = equipment_loans.event(ws, seq)
    if found is None or getattr(found.data, "election", None) != e.code:
        raise Http404
    with tempfile.TemporaryDirectory() as folder:
        if isinstance(found.data, events.LoanAgreed):
            path = papers.print_agreement(ws, e.code, Path(folder))
        elif isinstance(found.data, events.LoanHandedOver):
            path = papers.print_handover(ws, seq, Path(folder))
        elif isinstance(found.data, events.LoanReturned):
            access.require_village(request, found.data.kode_desa)
            path = papers.print_return(ws, seq, Path(folder))
        else:
            raise Http404
        response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


# --- one village ------------------------------------------------------------------------------

def village_page(request, code: str, kode_desa: str, errors: list[str] | None = None, form: dict | None = None):
    e = _election(code)
    access.require_village(request, kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    ws = workspace.current()
    rows = step.report_rows(ws, e.code, kode_desa)
    returns = [h for h in step.book_of(ws, e.code).returns if h.data.kode_desa == kode_desa]
    return render(request, "web/loans/village.html", {
        "e": e, "kode_desa": kode_desa, "title": title_of(kode_desa), "rows": rows, "returns": returns,
        "errors": errors or [], "form": form or {}, "fields": RETURN_FIELDS, "today": timezone.localdate().isoformat(),
        "dpml": access.role_of(request) in (Role.DPML, Role.ADMIN), "panitia": access.village_scope(request),
        "labels": {"baik": "Kembali baik", "rusak_ringan": "Rusak ringan", "rusak_berat": "Rusak berat",
                   "hilang": "Hilang"}}, status=400 if errors else 200)


def record_return(request, code: str, kode_desa: str):
    e = _election(code)
    if request.method != "POST":
        return redirect("pinjam_pakai_desa", code=e.code, kode_desa=kode_desa)
    if kode_desa not in e.villages:
        raise Http404
    p, errors, items = request.POST, [], {}
    day = _day(p.get("tanggal"), "Tanggal pengembalian", errors)
    for i in ITEMS:
        figures = [_number(p.get(f"{f}-{i}"), f"{title_of(kode_desa)}, {item_label(i)}, {f.replace('_', ' ')}",
                           errors) for f in RETURN_FIELDS]
        if any(figures):
            items[i] = Returned(*figures)
    number = ""
    if not errors:
        try:
            _seq, number = step.give_back(workspace.current(), step.ReturnRequest(
                e.code, kode_desa, day, _who(request, step.RETURN_REASON), items))
        except Exception as exc:
            errors = _refused(exc)
    if errors:
        return village_page(request, e.code, kode_desa, errors, {"tanggal": p.get("tanggal", "")})
    messages.success(request, f"Pengembalian {number} tercatat.")
    return redirect("pinjam_pakai_desa", code=e.code, kode_desa=kode_desa)


BASE = "kerja-sama/pinjam-pakai/"
routes = [
    route(BASE, overview, "pinjam_pakai", only(Role.KPU, Role.DPML, Role.PANITIA, Role.VIEWER)),
    route(BASE + "inventaris/", record_inventory, "pinjam_pakai_inventaris", only(Role.KPU)),
    route(BASE + "pinjam_pakai.xlsx", workbook, "pinjam_pakai_xlsx", only(Role.KPU, Role.DPML, Role.VIEWER)),
    route(BASE + "<str:code>/", loan_page, "pinjam_pakai_pemilihan", only(Role.KPU, Role.DPML)),
    route(BASE + "<str:code>/permintaan/", record_request, "pinjam_pakai_permintaan", only(Role.DPML)),
    route(BASE + "<str:code>/perjanjian/", record_agreement, "pinjam_pakai_perjanjian", only(Role.KPU)),
    route(BASE + "<str:code>/serah-terima/", record_handover, "pinjam_pakai_serah_terima", only(Role.KPU)),
    route(BASE + "<str:code>/dokumen/<int:seq>/", document, "pinjam_pakai_dokumen", only(Role.KPU, Role.DPML)),
    route(BASE + "<str:code>/desa/<str:kode_desa>/", village_page, "pinjam_pakai_desa",
          only(Role.KPU, Role.DPML, Role.PANITIA)),
    route(BASE + "<str:code>/desa/<str:kode_desa>/kembali/", record_return, "pinjam_pakai_kembali", only(Role.DPML)),
]
