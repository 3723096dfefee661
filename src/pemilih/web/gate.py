"""The account gate: what a signed-in account must do before any other page.

Runs before the access rules (web/access.py), on every resolved URL but the public ones and
the gate's own pages:
1. a second factor: an account with TOTP gives its code after its password (the session is
   marked once it has); an account whose role must have one (PEMILIH_WAJIB_2FA) and has none
   enrols first;
2. a password set by an administrator's reset is changed before anything else.
"""
from __future__ import annotations

from django.shortcuts import redirect

from pemilih.store import accounts as store_accounts

VERIFIED = "pemilih_2fa_ok"  # session key: this session gave its second factor


def pending(request) -> str | None:
    """The URL name of what this session must do first, or None."""
    from pemilih.web.access import account
    acc = account(request)
    if acc is None:
        return None
    if acc.totp_confirmed is not None and not request.session.get(VERIFIED):
        return "masuk_kode"
    if acc.totp_confirmed is None and store_accounts.second_factor_required(acc):
        return "akun_2fa"
    if acc.must_change_password:
        return "akun_sandi"
    return None


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from pemilih.web.access import RULES
        name = request.resolver_match.url_name
        rule = RULES.get(name)
        if rule is None or rule.public or name == "keluar" or not request.user.is_authenticated:
            return None
        todo = pending(request)
        if todo is None or todo == name:  # only the one page of what is pending (and signing out)
            return None
        if todo == "masuk_kode" and request.method == "GET":  # back where the login was going
            from urllib.parse import urlencode

            from django.urls import reverse
            return redirect(reverse(todo) + "?" + urlencode({"next": request.get_full_path()}))
        return redirect(todo)


def login_complete(request) -> None:
    """Password (and second factor, when the account has one) given: the session is verified
    and this username's failed attempts from this address are forgiven (django-axes)."""
    from axes.utils import reset
    request.session[VERIFIED] = True
    address = getattr(request, "axes_ip_address", None)
    if address:
        reset(ip=address, username=request.user.get_username())


def second_factor_failed(request) -> bool:
    """A wrong code counts as a failed login (django-axes, per username and address); True when
    that locks the pair: the session is ended."""
    from django.contrib.auth import logout
    from django.contrib.auth.signals import user_login_failed
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()},
                           request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """django-axes locked `username` from `ip_address`: one account event per lock (axes
    signals again at each refused attempt while locked)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from pemilih.web.models import AccountEvent
    if not username:
        return
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0))
    if AccountEvent.objects.filter(target=username[:150], action="terkunci", when__gte=since).exists():
        return
    store_accounts.record("sistem", username, "terkunci", f"alamat {ip_address or '-'}")
