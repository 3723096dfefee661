"""The settings of the printed documents (cycle/documents.py), entered once on this page as
with `pemilih dokumen atur`: an agency's full name, its signatory (name, position, NIP) and
numbering patterns; a village committee's chairman for its own village.

Who sets what: DPML (and the administrator) any agency; KPU and Disdukcapil their own; a
village committee its own village's chairman only.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from pemilih.cycle import documents as step
from pemilih.cycle.common import StepError, Who
from pemilih.web import access
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.workspace import current

REASON = "Pengaturan dokumen cetak"


def _agencies(request) -> list[str]:
    """The agencies whose settings this account may set."""
    role = access.role_of(request)
    if role in (Role.ADMIN, Role.DPML):
        return list(step.FULL_NAMES)
    return [access.account(request).agency]


def document_settings(request):
    allowed = _agencies(request)
    scope = access.village_scope(request)
    if request.method == "POST":
        p = request.POST
        agency = p.get("untuk", "")
        village = scope or (p.get("desa", "").strip() or None)
        try:
            if agency not in allowed:
                raise StepError(f"Akun ini tidak dapat mengatur dokumen {agency or '(kosong)'}")
            step.record(current(), step.SettingsRequest(
                agency, Who(**access.who(request, p.get("alasan", "").strip() or REASON)),
                full_name=p.get("nama_lengkap", "").strip() or None, signer=p.get("penandatangan", "").strip() or None,
                position=p.get("jabatan", "").strip() or None, nip=p.get("nip", "").strip() or None,
                kind=p.get("jenis", "").strip() or None, pattern=p.get("pola", "").strip() or None,
                village=village if agency == step.VILLAGE_AGENCY else None))
        except StepError as exc:
            messages.error(request, f"Tidak dicatat: {exc}")
        else:
            messages.success(request, f"Pengaturan dokumen {agency}{' desa ' + village if village else ''} dicatat.")
            return redirect("dokumen")
    shown = [(_heading(key, lines), lines) for key, lines in step.listing(current())
             if key.split(step.VILLAGE_MARK)[0] in allowed
             and (scope is None or key == step.settings_key(step.VILLAGE_AGENCY, scope))]
    return render(request, "web/documents.html", {
        "shown": shown, "agencies": allowed, "scope": scope, "kinds": step.DOCUMENT_KINDS,
        "placeholders": step.PLACEHOLDERS, "default_pattern": step.DEFAULT_PATTERN})


def _heading(key: str, lines) -> str:
    """What a card is about: the agency's printed name, and a committee's village."""
    if step.VILLAGE_MARK in key:
        from pemilih.domain.region_tables import village_title
        return f"Panitia pemilihan {village_title(key.split(step.VILLAGE_MARK, 1)[1])}"
    return f"{key}: {lines[0][1]}"


routes = [route("dokumen/", document_settings, "dokumen",
                only(Role.DPML, Role.KPU, Role.DISDUKCAPIL, Role.PANITIA))]
