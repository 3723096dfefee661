"""One reader of the packaged region reference (pemilih.domain.regions), and the views built
on it agree with one another."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl

from pemilih.domain import region_tables, regions

SRC = Path(regions.__file__).parents[1]


def test_only_the_domain_opens_the_region_files():
    """No other module names the reference's files or folder (it once was read in four places)."""
    pattern = re.compile(r"""(districts|villages|regencies|provinces)\.csv|["']regions["']\s*[,/)]""")
    readers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if pattern.search(p.read_text("utf-8")))
    assert readers == ["domain/regions.py"]


def test_district_prefixes_are_the_kecamatan_codes_undotted():
    prefixes = regions.district_prefixes()
    assert prefixes == {c.replace(".", "") for c in region_tables.districts()["code"].to_list()}
    assert prefixes == regions.load_regions().district_prefixes
    assert {"732601", "732615"} <= prefixes and "999999" not in prefixes


def test_the_column_wise_views_hold_what_the_objects_hold():
    everything = regions.load_regions()
    assert region_tables.all_codes().len() == len(everything.by_code)
    toraja = region_tables.regions_for(("73.26",))
    assert {v.code for v in toraja.villages_of("73.26")} == {v.code for v in everything.villages_of("73.26")}
    assert toraja.get("7326151004") == everything.get("73.26.15.1004")
    row = region_tables.villages().filter(pl.col("code") == "73.26.15.1004").row(0, named=True)
    assert (row["name"].upper(), row["kecamatan"].upper()) == ("PANTANAKAN LOLO", "KESU")


def test_find_regency_by_name():
    assert regions.find_regency("Kab. Toraja Utara") == "73.26"
    assert regions.find_regency("TORAJA UTARA") == "73.26"
    assert regions.find_regency("KOTA ANTAH BERANTAH") is None


def test_checking_a_nik_loads_only_the_districts():
    """The coklit reader's worker processes judge NIKs with the 7,000 district prefixes alone."""
    probe = ("from pemilih.io.coklit_values import judge\n"
             "from pemilih.domain import regions\n"
             "import sys\n"
             "assert judge('nik', '7326014507890001') == ('7326014507890001', None)\n"
             "print(regions.reference_rows.cache_info().currsize, 'polars' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "False"]
