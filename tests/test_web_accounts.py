"""Accounts (issue 13): failed logins are throttled and locked, weak passwords refused, passwords
changed by their users and reset by the administrator, accounts disabled, the first
administrator made from the command line, a second factor (TOTP), Argon2 hashes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.postgres

PASSWORD = "kerbau-belang-di-sawah"
LOCKED = "Terlalu banyak percobaan masuk"


def _make(username="operator", role="dpml", password=PASSWORD, **kw):
    from pemilih.web import accounts
    return accounts.create(username, password, role, **kw)


def _login(client, username="operator", password=PASSWORD, address="10.1.2.3"):
    return client.post("/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _admin(website):
    return website.client("admin", username="kepala")


# --- failed logins: throttled and locked (django-axes) ----------------------------------------

def test_five_failed_logins_lock_the_name_from_that_address_even_for_the_right_password(website):
    _make()
    client = website.client(None)
    answers = [_login(client, password="bukan-sandinya-ini").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    refused = _login(client)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert "15 menit" in refused.content.decode()
    assert not _signed_in(client)
    from pemilih.web.models import AccountEvent
    assert list(AccountEvent.objects.filter(target="operator", action="terkunci")
                .values_list("actor", "detail")) == [("sistem", "alamat 10.1.2.3")]  # once, however often refused
    # The lock is of that name from that address: the same name from another address signs in.
    other = website.client(None)
    assert _login(other, address="10.9.9.9").status_code == 302


def test_the_administrator_sees_a_lock_and_lifts_it(website):
    _make()
    client = website.client(None)
    for _ in range(6):
        _login(client, password="bukan-sandinya-ini")
    admin = _admin(website)
    page = admin.get("/akun/").content.decode()
    assert "Terkunci karena gagal masuk" in page and "10.1.2.3" in page
    assert admin.post("/akun/buka-kunci/", {"username": "operator"}).status_code == 302
    assert "Tidak ada akun yang terkunci" in admin.get("/akun/").content.decode()
    assert _login(client).status_code == 302 and _signed_in(client)
    from pemilih.web.models import AccountEvent
    assert AccountEvent.objects.filter(actor="kepala", target="operator", action="kunci-dibuka").exists()


def test_failures_are_forgiven_only_by_a_whole_login(website):
    _make()
    client = website.client(None)
    for _ in range(4):
        _login(client, password="bukan-sandinya-ini")
    assert _login(client).status_code == 302
    client.post("/keluar/")
    for _ in range(4):  # counted afresh: four more are not yet a lock
        _login(client, password="bukan-sandinya-ini")
    assert _login(client).status_code == 302


# --- passwords ----------------------------------------------------------------------------------

@pytest.mark.parametrize("weak, reason", [
    ("a", "terlalu pendek"),
    ("12345678901234", "seluruhnya terdiri dari angka"),
    ("password123456", "terlalu umum"),
    ("operatorsatu1", "terlalu mirip"),
])
def test_weak_passwords_are_refused_in_indonesian(website, weak, reason):
    from pemilih.web import accounts
    with pytest.raises(accounts.AccountError, match=reason):
        _make("operatorsatu", password=weak)
    admin = _admin(website)
    page = admin.post("/akun/", {"username": "lain", "password": weak if weak != "operatorsatu1" else "lainlain1",
                                 "role": "kpu"}, follow=True).content.decode()
    assert "Kata sandi" in page
    from django.contrib.auth import get_user_model
    assert not get_user_model().objects.filter(username__in=["operatorsatu", "lain"]).exists()


def test_a_user_changes_her_password(website):
    _make()
    client = website.client(None)
    _login(client)
    page = client.get("/akun/sandi/")
    assert page.status_code == 200 and "Ganti kata sandi" in page.content.decode()
    short = client.post("/akun/sandi/", {"old_password": PASSWORD, "new_password1": "pendek",
                                         "new_password2": "pendek"})
    assert short.status_code == 200 and "terlalu pendek" in short.content.decode()
    done = client.post("/akun/sandi/", {"old_password": PASSWORD, "new_password1": "jagung-rebus-manis-7",
                                        "new_password2": "jagung-rebus-manis-7"})
    assert done.status_code == 302 and _signed_in(client)  # the session goes on
    fresh = website.client(None)
    assert _login(fresh).status_code == 200 and not _signed_in(fresh)
    assert _login(fresh, password="jagung-rebus-manis-7").status_code == 302
    from pemilih.web.models import AccountEvent
    assert AccountEvent.objects.filter(actor="operator", target="operator", action="sandi-diganti").exists()


def test_an_administrators_reset_gives_a_temporary_password_that_must_be_changed(website):
    account = _make()
    admin = _admin(website)
    page = admin.post(f"/akun/{account.user.pk}/reset-sandi/").content.decode()
    temporary = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    client = website.client(None)
    assert _login(client).status_code == 200 and not _signed_in(client)  # the old one is gone
    assert _login(client, password=temporary).status_code == 302
    first = client.get("/beranda/")
    assert first.status_code == 302 and first["Location"] == "/akun/sandi/"
    assert client.get("/pemilih/")["Location"] == "/akun/sandi/"
    assert "diatur ulang oleh administrator" in client.get("/akun/sandi/").content.decode()
    client.post("/akun/sandi/", {"old_password": temporary, "new_password1": "jagung-rebus-manis-7",
                                 "new_password2": "jagung-rebus-manis-7"})
    assert client.get("/beranda/").status_code == 200
    from pemilih.web.models import AccountEvent
    assert AccountEvent.objects.filter(actor="kepala", target="operator", action="sandi-direset").exists()


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(website):
    account = _make()
    session = website.client(None)
    _login(session)
    admin = _admin(website)
    assert admin.post(f"/akun/{account.user.pk}/nonaktifkan/").status_code == 302
    assert session.get("/beranda/")["Location"].startswith("/?next=")
    client = website.client(None)
    assert _login(client).status_code == 200 and not _signed_in(client)
    admin.post(f"/akun/{account.user.pk}/aktifkan/")
    assert _login(client).status_code == 302
    from pemilih.web.models import AccountEvent
    assert {"dinonaktifkan", "diaktifkan"} <= set(AccountEvent.objects.filter(target="operator")
                                                  .values_list("action", flat=True))


def test_the_administrator_cannot_disable_herself_nor_the_last_administrator(website):
    from pemilih.store import accounts as store_accounts
    from pemilih.web.models import Account
    admin = _admin(website)
    me = Account.objects.get(user__username="kepala")
    admin.post(f"/akun/{me.user.pk}/nonaktifkan/")
    assert admin.get("/beranda/").status_code == 200
    with pytest.raises(store_accounts.AccountError, match="terakhir"):
        store_accounts.set_active("kepala", False, actor="uji")


# --- hashes ----------------------------------------------------------------------------------

def test_argon2_is_the_hasher_and_older_hashes_are_upgraded_at_login(website):
    from django.contrib.auth.hashers import make_password
    from django.test.utils import override_settings

    from pemilih.store import settings as store_settings
    assert store_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=store_settings.PASSWORD_HASHERS):
        account = _make()
        account.user.refresh_from_db()
        assert account.user.password.startswith("argon2$argon2id$")
        account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # as before this issue
        account.user.save(update_fields=["password"])
        assert _login(website.client(None)).status_code == 302
        account.user.refresh_from_db()
        assert account.user.password.startswith("argon2$")


# --- the second factor (TOTP) ------------------------------------------------------------------

def _enrol(client) -> str:
    import pyotp
    page = client.get("/akun/2fa/").content.decode()
    assert "<svg" in page and not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/akun/2fa/", {"kode": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 200 and "Kode salah" in wrong.content.decode()
    # The code of the step before now (good within one step of drift), so that the login's code,
    # now's, is a later step: each step is good once.
    assert client.post("/akun/2fa/", {"kode": pyotp.TOTP(secret).at(time.time() - 30)}).status_code == 302
    return secret


def test_totp_enrolment_then_every_login_asks_for_a_code(website):
    import pyotp
    _make()
    client = website.client(None)
    _login(client)
    secret = _enrol(client)
    from pemilih.web.models import Account
    assert Account.objects.get(user__username="operator").totp_confirmed is not None

    later = website.client(None)
    assert _login(later).status_code == 302
    assert later.get("/beranda/")["Location"] == "/masuk/kode/?next=%2Fberanda%2F"
    assert later.get("/akun/sandi/")["Location"].startswith("/masuk/kode/")  # nothing else before the code
    assert later.get("/akun/2fa/")["Location"].startswith("/masuk/kode/")
    assert 'value="/pemilih/"' in later.get("/masuk/kode/?next=/pemilih/").content.decode()
    wrong = later.post("/masuk/kode/", {"kode": "12345"})
    assert wrong.status_code == 200 and "Kode salah" in wrong.content.decode()
    code = pyotp.TOTP(secret).now()
    done = later.post("/masuk/kode/", {"kode": code, "next": "/pemilih/"})
    assert done.status_code == 302 and done["Location"] == "/pemilih/"
    assert later.get("/beranda/").status_code == 200

    replay = website.client(None)
    _login(replay, address="10.5.5.5")
    replay.post("/masuk/kode/", {"kode": code})  # a code is good once
    assert replay.get("/beranda/")["Location"].startswith("/masuk/kode/")


def test_wrong_codes_lock_like_wrong_passwords(website):
    _make()
    client = website.client(None)
    _login(client)
    _enrol(client)
    attacker = website.client(None)
    _login(attacker, address="10.6.6.6")
    answers = [attacker.post("/masuk/kode/", {"kode": "999999"}, REMOTE_ADDR="10.6.6.6") for _ in range(5)]
    assert answers[-1].status_code == 429 and LOCKED in answers[-1].content.decode()
    assert not _signed_in(attacker)
    assert _login(attacker, address="10.6.6.6").status_code == 429


def test_the_administrator_resets_a_lost_second_factor(website):
    account = _make()
    client = website.client(None)
    _login(client)
    _enrol(client)
    admin = _admin(website)
    assert "Reset faktor kedua" in admin.get("/akun/").content.decode()
    admin.post(f"/akun/{account.user.pk}/reset-2fa/")
    later = website.client(None)
    _login(later)
    assert later.get("/beranda/").status_code == 200


def test_a_setting_requires_the_second_factor_of_roles_that_open_personal_data(website):
    from django.test.utils import override_settings
    _make("operator", "kpu")
    _make("rakor", "pemantau")
    with override_settings(PEMILIH_REQUIRE_2FA=True):  # PEMILIH_WAJIB_2FA=1
        kpu = website.client(None)
        _login(kpu)
        assert kpu.get("/beranda/")["Location"] == "/akun/2fa/"
        assert "wajib memakai faktor kedua" in kpu.get("/akun/2fa/").content.decode()
        _enrol(kpu)
        assert kpu.get("/beranda/").status_code == 200
        viewer = website.client(None)
        _login(viewer, "rakor")
        assert viewer.get("/beranda/").status_code == 200
    # Off (the default, and the demo's): offered, not required.
    _make("operator2", "dpml")
    plain = website.client(None)
    _login(plain, "operator2")
    assert plain.get("/beranda/").status_code == 200


# --- the command line ------------------------------------------------------------------------

def _pemilih(*args, password=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PEMILIH_KATA_SANDI")}
    if password is not None:
        env["PEMILIH_KATA_SANDI"] = password
    return subprocess.run([sys.executable, "-m", "pemilih", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.slow
def test_pemilih_akun_buat_makes_the_first_administrator_of_a_new_workspace(tmp_path):
    folder = str(tmp_path / "baru")
    weak = _pemilih("akun", "buat", "--peran", "admin", "--nama", "kepala", "--workspace", folder, password="a")
    assert weak.returncode == 1 and "terlalu pendek" in weak.stderr
    asked = _pemilih("akun", "buat", "--peran", "admin", "--nama", "kepala", "--workspace", folder)
    assert asked.returncode == 1 and "PEMILIH_KATA_SANDI" in asked.stderr  # no terminal, no password
    made = _pemilih("akun", "buat", "--peran", "admin", "--nama", "kepala", "--nama-lengkap", "Kepala Data",
                    "--workspace", folder, password=PASSWORD)
    assert made.returncode == 0, made.stderr
    assert "kepala" in made.stdout
    listed = _pemilih("akun", "daftar", "--workspace", folder)
    assert re.search(r"kepala\s+admin\s+-\s+aktif", listed.stdout), listed.stdout
    reset = _pemilih("akun", "reset", "kepala", "--workspace", folder)
    assert reset.returncode == 0 and "wajib ganti" in _pemilih("akun", "daftar", "--workspace", folder).stdout

    import sqlite3
    with sqlite3.connect(tmp_path / "baru" / "pemilih.sqlite3") as db:
        (hashed,) = db.execute("SELECT password FROM auth_user WHERE username = 'kepala'").fetchone()
        actions = [a for (a,) in db.execute("SELECT action FROM web_accountevent ORDER BY id")]
    assert hashed.startswith("argon2$argon2id$")  # the production hasher, outside the tests' settings
    assert actions == ["dibuat", "sandi-direset"]


def test_demo_passwords_pass_the_validators(workspace):
    from django.test.utils import override_settings

    from pemilih.store.accounts import validate_password
    from pemilih.web.accounts import demo_accounts
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        made = demo_accounts(workspace.path, "73.26.01.2001")
    for a in made:
        validate_password(a["password"])
        assert len(a["password"]) >= 12


def test_the_account_settings_come_from_the_environment():
    probe = ("from pemilih.store import settings as s; "
             "print(s.PEMILIH_REQUIRE_2FA, s.AXES_FAILURE_LIMIT, round(s.AXES_COOLOFF_TIME * 60))")
    env = {**os.environ, "PEMILIH_WAJIB_2FA": "1", "PEMILIH_LOGIN_GAGAL": "3", "PEMILIH_KUNCI_MENIT": "30"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["True", "3", "30"]
    unset = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_WAJIB", "PEMILIH_LOGIN", "PEMILIH_KUNCI"))}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=unset, check=True)
    assert done.stdout.split() == ["False", "5", "15"]  # the defaults: the demo needs no second factor


def test_an_account_made_on_the_administrators_page_is_recorded_with_its_maker(website):
    admin = _admin(website)
    done = admin.post("/akun/", {"username": "operator", "password": PASSWORD, "role": "kpu", "full_name": "Ina"})
    assert done.status_code == 302
    from pemilih.web.models import AccountEvent
    event = AccountEvent.objects.get(target="operator")
    assert (event.actor, event.action, event.detail) == ("kepala", "dibuat", "peran kpu")
    page = admin.get("/akun/").content.decode()
    assert "Riwayat akun" in page and "dibuat" in page and PASSWORD not in page
