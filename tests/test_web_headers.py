"""Response headers: a strict Content-Security-Policy, no caching of pages and downloads with
personal data, and the TLS settings of PEMILIH_HTTPS=1."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from pemilih.web.roles import Role

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "pemilih" / "web" / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_carries_a_strict_content_security_policy(website):
    for client, url in ((website.client(None), "/"), (website.client(None), "/cek/"),
                        (website.client(Role.KPU), "/beranda/")):
        response = client.get(url)
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert not any("unsafe" in v for values in policy.values() for v in values)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_style_or_event_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style",
                        r"javascript:"):
            found += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert found == []


def test_charts_have_no_style_attribute(website):
    from pemilih.web import charts
    svg = charts.stacked_bars("Uji", [("A", [1, 2])], [charts.Series("L", css="bar"), charts.Series("P", css="bar alt")])
    assert "style=" not in svg


def test_pages_and_downloads_are_never_stored_static_files_are(website):
    kpu = website.client(Role.KPU)
    for url in ("/beranda/", "/pemilih/", "/rekap/"):
        response = kpu.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
    anonymous = website.client(None)
    assert "no-store" in anonymous.get("/").get("Cache-Control", "")
    static = anonymous.get("/static/web/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def _settings_with(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_", "DATABASE_URL"))}
    clean.update(PEMILIH_WORKSPACE=str(tmp_path), **env)
    code = ("import json; from pemilih.store import settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
            "['SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', "
            "'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'SECURE_CONTENT_TYPE_NOSNIFF']}))")
    done = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_tls_settings_follow_pemilih_https(tmp_path):
    plain = _settings_with(tmp_path)
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["SECURE_SSL_REDIRECT"]
    assert not plain["SECURE_HSTS_SECONDS"]
    tls = _settings_with(tmp_path, PEMILIH_HTTPS="1")
    assert tls["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert tls["SESSION_COOKIE_SECURE"] is True and tls["CSRF_COOKIE_SECURE"] is True
    assert tls["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert tls["SECURE_SSL_REDIRECT"] is True
    for values in (plain, tls):  # always
        assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_REFERRER_POLICY"] == "same-origin"
        assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_behind_tls_the_answer_carries_hsts_and_secure_cookies(website):
    from django.test.utils import override_settings
    with override_settings(SECURE_HSTS_SECONDS=31536000, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True,
                           SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_SSL_REDIRECT=True):
        client = website.client(None)
        plain = client.get("/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
        assert secure.cookies["csrftoken"]["secure"] is True


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']|\sstyle\s*=|<style|javascript:", re.IGNORECASE)


def test_no_page_has_inline_script_style_or_event_handler(website, maker):
    """Every GET URL as every role, HTML made in Python included (charts, the QR code of the
    second factor): nothing the policy would block."""
    from test_web_malformed import urls

    from webcoklit import agree, receive
    receive(website.ws, maker)
    agree(website.ws)
    found = []
    for role in Role.values:
        client = website.client(role, kode_desa="73.26.01.2001" if role == Role.PANITIA else "")
        for _pattern, url, real in urls():
            if not real:
                continue
            response = client.get(url, follow=True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            found += [f"{url} as {role}: {m.group(0)}" for m in INLINE.finditer(response.content.decode())]
    assert found == []
