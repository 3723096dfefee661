"""Accounts: the one place they are made, changed and switched off, for the web application's
administrator page and for `pemilih akun` alike (Django's auth; Django's password validators,
AUTH_PASSWORD_VALIDATORS in store/settings.py, judge every password set here).

An account is a Django user and its Account row (role, village, second factor), a model of the
web application: the store reaches it by name through Django's app registry, so the command
line needs nothing of the web. Every change is recorded as an AccountEvent (who, when, what; the
username, nothing personal).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from pemilih.store import settings

settings.ensure_configured()

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pemilih.store.roles import EXPORTS_PERSONAL_DATA, Role

# TOTP (RFC 6238) as the authenticator apps use it: 30-second steps, 6 digits, one step of
# clock drift either way.
TOTP_ISSUER = "pemilih"
TOTP_DRIFT = 1


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why (Bahasa Indonesia)."""


def _account_model():
    return apps.get_model("web", "Account")


def _event_model():
    return apps.get_model("web", "AccountEvent")


def record(actor: str, target: str, action: str, detail: str = "") -> None:
    _event_model().objects.create(actor=actor[:150], target=target[:150], action=action, detail=detail)


def validate_password(password: str, user=None) -> None:
    """Django's validators (length, common, numeric, similar to the username or name); their
    messages in Bahasa Indonesia (LANGUAGE_CODE 'id')."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(str(m) for m in exc.messages)) from None


def create(username: str, password: str, role: str, *, full_name: str = "", kode_desa: str = "",
           actor: str = "", must_change_password: bool = False):
    """A new account of `role` (a village committee's with its village); returns the Account."""
    username = username.strip()
    if not username:
        raise AccountError("Nama pengguna harus diisi")
    if role not in Role.values:
        raise AccountError(f"Peran '{role}' tidak dikenal; pilih: " + ", ".join(Role.values))
    if role == Role.PANITIA and not kode_desa:
        raise AccountError("Akun panitia harus menyebut kode desanya")
    if role != Role.PANITIA and kode_desa:
        raise AccountError("Hanya akun panitia yang dibatasi pada satu desa")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise AccountError(f"Nama pengguna '{username}' sudah dipakai")
    first, _, last = full_name.strip().partition(" ")
    validate_password(password, User(username=username, first_name=first, last_name=last))
    with transaction.atomic():
        user = User.objects.create_user(username, password=password, first_name=first, last_name=last)
        account = _account_model().objects.create(user=user, role=role, kode_desa=kode_desa,
                                                  must_change_password=must_change_password)
        record(actor or username, username, "dibuat", f"peran {role}" + (f", desa {kode_desa}" if kode_desa else ""))
    return account


def get(username: str):
    account = _account_model().objects.select_related("user").filter(user__username=username).first()
    if account is None:
        raise AccountError(f"Akun '{username}' tidak ada")
    return account


@dataclass(frozen=True)
class AccountRow:
    user_id: int
    username: str
    full_name: str
    role: str
    kode_desa: str
    active: bool
    must_change_password: bool
    second_factor: bool
    last_login: datetime | None


def listing() -> list[AccountRow]:
    return [AccountRow(a.user.pk, a.user.username, a.user.get_full_name(), a.role, a.kode_desa, a.user.is_active,
                       a.must_change_password, a.totp_confirmed is not None, a.user.last_login)
            for a in _account_model().objects.select_related("user").order_by("role", "user__username")]


def change_password(account, new_password: str, *, actor: str) -> None:
    """The user's own new password (the old one checked by the caller): clears a reset's demand."""
    validate_password(new_password, account.user)
    with transaction.atomic():
        account.user.set_password(new_password)
        account.user.save(update_fields=["password"])
        account.must_change_password = False
        account.save(update_fields=["must_change_password"])
        record(actor, account.user.username, "sandi-diganti")


def temporary_password() -> str:
    """16 random characters: passes every validator, typed once and changed at the next login."""
    while True:
        candidate = secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(candidate)
            return candidate
        except ValidationError:  # pragma: no cover - all digits, or a common word by chance
            continue


def reset_password(username: str, *, actor: str, password: str | None = None) -> str:
    """An administrator's reset: a temporary password (made here unless given) that the user
    must change at the next login. Returns it (shown once to the administrator)."""
    account = get(username)
    password = password or temporary_password()
    validate_password(password, account.user)
    with transaction.atomic():
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
        account.must_change_password = True
        account.save(update_fields=["must_change_password"])
        record(actor, username, "sandi-direset")
    unlock(username, actor=actor, quiet=True)
    return password


def set_active(username: str, active: bool, *, actor: str) -> None:
    """Disable (is_active off: no login, and an open session ends at its next request) or enable."""
    account = get(username)
    if not active and account.role == Role.ADMIN and _active_admins().exclude(pk=account.user.pk).count() == 0:
        raise AccountError("Administrator aktif terakhir tidak dapat dinonaktifkan")
    if account.user.is_active == active:
        return
    with transaction.atomic():
        account.user.is_active = active
        account.user.save(update_fields=["is_active"])
        record(actor, username, "diaktifkan" if active else "dinonaktifkan")


def _active_admins():
    return get_user_model().objects.filter(account__role=Role.ADMIN, is_active=True)


def unlock(username: str, *, actor: str, quiet: bool = False) -> int:
    """Lift the login lock (django-axes) of this username from every address; returns how many
    records were lifted."""
    from axes.utils import reset
    lifted = reset(username=username)
    if lifted and not quiet:
        record(actor, username, "kunci-dibuka", f"{lifted} catatan")
    return lifted


def locked() -> list[dict]:
    """The username and address pairs locked now (axes' records), newest first."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings as django_settings
    cool_off = get_cool_off()
    rows = AccessAttempt.objects.filter(failures_since_start__gte=django_settings.AXES_FAILURE_LIMIT)
    if cool_off:
        rows = rows.filter(attempt_time__gte=timezone.now() - cool_off)
    return [{"username": a.username, "ip_address": a.ip_address, "failures": a.failures_since_start,
             "since": a.attempt_time, "until": a.attempt_time + cool_off if cool_off else None}
            for a in rows.order_by("-attempt_time")]


# --- the second factor (TOTP) ---------------------------------------------------------------

def second_factor_offered(account) -> bool:
    return account.role in EXPORTS_PERSONAL_DATA


def second_factor_required(account) -> bool:
    from django.conf import settings as django_settings
    return bool(getattr(django_settings, "PEMILIH_REQUIRE_2FA", False)) and second_factor_offered(account)


def new_totp_secret() -> str:
    import pyotp
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    import pyotp
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The time step whose code this is (within the drift), if later than `after`."""
    import pyotp
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    step_now = totp.timecode(now)
    for step in range(step_now - TOTP_DRIFT, step_now + TOTP_DRIFT + 1):
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_totp(account, secret: str, code: str, *, actor: str) -> bool:
    """Enrolment: the secret is kept once the user's app gives a right code for it."""
    step = _matching_step(secret, code, 0)
    if step is None:
        return False
    account.totp_secret = secret
    account.totp_confirmed = timezone.now()
    account.totp_last_step = step
    account.save(update_fields=["totp_secret", "totp_confirmed", "totp_last_step"])
    record(actor, account.user.username, "2fa-dipasang")
    return True


def verify_totp(account, code: str) -> bool:
    """A login's second step: a right code, not used before (each time step counts once)."""
    if account.totp_confirmed is None or not account.totp_secret:
        return False
    with transaction.atomic():
        fresh = type(account).objects.select_for_update().get(pk=account.pk)
        step = _matching_step(fresh.totp_secret, code, fresh.totp_last_step)
        if step is None:
            return False
        fresh.totp_last_step = step
        fresh.save(update_fields=["totp_last_step"])
    return True


def reset_totp(username: str, *, actor: str) -> None:
    """Recovery by the administrator: the second factor is removed; the user enrols again
    (required at the next login when PEMILIH_WAJIB_2FA is on)."""
    account = get(username)
    account.totp_secret = ""
    account.totp_confirmed = None
    account.totp_last_step = 0
    account.save(update_fields=["totp_secret", "totp_confirmed", "totp_last_step"])
    record(actor, username, "2fa-direset")


def settings_min_length() -> int:
    """The shortest password the validators accept (shown beside the password fields)."""
    from django.conf import settings as django_settings
    return int(getattr(django_settings, "PASSWORD_MIN_LENGTH", 12))
