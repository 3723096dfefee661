"""Production settings refuse to start with the default secret key or DEBUG on."""
from __future__ import annotations

import os
import subprocess
import sys



def _start_wsgi(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_", "DATABASE_URL"))}
    clean.update(PEMILIH_WORKSPACE=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", "import pemilih.web.wsgi"], env=clean,
                          capture_output=True, text=True, timeout=120)


def test_default_secret_key_is_refused(tmp_path):
    done = _start_wsgi(tmp_path)
    assert done.returncode != 0 and "PEMILIH_SECRET_KEY" in done.stderr


def test_debug_is_refused(tmp_path):
    done = _start_wsgi(tmp_path, PEMILIH_SECRET_KEY="k" * 50, PEMILIH_DEBUG="1")
    assert done.returncode != 0 and "DEBUG" in done.stderr


def test_a_real_key_without_debug_starts(tmp_path):
    done = _start_wsgi(tmp_path, PEMILIH_SECRET_KEY="k" * 50)
    assert done.returncode == 0, done.stderr


def test_serve_keeps_one_secret_key_per_workspace(tmp_path, monkeypatch):
    from pemilih.web import server
    monkeypatch.delenv("PEMILIH_SECRET_KEY", raising=False)
    first = server.secret_key(tmp_path)
    assert len(first) >= 32 and server.secret_key(tmp_path) == first
    assert oct((tmp_path / server.KEY_FILE).stat().st_mode)[-3:] == "600"
    assert server.secret_key(tmp_path / ".." / tmp_path.name) == first


def test_demo_accounts_one_per_role_and_stable(workspace):
    from django.contrib.auth import authenticate
    from django.test.utils import override_settings
    from pemilih.web.accounts import demo_accounts
    from pemilih.web.roles import Role
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        first = {a["username"]: a for a in demo_accounts(workspace.path, "73.26.01.2001")}
        again = {a["username"]: a for a in demo_accounts(workspace.path, "73.26.01.2001")}
        assert first == again
        for role in Role.values:
            user = authenticate(username=role, password=first[role]["password"])
            assert user is not None and user.account.role == role
            assert (user.account.kode_desa == "73.26.01.2001") == (role == "panitia")
