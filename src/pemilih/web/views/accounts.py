"""Accounts: the administrator's page (create, disable and enable, reset a password or a second
factor, lift a login lock, what was done to which account), every user's own password, and the
second factor (TOTP): enrolment and the code asked after the password. The rules are the store's
(pemilih.store.accounts), shared with `pemilih akun`."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from pemilih.store import accounts as store_accounts
from pemilih.web import accounts, gate
from pemilih.web.access import SIGNED_IN, account, only, route
from pemilih.web.models import AccountEvent
from pemilih.web.roles import Role
from pemilih.web.villages import villages

NEW_SECRET = "pemilih_2fa_baru"  # session key: the secret being enrolled, until a code confirms it


@sensitive_post_parameters("password")
@never_cache
def account_list(request, shown_password: dict | None = None):
    if request.method == "POST" and shown_password is None:
        p = request.POST
        try:
            accounts.create(p.get("username", "").strip(), p.get("password", ""), p.get("role", ""),
                            full_name=p.get("full_name", "").strip(), kode_desa=p.get("kode_desa", "").strip(),
                            actor=request.user.username)
            messages.success(request, _("Akun %(nama)s dibuat.") % {"nama": p.get("username")})
            return redirect("akun")
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
    return render(request, "web/accounts.html", {
        "accounts": store_accounts.listing(),
        "locked": store_accounts.locked(), "events": AccountEvent.objects.all()[:50],
        "roles": Role.choices, "villages": villages(), "shown_password": shown_password,
        "min_length": store_accounts.settings_min_length()})


def _target(request, pk: int) -> str:
    user = get_object_or_404(get_user_model(), pk=pk)
    return user.get_username()


def _admin_action(request, pk: int, action) -> object:
    if request.method != "POST":
        return redirect("akun")
    username = _target(request, pk)
    if username == request.user.get_username():
        messages.error(request, _("Akun Anda sendiri tidak diubah dari sini; ganti kata sandi Anda di halaman "
                                  "Kata sandi."))
        return redirect("akun")
    try:
        return action(username)
    except store_accounts.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("akun")


def disable(request, pk: int):
    def act(username):
        store_accounts.set_active(username, False, actor=request.user.username)
        messages.success(request, _("Akun %(nama)s dinonaktifkan.") % {"nama": username})
        return redirect("akun")
    return _admin_action(request, pk, act)


def enable(request, pk: int):
    def act(username):
        store_accounts.set_active(username, True, actor=request.user.username)
        messages.success(request, _("Akun %(nama)s diaktifkan.") % {"nama": username})
        return redirect("akun")
    return _admin_action(request, pk, act)


def reset_password(request, pk: int):
    def act(username):
        temporary = store_accounts.reset_password(username, actor=request.user.username)
        # Shown on this answer only (never in a message cookie or a redirect).
        return account_list(request, shown_password={"username": username, "password": temporary})
    return _admin_action(request, pk, act)


def reset_second_factor(request, pk: int):
    def act(username):
        store_accounts.reset_totp(username, actor=request.user.username)
        messages.success(request, _("Faktor kedua akun %(nama)s dihapus; pengguna mendaftarkannya lagi.")
                         % {"nama": username})
        return redirect("akun")
    return _admin_action(request, pk, act)


def unlock(request):
    if request.method == "POST":
        username = request.POST.get("username", "")
        lifted = store_accounts.unlock(username, actor=request.user.username)
        if lifted:
            messages.success(request, _("Kunci masuk akun %(nama)s dibuka.") % {"nama": username})
    return redirect("akun")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def change_password(request):
    acc = account(request)
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            store_accounts.change_password(acc, form.cleaned_data["new_password1"], actor=request.user.username)
        except store_accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Kata sandi Anda diganti."))
            return redirect("beranda")
    return render(request, "web/password.html", {
        "form": form, "forced": acc is not None and acc.must_change_password,
        "min_length": store_accounts.settings_min_length()})


@never_cache
def second_factor(request):
    """Enrolment: a new secret (QR code and text) until the user's app gives a right code."""
    import segno
    acc = account(request)
    if acc is None or not store_accounts.second_factor_offered(acc):
        return render(request, "web/second_factor.html", {"offered": False})
    if acc.totp_confirmed is not None:
        return render(request, "web/second_factor.html", {"offered": True, "active": acc.totp_confirmed})
    secret = request.session.get(NEW_SECRET) or store_accounts.new_totp_secret()
    request.session[NEW_SECRET] = secret
    if request.method == "POST":
        if store_accounts.confirm_totp(acc, secret, request.POST.get("kode", ""), actor=request.user.username):
            request.session.pop(NEW_SECRET, None)
            request.session[gate.VERIFIED] = True
            messages.success(request, _("Faktor kedua aktif: setiap kali masuk, berikan kode dari aplikasi Anda."))
            return redirect("beranda")
        messages.error(request, _("Kode salah atau kedaluwarsa; periksa jam ponsel Anda dan coba lagi."))
    uri = store_accounts.totp_uri(secret, request.user.get_username())
    return render(request, "web/second_factor.html", {
        "offered": True, "secret": secret, "uri": uri,
        "required": store_accounts.second_factor_required(acc),
        "qr": segno.make(uri, error="m").svg_inline(scale=4, title=_("Kode QR faktor kedua"))})


@never_cache
def verify_code(request):
    """The second step of a login: the code of the account's authenticator app."""
    if gate.pending(request) != "masuk_kode":
        return redirect("beranda")
    if request.method == "POST":
        if store_accounts.verify_totp(account(request), request.POST.get("kode", "")):
            gate.login_complete(request)
            return redirect(_next(request))
        if gate.second_factor_failed(request):
            return redirect("masuk")  # replaced by the lockout page (django-axes' middleware)
        messages.error(request, _("Kode salah atau sudah dipakai."))
    return render(request, "web/verify_code.html", {"next": request.GET.get("next", "")})


def _next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "beranda"


routes = [
    route("akun/", account_list, "akun", only()),
    route("akun/<int:pk>/nonaktifkan/", disable, "akun_nonaktifkan", only()),
    route("akun/<int:pk>/aktifkan/", enable, "akun_aktifkan", only()),
    route("akun/<int:pk>/reset-sandi/", reset_password, "akun_reset_sandi", only()),
    route("akun/<int:pk>/reset-2fa/", reset_second_factor, "akun_reset_2fa", only()),
    route("akun/buka-kunci/", unlock, "akun_buka_kunci", only()),
    route("akun/sandi/", change_password, "akun_sandi", SIGNED_IN),
    route("akun/2fa/", second_factor, "akun_2fa", SIGNED_IN),
    route("masuk/kode/", verify_code, "masuk_kode", SIGNED_IN),
]
