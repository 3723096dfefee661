"""Faults, measured: each step of the cycle killed with SIGKILL at a random point, then checked.

    .venv/bin/python bench/run_faults.py [--trials 100] [--db sqlite|postgres|both]
                                         [--steps receive,collect,review,dpt,handback,apply] [--scale 0.02]

On a small generated regency (scale 0.02: about 4,000 voters, a second or so per step), each
step (receive, collect, review accept, election dpt, handback, apply) runs as the real
`pemilih` command from the workspace state before it, and is killed (SIGKILL to its process
group: no clean-up, as a power cut or the OOM killer) after a delay drawn uniformly within the
step's measured duration. After each kill:

  (a) the workspace is consistent: `pemilih audit verify` when the command exists, and in any
      case the current list equals a replay of the event log (bench/fault_check.py);
  (b) nothing is half-applied: every event with all the rows it declares, no rows without their
      event, no unit (a workbook, a package) applied twice; the events the killed run left are
      the first whole events of an unkilled run, nothing else; for the hand-back, no package on
      disk that is broken or that no event records;
  (c) running the step again completes, and the list and the step's events then equal an
      unkilled run's (sequence numbers aside; a step that records each run, DPT and hand-back,
      may show the killed run's events before the re-run's when the kill came after its commit).

Per step and database: trials, kills that landed before the command ended, lost changes (the
list or the step's events differ from an unkilled run after the re-run), half-applied,
inconsistent, re-run failures, median step time. A markdown table on stdout, JSON in
bench/results/faults.json. PostgreSQL runs on a throwaway server (tests/conftest.py's).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from run_foundation import PEMILIH, ensure_regency  # noqa: E402

STEPS = ["receive", "collect", "review", "dpt", "handback", "apply"]
AGREEMENT = "BENCH/PKS/1"
ELECTION = "B"
OFF = ["--alasan-jadwal", "bench"]
CHECK = [sys.executable, str(HERE / "fault_check.py")]


@dataclass
class Workspace:
    folder: Path
    url: str | None = None  # DATABASE_URL (PostgreSQL)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PEMILIH_FAULT")}
        env["PEMILIH_PROGRESS"] = "0"
        if self.url:
            env["DATABASE_URL"] = self.url
        return env


class SqliteStates:
    """Workspace states kept as folder copies."""

    def __init__(self, work: Path):
        self.work = work

    def workspace(self, name: str) -> Workspace:
        return Workspace(self.work / name)

    def save(self, ws: Workspace, state: str) -> None:
        target = self.work / f"state-{state}"
        shutil.rmtree(target, ignore_errors=True)
        if ws.folder.exists():
            shutil.copytree(ws.folder, target)

    def load(self, ws: Workspace, state: str) -> None:
        shutil.rmtree(ws.folder, ignore_errors=True)
        source = self.work / f"state-{state}"
        if source.exists():
            shutil.copytree(source, ws.folder)

    def close(self) -> None:
        pass


class PostgresStates(SqliteStates):
    """Workspace states kept as template databases (and folder copies, for the key files)."""

    def __init__(self, work: Path):
        super().__init__(work)
        from conftest import PostgresServer  # the throwaway server the tests start
        self.server = PostgresServer()
        self.server.start()

    def workspace(self, name: str) -> Workspace:
        self.server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.server.admin(f"CREATE DATABASE {name}")
        return Workspace(self.work / name, self.server.url(name))

    def _db(self, ws: Workspace) -> str:
        return ws.url.split("/")[3].split("?")[0]

    def save(self, ws: Workspace, state: str) -> None:
        super().save(ws, state)
        name = self._db(ws)
        self.server.admin(f"DROP DATABASE IF EXISTS state_{state} WITH (FORCE)")
        self.server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        self.server.admin(f"CREATE DATABASE state_{state} TEMPLATE {name} STRATEGY FILE_COPY")

    def load(self, ws: Workspace, state: str) -> None:
        super().load(ws, state)
        name = self._db(ws)
        self.server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.server.admin(f"CREATE DATABASE {name} TEMPLATE state_{state} STRATEGY FILE_COPY")

    def close(self) -> None:
        self.server.stop()


@dataclass
class Step:
    name: str
    ws: Workspace
    cmd: list[str]
    ok: tuple[int, ...] = (0,)
    out_dir: Path | None = None  # cleared before each run (the hand-back's package folder)
    repeats: bool = False  # each run records an event even when nothing changed (DPT, hand-back)
    # Exit codes of a re-run that refuses because the killed run had finished (review: "no open
    # finding matches"): right when the killed run's events are the whole of an unkilled run's.
    done_codes: tuple[int, ...] = ()


def sh(cmd: list[str], ws: Workspace, ok=(0,)) -> str:
    done = subprocess.run(cmd, env=ws.env(), capture_output=True, text=True, timeout=600)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(cmd)} gagal ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(states, data: Path, work: Path) -> dict[str, Step]:
    """The cycle up to each step, each step's state before it kept; returns the steps."""
    csv = str(data / "kpu" / "dpt_7326.csv")
    registry = str(data / "registry" / "disdukcapil_7326.csv")
    dpml = states.workspace("dpml")
    w = ["--workspace", str(dpml.folder)]
    steps: dict[str, Step] = {}

    def step(name, cmd, ws=dpml, **kw) -> Step:
        states.save(ws, name)
        steps[name] = Step(name, ws, cmd, **kw)
        run_step(steps[name], states, kill_after=None)  # on to the next state
        return steps[name]

    step("receive", PEMILIH + ["receive", *w, csv, "--alasan", "bench"])
    sh(PEMILIH + ["receive", *w, registry, "--jenis", "registry", "--alasan", "bench"], dpml)
    sh(PEMILIH + ["agreement", "catat", *w, "--nomor", AGREEMENT, "--dari", "01-01-2026", "--sampai", "31-12-2030",
                  "--tujuan", "bench", "--dasar-hukum", "bench", "--retensi", "bench"], dpml)
    import polars as pl
    villages = sorted(pl.read_csv(csv, infer_schema=False)["KODE DESA"].drop_nulls().unique().to_list())[:8]
    sh(PEMILIH + ["election", "buat", *w, "--kode", ELECTION, "--nama", "Pemilihan bench", "--rezim", "PEMILU2024",
                  "--hari", "17-03-2027", "--dps", "15-01-2027", "--maks-tps", "300", "--desa", *villages], dpml)
    shared = work / "shared"
    sh(PEMILIH + ["share", *w, "--out", str(shared), "--perjanjian", AGREEMENT], dpml)
    from run_cycle import fill
    books = fill(shared, work / "returned")
    step("collect", PEMILIH + ["collect", *w, *books], ok=(0, 1))
    sh(PEMILIH + ["verify", *w, "--registry", registry, "--on", "2027-03-17", "--out", str(work / "verif")], dpml)
    sh(PEMILIH + ["review", "muat", *w, str(work / "verif" / "findings.csv")], dpml)
    step("review", PEMILIH + ["review", "terima", *w, "--kode", "U", "--alasan", "bench"], done_codes=(1,))
    sh(PEMILIH + ["election", "dps", *w, "--kode", ELECTION, "--out", str(work / "dps"), "--tanpa-pengumuman",
                  *OFF], dpml)
    step("dpt", PEMILIH + ["election", "dpt", *w, "--kode", ELECTION, "--out", str(work / "dpt"),
                           "--tanpa-pengumuman", "--tanpa-daftar", *OFF], repeats=True)
    package_dir = work / "paket"
    # DPML's signing key made before the state the hand-back starts from, so every re-run signs
    # with the key KPU registers below.
    shown = sh(PEMILIH + ["kunci", "tampil", "--pem", *w], dpml)
    end = "-----END PUBLIC KEY-----"
    public_key = work / "dpml.pub"
    public_key.write_text(shown[:shown.index(end) + len(end)] + "\n")
    step("handback", PEMILIH + ["handback", *w, "--out", str(package_dir), "--periode", "2027-Q1",
                                "--perjanjian", AGREEMENT], out_dir=package_dir, repeats=True)
    package = work / "paket.zip"
    shutil.copyfile(next(package_dir.glob("*.zip")), package)
    kpu = states.workspace("kpu")
    sh(PEMILIH + ["receive", "--workspace", str(kpu.folder), csv, "--lembaga", "KPU", "--alasan", "bench"], kpu)
    sh(PEMILIH + ["kunci", "daftar", "--workspace", str(kpu.folder), "--berkas", str(public_key)], kpu)
    step("apply", PEMILIH + ["apply", "--workspace", str(kpu.folder), str(package)], ws=kpu)
    return steps


def run_step(step: Step, states, kill_after: float | None) -> dict:
    """Run the step (from the current state); kill its process group after `kill_after` s."""
    if step.out_dir is not None:
        shutil.rmtree(step.out_dir, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen(step.cmd, env=step.ws.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    landed = False
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            landed = True
    _, err = proc.communicate(timeout=600)
    seconds = time.perf_counter() - started
    if kill_after is None and proc.returncode not in step.ok:
        sys.exit(f"{step.name} gagal ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return {"rc": proc.returncode, "landed": landed, "seconds": seconds, "stderr": err.decode(errors="replace")}


def look(step: Step) -> dict:
    cmd = CHECK + [str(step.ws.folder), step.ws.url or ""]
    if step.out_dir is not None:
        cmd += ["--out-dir", str(step.out_dir)]
    done = subprocess.run(cmd, env=step.ws.env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return {"opens": False, "consistent": False, "reason": f"pemeriksa gagal: {done.stderr[-500:]}",
                "half": [], "events": [], "list": None, "files": []}
    return json.loads(done.stdout)


def audit_verify(step: Step) -> tuple[bool, str] | None:
    """`pemilih audit verify` when this version has it (exit 0: the chain and the replay hold)."""
    if not AUDIT:
        return None
    done = subprocess.run(PEMILIH + ["audit", "verify", "--workspace", str(step.ws.folder)], env=step.ws.env(),
                          capture_output=True, text=True, timeout=600)
    return done.returncode == 0, (done.stdout + done.stderr)[-300:]


def has_audit_verify() -> bool:
    done = subprocess.run(PEMILIH + ["audit", "verify", "--help"], capture_output=True, text=True)
    return done.returncode == 0


AUDIT = False


@dataclass
class Tally:
    trials: int = 0
    landed: int = 0
    committed: int = 0  # kills that landed after the step had committed (some of its events kept)
    lost: int = 0
    half: int = 0
    inconsistent: int = 0
    rerun_failed: int = 0
    rerun_done: int = 0  # re-runs that answered "already done" (the killed run had finished)
    files_unrecorded: int = 0
    seconds: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def reference(step: Step, states) -> tuple[dict, dict, float, set[str]]:
    """The state before, the state after an unkilled run, the step's median duration, and the
    payload keys that differ between two unkilled runs (the hand-back's package name and
    hashes: the package holds its time of making), left out of every comparison."""
    states.load(step.ws, step.name)
    before = look(step)
    times, runs = [], []
    for _ in range(3):
        states.load(step.ws, step.name)
        times.append(run_step(step, states, None)["seconds"])
        runs.append(look(step))
    volatile = set()
    for one, other in zip(runs, runs[1:]):
        if one["list"] != other["list"] or len(one["events"]) != len(other["events"]):
            sys.exit(f"{step.name}: dua jalan utuh memberi daftar atau jumlah peristiwa yang berbeda")
        for a, b in zip(one["events"], other["events"]):
            volatile |= {k for k in set(a["payload"]) | set(b["payload"]) if a["payload"].get(k) != b["payload"].get(k)}
    if volatile:
        print(f"  {step.name}: kunci yang berubah tiap jalan, tidak dibandingkan: {', '.join(sorted(volatile))}")
    return masked(before, volatile), masked(runs[-1], volatile), statistics.median(times), volatile


def masked(seen: dict, volatile: set[str]) -> dict:
    if not volatile:
        return seen
    events = [dict(e, payload={k: v for k, v in e["payload"].items() if k not in volatile}) for e in seen["events"]]
    return dict(seen, events=events)


def trial(step: Step, states, before: dict, after: dict, duration: float, volatile: set[str], rng: random.Random,
          tally: Tally) -> None:
    states.load(step.ws, step.name)
    prefix = len(before["events"])
    ref_tail = after["events"][prefix:]
    killed = run_step(step, states, rng.uniform(0, duration))
    tally.trials += 1
    tally.landed += killed["landed"]
    problems = []
    seen = masked(look(step), volatile)
    # Not on a workspace the killed run had not created yet: opening it would create it.
    audit = audit_verify(step) if seen["opens"] and not seen["reason"] else None
    if not seen["consistent"] or (audit is not None and not audit[0]):
        tally.inconsistent += 1
        problems.append(f"tidak konsisten: {seen['reason']} {audit[1] if audit and not audit[0] else ''}")
    tail = seen["events"][prefix:] if seen["events"] else []
    tally.committed += bool(killed["landed"] and tail)
    if seen["events"][:prefix] != before["events"] and seen["events"]:
        problems.append("peristiwa lama berubah")
        tally.half += 1
    elif seen["half"] or (tail and tail != ref_tail[:len(tail)]):
        tally.half += 1
        problems.append(f"setengah jadi: {seen['half'][:3]} {'' if tail == ref_tail[:len(tail)] else 'peristiwa lain'}")
    if seen["files"]:
        tally.files_unrecorded += 1
        problems.append(f"berkas: {seen['files']}")
    rerun = _rerun(step)  # into the same folders the killed run used, as an operator would
    final = masked(look(step), volatile)
    final_tail = final["events"][prefix:]
    expected = [ref_tail] + ([tail + ref_tail] if step.repeats and tail else [])
    finished = bool(tail) and tail == ref_tail
    failed = False
    if rerun["rc"] in step.done_codes and finished:
        tally.rerun_done += 1
    elif rerun["rc"] not in step.ok or not final["consistent"]:
        failed = True
        tally.rerun_failed += 1
        problems.append(f"ulang gagal ({rerun['rc']}): {rerun['stderr'][-300:]} {final['reason']}")
    if not failed and (final["list"] != after["list"] or final_tail not in expected):
        tally.lost += 1
        problems.append(f"hasil beda setelah diulang: daftar {'sama' if final['list'] == after['list'] else 'beda'}, "
                        f"{len(final_tail)} peristiwa, diharapkan {len(ref_tail)}")
    if problems:
        tally.problems.append(f"jeda {killed['seconds']:.2f}s: " + "; ".join(problems))


def _rerun(step: Step) -> dict:
    proc = subprocess.run(step.cmd, env=step.ws.env(), capture_output=True, text=True, timeout=600)
    return {"rc": proc.returncode, "stderr": proc.stderr}


def main() -> None:
    global AUDIT
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--steps", default=",".join(STEPS), help="comma-separated: " + ",".join(STEPS))
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--random-seed", type=int, default=13)
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "regency-faults"))
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "faults.json"))
    args = ap.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        sys.exit(f"langkah tidak dikenal: {', '.join(sorted(unknown))}")
    data = Path(args.data)
    ensure_regency(data, args.scale, args.seed)
    AUDIT = has_audit_verify()
    print(f"pemeriksaan konsistensi: {'pemilih audit verify + ' if AUDIT else ''}pemutaran ulang log "
          "(bench/fault_check.py)", flush=True)
    rng = random.Random(args.random_seed)
    # Stopped with SIGTERM: still stop the PostgreSQL server and remove the work folders.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {}
    for db in dbs:
        work = Path(tempfile.mkdtemp(prefix=f"pemilih-faults-{db}-"))
        states = (SqliteStates if db == "sqlite" else PostgresStates)(work)
        try:
            print(f"[{db}] menyiapkan siklus ...", flush=True)
            prepared = prepare(states, data, work)
            for name in steps:
                step = prepared[name]
                before, after, duration, volatile = reference(step, states)
                tally = Tally()
                tally.seconds.append(duration)
                print(f"[{db}] {name}: {duration:.2f} s per jalan, {args.trials} percobaan", flush=True)
                for i in range(args.trials):
                    trial(step, states, before, after, duration, volatile, rng, tally)
                    if (i + 1) % 10 == 0:
                        print(f"  {i + 1}/{args.trials}: mendarat {tally.landed}, hilang {tally.lost}, "
                              f"setengah {tally.half}, gagal ulang {tally.rerun_failed}", flush=True)
                results[(db, name)] = tally
                report(results, args, final=False)  # the figures so far, in case the run is stopped
        finally:
            states.close()
            shutil.rmtree(work, ignore_errors=True)
    report(results, args)


def report(results: dict, args, final: bool = True) -> None:
    out = {"scale": args.scale, "seed": args.seed, "trials": args.trials, "audit_verify": AUDIT, "steps": []}
    for (db, name), t in results.items():
        out["steps"].append({"step": name, "db": db, "trials": t.trials, "landed": t.landed, "committed": t.committed,
                             "lost": t.lost,
                             "half_applied": t.half, "inconsistent": t.inconsistent, "rerun_failed": t.rerun_failed,
                             "rerun_already_done": t.rerun_done,
                             "files_unrecorded": t.files_unrecorded, "median_s": statistics.median(t.seconds),
                             "problems": t.problems[:50]})
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    if not final:
        return
    print()
    print(f"Kesalahan terukur: SIGKILL pada titik acak, kabupaten contoh skala {args.scale}; "
          f"konsistensi: {'pemilih audit verify dan ' if AUDIT else ''}pemutaran ulang log")
    print("| langkah | basis data | percobaan | mati sebelum selesai | (setelah commit) | perubahan hilang "
          "| setengah jadi | tidak konsisten | gagal diulang | (ulang: sudah selesai) | berkas tanpa peristiwa "
          "| median langkah (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (db, name), t in results.items():
        print(f"| {name} | {db} | {t.trials} | {t.landed} | {t.committed} | {t.lost} | {t.half} | {t.inconsistent} | "
              f"{t.rerun_failed} | {t.rerun_done} | {t.files_unrecorded} | {statistics.median(t.seconds):.2f} |")
    for (db, name), t in results.items():
        for line in t.problems[:5]:
            print(f"  {name}/{db}: {line}")


if __name__ == "__main__":
    main()
