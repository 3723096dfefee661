"""Importing a reader's result: exact storage, problems, idempotence, atomicity, projection."""
from __future__ import annotations

import hashlib

import polars as pl
import pytest

from pemilih.contract import KPU_COLUMNS, REGISTRY_COLUMNS
from pemilih.store.projection import CURRENT_LIST_COLUMNS, current_list, rebuild_projection
from pemilih.store.receive import ImportRefused, batch_identity, import_result

pytestmark = pytest.mark.postgres

WHO = dict(actor="Benyamin M", agency="DPML", reason="Data awal Pilkalem dari KPU",
           legal_basis="MoU KPU-DPML 2021")

# Hand-made rows, with the values that break naive bulk loaders: empty vs null, the COPY null
# marker as real text, quotes, commas, a line break, non-ASCII letters, a NIK with leading 0.
ROWS = [
    {"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2, "kecamatan": "SA'DAN",
     "desa": "SA'DAN TIROALLO", "kode_desa": "73.26.06.2004", "tps": "001", "no": "1",
     "nkk": "7326062004100001", "nik": "7326064507890001", "nama": 'NE\' RANTE "INDO"',
     "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1989-07-05", "status_kawin": "S",
     "jenis_kelamin": "P", "alamat": "DUSUN 1, TIROALLO", "rt": "001", "rw": "002",
     "disabilitas": None, "ktp_el": "S", "keterangan": ""},
    {"source_ref": "dpt.csv::3", "file": "dpt.csv", "sheet": "", "row": 3, "kecamatan": "RANTEPAO",
     "desa": "PANTANAKAN LOLO", "kode_desa": None, "tps": "002", "no": "2", "nkk": "0326010101000002",
     "nik": "7.32601E+15", "nama": "JOSÉ\nTANDI", "tempat_lahir": r"\N", "tanggal_lahir": "31-02-1980",
     "status_kawin": "B", "jenis_kelamin": "L", "alamat": None, "rt": "", "rw": "001",
     "disabilitas": "1,6", "ktp_el": "B", "keterangan": "pindah?"},
    {"source_ref": "dpt.csv::4", "file": "dpt.csv", "sheet": "", "row": 4, "nama": "TANPA DATA LAIN"},
]
PROBLEMS = [
    {"source_ref": "dpt.csv::3", "file": "dpt.csv", "sheet": "", "row": 3, "column": "nik",
     "code": "NIK-FLOAT", "reason": "NIK rusak oleh Excel (7.32601E+15)"},
    {"source_ref": "dpt.csv::3", "file": "dpt.csv", "sheet": "", "row": 3, "column": "tanggal_lahir",
     "code": "DATE-INVALID", "reason": "Tanggal tidak ada: 31-02-1980"},
    {"source_ref": None, "file": "dpt.csv", "sheet": None, "row": None, "column": None,
     "code": "DATE-AMBIGUOUS", "reason": "Pola tanggal berkas tidak pasti"},
]


def _import(ws, result, **who):
    return import_result(ws, result, **{**WHO, **who})


def test_records_problems_event_and_snapshot_are_stored_exactly(workspace, maker):
    from pemilih.store.models import Event, ImportBatch, RowProblem, SourceFile, SourceRecord

    result = maker.kpu(ROWS, PROBLEMS, name="dpt.csv")
    outcome = _import(workspace, result)
    assert (outcome.created, outcome.rows, outcome.problems) == (True, 3, 3)

    stored = list(SourceRecord.objects.order_by("id").values("source_ref", "sheet", "row", *KPU_COLUMNS))
    expected = [{c: r.get(c) for c in ["source_ref", "sheet", "row", *KPU_COLUMNS]} for r in ROWS]
    assert stored == expected
    assert set(SourceRecord.objects.values_list("file__name", flat=True)) == {"dpt.csv"}

    float_niks = RowProblem.objects.filter(batch_id=outcome.batch_id, code="NIK-FLOAT")
    assert list(float_niks.values_list("source_ref", "column", "row")) == [("dpt.csv::3", "nik", 3)]
    file_level = RowProblem.objects.get(code="DATE-AMBIGUOUS")
    assert (file_level.source_ref, file_level.row, file_level.column) == (None, None, None)

    raw = (maker.folder / "dpt.csv").read_bytes()
    snapshot = SourceFile.objects.get()
    assert bytes(snapshot.content) == raw and snapshot.sha256 == hashlib.sha256(raw).hexdigest()
    assert snapshot.size == len(raw) and snapshot.kind == "kpu"

    batch = ImportBatch.objects.get()
    assert batch.sha256 == hashlib.sha256(snapshot.sha256.encode()).hexdigest()
    assert (batch.row_count, batch.problem_count, batch.actor, batch.agency) == (3, 3, "Benyamin M", "DPML")
    event = Event.objects.get()
    assert (event.kind, event.batch_id, event.reason, event.legal_basis, event.agency) == (
        Event.LIST_IMPORTED, batch.pk, "Data awal Pilkalem dari KPU", "MoU KPU-DPML 2021", "DPML")
    assert event.payload["files"] == ["dpt.csv"] and event.payload["rows"] == 3


def test_current_list_is_the_imported_rows_in_order(workspace, maker):
    _import(workspace, maker.kpu(ROWS, PROBLEMS, name="dpt.csv"))
    listed = current_list(workspace)
    assert listed.columns == KPU_COLUMNS + ["source_ref"] == CURRENT_LIST_COLUMNS
    assert listed.to_dicts() == [{c: r.get(c) for c in CURRENT_LIST_COLUMNS} for r in ROWS]


def test_reimporting_the_same_files_changes_nothing(workspace, maker, dump_db):
    result = maker.kpu(ROWS, PROBLEMS, name="dpt.csv")
    first = _import(workspace, result)
    before = dump_db(workspace)
    again = _import(workspace, result, actor="Orang lain", reason="unggah ulang")
    assert (again.created, again.batch_id, again.rows, again.problems) == (False, first.batch_id, 3, 3)
    assert dump_db(workspace) == before


def test_batch_identity_is_the_set_of_file_hashes():
    a, b = "a" * 64, "b" * 64
    expected = hashlib.sha256(f"{a}\n{b}".encode()).hexdigest()
    assert batch_identity([b, a]) == batch_identity([a, b, a]) == expected


def test_a_new_list_replaces_the_current_one_and_rebuild_gives_the_same_table(workspace, maker, dump_db):
    _import(workspace, maker.kpu(ROWS, PROBLEMS, name="dpt.csv"))
    newer = maker.generated_kpu(40, name="dpt_baru.csv", problems_every=7)
    outcome = _import(workspace, newer)
    assert outcome.created and outcome.problems == 6
    listed = current_list(workspace)
    assert listed["source_ref"].to_list() == [f"dpt_baru.csv::{i + 2}" for i in range(40)]
    assert listed["nama"][5] == "PEMILIH 5"

    voters = dump_db(workspace)["store_voter"]
    assert rebuild_projection(workspace) == 40
    assert dump_db(workspace)["store_voter"] == voters
    assert current_list(workspace).equals(listed)


def test_rebuild_after_the_table_is_lost(workspace, maker, dump_db):
    from django.db import connection
    _import(workspace, maker.kpu(ROWS, name="dpt.csv"))
    expected = dump_db(workspace)["store_voter"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM store_voter")  # the projection is not append-only
    assert current_list(workspace).height == 0
    rebuild_projection(workspace)
    assert dump_db(workspace)["store_voter"] == expected


def test_registry_extract_is_stored_but_does_not_touch_the_list(workspace, maker):
    from pemilih.store.models import Event, SourceRecord

    _import(workspace, maker.kpu(ROWS, name="dpt.csv"))
    before = current_list(workspace)
    person = {"source_ref": "dukcapil.csv::2", "file": "dukcapil.csv", "sheet": "", "row": 2,
              "nik": "7326064507890001", "nkk": "7326062004100001", "nama": "NE' RANTE",
              "jenis_kelamin": "P", "kode_wilayah": "73.26.06.2004", "pekerjaan": "PETANI",
              "status": "MATI", "tgl_mati": "2023-01-09", "tgl_pindah": None}
    outcome = _import(workspace, maker.registry([person], name="dukcapil.csv"),
                      agency="DISDUKCAPIL", reason="Verifikasi data pemilih")
    assert outcome.created and outcome.rows == 1
    record = SourceRecord.objects.get(batch_id=outcome.batch_id)
    assert (record.nik, record.nama, record.jenis_kelamin, record.kecamatan) == (
        "7326064507890001", "NE' RANTE", "P", None)
    assert record.payload == {"kode_wilayah": "73.26.06.2004", "pekerjaan": "PETANI", "status": "MATI",
                              "tgl_mati": "2023-01-09", "tgl_pindah": None,
                              "kode_wilayah_tujuan": None, "tgl_datang": None}
    assert set(record.payload) | {"nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                                  "status_kawin", "alamat", "rt", "rw"} == set(REGISTRY_COLUMNS)
    assert Event.objects.order_by("-seq").first().kind == Event.REGISTRY_IMPORTED
    assert current_list(workspace).equals(before)
    rebuild_projection(workspace)
    assert current_list(workspace).equals(before)


@pytest.mark.parametrize("where", ["records", "problems", "projection"])
def test_a_failure_mid_import_leaves_nothing(workspace, maker, monkeypatch, where, dump_db):
    from pemilih.store import bulk, projection

    _import(workspace, maker.kpu(ROWS, name="dpt.csv"))
    before = dump_db(workspace)
    result = maker.generated_kpu(300, name="dpt_2.csv", problems_every=10)

    def boom(*args, **kwargs):
        raise RuntimeError("gangguan buatan")

    if where == "projection":
        monkeypatch.setattr(projection, "APPLIERS", {})  # the event cannot be applied
    else:
        real = bulk.write_frame
        table = "store_sourcerecord" if where == "records" else "store_rowproblem"

        def failing(name, frame, **kw):
            written = real(name, frame, **kw)  # the rows are written, then it fails
            if name == table:
                boom()
            return written
        monkeypatch.setattr(bulk, "write_frame", failing)
    with pytest.raises((RuntimeError, projection.ProjectionError)):  # the fault made, or no applier
        _import(workspace, result)
    assert dump_db(workspace) == before
    monkeypatch.undo()
    assert _import(workspace, result).created


def test_refused_files_are_not_imported_unless_asked(workspace, maker):
    from pemilih.store.models import ImportBatch, SourceFile

    good = maker.kpu(ROWS, name="dpt.csv")
    bad = maker.file("rusak.csv", "NAMA\nX\n")
    result = good.__class__("kpu", good.records, good.problems, good.files + [bad],
                            ["rusak.csv: kolom NIK tidak ada (alias: NO NIK)"])
    with pytest.raises(ImportRefused, match="rusak.csv"):
        _import(workspace, result)
    assert not ImportBatch.objects.exists()
    outcome = _import(workspace, result, allow_refused=True)
    assert outcome.created and outcome.rows == 3
    assert list(SourceFile.objects.values_list("name", flat=True)) == ["dpt.csv"]
    assert ImportBatch.objects.get().refused == result.refused


def test_requests_that_cannot_be_imported_are_refused_with_a_reason(workspace, maker, dump_db):
    result = maker.kpu(ROWS, name="dpt.csv")
    with pytest.raises(ImportRefused, match="Instansi"):
        _import(workspace, result, agency="BAWASLU")
    with pytest.raises(ImportRefused, match="Pelaku"):
        _import(workspace, result, actor="  ")
    dupes = maker.kpu(ROWS + ROWS[:1], name="dpt.csv")
    with pytest.raises(ImportRefused, match="ganda"):
        _import(workspace, dupes)
    stray = maker.kpu([{**ROWS[0], "file": "lain.csv"}], name="dpt.csv")
    with pytest.raises(ImportRefused, match="lain.csv"):
        _import(workspace, stray)
    (maker.folder / "dpt.csv").write_text("diubah setelah dibaca")
    with pytest.raises(ImportRefused, match="berubah"):
        _import(workspace, result)
    missing = result.__class__("kpu", result.records.drop("nik"), result.problems, result.files)
    with pytest.raises(ImportRefused, match="nik"):
        _import(workspace, missing)
    assert dump_db(workspace)["store_event"] == []


def test_same_bytes_in_another_batch_are_stored_once(workspace, maker):
    from pemilih.store.models import BatchFile, SourceFile

    first = maker.generated_kpu(5, name="a.csv")
    second = maker.generated_kpu(5, name="b.csv")
    both = first.__class__("kpu", pl.concat([first.records, second.records]),
                           first.problems, first.files + second.files)
    _import(workspace, first)
    assert _import(workspace, both).created  # a different set of files: a new batch
    assert SourceFile.objects.count() == 2 and BatchFile.objects.count() == 3
    assert current_list(workspace).height == 10
    copy = maker.file("a_salinan.csv", (maker.folder / "a.csv").read_text())
    renamed = first.records.with_columns(
        file=pl.lit("a_salinan.csv"), source_ref=pl.col("source_ref").str.replace("a.csv", "a_salinan.csv"))
    twice = first.__class__("kpu", pl.concat([first.records, renamed]), first.problems,
                            [copy, *first.files, *second.files])
    assert _import(workspace, twice).created is False  # the same set of bytes as `both`
    third = maker.generated_kpu(2, name="c.csv")
    with_copy = first.__class__("kpu", pl.concat([first.records, renamed, third.records]),
                                first.problems, [*first.files, copy, *third.files])
    assert _import(workspace, with_copy).created
    assert SourceFile.objects.count() == 3 and BatchFile.objects.count() == 5
    assert current_list(workspace).height == 12


def test_bulk_import_round_trips_twenty_thousand_rows(workspace, maker):
    result = maker.generated_kpu(20_000, problems_every=40)
    outcome = _import(workspace, result)
    assert (outcome.rows, outcome.problems) == (20_000, 500)
    listed = current_list(workspace)
    assert listed.select(KPU_COLUMNS).equals(result.records.select(KPU_COLUMNS))


def _voter_indexes():
    from django.db import connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "store_voter")
    return {name: (c["columns"], c["primary_key"], c["unique"], c["index"]) for name, c in found.items()}


def test_the_list_keeps_its_key_and_the_web_indexes_across_imports(workspace, maker):
    """PostgreSQL drops and remakes them around filling the table: the same set must be
    there afterwards, and the key must still refuse a second row with the same key."""
    from django.db import IntegrityError, connection, transaction

    from pemilih.web import indexes
    _import(workspace, maker.kpu(ROWS, name="dpt.csv"))
    indexes.ensure()
    before = _voter_indexes()
    assert any(primary for _, primary, _, _ in before.values())
    assert {"web_voter_desa_pos", "web_voter_nik"} <= set(before)
    _import(workspace, maker.generated_kpu(30, name="dpt_baru.csv"))
    assert _voter_indexes() == before
    assert current_list(workspace).height == 30
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute('INSERT INTO store_voter ("key", position, source_ref, last_seq) '
                       "VALUES ('dpt_baru.csv::2', 0, '', 0)")
