"""The job worker is supervised: restarted when it dies, the job it ran failed with a reason;
every job has a time limit; job outputs expire; the administrator sees the worker's health and
whoever waits on a job page is told when no worker is alive.

The worker runs as `pemilih serve` runs it (server.WorkerSupervisor, real processes); a job is
kept busy by PEMILIH_FAULT=job-sleep:<kind>:<seconds> (store/fault.py), which waits in a process
the job starts, as a job's process pool would.
"""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filemaker import KPU_HEADER, voter, write_csv

pytestmark = pytest.mark.postgres

WHO = {"actor": "uji (Uji) via web", "agency": "KPU", "reason": "uji"}


def _worker_env(website, store_location, **extra) -> dict:
    folder, url = store_location
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_", "DATABASE_URL"))}
    env.update(PEMILIH_WORKSPACE=str(folder), PEMILIH_PROGRESS="0", **extra)
    if not url.startswith("sqlite"):
        env["DATABASE_URL"] = url
    return env


def _wait(condition, supervisor=None, timeout: float = 60.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor is not None:
            supervisor.poll()
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _job(job_kind: str, **params):
    from pemilih.web.models import Job
    return Job.objects.create(kind=job_kind, params={"who": WHO, **params})


def _status(job):
    job.refresh_from_db()
    return job.status


def _receive_job(tmp_path):
    """A receive job of two voters, uploaded as the upload page does."""
    from pemilih.web import tasks, uploads
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1), voter(2)])
    token, _ = uploads.save_upload([SimpleUploadedFile("dpt.csv", path.read_bytes())], "kpu", 1)
    return _job(tasks.RECEIVE, token=token, kind="kpu")


@pytest.fixture
def supervised():
    """A factory of supervised workers; every one is stopped at the end."""
    from pemilih.web import server
    made = []

    def start(env):
        supervisor = server.WorkerSupervisor(env, log=io.StringIO(), backoff=(0.2, 0.5))
        supervisor.start()
        made.append(supervisor)
        return supervisor
    yield start
    for supervisor in made:
        server.stop(*supervisor.processes())


def test_a_killed_worker_is_restarted_its_job_failed_with_a_reason_and_new_jobs_run(
        website, store_location, supervised, tmp_path):
    from pemilih.store.models import Voter
    from pemilih.web import health, jobs, tasks
    from pemilih.web.models import Job
    busy = _job(tasks.APPLY, path=str(tmp_path / "tidak-ada" / "paket.zip"))
    supervisor = supervised(_worker_env(website, store_location, PEMILIH_FAULT="job-sleep:terapkan:120"))
    first = supervisor.process.pid
    # The job runs, in its own process and the one it started.
    _wait(lambda: _status(busy) == Job.RUNNING and len(jobs.job_processes(busy.pk)) >= 2, supervisor,
          what="the job and the process it started")
    busy.refresh_from_db()
    assert busy.pid in jobs.job_processes(busy.pk)

    os.kill(first, signal.SIGKILL)
    restarted = _wait(lambda: supervisor.process is not None and supervisor.process.pid != first and supervisor.process,
                      supervisor, what="a new worker")
    assert restarted.poll() is None
    _wait(lambda: _status(busy) == Job.FAILED, supervisor, what="the interrupted job to fail")
    assert "Pekerja latar berhenti mendadak" in busy.message and "SIGKILL" in busy.message, busy.message
    assert busy.finished is not None
    assert jobs.job_processes(busy.pk) == []  # nothing of it runs on unwatched
    assert "dimulai ulang" in supervisor.log.getvalue()

    fresh = _receive_job(tmp_path)
    _wait(lambda: _status(fresh) in (Job.DONE, Job.FAILED), supervisor, what="a new job")
    assert fresh.status == Job.DONE, fresh.message
    assert Voter.objects.count() == 2

    seen = health.read()
    assert seen.alive and seen.pid == restarted.pid
    assert seen.restarts == 1 and "SIGKILL" in seen.last_exit


def test_a_job_over_its_time_limit_is_killed_and_failed_and_the_next_one_runs(
        website, store_location, supervised, tmp_path):
    from pemilih.web import jobs, tasks
    from pemilih.web.models import Job
    slow = _job(tasks.APPLY, path=str(tmp_path / "tidak-ada" / "paket.zip"))
    after = _job(tasks.RECEIVE, token="0" * 32, kind="kpu")  # no such upload: its handler says so
    env = _worker_env(website, store_location, PEMILIH_FAULT="job-sleep:terapkan:120",
                      PEMILIH_JOB_MINUTES="terapkan=0.05")  # 3 seconds
    supervisor = supervised(env)
    worker = supervisor.process.pid
    started = time.monotonic()
    _wait(lambda: _status(slow) == Job.FAILED, supervisor, what="the job to be stopped")
    assert time.monotonic() - started < 60
    assert "Melewati batas waktu 3 detik" in slow.message, slow.message
    assert jobs.job_processes(slow.pk) == []  # its process group killed, what it started too
    _wait(lambda: _status(after) in (Job.DONE, Job.FAILED), supervisor, what="the next job")
    assert "Berkas unggahan tidak ditemukan" in after.message  # its own handler ran
    assert supervisor.process.pid == worker and supervisor.restarts == 0  # the worker went on


def test_the_worker_deletes_expired_outputs_and_the_page_says_so(website, store_location, supervised):
    from django.utils import timezone

    from pemilih.web import jobs, tasks
    from pemilih.web.models import Job
    client = website.client("dpml")
    user = client.session["_auth_user_id"]
    now = timezone.now()
    old = Job.objects.create(kind=tasks.HANDBACK, status=Job.DONE, files=["paket.zip"], user_id=user,
                             finished=now - timedelta(hours=73))
    recent = Job.objects.create(kind=tasks.HANDBACK, status=Job.DONE, files=["paket.zip"], user_id=user,
                                finished=now - timedelta(hours=71))
    for job in (old, recent):
        (jobs.output_dir(job) / "paket.zip").write_bytes(b"PK")
    page = client.get(f"/pekerjaan/{old.pk}/").content.decode()
    assert f"/pekerjaan/{old.pk}/unduh/paket.zip" in page  # before: a link

    supervisor = supervised(_worker_env(website, store_location))  # the default: 72 hours
    _wait(lambda: Job.objects.get(pk=old.pk).files_expired is not None, supervisor, what="the expiry")
    assert not (jobs.workspace_dir() / "web" / "pekerjaan" / str(old.pk)).exists()
    assert (jobs.output_dir(recent) / "paket.zip").exists()
    assert Job.objects.get(pk=recent.pk).files_expired is None

    page = client.get(f"/pekerjaan/{old.pk}/").content.decode()
    assert "kedaluwarsa" in page and f"/pekerjaan/{old.pk}/unduh/" not in page
    gone = client.post(f"/pekerjaan/{old.pk}/unduh/paket.zip")
    assert gone.status_code == 410 and "kedaluwarsa" in gone.content.decode()
    assert client.post(f"/pekerjaan/{recent.pk}/unduh/paket.zip").status_code == 200


def test_expiry_follows_the_setting(website):
    from django.test.utils import override_settings
    from django.utils import timezone

    from pemilih.web import jobs, tasks
    from pemilih.web.models import Job
    now = timezone.now()
    done = Job.objects.create(kind=tasks.VERIFY, status=Job.DONE, files=["findings.csv"],
                              finished=now - timedelta(hours=2))
    failed = Job.objects.create(kind=tasks.VERIFY, status=Job.FAILED, finished=now - timedelta(hours=2))
    running = Job.objects.create(kind=tasks.VERIFY, status=Job.RUNNING, started=now - timedelta(hours=5))
    for job in (done, failed, running):
        (jobs.output_dir(job) / "findings.csv").write_text("x")
    assert jobs.expire_outputs() == 0  # 72 hours by default
    with override_settings(PEMILIH_JOB_OUTPUT_HOURS="0"):
        assert jobs.expire_outputs() == 0  # kept for ever
    with override_settings(PEMILIH_JOB_OUTPUT_HOURS="1.5"):
        assert jobs.expire_outputs() == 2
        assert jobs.expire_outputs() == 0  # once
    assert not (jobs.workspace_dir() / "web" / "pekerjaan" / str(done.pk)).exists()
    assert not (jobs.workspace_dir() / "web" / "pekerjaan" / str(failed.pk)).exists()
    assert (jobs.output_dir(running) / "findings.csv").exists()  # still being written


def test_a_waiting_job_warns_when_no_worker_is_alive(website):
    from django.utils import timezone

    from pemilih.web import health, tasks
    from pemilih.web.models import Job
    client = website.client("kpu")
    user = client.session["_auth_user_id"]
    waiting = Job.objects.create(kind=tasks.RECEIVE, user_id=user, created=timezone.now() - timedelta(minutes=2))
    just_now = Job.objects.create(kind=tasks.RECEIVE, user_id=user)

    page = client.get(f"/pekerjaan/{waiting.pk}/status/").content.decode()
    assert "Pekerja latar tidak berjalan" in page
    assert "Pekerja latar tidak berjalan" not in client.get(f"/pekerjaan/{just_now.pk}/status/").content.decode()

    health.Heartbeat().beat(force=True)  # this process as a live worker
    assert "Pekerja latar tidak berjalan" not in client.get(f"/pekerjaan/{waiting.pk}/").content.decode()

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    beat = health.Heartbeat()
    beat.state["pid"] = dead.pid  # a beat a moment ago, from a process that is gone
    beat.beat(force=True)
    page = client.get(f"/pekerjaan/{waiting.pk}/").content.decode()
    assert "Pekerja latar tidak berjalan" in page and "terakhir terlihat" in page


def test_the_administrator_sees_the_worker_health(website):
    from django.utils import timezone

    from pemilih.web import health, tasks
    from pemilih.web.models import Job
    admin = website.client("admin")
    page = admin.get("/pekerja/").content.decode()
    assert "BELUM PERNAH TERLIHAT" in page and 'data-alive="0"' in page

    running = Job.objects.create(kind=tasks.VERIFY, status=Job.RUNNING, started=timezone.now())
    Job.objects.create(kind=tasks.RECEIVE)
    Job.objects.create(kind=tasks.RECEIVE)
    beat = health.Heartbeat(restarts=3, last_exit="dihentikan sinyal SIGKILL")
    beat.beat(job=running.pk, force=True)
    page = admin.get("/pekerja/").content.decode()
    assert "HIDUP" in page and 'data-alive="1"' in page
    assert f"#{running.pk} Verifikasi terhadap data Disdukcapil" in page
    assert "2 menunggu" in page and "1 berjalan" in page
    assert "3× sejak server dijalankan" in page and "dihentikan sinyal SIGKILL" in page
    assert "Verifikasi terhadap data Disdukcapil</td><td>120 menit" in page
    assert "72 jam" in page

    beat.beat(force=True, stopped=True)
    assert "BERHENTI" in admin.get("/pekerja/").content.decode()
    assert website.client("kpu").get("/pekerja/").status_code == 403


def test_time_limits_per_kind_and_the_setting(website):
    from django.core.exceptions import ImproperlyConfigured
    from django.test.utils import override_settings

    from pemilih.web import jobs, tasks
    limits = jobs.time_limits()
    assert set(limits) == set(tasks.HANDLERS)
    assert limits[tasks.VERIFY] == 120 * 60 and limits[tasks.RECEIVE] == 60 * 60
    with override_settings(PEMILIH_JOB_MINUTES="90, verifikasi=180"):
        limits = jobs.time_limits()
        assert limits[tasks.VERIFY] == 180 * 60 and limits[tasks.APPLY] == 90 * 60
    with override_settings(PEMILIH_JOB_MINUTES="terapkan=0.5"):
        assert jobs.time_limit(tasks.APPLY) == 30 and jobs.time_limit(tasks.RECEIVE) == 3600
    for bad in ("nol", "-5", "0", "rahasia=5", "terapkan=", "inf", "nan"):
        with override_settings(PEMILIH_JOB_MINUTES=bad), pytest.raises(ImproperlyConfigured) as raised:
            jobs.time_limits()
        assert "PEMILIH_JOB_MINUTES" in str(raised.value)
    with override_settings(PEMILIH_JOB_OUTPUT_HOURS="tiga"), pytest.raises(ImproperlyConfigured):
        jobs.output_hours()


def test_the_supervisor_backs_off_and_says_how_the_worker_ended():
    from pemilih.web import server

    class Ended:
        def __init__(self, code):
            self.code = code

        def poll(self):
            return self.code

    supervisor = server.WorkerSupervisor({}, log=io.StringIO())
    delays = []
    for code in (-signal.SIGKILL, 1, -signal.SIGSEGV, 2):
        supervisor.process, supervisor.started_at = Ended(code), time.monotonic()
        supervisor.poll()
        delays.append(round(supervisor.restart_at - time.monotonic()))
        assert supervisor.process is None
    assert delays == [1, 2, 4, 8]
    assert supervisor.restarts == 4 and supervisor.last_exit == "keluar dengan kode 2"
    assert "dihentikan sinyal SIGKILL" in supervisor.log.getvalue()
    assert "dihentikan sinyal SIGSEGV" in supervisor.log.getvalue()
    # One that lived a minute starts the back-off again.
    supervisor.process, supervisor.started_at = Ended(1), time.monotonic() - 61
    supervisor.poll()
    assert round(supervisor.restart_at - time.monotonic()) == 1


def test_serve_restarts_its_killed_worker(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEMILIH_", "DATABASE_URL"))}
    serve = subprocess.Popen([sys.executable, "-m", "pemilih", "serve", "--workspace", str(tmp_path / "ws"),
                              "--port", str(port), "--workers", "1"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first = _wait(lambda: _worker_of(serve.pid), timeout=90, what="the job worker")
        beat = tmp_path / "ws" / "web" / "pekerja.json"
        os.kill(first, signal.SIGKILL)
        second = _wait(lambda: (w := _worker_of(serve.pid)) not in (None, first) and w, timeout=30,
                       what="a new job worker")
        assert serve.poll() is None
        _wait(lambda: beat.exists() and f'"pid": {second}' in beat.read_text(), timeout=30, what="the new worker's heartbeat")
        assert '"restarts": 1' in beat.read_text()
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            _, err = serve.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            _, err = serve.communicate()
    assert "Pekerja latar berhenti (dihentikan sinyal SIGKILL)" in err.decode()


def _worker_of(pid: int) -> int | None:
    if not _alive(pid):
        pytest.fail("pemilih serve ended")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
                state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[-1].split()[0]
            except OSError:
                continue
            if b"pemilih.web.worker" in cmdline and state != "Z":
                return int(child)
    return None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False
