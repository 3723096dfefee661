"""Screenshots of the main pages at phone and desktop width, for docs/.

    .venv/bin/python scripts/screenshots.py --workspace DIR [--out docs/img] [--port 8798] [--no-job]

Starts the real server (as `pemilih serve`) on a loaded workspace (e.g. the one `make run`
made: pemilih-data), signs in through the login form as the role each page is for, and saves
docs/img/web_<page>_<phone|desktop>.png (390x844 and 1366x900, the whole page). The demo
accounts (one per role) are made or reused (pemilih.web.accounts.demo_accounts). A page that
does not exist yet, or has nothing to show in this workspace, is skipped with a note.

The job-progress shot starts a real job (DPML: every village's coklit workbook, which writes a
share event and a zip into the workspace): use a copy of a workspace you care about, or --no-job.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PEMILIH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MAX_SCREENS = 2.5
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def facts(ws: Path) -> dict:
    """Demo accounts, the committee's village, an election code and a listed NIK (never printed)."""
    from pemilih.store.workspace import open_workspace
    workspace = open_workspace(ws)
    from django.db import connection

    from pemilih.web.accounts import demo_accounts
    from pemilih.web.models import Account
    with connection.cursor() as cur:
        cur.execute("SELECT kode_desa, COUNT(*) FROM store_voter GROUP BY kode_desa ORDER BY 2 DESC LIMIT 1")
        busiest = cur.fetchone()
        cur.execute("SELECT code FROM store_election ORDER BY id DESC LIMIT 1")
        election = cur.fetchone()
        cur.execute("SELECT nik FROM store_voter WHERE length(nik) = 16 ORDER BY position LIMIT 1 OFFSET 500")
        nik = cur.fetchone()
    committee = Account.objects.filter(user__username="panitia").first()
    village = committee.kode_desa if committee else (busiest[0] if busiest else "")
    if not committee and election:  # a committee of a village the election is held in
        from pemilih.store.models import Election
        held = Election.objects.get(code=election[0]).villages
        if held and village not in held:
            village = held[0]
    with connection.cursor() as cur:  # a voter of the committee's village, for its counter's NIK search
        cur.execute("SELECT nik FROM store_voter WHERE kode_desa = %s AND length(nik) = 16 ORDER BY position LIMIT 1",
                    [village])
        village_nik = cur.fetchone()
    passwords = {a["username"]: a["password"] for a in demo_accounts(ws, village)}
    workspace.close()
    return {"passwords": passwords, "village": village, "election": election[0] if election else None,
            "nik": nik[0] if nik else None, "village_nik": village_nik[0] if village_nik else None}


def start_server(ws: Path, port: int):
    from pemilih.web import server
    opts = server.ServeOptions(workspace=ws, port=port, database_url=os.environ.get("DATABASE_URL"))
    server.prepare(opts)
    procs = server.start(opts, access_log=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                if answer.status == 200:
                    return procs
        except OSError:
            time.sleep(0.3)
    server.stop(*procs)
    sys.exit("server tidak menjawab dalam 90 detik")


class Shooter:
    def __init__(self, browser, base: str, out: Path, passwords: dict):
        self.browser, self.base, self.out, self.passwords = browser, base, out, passwords
        self.saved: list[str] = []
        self.notes: list[str] = []

    def page(self, role: str | None, width: str):
        context = self.browser.new_context(viewport=WIDTHS[width], locale="id-ID", device_scale_factor=1)
        page = context.new_page()
        page.set_default_timeout(30_000)
        if role:
            page.goto(self.base + "/")
            page.fill("input[name=username]", role)
            page.fill("input[name=password]", self.passwords[role])
            with page.expect_navigation():
                page.click("button[type=submit]")
        return page

    def shot(self, name: str, role: str | None, path: str, action=None) -> None:
        for width in WIDTHS:
            page = self.page(role, width)
            try:
                answer = page.goto(self.base + path)
                if answer is None or answer.status >= 400:
                    self.notes.append(f"{name}: {path} menjawab {answer.status if answer else '-'}, dilewati")
                    return
                if action:
                    action(page)
                target = self.out / f"web_{name}_{width}.png"
                page.screenshot(path=str(target), full_page=True, clip=_top(page, width))
                self.saved.append(str(target.relative_to(ROOT)) if target.is_relative_to(ROOT) else str(target))
            finally:
                page.context.close()


def _top(page, width: str) -> dict:
    """The whole page, but at most MAX_SCREENS screens tall (a 190k-voter list is long)."""
    size = WIDTHS[width]
    height = page.evaluate("() => document.documentElement.scrollHeight")
    return {"x": 0, "y": 0, "width": size["width"], "height": min(height, size["height"] * MAX_SCREENS)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", default="pemilih-data", help="ruang kerja berisi data (bawaan: pemilih-data)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    ap.add_argument("--port", type=int, default=8798)
    ap.add_argument("--no-job", action="store_true",
                    help="tanpa gambar kemajuan pekerjaan (tidak menulis ke ruang kerja)")
    args = ap.parse_args()
    ws, out = Path(args.workspace), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    known = facts(ws)
    procs = start_server(ws, args.port)
    from playwright.sync_api import sync_playwright

    from pemilih.web import server
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            s = Shooter(browser, f"http://127.0.0.1:{args.port}", out, known["passwords"])
            take_all(s, known, args)
            browser.close()
    finally:
        server.stop(*procs)
    print(json.dumps({"saved": s.saved, "notes": s.notes}, indent=1, ensure_ascii=False))


def take_all(s: Shooter, known: dict, args) -> None:
    s.shot("login", None, "/")
    s.shot("home", "dpml", "/beranda/")
    s.shot("home_panitia", "panitia", "/beranda/")  # the committee's: its village, stage, deadline, next step
    s.shot("voters", "dpml", "/pemilih/")
    s.shot("review", "dpml", "/tinjau/", action=_open_first_evidence)
    s.shot("coklit", "panitia", "/coklit/")
    if known["election"]:
        s.shot("pilkalem", "dpml", f"/pilkalem/{known['election']}/")
        # the committee's counter: a voter found by NIK, and the new-voter form
        counter = f"/pilkalem/{known['election']}/tanggapan/formulir/"
        if known["village_nik"]:
            s.shot("tanggapan", "panitia", counter, action=lambda page: _look_up(page, known["village_nik"]))
        s.shot("tanggapan_tambah", "panitia", counter + "tambah/")
    else:
        s.notes.append("pilkalem: belum ada pemilihan di ruang kerja, dilewati")
    s.shot("dashboard", "pemantau", "/rekap/")
    if known["nik"]:
        s.shot("cek", None, "/cek", action=lambda page: _look_up(page, known["nik"]))
    if args.no_job:
        s.notes.append("job: dilewati (--no-job)")
    else:
        job_page(s)


def _open_first_evidence(page) -> None:
    """The queue with one proposal's evidence open, when the page folds it (details/summary)."""
    first = page.locator("details summary").first
    if first.count():
        first.click()


def _look_up(page, nik: str) -> None:
    """Search a NIK where the page offers the search (responses closed: the page as it is)."""
    if not page.locator("input[name=nik]").count():
        return
    page.fill("input[name=nik]", nik)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def job_page(s: Shooter) -> None:
    """Start the every-village coklit job as DPML and shoot its page while it runs."""
    page = s.page("dpml", "desktop")
    try:
        page.goto(s.base + "/coklit/")
        button = page.locator("form[action='/coklit/semua/'] button")
        if not button.count():
            s.notes.append("job: tombol coklit semua desa tidak ada, dilewati")
            return
        with page.expect_navigation():
            button.first.click()
        if "/pekerjaan/" not in page.url:
            s.notes.append(f"job: tidak diarahkan ke halaman pekerjaan ({page.url}), dilewati")
            return
        path = page.url.removeprefix(s.base)
    finally:
        page.context.close()
    time.sleep(4)  # the worker claims it and reports a first stage
    s.shot("job", "dpml", path)
    _wait_for(s, path)


def _wait_for(s: Shooter, path: str, seconds: float = 300) -> None:
    """Let the job finish before the server stops (a killed job stays 'running' until restart)."""
    page = s.page("dpml", "desktop")
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page.goto(s.base + path)
            if page.locator("#job-status").get_attribute("data-status") in ("selesai", "gagal"):
                return
            time.sleep(2)
        s.notes.append("job: belum selesai saat server dihentikan")
    finally:
        page.context.close()


if __name__ == "__main__":
    main()
