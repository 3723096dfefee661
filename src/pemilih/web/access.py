"""Who may open what: one rule per URL name, enforced by a middleware on every request.

Deny by default: a URL without a rule answers 403 (and tests/test_web_access.py fails when a
URL has none). Three checks, in order:
1. the role: anonymous visitors reach only public rules; a login reaches the rules of its role;
2. the village: a village committee reaches only URLs of its own village (a `kode_desa` in
   the URL); views that list or download voters narrow their query with `village_scope()`;
3. the agreement: a rule that hands out personal data names its export (contract.EXPORT_ELEMENTS)
   and needs, for every agency but KPU (whose own list it is), an agreement in force today
   between KPU and the account's own party (DPML's for DPML and the committees, Disdukcapil's
   for Disdukcapil), allowing every data element of that export and covering the village(s):
   store/agreements.access_problem, the one rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pemilih.web.roles import ALL, Role


@dataclass(frozen=True)
class Rule:
    roles: frozenset  # empty: public
    personal_data: str | None = None  # the export it hands out: needs an agreement (module docstring)

    @property
    def public(self) -> bool:
        return not self.roles

    def allows(self, role: str | None) -> bool:
        return self.public or (role is not None and role in self.roles)


PUBLIC = Rule(frozenset())
SIGNED_IN = Rule(ALL)


def only(*roles: Role, personal_data: str | None = None) -> Rule:
    """A rule for these roles (the administrator always included)."""
    return Rule(frozenset({Role.ADMIN, *roles}), personal_data)


RULES: dict[str, Rule] = {}


def route(pattern: str, view, name: str, rule: Rule):
    """A URL pattern with its access rule: the only way views are given URLs."""
    if name in RULES:
        raise ValueError(f"URL name {name} defined twice")
    RULES[name] = rule
    return path(pattern, view, name=name)


# --- request helpers ------------------------------------------------------------------------

def account(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "account", None)


def role_of(request) -> str | None:
    acc = account(request)
    return acc.role if acc else None


def village_scope(request) -> str | None:
    """The one village a committee may see; None for roles that see the whole regency."""
    acc = account(request)
    if acc is not None and acc.role == Role.PANITIA:
        return acc.kode_desa or "-"  # a committee without a village sees nothing
    return None


def require_village(request, kode_desa: str) -> None:
    scope = village_scope(request)
    if scope is not None and kode_desa != scope:
        raise PermissionDenied(_("Desa ini di luar wilayah akun Anda."))


def who(request, reason: str) -> dict:
    """actor/agency/reason for the library's event-writing functions."""
    acc = account(request)
    name = request.user.get_full_name() or request.user.username
    return {"actor": f"{request.user.username} ({name}) via web", "agency": acc.agency, "reason": reason}


def agreement_problem(request, villages: list[str] | None, export: str = "daftar",
                      on: date | None = None) -> str | None:
    """Why personal data of these villages (None: the whole list in scope) may not go to this
    account as `export` (contract.EXPORT_ELEMENTS), or None when its agreement allows it."""
    from pemilih.store.agreements import access_problem
    from pemilih.web import workspace
    acc = account(request)
    if acc is None:
        return _("Harus masuk terlebih dahulu.")
    wanted = villages if villages is not None else ([village_scope(request)] if village_scope(request) else ["*"])
    return access_problem(workspace.current(), acc.agency, on=on or timezone.localdate(), villages=wanted,
                          export=export)


def agreement_number(request, villages: list[str] | None, export: str = "daftar",
                     on: date | None = None) -> str:
    """The number of the agreement personal data of these villages goes to this account under
    as `export` (the one store/agreements.access_problem finds), "" for KPU's own list or none."""
    from pemilih.store.agreements import agreement_under
    from pemilih.web import workspace
    acc = account(request)
    if acc is None:
        return ""
    wanted = villages if villages is not None else ([village_scope(request)] if village_scope(request) else ["*"])
    found, _problem = agreement_under(workspace.current(), acc.agency, on=on or timezone.localdate(),
                                      villages=wanted, export=export)
    return found.number if found is not None else ""


def require_agreement(request, villages: list[str] | None = None, export: str = "daftar") -> None:
    problem = agreement_problem(request, villages, export)
    if problem:
        raise PermissionDenied(problem)


# --- the middleware -------------------------------------------------------------------------

class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # process_view runs once the URL is resolved: the match is on the request already.
        rule = RULES.get(request.resolver_match.url_name)
        if rule is None:
            return _denied(request, _("Halaman ini belum diberi aturan akses."))
        if rule.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        role = role_of(request)
        if not rule.allows(role):
            return _denied(request, _("Peran akun Anda tidak berhak membuka halaman ini."))
        kode = view_kwargs.get("kode_desa")
        if kode is not None and village_scope(request) not in (None, kode):
            return _denied(request, _("Desa ini di luar wilayah akun Anda."))
        if rule.personal_data:
            problem = agreement_problem(request, [kode] if kode else None, rule.personal_data)
            if problem:
                return _denied(request, problem)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            return _denied(request, str(exception) or _("Akses ditolak."))
        return None


def _denied(request, reason: str):
    return render(request, "web/denied.html", {"reason": reason}, status=403)


# --- navigation (a context processor: the menu shows what the role may open) --------------

MENU = [
    # (URL name, label)
    ("beranda", gettext_lazy("Beranda")),
    ("pemilih", gettext_lazy("Daftar pemilih")),
    ("desa_belum", gettext_lazy("Tanpa desa")),
    ("unggah", gettext_lazy("Unggah berkas")),
    ("perjanjian", gettext_lazy("Perjanjian")),
    ("coklit", gettext_lazy("Coklit")),
    ("verifikasi", gettext_lazy("Verifikasi")),
    ("tinjau", gettext_lazy("Telaah temuan")),
    ("pilkalem", gettext_lazy("Pilkalem")),
    ("serah", gettext_lazy("Serah kembali")),
    ("pinjam_pakai", gettext_lazy("Pinjam pakai")),
    ("terapkan", gettext_lazy("Terapkan paket")),
    ("rekap", gettext_lazy("Rakor")),
    ("pendidikan", gettext_lazy("Pendidikan pemilih")),
    ("dp3", gettext_lazy("DP3")),
    ("dokumen", gettext_lazy("Dokumen")),
    ("akun", gettext_lazy("Akun")),
    ("audit", gettext_lazy("Audit")),
    ("pekerja", gettext_lazy("Pekerja latar")),
]


def navigation(request):
    from django.urls import NoReverseMatch, reverse
    role = role_of(request)
    if role is None:
        return {"menu": [], "role_label": ""}
    items = []
    for name, label in MENU:
        rule = RULES.get(name)
        if rule is None or not rule.allows(role):
            continue
        try:
            items.append({"url": reverse(name), "label": label,
                          "active": request.path.startswith(reverse(name)) and reverse(name) != "/"})
        except NoReverseMatch:
            continue
    return {"menu": items, "role_label": Role(role).label, "scope": village_scope(request)}
