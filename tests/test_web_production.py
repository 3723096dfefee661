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
    from django.test import RequestFactory
    from django.test.utils import override_settings

    from pemilih.web.accounts import demo_accounts
    from pemilih.web.roles import Role
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        first = {a["username"]: a for a in demo_accounts(workspace.path, "73.26.01.2001")}
        again = {a["username"]: a for a in demo_accounts(workspace.path, "73.26.01.2001")}
        assert first == again
        for role in Role.values:
            # django-axes counts every attempt per client: authenticate needs the request.
            user = authenticate(RequestFactory().post("/"), username=role, password=first[role]["password"])
            assert user is not None and user.account.role == role
            assert (user.account.kode_desa == "73.26.01.2001") == (role == "panitia")


def test_serve_makes_the_demo_accounts_for_the_first_village_of_the_election(workspace, maker, capsys):
    """`pemilih serve --akun-demo` (what `make run` asks for; the demo command no longer touches
    the web's accounts): one account per role, the committee's for the election's first village."""
    from django.test.utils import override_settings

    from pemilih.commands.serve import demo_accounts
    from pemilih.store.receive import import_result
    from pemilih.web.models import Account
    from pemilih.web.roles import Role
    rows = [{"source_ref": f"dpt_7326.csv::{n}", "file": "dpt_7326.csv", "sheet": "", "row": n, "kode_desa": kode}
            for n, kode in ((2, "73.26.01.2002"), (3, "73.26.01.2001"))]
    import_result(workspace, maker.kpu(rows), actor="uji", agency="KPU", reason="uji")
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        demo_accounts(workspace.path, workspace.url)
    printed = capsys.readouterr().out
    workspace.activate()
    assert set(Account.objects.values_list("role", flat=True)) == set(Role.values)
    assert Account.objects.get(role=Role.PANITIA).kode_desa == "73.26.01.2001"  # no election: the list's first
    assert printed.count("\n") >= len(Role.values) and "(desa 73.26.01.2001)" in printed


def test_serve_answers_and_a_plain_kill_leaves_nothing_behind(tmp_path):
    import signal
    import socket
    import time
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_", "DATABASE_URL"))}
    serve = subprocess.Popen([sys.executable, "-m", "pemilih", "serve", "--workspace", str(tmp_path / "ws"),
                              "--port", str(port), "--workers", "1"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline and answer is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/cek", timeout=5) as r:
                    answer = r.status
            except OSError:
                time.sleep(0.3)
        assert answer == 200
        children = _children(serve.pid)
        assert len(children) >= 2  # gunicorn and the job worker
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        time.sleep(1)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if serve.poll() is None:
            serve.kill()


def _children(pid: int) -> list[int]:
    from pathlib import Path
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
