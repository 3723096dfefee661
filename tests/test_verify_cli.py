"""`pemilih verify` from files to findings.csv / findings.xlsx (formats.md sections 2-4)."""
from __future__ import annotations

import csv
import json
import re

import polars as pl
import pytest
from test_verify import fillers, person, row

from pemilih.cli import main
from pemilih.engine.findings import COLUMNS, EXTRA
from pemilih.io.findings import write_csv, write_xlsx

KPU_HEADER = ["KECAMATAN", "KELURAHAN/DESA", "KODE DESA", "TPS", "NO", "NKK", "NIK", "NAMA", "TEMPAT LAHIR",
              "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT", "RT", "RW"]
REG_HEADER = ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "STAT_KWN", "ALAMAT", "NO_RT",
              "NO_RW", "KODE_WILAYAH", "JENIS_PKRJN", "STATUS", "TGL_MATI", "TGL_PINDAH", "KODE_WILAYAH_TUJUAN",
              "TGL_DATANG"]


def _dmy(iso: str | None) -> str:
    return "-".join(reversed(iso.split("-"))) if iso else ""


def _write(tmp_path):
    p = person("YOHANIS SAMPE", "1970-05-12")
    dead = person("YAKOBUS RANTE", "1930-01-01", status="MATI", tgl_mati="2025-01-01")
    typo = person("AGUSTINA PALIMBONG", "1975-02-11", "P")
    people = [p, dead, typo] + fillers(40)
    rows = [row(p), row(dead), row(typo, nama="AGUSTINA PALIMBNG", nik=None), row(p, nik="7.32601E+15")]
    lst = tmp_path / "dpt.csv"
    with open(lst, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(KPU_HEADER)
        for i, r in enumerate(rows, start=1):
            w.writerow(["RANTEPAO", "LAANG TANDUK", r["kode_desa"], "001", i, r["nkk"], r["nik"] or "", r["nama"],
                        r["tempat_lahir"], _dmy(r["tanggal_lahir"]), r["status_kawin"], r["jenis_kelamin"],
                        r["alamat"], r["rt"], r["rw"]])
    reg = tmp_path / "disdukcapil.csv"
    with open(reg, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(REG_HEADER)
        for x in people:
            w.writerow([x["nik"], x["nkk"], x["nama"], x["tempat_lahir"], _dmy(x["tanggal_lahir"]),
                        "LAKI-LAKI" if x["jenis_kelamin"] == "L" else "PEREMPUAN", "KAWIN", x["alamat"], x["rt"],
                        x["rw"], x["kode_wilayah"], x["pekerjaan"], x["status"], _dmy(x["tgl_mati"]), "", "", ""])
    return lst, reg, p, dead, typo


def test_verify_writes_findings_as_the_contract_says(tmp_path, capsys):
    lst, reg, p, dead, typo = _write(tmp_path)
    out = tmp_path / "hasil"
    code = main(["verify", "--list", str(lst), "--registry", str(reg), "--on", "2027-03-17",
                 "--dps", "2027-01-15", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Cocok lewat NIK: 2" in printed and "Temuan:" in printed
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fh.seek(0)
        assert next(csv.reader(fh)) == COLUMNS + EXTRA
    codes = {(r["source_ref"], r["code"], r["field"]) for r in rows}
    assert ("dpt.csv::3", "TMS-1", "") in codes
    assert ("dpt.csv::4", "U", "NAMA") in codes and ("dpt.csv::4", "U", "NIK") in codes
    assert ("dpt.csv::5", "TMS-2", "") in codes  # the Excel-mangled copy of row 2
    assert ("dpt.csv::5", "NIK-FLOAT", "NIK") in codes  # the reader's problem, as a finding
    tms_refs = {r["source_ref"] for r in rows if r["code"].startswith("TMS")}
    for r in rows:  # the rules tools/check_findings.py checks, checked here on our own
        assert re.fullmatch(r"TMS-[0-9A-Z]+|U|B|[A-Z]+(-[A-Z]+)+", r["code"])
        assert 0 <= float(r["score"]) <= 1
        assert r["reason"].strip() and not re.search(r"(?<!\d)\d{16}(?!\d)", r["reason"])
        if r["code"] == "B":
            assert r["source_ref"] == "" and re.fullmatch(r"\d{16}", r["registry_nik"])
            continue
        assert re.fullmatch(r"[^/\\:]+:[^:]*:\d+", r["source_ref"])
        if r["code"] == "U":
            assert r["source_ref"] not in tms_refs and r["current"] != r["proposed"]
        if r["code"] == "TMS-2":
            assert r["duplicate_of"] == "dpt.csv::2"
    typo_u = next(r for r in rows if r["source_ref"] == "dpt.csv::4" and r["field"] == "NIK")
    assert typo_u["proposed"] == typo["nik"] and json.loads(typo_u["evidence"])["fields"]


def test_workbook_holds_the_same_findings_and_the_evidence(tmp_path):
    findings = pl.DataFrame({c: ["x"] for c in COLUMNS + EXTRA}).with_columns(
        pl.lit("7326014507890001").alias("nik"), pl.lit(" lead & <tag> \x01").alias("reason"),
        pl.lit(json.dumps({"method": "probabilistik", "score": 0.97, "fields": [
            {"field": "NAMA", "level": "sama", "weight": 11.6}]})).alias("evidence"))
    write_xlsx(findings, str(tmp_path / "f.xlsx"))
    write_csv(findings, str(tmp_path / "f.csv"))
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(tmp_path / "f.xlsx"))
    assert book.sheet_names == ["temuan", "bukti"]
    sheet = book.get_sheet_by_name("temuan").to_python()
    # for people: headers in Bahasa Indonesia (written by hand); the CSV keeps the contract's names
    assert sheet[0] == ["RUJUKAN BARIS", "NIK", "KODE", "KOLOM", "NILAI DI DAFTAR", "NILAI USULAN", "NIK DUKCAPIL",
                        "GANDA DENGAN", "SKOR", "ALASAN", "KUNCI TEMUAN", "BUKTI"]
    assert sheet[1] == list(findings.row(0))  # the NIK stays text
    evidence = book.get_sheet_by_name("bukti").to_python()
    assert evidence[0] == ["KUNCI TEMUAN", "RUJUKAN BARIS", "KODE", "KOLOM DIBANDINGKAN", "TINGKAT KECOCOKAN",
                           "BOBOT", "SKOR"]
    assert evidence[1][3:5] == ["NAMA", "sama"]
    assert pl.read_csv(tmp_path / "f.csv", infer_schema=False).columns == COLUMNS + EXTRA
    assert pl.read_csv(tmp_path / "f.csv", infer_schema=False).row(0) == findings.row(0)
    # the reader maps the headers back: both files are the same table
    from pemilih.io.findings import read_findings
    assert read_findings(str(tmp_path / "f.xlsx")).equals(read_findings(str(tmp_path / "f.csv")))
    assert read_findings(str(tmp_path / "f.xlsx")).columns == COLUMNS + EXTRA


def test_a_workbook_with_the_contracts_english_headers_is_still_read(tmp_path):
    """findings.xlsx written before its headers were Indonesian."""
    from pemilih.io import xlsx_tables
    from pemilih.io.findings import read_findings
    findings = pl.DataFrame({c: [f"v-{c}"] for c in COLUMNS + EXTRA})
    with xlsx_tables.workbook(str(tmp_path / "lama.xlsx")) as book:
        xlsx_tables.text_sheet(book, "temuan", findings)
    assert read_findings(str(tmp_path / "lama.xlsx")).equals(findings)


@pytest.mark.parametrize("args,message", [
    (["--on", "17-03-2027"], "bukan tanggal"),
    (["--registry", "/tidak/ada.csv"], "Tidak ada baris"),
])
def test_bad_input_is_a_message_not_a_traceback(tmp_path, capsys, args, message):
    lst, reg, *_ = _write(tmp_path)
    base = {"--list": str(lst), "--registry": str(reg), "--on": "2027-03-17", "--out": str(tmp_path / "o")}
    base.update(dict(zip(args[::2], args[1::2])))
    argv = ["verify"] + [x for kv in base.items() for x in kv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_spark_out_of_memory_is_said_plainly_and_other_errors_pass(monkeypatch):
    """Spark's Java error (here its real message, without the JVM) becomes a StepError naming
    what to do; any other error of the linkage passes through unchanged."""
    from contextlib import contextmanager

    from pemilih.cycle import verify_engine
    from pemilih.cycle.common import StepError
    from pemilih.engine import link_spark, spark_session

    @contextmanager
    def no_session(master=None):
        yield object()
    monkeypatch.setattr(spark_session, "check", lambda: None)
    monkeypatch.setattr(spark_session, "session", no_session)
    monkeypatch.setattr(link_spark, "SparkEngine", lambda spark: None)
    java = ("An error occurred while calling o213.parquet.\n: org.apache.spark.SparkException: Not enough "
            "memory to build and broadcast the table to all worker nodes.")
    with pytest.raises(StepError) as said:
        with verify_engine.linking(verify_engine.SPARK):
            raise RuntimeError(java)
    assert "kehabisan memori" in str(said.value) and "PEMILIH_SPARK_MEMORY" in str(said.value)
    assert "org.apache" not in str(said.value)
    with pytest.raises(KeyError):
        with verify_engine.linking(verify_engine.SPARK):
            raise KeyError("nik")


def test_large_files_are_read_one_after_the_other_with_the_same_findings(tmp_path, monkeypatch):
    """Above SIDE_BY_SIDE_BYTES the list is read after the registry, not beside it: the same
    findings, byte for byte, and the list's reading starts only once the registry is read."""
    from pemilih.cycle import verify as step
    lst, reg, *_ = _write(tmp_path)
    args = ["--list", str(lst), "--registry", str(reg), "--on", "2027-03-17", "--dps", "2027-01-15"]
    assert main(["verify", *args, "--out", str(tmp_path / "beside")]) == 0
    order, read = [], step._read

    def logged(paths, kind):
        order.append(("start", kind))
        try:
            return read(paths, kind)
        finally:
            order.append(("end", kind))
    monkeypatch.setattr(step, "_read", logged)
    monkeypatch.setattr(step, "SIDE_BY_SIDE_BYTES", 0)
    assert main(["verify", *args, "--out", str(tmp_path / "apart")]) == 0
    assert order == [("start", "registry"), ("end", "registry"), ("start", "kpu"), ("end", "kpu")]
    assert (tmp_path / "apart" / "findings.csv").read_bytes() == (tmp_path / "beside" / "findings.csv").read_bytes()


def test_evidence_sheet_has_one_row_per_field_in_the_findings_order():
    from pemilih.io.findings import evidence_table
    docs = [json.dumps({"method": "probabilistik", "score": 0.91, "fields": [
                {"field": "NAMA", "level": "sama", "weight": 11.6}, {"field": "NIK", "level": "beda", "weight": -2.5}]}),
            "", json.dumps({"method": "probabilistik", "score": 0.5, "fields": []}),
            json.dumps({"method": "probabilistik", "score": 0.99, "fields": [
                {"field": "TANGGAL LAHIR", "level": "hari dan bulan tertukar", "weight": 3.0}]})]
    findings = pl.DataFrame({"finding_key": ["k1", "k2", "k3", "k4"], "source_ref": ["a::2", "a::3", "a::4", "a::5"],
                             "code": ["U", "TMS-1", "LINK-UNCERTAIN", "U"], "evidence": docs})
    got = evidence_table(findings)
    assert got.columns == ["finding_key", "source_ref", "code", "field_linked", "level", "weight", "score"]
    assert got.rows() == [("k1", "a::2", "U", "NAMA", "sama", 11.6, 0.91), ("k1", "a::2", "U", "NIK", "beda", -2.5, 0.91),
                          ("k4", "a::5", "U", "TANGGAL LAHIR", "hari dan bulan tertukar", 3.0, 0.99)]
