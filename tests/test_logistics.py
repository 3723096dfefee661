"""Logistics per TPS (engine/logistics.py) and its workbook (io/logistics_xlsx.py).

The reserve examples are the published ones (domain.md section 6) worked out by hand; the
workbook is read back with python-calamine and compared cell by cell with a table written
out here by hand.
"""
from __future__ import annotations

import random
from decimal import ROUND_CEILING, Decimal, localcontext

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from pemilih.engine.logistics import LogisticsParams, logistics, reserve, reserve_expr
from pemilih.io.logistics_xlsx import write_logistics_xlsx

# --- the reserve ----------------------------------------------------------------------------


@pytest.mark.parametrize("voters, percent, expected", [
    (300, 2, 6),        # Pemilu 2024: 300 voters -> 306 ballots
    (250, 2, 5),        # 5 exactly: nothing to round
    (250, 2.5, 7),      # 6.25 -> 7
    (200, 2.5, 5),      # 5 exactly
    (550, "2.5", 14),   # 13.75 -> 14 (KPU Sumsel's example)
    (1000, 1.1, 11),    # float: 1000 * (1.1 / 100) = 11.000000000000002 -> 12
    (300, 7, 21),       # float: 300 * (7 / 100) = 21.000000000000004 -> 22
    (1, 2, 1),
    (0, 2.5, 0),
    (300, 0, 0),
])
def test_reserve_exact_cases(voters, percent, expected):
    assert reserve(voters, percent) == expected


def test_percent_written_any_way_is_the_same():
    assert {reserve(250, p) for p in (2.5, "2.5", "2,5", Decimal("2.5"), " 2.50 ")} == {7}


def test_reserve_expression_matches_decimal_ceiling():
    rng = random.Random(7)
    voters = [rng.randint(0, 900) for _ in range(3000)]
    for pct in ["2", "2.5", "1.1", "7", "0.3", "12.345"]:
        got = pl.DataFrame({"v": voters}).select(reserve_expr(pl.col("v"), pct))["v"].to_list()
        with localcontext() as ctx:
            ctx.prec = 50
            want = [int((Decimal(v) * Decimal(pct) / 100).to_integral_value(rounding=ROUND_CEILING))
                    for v in voters]
        assert got == want, pct


# --- parameters -------------------------------------------------------------------------------


def test_presets():
    pemilu = LogisticsParams.for_election("pemilu")
    pilkada = LogisticsParams.for_election("pilkada")
    pilkalem = LogisticsParams.for_election("pilkalem")
    assert (pemilu.reserve_percent, pemilu.ballot_boxes) == (Decimal("2"), 5)
    assert (pilkada.reserve_percent, pilkada.ballot_boxes) == (Decimal("2.5"), 2)
    assert (pilkalem.reserve_percent, pilkalem.ballot_boxes) == (Decimal("2.5"), 1)
    assert LogisticsParams() == pilkalem
    assert LogisticsParams.for_election("pilkalem", reserve_percent="3").reserve_percent == Decimal("3")
    with pytest.raises(ValueError, match="tidak dikenal"):
        LogisticsParams.for_election("pilpres")


@pytest.mark.parametrize("bad", [-1, 100.5, "dua", float("nan")])
def test_refuses_a_bad_percentage(bad):
    with pytest.raises(ValueError, match="persentase cadangan"):
        LogisticsParams(reserve_percent=bad)


def test_refuses_bad_equipment_counts():
    with pytest.raises(ValueError, match="booths"):
        LogisticsParams(booths=-1)
    with pytest.raises(ValueError, match="ballot_boxes"):
        LogisticsParams(ballot_boxes=1.5)


# --- the tables -------------------------------------------------------------------------------

PASELE, BORI = "73.26.01.1005", "73.26.02.2003"


def three_tps() -> pl.DataFrame:
    # given out of order: the result is sorted by village code and TPS
    return pl.DataFrame({"kecamatan": ["Sesean", "Rantepao", "Rantepao"], "desa": ["Bori", "Pasele", "Pasele"],
                         "kode_desa": [BORI, PASELE, PASELE], "tps": [1, 2, 1], "pemilih": [200, 250, 300]})


def test_per_tps_per_village_per_kecamatan_and_total():
    result = logistics(three_tps(), LogisticsParams.for_election("pilkalem"))
    assert result.per_tps.rows() == [
        ("Rantepao", "Pasele", PASELE, 1, 300, 8, 308, 1, 4, 2, 1, 1),
        ("Rantepao", "Pasele", PASELE, 2, 250, 7, 257, 1, 4, 2, 1, 1),
        ("Sesean", "Bori", BORI, 1, 200, 5, 205, 1, 4, 2, 1, 1)]
    assert result.per_tps.columns == ["kecamatan", "desa", "kode_desa", "tps", "pemilih", "cadangan", "surat_suara",
                                      "kotak_suara", "bilik_suara", "tinta", "segel", "formulir"]
    # Pasele: 8 + 7 = 15 reserve ballots, not ceil(550 * 2.5%) = 14
    assert result.per_village.rows() == [
        ("Rantepao", "Pasele", PASELE, 2, 550, 15, 565, 2, 8, 4, 2, 2),
        ("Sesean", "Bori", BORI, 1, 200, 5, 205, 1, 4, 2, 1, 1)]
    assert result.per_kecamatan.rows() == [
        ("Rantepao", 1, 2, 550, 15, 565, 2, 8, 4, 2, 2),
        ("Sesean", 1, 1, 200, 5, 205, 1, 4, 2, 1, 1)]
    assert result.total == {"kecamatan": 2, "desa": 2, "tps": 3, "pemilih": 750, "cadangan": 20, "surat_suara": 770,
                            "kotak_suara": 3, "bilik_suara": 12, "tinta": 6, "segel": 3, "formulir": 3}


def test_reserve_is_never_computed_on_a_total():
    counts = pl.DataFrame({"kecamatan": ["K"] * 4, "desa": ["D"] * 4, "kode_desa": ["73.26.01.2001"] * 4,
                           "tps": [1, 2, 3, 4], "pemilih": [250, 250, 250, 250]})
    result = logistics(counts, LogisticsParams.for_election("pilkada"))
    assert result.total["cadangan"] == 4 * 7  # not ceil(1000 * 2.5%) = 25
    assert result.per_village["cadangan"].to_list() == [28]


def test_refuses_bad_counts():
    good = three_tps()
    with pytest.raises(ValueError, match="lebih dari sekali"):
        logistics(pl.concat([good, good.head(1)]))
    with pytest.raises(ValueError, match="negatif"):
        logistics(good.with_columns(pl.lit(-1).alias("pemilih")))
    with pytest.raises(ValueError, match="kolom tidak ada: kecamatan"):
        logistics(good.drop("kecamatan"))
    with pytest.raises(ValueError, match="lebih dari satu nama"):
        logistics(good.with_columns(pl.when(pl.col("tps") == 2).then(pl.lit("PASELE BARU"))
                                    .otherwise(pl.col("desa")).alias("desa")))


# --- the workbook -----------------------------------------------------------------------------

TITLE = "Kebutuhan Logistik Pilkalem 2027 - Kabupaten Toraja Utara"
NOTE = "Pilkalem: cadangan surat suara 2,5% dari jumlah pemilih setiap TPS, dibulatkan ke atas per TPS"
AMOUNT_HEADERS = ["Pemilih", "Cadangan", "Surat Suara", "Kotak Suara", "Bilik Suara", "Tinta", "Segel", "Formulir"]

EXPECTED = {
    "Per TPS": [
        [TITLE], [NOTE], ["Rincian per TPS"], [],
        ["Kecamatan", "Desa/Lembang", "Kode Desa", "TPS", *AMOUNT_HEADERS],
        ["Rantepao", "Pasele", PASELE, "001", 300, 8, 308, 1, 4, 2, 1, 1],
        ["Rantepao", "Pasele", PASELE, "002", 250, 7, 257, 1, 4, 2, 1, 1],
        ["Sesean", "Bori", BORI, "001", 200, 5, 205, 1, 4, 2, 1, 1],
        ["TOTAL", "", "", "", 750, 20, 770, 3, 12, 6, 3, 3],
    ],
    "Per Desa": [
        [TITLE], [NOTE], ["Rekap per desa/lembang"], [],
        ["Kecamatan", "Desa/Lembang", "Kode Desa", "Jumlah TPS", *AMOUNT_HEADERS],
        ["Rantepao", "Pasele", PASELE, 2, 550, 15, 565, 2, 8, 4, 2, 2],
        ["Sesean", "Bori", BORI, 1, 200, 5, 205, 1, 4, 2, 1, 1],
        ["TOTAL", "", "", 3, 750, 20, 770, 3, 12, 6, 3, 3],
    ],
    "Per Kecamatan": [
        [TITLE], [NOTE], ["Rekap per kecamatan"], [],
        ["Kecamatan", "Jumlah Desa", "Jumlah TPS", *AMOUNT_HEADERS],
        ["Rantepao", 1, 2, 550, 15, 565, 2, 8, 4, 2, 2],
        ["Sesean", 1, 1, 200, 5, 205, 1, 4, 2, 1, 1],
        ["TOTAL", 2, 3, 750, 20, 770, 3, 12, 6, 3, 3],
    ],
    "Parameter": [
        [TITLE], [NOTE], ["Parameter perhitungan"], [],
        ["Parameter", "Nilai", "Keterangan"],
        ["Jenis pemilihan", "Pilkalem", "persentase cadangan ditetapkan panitia pemilihan"],
        ["Cadangan surat suara (%)", 2.5,
         "dari jumlah pemilih setiap TPS, dibulatkan ke atas; tidak dihitung dari total"],
        ["Kotak suara per TPS", 1, "satu per jenis pemilihan di TPS"],
        ["Bilik suara per TPS", 4],
        ["Tinta per TPS (botol)", 2],
        ["Segel per TPS (set)", 1],
        ["Formulir per TPS (set)", 1],
    ],
}


def _cells(book: CalamineWorkbook, sheet: str) -> list[list]:
    """Rows as read, trailing empty cells dropped; whole numbers as int (strings stay strings,
    so a count written as text would not compare equal)."""
    rows = []
    for row in book.get_sheet_by_name(sheet).to_python():
        values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in row]
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    return rows


@pytest.fixture
def workbook(tmp_path):
    params = LogisticsParams.for_election("pilkalem")
    path = tmp_path / "logistik.xlsx"
    write_logistics_xlsx(logistics(three_tps(), params), path, title=TITLE, params=params)
    return path


def test_workbook_cell_by_cell(workbook):
    book = CalamineWorkbook.from_path(str(workbook))
    assert book.sheet_names == list(EXPECTED)
    for sheet, expected in EXPECTED.items():
        assert _cells(book, sheet) == expected, sheet


def test_workbook_numbers_are_numbers_and_layout(workbook):
    import openpyxl
    book = openpyxl.load_workbook(workbook)
    sheet = book["Per TPS"]
    assert sheet["A5"].font.b and sheet["L5"].font.b  # bold headers
    assert sheet["E6"].data_type == "n" and sheet["D6"].data_type == "s" and sheet["D6"].value == "001"
    assert sheet["E9"].value == "=SUM(E6:E8)"  # TOTAL keeps working if a count is corrected by hand
    assert sheet.freeze_panes == "A6"
    assert sheet.print_title_rows == "$5:$5"  # header row repeated on every page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0  # 1 is the default
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["D"].width


def test_workbook_of_an_empty_list(tmp_path):
    params = LogisticsParams()
    empty = three_tps().head(0)
    path = tmp_path / "kosong.xlsx"
    write_logistics_xlsx(logistics(empty, params), path, title=TITLE, params=params)
    rows = _cells(CalamineWorkbook.from_path(str(path)), "Per TPS")
    assert rows[-1] == ["TOTAL", "", "", "", 0, 0, 0, 0, 0, 0, 0, 0]
