"""The web's long work: one handler per kind of job, each a step of the cycle (pemilih.cycle).

A view enqueues a job with the parameters it checked (web/jobs.py); the worker runs the
handler registered here for the job's kind, in a process of its own, with the job's progress
bar as the step's progress. A handler turns the step's outcome into the message the job page
shows (Bahasa Indonesia) and `job.result` for the pages that read it. The table at the end is
the one registry of job kinds.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

from pemilih.cycle.common import Who, thousands
from pemilih.cycle.resolve import queue_line
from pemilih.web import jobs, workspace

RECEIVE, VERIFY, SHARE_ALL, COLLECT = "terima", "verifikasi", "coklit-semua", "kumpul"
SET_LIST, HANDBACK, APPLY = "pilkalem_daftar", "serah", "terapkan"
RETENTION = "retensi"
SHOWN = 200  # problems or conflicts kept per workbook for the coklit page
CONFLICTS_SHOWN = 50  # conflicts written into an apply job's message


def _who(params: dict) -> Who:
    """The person a job acts for, as the view recorded them (web/access.who)."""
    w = params["who"]
    return Who(w["actor"], w["agency"], w["reason"], w.get("legal_basis", ""))


def receive(job, bar) -> str:
    """Receive the files checked on the upload page (problems kept on their rows)."""
    from pemilih.cycle import receive as step
    from pemilih.web.uploads import forget_upload, load_upload
    found = load_upload(job.params.get("token", ""))
    if found is None:
        raise jobs.JobError("Berkas unggahan tidak ditemukan lagi; unggah dan periksa ulang.")
    manifest, paths = found
    w = job.params["who"]
    request = step.ReceiveRequest(tuple(str(p) for p in paths), w["actor"], kind=manifest["kind"],
                                  legal_basis=w.get("legal_basis") or step.DEFAULT_LEGAL_BASIS)
    outcome = step.run(workspace.current(), request, bar)
    forget_upload(job.params["token"])
    lines = [f"DITOLAK: {line}" for line in outcome.refused]
    for done in outcome.received:
        if done.created:
            lines.append(f"Disimpan ({done.label}): {thousands(done.rows)} baris, "
                         f"{thousands(done.problems)} catatan masalah, batch {done.batch_id}.")
            if done.unresolved:
                lines.append(queue_line(done.unresolved))
        else:
            lines.append(f"Tidak ada perubahan ({done.label}): berkas yang sama sudah disimpan "
                         f"(batch {done.batch_id}).")
    first = outcome.received[0]
    job.result = {"batch": first.batch_id, "created": first.created, "rows": first.rows, "refused": outcome.refused}
    return "\n".join(lines)


def verify(job, bar) -> str:
    """The current list against a received extract; findings written and loaded for review."""
    from pemilih.cycle import verify as step
    p = job.params
    request = step.VerifyRequest(
        on=date.fromisoformat(p["hari"]), out_dir=str(jobs.output_dir(job)), registry_batch=p["batch"],
        dps_set_on=date.fromisoformat(p["dps"]) if p["dps"] else None, regime=p["rezim"],
        load=Who(p["who"]["actor"], p["who"]["agency"], step.LOAD_REASON, p["who"].get("legal_basis", "")))
    out = step.run(workspace.current(), request, bar)
    loaded = out.loaded
    job.result = {"findings": out.counts, "added": loaded.added, "known": loaded.known}
    return "\n".join([
        f"Daftar {thousands(out.list_rows)} baris; Disdukcapil {thousands(out.registry_rows)} penduduk.",
        "Temuan: " + (", ".join(f"{k} {thousands(v)}" for k, v in out.counts.items()) or "tidak ada"),
        f"Usulan baru untuk ditelaah: {thousands(loaded.added)}; sudah ada sebelumnya: {thousands(loaded.known)} "
        f"({thousands(loaded.rejected_before)} di antaranya pernah ditolak)."])


def share_all(job, bar) -> str:
    """Every village's coklit workbook, zipped into the job's folder."""
    from django.utils import timezone

    from pemilih.cycle import share as step
    p = job.params
    out_dir = jobs.output_dir(job)
    folder = Path(tempfile.mkdtemp(prefix="coklit-", dir=out_dir))
    try:
        out = step.run(workspace.current(), step.ShareRequest(str(folder), p["agreement"], _who(p),
                                                              regime=p["regime"], election=p.get("election")), bar)
        name = f"COKLIT_SEMUA_DESA_{timezone.localdate():%Y%m%d}.zip"
        with zipfile.ZipFile(out_dir / name, "w", compression=zipfile.ZIP_STORED) as z:
            for path in out.paths:  # xlsx are compressed already
                z.write(path, path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the store keeps the transfers, not the files
    job.result = {"villages": len(out.paths), "rows": out.rows, "unresolved": out.skipped}
    message = (f"{len(out.paths)} lembar kerja ({out.rows} pemilih) ditulis, perjanjian {p['agreement']}, "
               f"rezim {p['regime']}.")
    return message + ("\n" + queue_line(out.skipped) if out.skipped else "")


def collect(job, bar) -> str:
    """Returned coklit workbooks; their outcomes kept for the coklit page."""
    from pemilih.cycle import collect as step
    p = job.params
    try:
        outcomes = step.run(workspace.current(), step.CollectRequest(tuple(p["paths"]), _who(p), p["village"]), bar)
    finally:
        discard(p["paths"])
    shown = [collected(o) for o in outcomes]
    job.result = {"outcomes": shown, "unresolved": outcomes.unresolved}
    tally = Counter(o["label"] for o in shown)
    message = f"{len(shown)} lembar kerja: " + ", ".join(f"{label} {n}" for label, n in tally.items()) + "."
    return message + ("\n" + queue_line(outcomes.unresolved) if outcomes.unresolved else "")


def discard(saved) -> None:
    """Uploaded workbooks, once collected (the store keeps a collected file's bytes)."""
    for path in saved:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def collected(outcome) -> dict:
    """A workbook's outcome as the coklit page shows it."""
    from pemilih.cycle.collect import STATUS_LABELS
    from pemilih.domain.codes import count_order
    counts = sorted(outcome.counts.items(), key=lambda kv: count_order(kv[0]))
    return {"file": outcome.file, "status": outcome.status, "label": STATUS_LABELS.get(outcome.status, outcome.status),
            "event_seq": outcome.event_seq, "kode_desa": outcome.kode_desa or "", "counts": counts,
            "visited": outcome.visited, "taken": outcome.taken, "left": outcome.left,
            "rows_only": outcome.rows_only, "pending": None,
            "conflicts": outcome.conflicts[:SHOWN], "problems": outcome.problems[:SHOWN],
            "more": max(0, len(outcome.conflicts) - SHOWN) + max(0, len(outcome.problems) - SHOWN),
            "tone": {"diterima": "ok", "konflik": "warn", "sebagian": "warn", "ditolak": "error",
                     "tidak-terbaca": "error"}.get(outcome.status, "muted")}


PDF_PROCESSES = 2  # announcement PDFs are drawn in worker processes; the machine has 2 cores


def set_list(job, bar) -> str:
    """An election's list set, printed into the job's folder (and its announcements zipped)."""
    from pemilih.cycle import election as step
    p = job.params
    out = jobs.output_dir(job)
    made = step.set_list(workspace.current(), step.SetListRequest(
        p["code"], p["stage"], str(out), _who(p), reserve_percent=p.get("cadangan"),
        announce=p.get("pengumuman", True), processes=PDF_PROCESSES, schedule_reason=p.get("alasan_jadwal"),
        pack=True), bar)
    job.result = {"list": made.list.pk, "election": p["code"], "stage": p["stage"]}
    step.zip_announcements(out, made.list.stage, p["code"])
    step.zip_papers(out, made.list.stage, p["code"])  # the villages' papers, downloadable all at once
    message = (f"{made.list.stage} {p['code']} ditetapkan: {thousands(made.list.voters)} pemilih di {made.tps} TPS "
               f"(peristiwa #{made.list.event_id}); {len(made.paths)} berkas.")
    if made.warnings:
        message += "\nPeringatan: " + "; ".join(made.warnings[:10])
    return message


def handback(job, bar) -> str:
    from pemilih.cycle import handback as step
    p = job.params
    out = step.run(workspace.current(), step.HandbackRequest(
        str(jobs.output_dir(job)), p["period"], p["agreement"], _who(p), on=date.fromisoformat(p["on"]),
        eligible_on=date.fromisoformat(p["eligible_on"]) if p.get("eligible_on") else None, place=p["place"]), bar)
    c = out.counts
    tms = sum(v for k, v in c.items() if k.startswith("TMS"))
    job.result = {"file": out.path.name, "counts": c, "manifest_sha256": out.manifest["manifest_sha256"]}
    queued = f"\n{queue_line(c['belum_punya_desa'])}" if c.get("belum_punya_desa") else ""
    return (f"Paket {out.path.name}: baru {c['B']}, TMS {tms}, ubah {c['U']} pemilih; awal {c['pemilih_awal']}, "
            f"akhir {c['pemilih_akhir']}.{queued}\nSidik manifest {out.manifest['manifest_sha256']}.")


def apply(job, bar) -> str:
    from pemilih.cycle import apply as step
    p = job.params
    path = Path(p["path"])
    try:
        out = step.run(workspace.current(), step.ApplyRequest(str(path), _who(p), p.get("expected_hash")), bar)
    finally:  # the store keeps an applied package's bytes as a snapshot
        shutil.rmtree(path.parent, ignore_errors=True)
    job.result = {"already": out.already, "applied": out.applied, "unchanged": out.unchanged,
                  "conflicts": len(out.conflicts), "event_seq": out.event_seq, "signer": out.signer}
    if out.already:
        return "Paket ini sudah pernah diterapkan; tidak ada perubahan."
    applied = ", ".join(f"{k} {v}" for k, v in sorted(out.applied.items())) or "tidak ada"
    where = f" (peristiwa #{out.event_seq})" if out.event_seq else ""
    lines = [f"Diterapkan{where}: {applied}; sudah sesuai {out.unchanged}; konflik {len(out.conflicts)}."]
    lines += [f"konflik: {c}" for c in out.conflicts[:CONFLICTS_SHOWN]]
    if len(out.conflicts) > CONFLICTS_SHOWN:
        lines.append(f"... dan {len(out.conflicts) - CONFLICTS_SHOWN} konflik lagi")
    lines.append(f"Tanda tangan sah; sidik kunci penanda tangan (SHA-256): {out.signer}")
    return "\n".join(lines)


def retention(job, bar) -> str:
    from pemilih.cycle import retention as step
    on = date.fromisoformat(job.params["on"]) if job.params.get("on") else None
    out = step.run(workspace.current(), step.RetentionRequest(_who(job.params), on, apply=True), bar)
    job.result = {"counts": out.counts, "event_seq": out.event_seq}
    if not out.applied:
        return "Tidak ada data yang melewati masa retensi."
    counts = "; ".join(f"{step.label(k)} {v:,}" for k, v in out.counts.items())
    return f"Data pribadi lewat masa retensi dihapus (peristiwa #{out.event_seq}): {counts}."


# kind -> (label on the job page, handler)
HANDLERS = {
    RECEIVE: ("Menyimpan berkas ke ruang kerja", receive),
    VERIFY: ("Verifikasi terhadap data Disdukcapil", verify),
    SHARE_ALL: ("Lembar kerja coklit semua desa", share_all),
    COLLECT: ("Mengumpulkan lembar kerja coklit", collect),
    SET_LIST: ("Penetapan daftar Pilkalem", set_list),
    HANDBACK: ("Paket serah-kembali untuk KPU", handback),
    APPLY: ("Terapkan paket serah-kembali", apply),
    RETENTION: ("Penghapusan data lewat masa retensi", retention),
}

# kind -> time limit in minutes (PEMILIH_JOB_MINUTES changes them): a job past its limit is
# killed with its processes and fails; at scale 1.0 each takes under 30 s (README), so these
# leave room for a regency ten times larger on a slow machine.
TIME_LIMIT_MINUTES = {
    RECEIVE: 60,
    VERIFY: 120,
    SHARE_ALL: 60,
    COLLECT: 60,
    SET_LIST: 60,
    HANDBACK: 60,
    APPLY: 30,
    RETENTION: 60,  # rewrites every event holding a personal value
}
