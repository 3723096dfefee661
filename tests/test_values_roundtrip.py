"""Write, then read back: the canonical values come back, whatever form they were typed in.

Each generated voter has canonical values (formats.md section 1) and, for each, one of the
forms people type (a hand-written table per field: `laki-laki` for L, `6;1` for 1,6, `7` for
RT 007, lower-case names with extra spaces ...). The list is written as CSV and as XLSX (text
cells, xlsxwriter) and read with io/read.py; a coklit workbook is written by the share step's
writer with the same values typed as corrections and new voters, and read back by the coklit
reader. Both must give the canonical values.
"""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pemilih.domain.nik import make_nik
from pemilih.io.coklit_layout import (
    CORRECTABLE,
    CURRENT,
    LOCKED,
    NEW_COLUMNS,
    VISIT,
    BaseVersion,
    TpsSheet,
    WorkbookJob,
)
from pemilih.io.coklit_read import read_workbook
from pemilih.io.coklit_write import write_workbook
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, PANTANAKAN, voter, write_csv, write_xlsx

SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Canonical value -> forms it may be typed in (by hand, from formats.md and the aliases).
SEX = {"L": ["L", "l", "LAKI-LAKI", "Laki-laki", "laki laki", "PRIA", "LK", "1"],
       "P": ["P", "p", "PEREMPUAN", "Perempuan", "wanita", "PR", "2"]}
MARITAL = {"B": ["B", "b", "BELUM KAWIN", "Belum Menikah", "BK"],
           "S": ["S", "KAWIN", "kawin", "Sudah Kawin", "menikah", "K"],
           "P": ["P", "CERAI HIDUP", "cerai mati", "Janda", "DUDA", "pernah kawin"]}
KTP = {"S": ["S", "s", "SUDAH", "ya", "Y"], "B": ["B", "BELUM", "tidak", "T"], None: [""]}
WORDS = ["YOHANES", "NE'", "RANTE", "MARTHA", "SAMPE", "ÀGÜSTINA", "LAI'", "TANGKE", "JL.", "DUSUN", "4"]
NAME_WORDS = [w for w in WORDS if not w.isdigit()]  # names are written without digits


def _number(n: int, *, tps: bool = False):
    forms = [str(n), f"{n:02d}", f"{n:03d}"] + ([f"TPS {n}", f"tps{n:02d}"] if tps else [])
    return st.sampled_from(forms)


@st.composite
def text_value(draw, words=WORDS) -> tuple[str, str]:
    """(canonical: capitals, one space; as typed: any case, spaces doubled, around)."""
    words = draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    typed = [draw(st.sampled_from([w, w.lower(), w.title()])) for w in words]
    gaps = [draw(st.sampled_from([" ", "  ", "\t"])) for _ in typed[1:]]
    joined = typed[0] + "".join(g + w for g, w in zip(gaps, typed[1:]))
    return " ".join(words), draw(st.sampled_from(["", " "])) + joined + draw(st.sampled_from(["", "  "]))


@st.composite
def disability(draw) -> tuple[str | None, str]:
    codes = draw(st.lists(st.sampled_from("123456"), max_size=4))
    typed = codes + (["0"] if draw(st.booleans()) and not codes else [])
    separator = draw(st.sampled_from([",", ", ", ";", "/", " "]))
    return (",".join(sorted(set(codes))) or None), separator.join(reversed(typed))


@st.composite
def person(draw, no: int) -> tuple[dict, dict]:
    """(canonical values by canonical column, the same as typed)."""
    born = draw(st.dates(date(1930, 1, 1), date(2008, 12, 31)))
    sex, marital, ktp = draw(st.sampled_from("LP")), draw(st.sampled_from("BSP")), draw(st.sampled_from(["S", "B", None]))
    rt, rw, tps = draw(st.integers(0, 999)), draw(st.integers(0, 99)), draw(st.integers(1, 40))
    (name, name_typed), (place, place_typed), (street, street_typed) = (
        draw(text_value(words)) for words in (NAME_WORDS, WORDS, WORDS))
    dis, dis_typed = draw(disability())
    born_typed = draw(st.sampled_from([born.strftime("%d-%m-%Y"), born.strftime("%d/%m/%Y"), born.isoformat(),
                                       born.strftime("%d|%m|%Y"), f"{born.day}-{born.month}-{born.year}"]))
    nik = make_nik(PANTANAKAN[0].replace(".", "")[:6], born, sex, no)
    canonical = {"nik": nik, "nama": name, "tempat_lahir": place, "tanggal_lahir": born.isoformat(),
                 "jenis_kelamin": sex, "status_kawin": marital, "alamat": street, "rt": f"{rt:03d}",
                 "rw": f"{rw:03d}", "tps": f"{tps:03d}", "disabilitas": dis, "ktp_el": ktp}
    typed = {"nik": nik, "nama": name_typed, "tempat_lahir": place_typed, "tanggal_lahir": born_typed,
             "jenis_kelamin": draw(st.sampled_from(SEX[sex])), "status_kawin": draw(st.sampled_from(MARITAL[marital])),
             "alamat": street_typed, "rt": draw(_number(rt)), "rw": draw(_number(rw)),
             "tps": draw(_number(tps, tps=True)), "disabilitas": dis_typed, "ktp_el": draw(st.sampled_from(KTP[ktp]))}
    return canonical, typed


people = st.integers(1, 8).flatmap(lambda n: st.tuples(*[person(i + 1) for i in range(n)]))
HEADERS = {"nik": "NIK", "nama": "NAMA", "tempat_lahir": "TEMPAT LAHIR", "tanggal_lahir": "TANGGAL LAHIR",
           "jenis_kelamin": "JENIS KELAMIN", "status_kawin": "STATUS PERKAWINAN", "alamat": "ALAMAT", "rt": "RT",
           "rw": "RW", "tps": "TPS", "disabilitas": "DISABILITAS", "ktp_el": "KTP-EL"}


def _kpu_rows(pairs) -> list[dict]:
    return [voter(no=i + 1, **{HEADERS[c]: v for c, v in typed.items()}) for i, (_, typed) in enumerate(pairs)]


def _check_read(result, pairs) -> None:
    assert result.problems.height == 0, result.problems.select("row", "column", "code").rows()
    got = result.records.select(list(HEADERS)).to_dicts()
    assert got == [canonical for canonical, _ in pairs]


@SETTINGS
@given(pairs=people)
def test_a_kpu_list_as_csv_reads_back_canonical(tmp_path_factory, pairs):
    path = write_csv(tmp_path_factory.mktemp("csv") / "dpt.csv", KPU_HEADER, _kpu_rows(pairs))
    _check_read(read_files([path]), pairs)


@SETTINGS
@given(pairs=people)
def test_a_kpu_list_as_xlsx_text_cells_reads_back_canonical(tmp_path_factory, pairs):
    rows = _kpu_rows(pairs)
    grid = [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in rows]
    path = write_xlsx(tmp_path_factory.mktemp("xlsx") / "dpt.xlsx", {"DPT": grid})
    _check_read(read_files([path]), pairs)


def _job(path, pairs) -> WorkbookJob:
    """One TPS sheet whose rows carry the typed values as corrections (STATUS U), and the same
    people again as new voters."""
    base = BaseVersion(cut="0123456789abcdef0123456789abcdef", kode_desa=PANTANAKAN[0], desa=PANTANAKAN[2],
                       kecamatan=PANTANAKAN[1], regime="PEMILU2024", base_seq=1, agreement="1/PKS/UJI",
                       shared_on="01-01-2026", file="dpt.csv")
    rows = []
    for i, (_, typed) in enumerate(pairs):
        locked = [str(i + 1)] + [""] * (len(LOCKED) - 1)
        given = {"status": "U", **{c: typed[c] for c in CORRECTABLE}}
        edits = [given.get(c, "") for c in CURRENT.edits]
        rows.append((f"dpt.csv::{i + 2}", locked, edits))
    new = [[typed.get(c, "") for c in NEW_COLUMNS] for _, typed in pairs]
    return WorkbookJob(str(path), base, [TpsSheet("TPS 001", rows)], new)


@SETTINGS
@given(pairs=people)
def test_a_coklit_workbook_reads_back_canonical(tmp_path_factory, pairs):
    path = tmp_path_factory.mktemp("coklit") / "COKLIT.xlsx"
    write_workbook(_job(path, pairs))
    book = read_workbook(str(path))
    assert book.problems == [] and book.unreadable is None
    edits = book.sheets["TPS 001"].edits
    # A correction to `empty` is no correction: only columns typed in come back.
    assert [e.corrections for e in edits] == [
        {c: canonical[c] for c in CORRECTABLE if typed[c]} for canonical, typed in pairs]
    assert [v.values for v in book.new_voters] == [
        {c: canonical.get(c) for c in NEW_COLUMNS if c != "keterangan" and c not in VISIT} for canonical, _ in pairs]
