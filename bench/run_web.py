"""Load benchmark of the web application (issue 5) on the scale-1.0 demo.

    .venv/bin/python bench/run_web.py [--workspace DIR | --data DIR] [--requests 200] [--clients 2]
                                      [--rate 200] [--seconds 20] [--port 8799]

The server is the real one, started as `pemilih serve` starts it (gunicorn, 2 workers x 4
threads, plus the job worker), on a workspace holding the scale-1.0 demo: `--workspace` names a
ready one (e.g. the one `make run` made), else `pemilih demo --scale 1.0` makes one under
`--data` (once; later runs reuse it). This process is the load: it talks to the server over
loopback with http.client, like a browser or a reverse proxy would.

(a) Pages, signed in (session cookie) as a DPML operator: the voter list (first page, one
    village, a deep page, a name search) and the review queue `tinjau/` (no filter, by code,
    by village and score). `--clients` clients at once, each asking again as soon as answered,
    `--requests` answers per URL; p50/p95/p99 per URL, target p95 < 200 ms.
(b) The public look-up POST /cek, open loop: requests are sent at fixed times (`--rate` per
    second for `--seconds`), whoever is free sends the next one, and latency runs from the
    scheduled time, so time spent queueing is counted. Half listed, half unlisted NIKs, at
    random; every answer is checked (found / not found as expected). The per-client limit must
    not apply here: the server trusts 127.0.0.1 as a reverse proxy (PEMILIH_TRUSTED_PROXIES)
    and each simulated resident comes with its own X-Forwarded-For and CSRF cookie/token (taken
    from one GET /cek each). Target p99 < 50 ms, no errors.
(c) One resident asking again and again: answered until the limit, then 429.

Server memory: the peak of the summed RSS and PSS of gunicorn's processes and the job worker,
sampled every 0.25 s. NIKs are never printed. Results also go to bench/results/web.json.
The workspace gets a `bench-dpml` account, sessions and look-up counts; nothing else changes.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run_foundation import PEMILIH  # noqa: E402

HOST = "127.0.0.1"
PAGE_TARGET_P95_MS = 200.0
CEK_TARGET_P99_MS = 50.0
BENCH_USER = "bench-dpml"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- the workspace and what to ask for --------------------------------------------------------

def ensure_workspace(args) -> Path:
    if args.workspace:
        ws = Path(args.workspace)
        if not (ws / "pemilih.sqlite3").exists() and not os.environ.get("DATABASE_URL"):
            sys.exit(f"{ws}: bukan ruang kerja (pemilih.sqlite3 tidak ada)")
        return ws
    data = Path(args.data)
    ws = data / "ws"
    if not (data / "demo-selesai").exists():
        print(f"membuat demo skala {args.scale} di {data} (sekali) ...", flush=True)
        cmd = PEMILIH + ["demo", "--scale", str(args.scale), "--out", str(data / "demo"), "--workspace", str(ws)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} gagal ({done.returncode}):\n{done.stderr[-3000:]}")
        (data / "demo-selesai").write_text("ok\n")
    return ws


def prepare_workspace(ws: Path) -> dict:
    """The bench account, and the values to ask for, read from the workspace (in this process)."""
    from pemilih.store.workspace import open_workspace
    workspace = open_workspace(ws)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from pemilih.web import accounts
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.filter(username=BENCH_USER).first()
    if user is None:
        accounts.create(BENCH_USER, password, "dpml", full_name="Uji Beban")
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    with connection.cursor() as cur:
        cur.execute("SELECT kode_desa, COUNT(*) FROM store_voter GROUP BY kode_desa ORDER BY 2 DESC LIMIT 1")
        village, _ = cur.fetchone()
        cur.execute("SELECT COUNT(*) FROM store_voter")
        voters = cur.fetchone()[0]
        cur.execute("SELECT nik FROM store_voter WHERE nik IS NOT NULL")
        listed = {r[0] for r in cur.fetchall()}
        cur.execute("SELECT nik FROM store_electionvoter WHERE nik IS NOT NULL")
        anywhere = listed | {r[0] for r in cur.fetchall()}
        cur.execute("SELECT nama FROM store_voter WHERE position % 97 = 0")
        first_names = [n.split()[0] for (n,) in cur.fetchall() if n and n.split()]
        finding_code, review_village = _review_values(cur)
    workspace.close()
    rng = random.Random(7326)
    good = sorted(n for n in listed if len(n) == 16 and n.isdigit() and not n.startswith("00"))
    unlisted = []
    while len(unlisted) < 3000:
        nik = "7326" + f"{rng.randrange(10**12):012d}"
        if nik not in anywhere:
            unlisted.append(nik)
    name = statistics.mode(first_names) if first_names else "MARIA"
    return {"password": password, "village": village, "voters": voters, "name": name,
            "deep_page": max(1, voters // 50 * 3 // 4), "listed": rng.sample(good, min(3000, len(good))),
            "unlisted": unlisted, "finding_code": finding_code, "review_village": review_village}


def _review_values(cur) -> tuple[str | None, str | None]:
    """The commonest finding code and the village with most proposals (None: no proposals)."""
    try:
        cur.execute("SELECT code, COUNT(*) FROM store_proposal GROUP BY code ORDER BY 2 DESC LIMIT 1")
        row = cur.fetchone()
        cur.execute("SELECT kode_desa, COUNT(*) FROM store_proposal GROUP BY kode_desa ORDER BY 2 DESC LIMIT 1")
        village = cur.fetchone()
    except Exception:  # the store names these differently: the queue is measured without filters
        return None, None
    return (row[0] if row else None), (village[0] if village else None)


# --- the server and its memory ----------------------------------------------------------------

class MemorySampler:
    """Peak summed RSS and PSS (MB) of the server's processes, every `every` seconds."""

    def __init__(self, roots: list[int], every: float = 0.25):
        self.roots, self.every = roots, every
        self.peak_rss = self.peak_pss = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()

    def _run(self):
        while not self._done.is_set():
            rss = pss = 0
            for pid in self._tree():
                r, p = _rss_pss_kb(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss / 1024), max(self.peak_pss, pss / 1024)
            self._done.wait(self.every)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server's live processes so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self._tree():
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total / tick

    def _tree(self) -> list[int]:
        found, stack = [], list(self.roots)
        while stack:
            pid = stack.pop()
            found.append(pid)
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as fh:
                        stack.extend(int(c) for c in fh.read().split())
            except OSError:
                pass
        return found


def _rss_pss_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def start_server(ws: Path, port: int):
    from pemilih.web import server
    os.environ["PEMILIH_TRUSTED_PROXIES"] = HOST  # an office reverse proxy on this machine
    opts = server.ServeOptions(workspace=ws, host=HOST, port=port, database_url=os.environ.get("DATABASE_URL"))
    server.prepare(opts)
    procs = server.start(opts, access_log=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            server.stop(*procs)
            sys.exit("server berhenti sebelum menjawab")
        try:
            if Client(port).get("/")[0] == 200:
                return procs
        except OSError:
            pass
        time.sleep(0.3)
    server.stop(*procs)
    sys.exit("server tidak menjawab dalam 90 detik")


# --- a small HTTP client: one keep-alive connection, its cookies -------------------------------

class Client:
    def __init__(self, port: int, forwarded_for: str | None = None):
        self.port, self.forwarded_for = port, forwarded_for
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, fields: dict | None = None, cookies: dict | None = None,
                forwarded_for: str | None = None) -> tuple[int, str, dict]:
        headers = {"Host": f"{HOST}:{self.port}"}
        jar = cookies if cookies is not None else self.cookies
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if forwarded_for or self.forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for or self.forwarded_for
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a keep-alive connection the server has closed: once more
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                text = answer.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for value in answer.headers.get_all("Set-Cookie") or []:
            for k, morsel in SimpleCookie(value).items():
                jar[k] = morsel.value
        return answer.status, text, dict(answer.headers)

    def get(self, path: str):
        return self.request("GET", path)

    def form_token(self, path: str) -> str:
        status, text, _ = self.get(path)
        found = TOKEN.search(text)
        if status != 200 or not found:
            raise RuntimeError(f"GET {path}: {status}, tanpa token CSRF")
        return found.group(1)

    def login(self, username: str, password: str) -> None:
        token = self.form_token("/")
        status, _, headers = self.request("POST", "/", {"username": username, "password": password,
                                                        "csrfmiddlewaretoken": token, "next": ""})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"masuk sebagai {username} gagal ({status})")


def percentiles(ms: list[float]) -> dict:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(max(ms), 1)}


# --- (a) pages --------------------------------------------------------------------------------

def page_urls(values: dict) -> tuple[dict, list[str]]:
    urls = {
        "daftar: halaman 1": "/pemilih/",
        "daftar: satu desa": f"/pemilih/?desa={values['village']}",
        f"daftar: halaman {values['deep_page']}": f"/pemilih/?hal={values['deep_page']}",
        "daftar: cari nama": f"/pemilih/?q={urllib.parse.quote(values['name'])}",
        "tinjau: tanpa saring": "/tinjau/",
    }
    notes = []
    if values["finding_code"]:
        urls["tinjau: per kode"] = f"/tinjau/?kode={values['finding_code']}"
    if values["review_village"]:
        urls["tinjau: desa + skor"] = f"/tinjau/?desa={values['review_village']}&skor_min=0.5&status=terbuka"
    if not values["finding_code"]:
        notes.append("tinjau dengan saringan dilewati: tidak ada usulan di ruang kerja")
    return urls, notes


def bench_pages(port: int, values: dict, requests: int, clients: int) -> tuple[dict, list[str]]:
    session = Client(port)
    session.login(BENCH_USER, values["password"])
    urls, notes = page_urls(values)
    out = {}
    for label, url in urls.items():
        status, _, _ = session.get(url)
        if status == 404:
            notes.append(f"{url}: belum ada (404), dilewati")
            continue
        if status != 200:
            raise RuntimeError(f"{url}: {status} untuk akun DPML")
        out[label] = {"url": url, **_closed_loop(port, session.cookies, url, requests, clients)}
    return out, notes


def _closed_loop(port: int, cookies: dict, url: str, requests: int, clients: int) -> dict:
    """`clients` signed-in clients asking for url, each again when answered; `requests` in all."""
    times, errors = [], [0]
    counter = iter(range(requests))
    lock = threading.Lock()

    def one_client():
        c = Client(port)
        c.cookies = dict(cookies)
        for _ in range(3):
            c.get(url)  # warm: the connection, the process's caches
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            t = time.perf_counter()
            status, _, _ = c.get(url)
            elapsed = (time.perf_counter() - t) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += status != 200

    threads = [threading.Thread(target=one_client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**percentiles(times), "errors": errors[0]}


# --- (b) the public look-up, open loop ----------------------------------------------------------

def residents(port: int, n: int) -> list[dict]:
    """n simulated residents behind the proxy: own address, own CSRF cookie and token."""
    out: list[dict] = []
    lock = threading.Lock()
    todo = iter(range(n))

    def work():
        c = Client(port)
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            address = f"10.{i // 62500 % 250}.{i // 250 % 250}.{i % 250 + 1}"
            c.cookies = {}
            token = c.request("GET", "/cek", forwarded_for=address)[1]
            found = TOKEN.search(token)
            with lock:
                out.append({"address": address, "cookies": dict(c.cookies), "token": found.group(1)})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def bench_lookup(port: int, values: dict, rate: float, seconds: float, threads: int,
                 people: list[dict]) -> dict:
    total = int(rate * seconds)
    rng = random.Random(2026)
    plan = []
    for i in range(total):
        listed = rng.random() < 0.5
        nik = rng.choice(values["listed"] if listed else values["unlisted"])
        plan.append((people[i % len(people)], nik, listed))
    jobs: queue.Queue = queue.Queue()
    results: list[tuple] = []
    lock = threading.Lock()

    def worker():
        c = Client(port)
        while True:
            item = jobs.get()
            if item is None:
                return
            i, due = item
            person, nik, listed = plan[i]
            try:
                status, text, _ = c.request("POST", "/cek", {"nik": nik, "csrfmiddlewaretoken": person["token"]},
                                            cookies=dict(person["cookies"]), forwarded_for=person["address"])
                right = status == 200 and (("Terdaftar." in text) if listed else ("Tidak ditemukan." in text))
            except OSError:
                status, right = 0, False
            done = time.perf_counter()
            with lock:
                results.append((due, done, status, right))

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    start = time.perf_counter() + 0.2
    for i in range(total):  # the schedule: request i is due at start + i/rate, answered or not
        due = start + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        jobs.put((i, due))
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    latencies = [(done - due) * 1000 for due, done, _, _ in results]
    span = max(done for _, done, _, _ in results) - start
    statuses: dict[int, int] = {}
    for _, _, s, _ in results:
        statuses[s] = statuses.get(s, 0) + 1
    return {"rate_asked": rate, "seconds": seconds, "requests": total, "achieved_rate": round(len(results) / span, 1),
            "errors": sum(1 for r in results if not r[3]), "statuses": statuses,
            "residents": len(people), "load_threads": threads, **percentiles(latencies)}


def show_limit(port: int, extra: int = 5) -> dict:
    """One resident asking LIMIT + extra times in a row: the answers' statuses in order."""
    from pemilih.web import lookup  # LIMIT as the server reads it (same environment)
    c = Client(port, forwarded_for=f"10.254.{random.randrange(250)}.{random.randrange(1, 250)}")  # fresh each run
    token = c.form_token("/cek")
    statuses = [c.request("POST", "/cek", {"nik": "7326019999990001", "csrfmiddlewaretoken": token})[0]
                for _ in range(lookup.LIMIT + extra)]
    first = statuses.index(429) if 429 in statuses else None
    return {"limit": lookup.LIMIT, "statuses": statuses, "answered_before_429": first}


# --- the report -------------------------------------------------------------------------------

def report(out: dict) -> None:
    print()
    print(f"Aplikasi web, demo skala {out['scale']} ({out['voters']:,} pemilih), gunicorn 2 proses x 4 utas, "
          f"{os.cpu_count()} inti")
    print(f"perintah: {out['command']}")
    print()
    print(f"(a) halaman, masuk sebagai DPML, {out['page_clients']} klien bersamaan")
    print("| halaman | URL | n | p50 (ms) | p95 (ms) | p99 (ms) | galat | target p95 < 200 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in out["pages"].items():
        ok = "ok" if r["p95_ms"] < PAGE_TARGET_P95_MS and not r["errors"] else "MELESET"
        print(f"| {label} | `{r['url']}` | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
              f"{r['errors']} | {ok} |")
    for note in out["notes"]:
        print(f"  catatan: {note}")
    c = out["cek"]
    if c is None:
        return report_limit(out)
    ok = "ok" if c["p99_ms"] < CEK_TARGET_P99_MS and not c["errors"] else "MELESET"
    print()
    print(f"(b) POST /cek, beban terbuka {c['rate_asked']:.0f}/detik selama {c['seconds']:.0f} detik, "
          f"{c['residents']} warga (X-Forwarded-For masing-masing)")
    print("| diminta/s | tercapai/s | permintaan | galat | p50 (ms) | p95 (ms) | p99 (ms) | maks (ms) "
          "| target p99 < 50 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {c['rate_asked']:.0f} | {c['achieved_rate']} | {c['requests']} | {c['errors']} | {c['p50_ms']} | "
          f"{c['p95_ms']} | {c['p99_ms']} | {c['max_ms']} | {ok} |")
    print(f"CPU per permintaan: server {c['server_cpu_ms_per_request']} ms, pembangkit beban "
          f"{c['load_cpu_ms_per_request']} ms; beban mesin (1 menit) sebelum/sesudah: {out['loadavg']}")
    report_limit(out)


def report_limit(out: dict) -> None:
    lim = out["limit"]
    if lim is None:
        return _report_memory(out)
    print()
    print(f"(c) satu warga, {len(lim['statuses'])} kali berturut-turut (batas {lim['limit']}/menit): "
          f"{lim['answered_before_429']} dijawab, lalu {lim['statuses'][lim['answered_before_429'] or 0:]}")
    _report_memory(out)


def _report_memory(out: dict) -> None:
    print()
    print(f"memori server (gunicorn + pekerja), puncak: RSS {out['memory']['peak_rss_mb']:.0f} MB, "
          f"PSS {out['memory']['peak_pss_mb']:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", help="ruang kerja siap (mis. hasil `make run`); tanpa ini: --data")
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "web-demo"),
                    help="folder demo yang dibuat sekali bila --workspace tidak diberikan")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--requests", type=int, default=200, help="jawaban per URL di bagian (a)")
    ap.add_argument("--clients", type=int, default=2, help="klien bersamaan di bagian (a)")
    ap.add_argument("--rate", type=float, default=200.0, help="permintaan /cek per detik")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--load-threads", type=int, default=48, help="utas pengirim /cek")
    ap.add_argument("--parts", default="abc",
                    help="bagian yang dijalankan: a halaman, b /cek, c batas per warga (bawaan: abc)")
    ap.add_argument("--residents", type=int, default=1000, help="warga (alamat) berbeda di bagian (b)")
    args = ap.parse_args()
    ws = ensure_workspace(args)
    values = prepare_workspace(ws)
    load_before = os.getloadavg()[0]
    procs = start_server(ws, args.port)
    from pemilih.web import server
    try:
        with MemorySampler([p.pid for p in procs]) as memory:
            pages, notes = ({}, ["(a) tidak dijalankan"]) if "a" not in args.parts else \
                bench_pages(args.port, values, args.requests, args.clients)
            cek = limit = None
            if "b" in args.parts:
                people = residents(args.port, args.residents)
                cpu0, own0 = memory.cpu_seconds(), time.process_time()
                cek = bench_lookup(args.port, values, args.rate, args.seconds, args.load_threads, people)
                cek["server_cpu_ms_per_request"] = round((memory.cpu_seconds() - cpu0) * 1000 / cek["requests"], 2)
                cek["load_cpu_ms_per_request"] = round((time.process_time() - own0) * 1000 / cek["requests"], 2)
            if "c" in args.parts:
                limit = show_limit(args.port)
    finally:
        server.stop(*procs)
    out = {"command": " ".join([".venv/bin/python", "bench/run_web.py", *sys.argv[1:]]), "scale": args.scale,
           "workspace": str(ws), "voters": values["voters"], "page_clients": args.clients, "pages": pages,
           "notes": notes, "cek": cek, "limit": limit,
           "loadavg": f"{load_before:.2f}/{os.getloadavg()[0]:.2f}",
           "memory": {"peak_rss_mb": round(memory.peak_rss), "peak_pss_mb": round(memory.peak_pss)}}
    report(out)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "web.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
