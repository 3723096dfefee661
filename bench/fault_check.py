"""The fault benchmark's look at a workspace after a kill (run as its own process: a fresh
Django on the workspace, as the next command would have).

    python bench/fault_check.py FOLDER [DATABASE_URL] [--out-dir DIR]

Prints JSON: whether the workspace opens, whether the current list equals a replay of the log
(the projection rebuilt in a transaction that is rolled back), what is half-applied (an event
without all the rows it declares, rows without their event), the events in order with their
sequence numbers blanked (PostgreSQL's sequences keep numbers a killed transaction took), and
a fingerprint of the current list. With --out-dir: hand-back packages there that are not
valid zips or that no event records.
"""
from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

# Values that are sequence numbers or row ids: equal content, other numbers after a kill.
SEQ_KEYS = {"batch", "base_seq", "shared_event", "old_seq", "last_seq", "position", "record_id", "undoes"}


def blank(value):
    if isinstance(value, dict):
        return {k: (None if k in SEQ_KEYS else blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v) for v in value]
    return value


def main() -> None:
    args = sys.argv[1:]
    out_dir = None
    if "--out-dir" in args:
        i = args.index("--out-dir")
        out_dir = Path(args[i + 1])
        del args[i:i + 2]
    folder = Path(args[0])
    url = args[1] if len(args) > 1 and args[1] else None
    print(json.dumps(check(folder, url, out_dir), ensure_ascii=False))


def check(folder: Path, url: str | None, out_dir: Path | None) -> dict:
    from pemilih.store import dburl, settings
    result = {"opens": True, "consistent": True, "reason": "", "half": [], "events": [], "list": None,
              "voters": 0, "pending_migrations": False, "files": []}
    if url is None and not (folder / settings.SQLITE_NAME).exists():
        result["reason"] = "belum ada basis data"
        return result
    database = dburl.parse(url) if url else dburl.sqlite_settings(folder / settings.SQLITE_NAME)
    try:
        settings.configure(database)
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
        if "store_event" not in tables:
            result["reason"] = "skema belum dibuat"
            return result
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            result["pending_migrations"] = True
            result["reason"] = "migrasi belum lengkap"
            return result
    except Exception as exc:  # a database that cannot be opened at all
        result.update(opens=False, consistent=False, reason=f"tidak dapat dibuka: {type(exc).__name__}: {exc}")
        return result
    try:
        _replay(result)
        _half(result)
        _events_and_list(result)
        if out_dir is not None:
            _packages(result, out_dir)
    except Exception as exc:
        result.update(consistent=False, reason=f"pemeriksaan gagal: {type(exc).__name__}: {exc}")
    return result


def _voter_rows():
    from django.db import connection

    from pemilih.store.projection import VOTER_COLUMNS
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in VOTER_COLUMNS)} FROM store_voter ORDER BY {quote('key')}")
        return [tuple(r) for r in cursor.fetchall()]


class _Rollback(Exception):
    pass


def _replay(result: dict) -> None:
    """The current list equals the replay of the log (the rebuild is rolled back)."""
    from django.db import transaction

    from pemilih.store.projection import rebuild_projection
    stored = _voter_rows()
    replayed = None
    try:
        with transaction.atomic():
            rebuild_projection()
            replayed = _voter_rows()
            raise _Rollback
    except _Rollback:
        pass
    if replayed != stored:
        result["consistent"] = False
        result["reason"] = (f"daftar terkini ({len(stored)} baris) tidak sama dengan hasil pemutaran ulang log "
                            f"({len(replayed)} baris)")


def _count(sql: str, params=()) -> list[tuple]:
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _half(result: dict) -> None:
    """Every event with all the rows it declares; no rows without their event."""
    from pemilih.store.models import Event
    half = result["half"]
    events = {e.seq: e for e in Event.objects.order_by("seq")}
    batch_events = {e.batch_id for e in events.values() if e.batch_id}
    for batch, rows, problems, counted, counted_problems in _count(
            "SELECT b.id, b.row_count, b.problem_count, "
            "(SELECT COUNT(*) FROM store_sourcerecord r WHERE r.batch_id = b.id), "
            "(SELECT COUNT(*) FROM store_rowproblem p WHERE p.batch_id = b.id) FROM store_importbatch b"):
        if (rows, problems) != (counted, counted_problems):
            half.append(f"impor {batch}: {counted}/{rows} baris, {counted_problems}/{problems} masalah")
        if batch not in batch_events:
            half.append(f"impor {batch} tanpa peristiwa")
    for (orphans,) in _count("SELECT COUNT(*) FROM store_sourcerecord r WHERE NOT EXISTS "
                             "(SELECT 1 FROM store_importbatch b WHERE b.id = r.batch_id)"):
        if orphans:
            half.append(f"{orphans} baris sumber tanpa impor")
    batches = {b for (b,) in _count("SELECT id FROM store_importbatch")}
    for event in events.values():
        if event.batch_id and event.batch_id not in batches:
            half.append(f"peristiwa #{event.seq} tanpa impornya")
    proposals = dict(_count("SELECT event_id, COUNT(*) FROM store_proposal GROUP BY event_id"))
    decisions = dict(_count("SELECT event_id, COUNT(*) FROM store_reviewdecision GROUP BY event_id"))
    for seq, event in events.items():
        declared = event.payload.get("proposals")
        if event.kind == "findings-loaded" and proposals.get(seq, 0) != declared:
            half.append(f"peristiwa #{seq}: {proposals.get(seq, 0)}/{declared} usulan")
        if event.kind in ("review-accepted", "review-rejected") and decisions.get(seq, 0) != (declared or 0):
            half.append(f"peristiwa #{seq}: {decisions.get(seq, 0)}/{declared} keputusan")
    for table in ("store_proposal", "store_reviewdecision", "store_agreement", "store_election",
                  "store_electionlist"):
        for (orphans,) in _count(f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS "
                                 "(SELECT 1 FROM store_event e WHERE e.seq = t.event_id)"):
            if orphans:
                half.append(f"{orphans} baris {table} tanpa peristiwa")
    for list_id, voters, counted, event_id in _count(
            "SELECT l.id, l.voters, (SELECT COUNT(*) FROM store_electionvoter v WHERE v.list_id = l.id), l.event_id "
            "FROM store_electionlist l"):
        declared = (events.get(event_id).payload.get("voters") if events.get(event_id) else None)
        if not voters == counted == declared:
            half.append(f"daftar pemilihan {list_id}: {counted} baris, dicatat {voters}, peristiwa {declared}")
    for (orphans,) in _count("SELECT COUNT(*) FROM store_electionvoter v WHERE NOT EXISTS "
                             "(SELECT 1 FROM store_electionlist l WHERE l.id = v.list_id)"):
        if orphans:
            half.append(f"{orphans} baris daftar pemilihan tanpa daftarnya")
    seen: dict[tuple, int] = {}
    for event in events.values():  # a unit applied twice (same workbook, same package)
        if event.kind == "coklit-collected":
            unit = (event.kind, event.payload.get("sha256"))
        elif event.kind == "handback-applied":
            unit = (event.kind, event.payload.get("package"))
        else:
            continue
        if unit in seen:
            half.append(f"peristiwa #{event.seq} mengulang #{seen[unit]}")
        seen[unit] = event.seq


def _events_and_list(result: dict) -> None:
    from pemilih.store.models import Event
    from pemilih.store.projection import current_list
    result["events"] = [{"kind": e.kind, "actor": e.actor, "agency": e.agency, "reason": e.reason,
                         "voter_key": e.voter_key, "payload": blank(e.payload)}
                        for e in Event.objects.order_by("seq")]
    frame = current_list()
    result["voters"] = frame.height
    result["list"] = hashlib.sha256(frame.write_csv().encode()).hexdigest()


def _packages(result: dict, out_dir: Path) -> None:
    recorded = {e["payload"].get("file") for e in result["events"] if e["kind"] == "data-transferred"}
    for path in sorted(out_dir.glob("*.zip")) if out_dir.is_dir() else []:
        try:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
        except (zipfile.BadZipFile, OSError):
            bad = "rusak"
        if bad:
            result["files"].append(f"{path.name}: zip rusak")
        elif path.name not in recorded:
            result["files"].append(f"{path.name}: ditulis tanpa peristiwa ekspor")


if __name__ == "__main__":
    main()
