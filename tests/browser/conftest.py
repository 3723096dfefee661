"""Browser tests: the real application in headless Chromium.

The server is started the way `pemilih serve` starts it (pemilih.web.server: prepare(), then
gunicorn plus the job worker as separate processes) on a free loopback port, on a fresh
workspace: SQLite by default, PostgreSQL with PEMILIH_TEST_DB=postgres (a database copied from
the migrated template of tests/conftest.py, on its throwaway server). One server per test
module (`live_site`); the test process opens the same workspace, so tests create accounts and
load data with the library directly (`site.create_account`, `site.receive`, `site.agreement`).

The browser is Playwright (sync API) driving Debian's Chromium, as
/work/shared/docs/testing-notes.md says. Every page made through the `page` / `new_page`
fixtures is watched: a console error, an uncaught page error or a 5xx answer FAILS the test
(checked right after the test body, see pytest_runtest_call below). A test that expects an
error answer (e.g. a 403 denial page) declares it with `browser_errors.allow(regex)`.

Chromium or Playwright missing is a failure with the reason, never a skip: CI must not pass
the browser tests by not running them.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = os.environ.get("PEMILIH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-dev-shm-usage"]
PASSWORD = "sandi-uji-yang-panjang"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
AGREEMENT = "PKS-UJI/1"
START_TIMEOUT = 60.0  # seconds for gunicorn to answer (a busy 2-core machine is slow)

_numbers = count(1)


# --- the live server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, procs, timeout: float = START_TIMEOUT) -> None:
    """Poll url until it answers; fail early when a server process has died."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"proses server berhenti (kode {p.returncode}) sebelum menjawab: {p.args[:2]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"server tidak menjawab di {url} dalam {timeout:.0f} detik: {last}")


@dataclass
class LiveSite:
    """The running application and its workspace (opened in the test process too)."""

    url: str
    ws: object
    folder: Path
    procs: tuple = ()
    passwords: dict = field(default_factory=dict)  # username -> password, of accounts made here

    def create_account(self, role: str, kode_desa: str = "", username: str | None = None) -> str:
        """A new account of `role` (password PASSWORD); returns its username."""
        from pemilih.web import accounts
        self.ws.activate()
        name = username or f"{role}{next(_numbers)}"
        accounts.create(name, PASSWORD, role, full_name=f"Uji {role.title()}", kode_desa=kode_desa)
        self.passwords[name] = PASSWORD
        return name

    def demo_accounts(self, panitia_village: str) -> dict:
        """The demo's accounts (one per role, named after it), as `pemilih demo` makes them."""
        from pemilih.web.accounts import demo_accounts
        self.ws.activate()
        made = {a["username"]: a["password"] for a in demo_accounts(self.folder, panitia_village)}
        self.passwords.update(made)
        return made

    def receive(self, *paths: str | Path, kind: str = "kpu", agency: str = "KPU"):
        """Import list files as `pemilih receive` does (refused rows kept on their records)."""
        from pemilih.io.read import read_files
        from pemilih.store.receive import import_result
        self.ws.activate()
        result = read_files([str(p) for p in paths], kind=kind)
        return import_result(self.ws, result, actor="Uji", agency=agency, reason="uji peramban",
                             allow_refused=True)

    def agreement(self, number: str = AGREEMENT, villages=("*",), recipient: str = "DPML") -> None:
        """A valid data-sharing agreement between KPU and `recipient` (personal data may be shown
        to that agency's accounts)."""
        from pemilih.contract import KPU_COLUMNS
        from pemilih.store.agreements import Terms, record_agreement
        self.ws.activate()
        today = timezone.localdate()
        record_agreement(self.ws, Terms(
            number=number, title="PKS uji", provider="KPU", recipient=recipient, purpose="uji",
            legal_basis="uji", valid_from=today - timedelta(days=1), valid_to=today + timedelta(days=365),
            retention="uji", data_elements=list(KPU_COLUMNS), villages=list(villages)),
            actor="Uji", agency="KPU", reason="uji")

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)


def _store(folder: Path, migrated_template, request):
    """(DATABASE_URL, cleanup) of a fresh, migrated store for a server: the template copied,
    as tests/conftest.py does per test, but living as long as the module's server."""
    if not _use_postgres():
        shutil.copyfile(migrated_template, folder / "pemilih.sqlite3")
        return f"sqlite:///{folder / 'pemilih.sqlite3'}", lambda: None
    server = request.getfixturevalue("pg_server")
    name = f"pemilih_browser_{os.getpid()}_{next(_numbers)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {migrated_template}")

    def drop():
        from django.db import connections
        connections.close_all()
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return server.url(name), drop


def _use_postgres() -> bool:
    return os.environ.get("PEMILIH_TEST_DB", "sqlite").lower() in ("postgres", "postgresql")


@contextmanager
def serve_site(tmp_path_factory, migrated_template, request, label: str = "situs"):
    """The application served by gunicorn + the job worker on a fresh workspace, until exit."""
    from pemilih.store.workspace import open_workspace
    from pemilih.web import server

    folder = tmp_path_factory.mktemp(label)
    saved_url = os.environ.pop("DATABASE_URL", None)
    database_url, drop = _store(folder, migrated_template, request)
    opts = server.ServeOptions(workspace=folder, host="127.0.0.1", port=free_port(),
                               database_url=None if database_url.startswith("sqlite") else database_url)
    procs = ()
    try:
        server.prepare(opts)
        ws = open_workspace(folder, opts.database_url)
        procs = server.start(opts)
        site = LiveSite(f"http://127.0.0.1:{opts.port}", ws, folder, procs)
        wait_until_up(site.url + "/", procs)
        yield site
    finally:
        server.stop(*procs)
        drop()
        if saved_url is not None:
            os.environ["DATABASE_URL"] = saved_url


@pytest.fixture(scope="module")
def live_site(tmp_path_factory, migrated_template, request):
    """The application served by gunicorn + the job worker on a fresh workspace (one per module)."""
    with serve_site(tmp_path_factory, migrated_template, request) as site:
        yield site


@pytest.fixture(scope="module")
def second_site(tmp_path_factory, migrated_template, request, live_site):
    """A second application on its own workspace and store (KPU's own instance, when
    live_site is DPML's). The test process's connection goes back to live_site's afterwards."""
    with serve_site(tmp_path_factory, migrated_template, request, "situs-kedua") as site:
        yield site
    live_site.ws.activate()


@pytest.fixture(scope="session")
def small_regency(tmp_path_factory) -> Path:
    """A small generated Toraja Utara (scale 0.01: ~1,900 voters in all 151 villages)."""
    from pemilih.generate import generate
    out = tmp_path_factory.mktemp("regency")
    generate(str(out), scale=0.01, seed=7326, progress=False, processes=1)
    return out


LIMBONG = "73.26.01.2010"  # a lembang of kecamatan Rantepao in the region reference


@pytest.fixture(scope="module")
def with_election(live_site, small_regency):
    """with_election(villages, stages) -> live_site holding the small regency's list, an
    agreement, the Pilkalem PK27 over `villages` with `stages` set (unprinted), and the account
    of Limbong's committee (`live_site.panitia`): what the committee's pages are tried on."""
    def make(villages=(LIMBONG, "73.26.01.2011"), stages=("DPS",)):
        from pemilih.cycle import election as step
        from pemilih.cycle.common import Who
        live_site.receive(small_regency / "kpu" / "dpt_7326.csv")
        live_site.agreement()
        live_site.ws.activate()
        today = timezone.localdate()
        who = Who("Uji", "DPML", "uji peramban")
        step.create(live_site.ws, step.CreateRequest("PK27", "Pemilihan Kepala Lembang 2027",
                                                     today + timedelta(days=90), today, tuple(villages), who,
                                                     regime="PILKALEM"))
        for stage in stages:
            step.set_list(live_site.ws, step.SetListRequest("PK27", stage, None, who, schedule_reason="uji peramban"))
        live_site.panitia = live_site.create_account("panitia", kode_desa=LIMBONG)
        return live_site
    return make


# --- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright; fails loudly when either is missing.

    Per module, not per session: Playwright's sync API keeps an asyncio loop running in this
    thread while it lives, and Django refuses ORM calls under a running loop. Within browser
    modules the test process's own ORM calls (accounts, data) are plain synchronous code, so
    Django's check is lifted there, and only there."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium tidak ada di {CHROMIUM}: pasang dengan `make sysdeps` "
                    "(apt-get install chromium) atau set PEMILIH_CHROMIUM", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright untuk Python tidak terpasang ({exc}): `pip install -e '.[test]'`",
                    pytrace=False)
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(f"Chromium {CHROMIUM} tidak dapat dijalankan oleh Playwright: {exc}", pytrace=False)
        saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
        try:
            yield chromium
        finally:
            chromium.close()
            if saved is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class BrowserErrors:
    """What went wrong in the pages of one test: console errors, page errors, 5xx answers."""

    def __init__(self):
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """Errors matching this regex are expected by the test (e.g. the 403 of a denial page)."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.seen.append(f"console: {m.text} ({page.url})"))
        page.on("pageerror", lambda e: self.seen.append(f"pageerror: {e} ({page.url})"))
        page.on("response", lambda r: r.status >= 500 and self.seen.append(f"HTTP {r.status}: {r.url}"))
        page.on("requestfailed", lambda r: self.seen.append(f"request failed: {r.url} ({r.failure})"))

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


_ERRORS = pytest.StashKey[BrowserErrors]()


@pytest.fixture
def browser_errors(request) -> BrowserErrors:
    errors = BrowserErrors()
    request.node.stash[_ERRORS] = errors
    return errors


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: fail the test itself on any unexpected browser error."""
    result = yield
    errors = item.stash.get(_ERRORS, None)
    if errors is not None and errors.unexpected():
        pytest.fail("Galat di peramban:\n  " + "\n  ".join(errors.unexpected()), pytrace=False)
    return result


@pytest.fixture
def new_page(browser, browser_errors):
    """new_page(viewport=DESKTOP) -> a watched page in its own context (own cookies)."""
    contexts = []

    def make(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="id-ID")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        browser_errors.watch(page)
        return page

    yield make
    for c in contexts:
        c.close()


@pytest.fixture
def phone():
    return dict(PHONE)


@pytest.fixture
def page(new_page):
    """A watched desktop-width page."""
    return new_page()


def login(page, site: LiveSite, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would; lands on the home page."""
    page.goto(site.url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/beranda/"), f"masuk sebagai {username} gagal: {page.url}"


@pytest.fixture
def signed_in(new_page, live_site):
    """signed_in(username, viewport=DESKTOP) -> a new watched page, signed in through the form
    (with the password the site made the account with)."""
    def make(username: str, viewport: dict = DESKTOP):
        page = new_page(viewport)
        login(page, live_site, username, live_site.passwords.get(username, PASSWORD))
        return page
    return make
