"""The signed hand-back (issue 13, What to build 8): DPML signs the package's manifest with its
workspace's Ed25519 key; KPU applies only a package signed by a key it registered, whose
manifest and files are what was signed, each entry read in a stream with a size limit.

Defects these tests name (each passed on the old code, which had no signature at all):
- a manifest edited and its hash recomputed was applied (the manifest hashed itself);
- a 2.5 MB package with a 2 GiB entry took 4.1 GB: every entry was read whole before its hash.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from pemilih.contract import PACKAGE_DATA_FILES, PACKAGE_MINUTES
from pemilih.io import package, signing

FILES = [*PACKAGE_DATA_FILES, PACKAGE_MINUTES]


def _key(tmp_path, name="dpml.pem"):
    return signing.load_or_create(tmp_path / name)


def _package(tmp_path, key, *, name="paket.zip", big: dict | None = None):
    """A package of small stand-in files (the checks here read no spreadsheet), signed by `key`."""
    folder = tmp_path / f"isi-{name}"
    folder.mkdir()
    for i, file in enumerate(FILES):
        (folder / file).write_bytes(f"isi {file} {i}".encode())
    for file, size in (big or {}).items():
        with open(folder / file, "wb") as fh:
            for _ in range(size // (1 << 20)):
                fh.write(bytes(1 << 20))
    manifest = package.manifest_for(folder, regency="73.26", period="2027-Q1",
                                    source_list={"sha256": "0" * 64, "files": ["dpt.csv"]}, counts={"B": 1},
                                    created="2027-03-31T00:00:00+00:00", key=key)
    package.add_minutes(folder, manifest)
    path = package.write_zip(folder, manifest, tmp_path / name, key=key)
    if big:  # the data files are stored as they are; zeros deflated make the small zip of the attack
        path = _rewrite(path, tmp_path / f"deflated-{name}")
    return path, manifest


def _trusted(*keys):
    return {signing.fingerprint(k): k.public_key() for k in keys}


def _rewrite(src, dst, *, manifest=None, drop=(), extra=None, replace=None):
    """A copy of a package with its manifest (as bytes) replaced, entries dropped or replaced."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for n in z.namelist():
            if n in drop:
                continue
            data = z.read(n)
            if n == "manifest.json" and manifest is not None:
                data = manifest
            if replace and n in replace:
                data = replace[n]
            out.writestr(n, data)
        for n, data in (extra or {}).items():
            out.writestr(n, data)
    return dst


def _edited(manifest: dict, **changes) -> bytes:
    """The manifest edited, its own hash recomputed as anyone can (formats.md section 5)."""
    edited = json.loads(json.dumps(manifest)) | changes
    edited["manifest_sha256"] = package.manifest_hash(edited)
    return json.dumps(edited, indent=2, sort_keys=True).encode()


def test_the_key_file_is_owner_only_and_stable(tmp_path):
    key = _key(tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / "dpml.pem").st_mode) == 0o600
    assert signing.fingerprint(_key(tmp_path)) == signing.fingerprint(key)  # made once, then read
    raw = key.public_key().public_bytes_raw()
    assert signing.fingerprint(key) == hashlib.sha256(raw).hexdigest()
    assert signing.grouped(signing.fingerprint(key)).count(" ") == 7
    # the public key travels as base64 or PEM; both read back to the same key
    for text in (signing.public_text(key), signing.public_pem(key)):
        assert signing.fingerprint(signing.public_key_from(text)) == signing.fingerprint(key)


def test_a_package_signed_by_a_registered_key_opens(tmp_path):
    key = _key(tmp_path)
    path, manifest = _package(tmp_path, key)
    assert "manifest.sig" in zipfile.ZipFile(path).namelist()
    assert manifest["signer"]["fingerprint"] == signing.fingerprint(key)
    opened = package.open_package(path, _trusted(key))
    assert opened.fingerprint == signing.fingerprint(key)
    assert opened.manifest["manifest_sha256"] == manifest["manifest_sha256"]
    # the hash printed on the minutes, typed as printed (groups of 8), is accepted
    package.open_package(path, _trusted(key), expected_hash=signing.grouped(manifest["manifest_sha256"]))
    with pytest.raises(package.PackageError, match="bukan sidik yang tertulis di berita acara"):
        package.open_package(path, _trusted(key), expected_hash="ab" * 32)


def test_an_edited_manifest_with_its_hash_recomputed_is_refused(tmp_path):
    key = _key(tmp_path)
    path, manifest = _package(tmp_path, key)
    edited = _edited(manifest, counts={"B": 100})
    assert json.loads(edited)["manifest_sha256"] == package.manifest_hash(json.loads(edited))  # looks right
    tampered = _rewrite(path, tmp_path / "ubah.zip", manifest=edited)
    with pytest.raises(package.PackageError, match="tanda tangan manifest tidak sah"):
        package.open_package(tampered, _trusted(key))
    # a file replaced and its hash in the manifest recomputed: the same
    other = b"daftar lain"
    files = json.loads(json.dumps(manifest))["files"] | {"daftar.xlsx": {"sha256": hashlib.sha256(other).hexdigest()}}
    swapped = _rewrite(path, tmp_path / "tukar.zip", manifest=_edited(manifest, files=files),
                       replace={"daftar.xlsx": other})
    with pytest.raises(package.PackageError, match="tanda tangan manifest tidak sah"):
        package.open_package(swapped, _trusted(key))


def test_an_unsigned_package_is_refused(tmp_path):
    key = _key(tmp_path)
    path, _ = _package(tmp_path, key)
    unsigned = _rewrite(path, tmp_path / "tanpa.zip", drop=("manifest.sig",))
    with pytest.raises(package.PackageError, match="tidak bertanda tangan"):
        package.open_package(unsigned, _trusted(key))


def test_a_package_signed_by_another_key_is_refused(tmp_path):
    registered, other = _key(tmp_path), _key(tmp_path, "lain.pem")
    path, _ = _package(tmp_path, other)  # names its own (unregistered) key
    with pytest.raises(package.PackageError, match="belum didaftarkan"):
        package.open_package(path, _trusted(registered))
    # it names the registered key but another key signed it
    mine, manifest = _package(tmp_path, registered, name="asli.zip")
    text = zipfile.ZipFile(mine).read("manifest.json")
    forged = _rewrite(mine, tmp_path / "palsu.zip", drop=("manifest.sig",),
                      extra={"manifest.sig": signing.sign(other, text)})
    with pytest.raises(package.PackageError, match="tanda tangan manifest tidak sah"):
        package.open_package(forged, _trusted(registered))


def test_a_huge_entry_is_hashed_in_a_stream_not_read_whole(tmp_path):
    """64 MiB of zeros deflate to 64 KB: the old code read the entry whole (z.read) before
    comparing its hash; now it is hashed a block at a time."""
    key = _key(tmp_path)
    path, _ = _package(tmp_path, key, big={"daftar.xlsx": 64 << 20})
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        opened = package.open_package(path, _trusted(key))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "daftar.xlsx" not in opened.files  # not kept: only perubahan.xlsx is
    assert peak < 8 << 20, f"{peak / (1 << 20):.1f} MiB"


def test_an_entry_past_the_limit_is_refused(tmp_path, monkeypatch):
    key = _key(tmp_path)
    path, _ = _package(tmp_path, key, big={"daftar.xlsx": 3 << 20})
    monkeypatch.setattr(package, "MAX_ENTRY", 2 << 20)
    with pytest.raises(package.PackageError, match="daftar.xlsx di dalam paket terlalu besar"):
        package.open_package(path, _trusted(key))


def test_an_entry_declaring_a_huge_size_is_refused_before_reading(tmp_path):
    """The zip's directory says the entry inflates to 2 GiB (the attack of issue 13)."""
    key = _key(tmp_path)
    path, _ = _package(tmp_path, key)
    data = bytearray(path.read_bytes())
    name = b"daftar.xlsx"
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # each central directory entry: its uncompressed size is at offset 24
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, (2 << 30) - 1)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("daftar.xlsx").file_size == (2 << 30) - 1
    with pytest.raises(package.PackageError, match="terlalu besar"):
        package.open_package(path, _trusted(key))


# --- through the steps and the command line: DPML hands back, KPU registers the key and applies ---

from test_cycle_store import LIST, TODAY, _cycle, _terms  # noqa: E402


def _cli(capsys, *args) -> tuple[int, str, str]:
    from pemilih.cli import main
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def dpml(workspace, maker):
    """DPML's workspace with KPU's list and the agreement (as tests/test_cycle_store.py's)."""
    from pemilih.store import agreements
    from pemilih.store.receive import import_result
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="Operator", agency="DPML", reason="Data KPU")
    agreements.record_agreement(workspace, _terms("001/PKS/2026"), actor="Ketua KPU", agency="KPU",
                                reason="MoU ditandatangani")
    return workspace


def test_kpu_applies_only_after_registering_dpmls_key(dpml, kpu_workspace, maker, tmp_path, capsys):
    from pemilih.cycle.common import is_refusal
    from pemilih.store.receive import import_result

    from filemaker import apply_package, build_handback
    if kpu_workspace.vendor != "sqlite":
        pytest.skip("the command line opens the workspace by its folder (SQLite)")
    _cycle(dpml, tmp_path)
    dpml.activate()
    pkg = build_handback(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                         actor="Kadis DPML", reason="Serah kembali")
    # DPML's key: made on first use, owner only, printed with its fingerprint
    code, public, err = _cli(capsys, "kunci", "tampil", "--workspace", dpml.path)
    assert code == 0 and stat.S_IMODE(os.stat(dpml.path / "kunci_tanda_tangan.pem").st_mode) == 0o600
    fingerprint = pkg.manifest["signer"]["fingerprint"]
    assert signing.grouped(fingerprint) in err
    assert signing.fingerprint(signing.public_key_from(public.strip())) == fingerprint
    # the minutes print the key's fingerprint under the manifest hash
    from test_cycle_store import _pdf_text

    from filemaker import open_signed
    _, files = open_signed(pkg.path)
    printed = _pdf_text(files["berita_acara.pdf"], tmp_path).replace("\n", "").replace(" ", "")
    assert fingerprint in printed and pkg.manifest["manifest_sha256"] in printed

    kpu_workspace.activate()
    import_result(kpu_workspace, maker.kpu(LIST, name="dpt.csv"), actor="Operator KPU", agency="KPU", reason="DPT")
    with pytest.raises(Exception, match="Belum ada kunci publik DPML yang terdaftar") as refused:
        apply_package(kpu_workspace, pkg.path, actor="Operator KPU", reason="Rakor", register=False)
    assert is_refusal(refused.value)
    key_file = tmp_path / "dpml.pub"
    key_file.write_text(public)
    code, out, _ = _cli(capsys, "kunci", "daftar", "--untuk", "DPML", "--berkas", key_file,
                        "--workspace", kpu_workspace.path, "--oleh", "Operator KPU")
    assert code == 0 and signing.grouped(fingerprint) in out
    # the hash printed on the minutes is asked for: another one is refused, the right one applies
    code, _, err = _cli(capsys, "apply", pkg.path, "--sidik", "ab" * 32, "--workspace", kpu_workspace.path)
    assert code == 1 and "bukan sidik yang tertulis di berita acara" in err
    code, out, err = _cli(capsys, "apply", pkg.path, "--sidik", signing.grouped(pkg.manifest["manifest_sha256"]),
                          "--workspace", kpu_workspace.path)
    assert code == 0, err
    assert f"sidik kunci penanda tangan (SHA-256): {signing.grouped(fingerprint)}" in out
    assert "Diterapkan (peristiwa #" in out


# --- retention (issue 13, What to build 9): the agreement promises deletion after the hand-back ---

def test_retention_dry_run_then_run_redacts_and_the_rakor_report_names_it(dpml, tmp_path, capsys):
    import re
    from datetime import timedelta

    from django.db import connection
    from test_cycle_store import NEW_NIK, _pdf_text

    from pemilih.cycle import recap as recap_step
    from pemilih.store.models import Event
    from pemilih.store.projection import current_list, rebuild_projection

    from filemaker import build_handback
    if dpml.vendor != "sqlite":
        pytest.skip("the command line opens the workspace by its folder (SQLite)")
    _cycle(dpml, tmp_path)
    dpml.activate()
    build_handback(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                   actor="Kadis DPML", reason="Serah kembali")
    niks = {r["nik"] for r in LIST} | {NEW_NIK}
    before = current_list(dpml)
    voters, events_before = before.height, Event.objects.count()
    ws = ["--workspace", dpml.path, "--oleh", "Kadis DPML"]
    # the agreement says "Dihapus 3 bulan setelah diserahkan kembali": the hand-back is today
    # (local), so its retention ends three months on
    due = TODAY.replace(month=TODAY.month + 3) if TODAY.month <= 9 else TODAY.replace(year=TODAY.year + 1,
                                                                                      month=TODAY.month - 9)
    code, out, _ = _cli(capsys, "retensi", "--tanggal", (due - timedelta(days=1)).isoformat(), *ws)
    assert code == 0 and f"retensi berakhir {due:%d-%m-%Y}" in out and "Tidak ada data" in out
    code, out, _ = _cli(capsys, "retensi", "--tanggal", due.isoformat(), *ws)
    assert code == 0 and "Akan dihapus (uji coba" in out
    assert f"daftar pemilih (saat ini): {voters}" in out
    assert f"baris daftar yang diterima dari KPU: {len(LIST)}" in out
    assert Event.objects.count() == events_before  # a dry run changes nothing
    assert current_list(dpml).equals(before)
    code, out, _ = _cli(capsys, "retensi", "--tanggal", due.isoformat(), "--jalankan", *ws)
    assert code == 0 and "Dihapus (peristiwa #" in out
    dpml.activate()
    # no NIK of the list anywhere in the store's tables any more, the event log included
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            text = repr(cursor.fetchall())
            assert not [n for n in niks if n in text], table
    now = current_list(dpml)
    assert now.height == voters and now["nik"].null_count() == voters and now["nama"].null_count() == voters
    kept = ["kecamatan", "desa", "kode_desa", "tps", "jenis_kelamin", "ktp_el"]  # what recaps count
    assert sorted(now.select(kept).rows(), key=repr) == sorted(before.select(kept).rows(), key=repr)
    # the log still replays to the (redacted) list
    rebuild_projection(dpml)
    assert sorted(current_list(dpml).rows(), key=repr) == sorted(now.rows(), key=repr)
    event = Event.objects.filter(kind="retention-applied").get()
    assert event.payload["agreement"] == "001/PKS/2026" and event.payload["counts"]["daftar_pemilih"] == voters
    # the hash chain holds across the redaction (audit verify: the chain and the replay)
    code, out, err = _cli(capsys, "audit", "verify", "--workspace", dpml.path)
    assert code == 0, out + err
    # ... and a redacted event edited afterwards still shows
    from django.db import transaction

    from pemilih.store import audit
    from pemilih.store.models import RedactionPass
    dpml.activate()
    seq = int(next(iter(event.payload["redacted"])))
    with transaction.atomic(), connection.cursor() as cursor:
        marker = RedactionPass.objects.create()
        cursor.execute("UPDATE store_event SET reason = 'ditulis ulang' WHERE seq = %s", [seq])
        RedactionPass.objects.filter(pk=marker.pk).delete()
    assert [b.seq for b in audit.check_chain(dpml).breaks] == [seq]
    assert not re.search(r"\d{16}", json.dumps(event.payload))
    # a second run finds nothing more
    code, out, _ = _cli(capsys, "retensi", "--tanggal", due.isoformat(), "--jalankan", *ws)
    assert "(sudah dihapus)" in out and "Tidak ada data" in out
    # the Rakor report of the period names the deletion
    result = recap_step.period(dpml, TODAY, due, "PEMILU2024")
    assert len(result.deletions) == 1 and "perjanjian 001/PKS/2026" in result.deletions[0]
    pdf = recap_step.write_pdf(result, tmp_path / "rakor.pdf", printed_on=due)
    text = _pdf_text(Path(pdf).read_bytes(), tmp_path)
    assert "Penghapusan data pribadi karena masa retensi" in text and "001/PKS/2026" in text


@pytest.mark.postgres
def test_only_a_redaction_pass_may_update_and_nothing_may_delete(workspace, maker):
    """Migration 0009: the database lets a transaction holding a store_redactionpass row UPDATE
    the tables with personal data (retention's redaction); DELETE stays refused, and without
    the row UPDATE is refused as before."""
    from django.db import DatabaseError, connection, transaction

    from pemilih.store.models import RedactionPass
    from pemilih.store.receive import import_result
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="Operator", agency="DPML", reason="Data KPU")
    update = "UPDATE store_sourcerecord SET nama = NULL"
    with pytest.raises(DatabaseError, match="hanya boleh ditambah"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(update)
    for refused in ("DELETE FROM store_sourcerecord", "DELETE FROM store_event", "UPDATE store_importbatch SET id = id"):
        with pytest.raises(DatabaseError, match="hanya boleh ditambah"):
            with transaction.atomic(), connection.cursor() as cursor:
                RedactionPass.objects.create()
                cursor.execute(refused)
    with transaction.atomic(), connection.cursor() as cursor:
        marker = RedactionPass.objects.create()
        cursor.execute(update)
        RedactionPass.objects.filter(pk=marker.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM store_sourcerecord WHERE nama IS NOT NULL")
        assert cursor.fetchone()[0] == 0
    assert not RedactionPass.objects.exists()


@pytest.mark.postgres
def test_retention_through_the_step_leaves_no_nik_and_the_log_replays(dpml, tmp_path):
    from datetime import timedelta

    from django.db import connection
    from test_cycle_store import NEW_NIK

    from pemilih.cycle import retention
    from pemilih.cycle.common import Who
    from pemilih.store.projection import current_list, rebuild_projection

    from filemaker import build_handback
    _cycle(dpml, tmp_path)
    dpml.activate()
    build_handback(dpml, tmp_path / "paket", period="2027-Q1", agreement="001/PKS/2026", on=TODAY,
                   actor="Kadis DPML", reason="Serah kembali")
    who = Who("Kadis DPML", "DPML", "Retensi berakhir")
    later = TODAY + timedelta(days=130)
    dry = retention.run(dpml, retention.RetentionRequest(who, later))
    assert not dry.applied and dry.counts["daftar_dari_kpu"] == len(LIST)
    done = retention.run(dpml, retention.RetentionRequest(who, later, apply=True))
    assert done.applied and done.counts == dry.counts and done.event_seq
    now = current_list(dpml)
    rebuild_projection(dpml)
    assert sorted(current_list(dpml).rows(), key=repr) == sorted(now.rows(), key=repr)
    niks = {r["nik"] for r in LIST} | {NEW_NIK}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            assert not [n for n in niks if n in repr(cursor.fetchall())], table
