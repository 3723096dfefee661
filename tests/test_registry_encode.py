"""`pemilih registry key|encode` (issue 15 item 4): the key file, the encoded extract and what it
must not hold in clear (docs/registry-encoding.md, formats.md section 10)."""
from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import stat
from datetime import date

import pytest

from pemilih.cli import main
from pemilih.cycle import registry_encode as step
from pemilih.cycle.common import StepError

from filemaker import LAANG_TANDUK, REGISTRY_HEADER, resident, write_csv

# A hand-made extract: every personal value below must be absent from the encoded file.
ROWS = [
    resident(1, born=date(1961, 4, 17), NAMA_LGKP="YOHANIS PATIKU", TMPT_LHR="MAKALE",
             ALAMAT="JALAN POROS RANTEPAO", JENIS_PKRJN="TENTARA NASIONAL INDONESIA"),
    resident(2, born=date(1994, 11, 3), sex="P", NAMA_LGKP="MARTHA SAMPE LINGGI", TMPT_LHR="SESEAN",
             ALAMAT="DUSUN BUNTU", STATUS="MATI", TGL_MATI="05-01-2025", JENIS_PKRJN="PETANI/PEKEBUN"),
    resident(3, born=date(1988, 2, 29), village=LAANG_TANDUK, NAMA_LGKP="DANIEL TANDIARRANG",
             TMPT_LHR="BARUPPU", ALAMAT="LINGKUNGAN PASAR", JENIS_PKRJN="KEPOLISIAN RI",
             TGL_PINDAH="01-07-2024", KODE_WILAYAH_TUJUAN="73.71"),
]


def _read(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _key_bytes(path) -> bytes:
    return base64.b64decode(path.read_text().split("\n")[1])


def _dice(a: str, b: str) -> float:
    """Computed here from the bits, not by the code under test."""
    x, y = base64.b64decode(a), base64.b64decode(b)
    ones = lambda bs: sum(bin(v).count("1") for v in bs)  # noqa: E731
    both = sum(bin(p & q).count("1") for p, q in zip(x, y))
    return 2 * both / (ones(x) + ones(y))


@pytest.fixture
def extract(tmp_path):
    return write_csv(tmp_path / "disdukcapil.csv", REGISTRY_HEADER, ROWS)


def _encode(tmp_path, registry, key, out="enkode.csv"):
    return step.encode(step.EncodeRequest((str(registry),), str(key), str(tmp_path / out)))


def test_key_file_is_owner_only_and_never_replaced(tmp_path):
    path = tmp_path / "kunci.txt"
    step.make_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().split("\n")
    assert lines[0] == "pemilih kunci-enkode-dukcapil v1" and len(base64.b64decode(lines[1])) == 32
    before = path.read_bytes()
    with pytest.raises(StepError, match="sudah ada"):
        step.make_key(path)
    assert path.read_bytes() == before
    other = tmp_path / "kunci2.txt"
    step.make_key(other)
    assert _key_bytes(other) != _key_bytes(path)


def test_encoded_file_holds_no_identifier_in_clear(tmp_path, extract):
    key = tmp_path / "kunci.txt"
    step.make_key(key)
    done = _encode(tmp_path, extract, key)
    text = done.out.read_text(encoding="utf-8")
    secrets = {base64.b64encode(_key_bytes(key)).decode(), _key_bytes(key).hex()}
    for row in ROWS:
        born = date(*map(int, reversed(row["TGL_LHR"].split("-"))))
        secrets |= {row["NIK"], row["NO_KK"], row["NAMA_LGKP"], row["TMPT_LHR"], row["ALAMAT"], row["TGL_LHR"],
                    born.isoformat(), born.strftime("%Y%m%d"), born.strftime("%d%m%Y"), row["JENIS_PKRJN"]}
        secrets |= set(row["NAMA_LGKP"].split())
    for value in secrets:
        assert value not in text, value
    rows = _read(done.out)
    assert [r["KELAS_PKRJN"] for r in rows] == ["TNI", "LAIN", "POLRI"]
    assert [(r["STATUS"], r["TGL_MATI"]) for r in rows] == [("HIDUP", ""), ("MATI", "2025-01-05"), ("HIDUP", "")]
    assert rows[2]["TGL_PINDAH"] == "2024-07-01" and rows[2]["KODE_WILAYAH_TUJUAN"] == "73.71"
    assert [r["JENIS_KLMIN"] for r in rows] == ["L", "P", "L"]
    assert [r["KODE_WILAYAH"] for r in rows] == ["73.26.15.1004", "73.26.15.1004", "73.26.01.1001"]
    assert all(len(r["TOKEN_NIK"]) == 64 and len(base64.b64decode(r["CLK_NAMA_LGKP"])) == 128 for r in rows)
    assert [r["THN_LHR"] for r in rows] == ["1961", "1994", "1988"]


def test_linkage_tokens_follow_the_published_scheme(tmp_path, extract):
    """TOKEN_TGL_LHR, TOKEN_NAMA, TOKEN_KATA_NAMA, TOKEN_NIK_WIL(_URUT) recomputed here from
    docs/registry-encoding.md (HKDF-SHA256 info `pemilih/registry-encode/v1/<purpose>`)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    key = tmp_path / "k.txt"
    step.make_key(key)
    rows = _read(_encode(tmp_path, extract, key).out)

    def tok(purpose: str, value: str) -> str:
        sub = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=f"pemilih/registry-encode/v1/{purpose}".encode()).derive(_key_bytes(key))
        return hmac.new(sub, value.encode(), hashlib.sha256).hexdigest()

    martha = rows[1]  # MARTHA SAMPE LINGGI, born 03-11-1994, NIK of resident(2)
    nik = ROWS[1]["NIK"]
    assert martha["TOKEN_TGL_LHR"] == tok("token_tanggal_lahir", "19941103")
    assert martha["TOKEN_NAMA"] == tok("token_nama", "MARTHASAMPELINGGI")
    assert martha["TOKEN_KATA_NAMA"] == " ".join(tok("token_kata_nama", w)[:16] for w in ("MARTHA", "SAMPE", "LINGGI"))
    assert martha["TOKEN_NIK_WIL"] == tok("token_nik_wilayah", nik[:6])
    assert martha["TOKEN_NIK_WIL_URUT"] == tok("token_nik_wilayah_urut", nik[:6] + nik[12:])
    assert [r["STAT_KWN"] for r in rows] == ["S", "S", "S"]  # KAWIN, as the reader writes it (formats.md section 3)


def test_same_nik_same_key_same_token_another_key_another(tmp_path, extract):
    k1, k2 = tmp_path / "k1.txt", tmp_path / "k2.txt"
    step.make_key(k1)
    step.make_key(k2)
    first = _read(_encode(tmp_path, extract, k1, "a.csv").out)
    again = _read(_encode(tmp_path, extract, k1, "b.csv").out)
    other = _read(_encode(tmp_path, extract, k2, "c.csv").out)
    assert [r["TOKEN_NIK"] for r in first] == [r["TOKEN_NIK"] for r in again]
    assert all(a["TOKEN_NIK"] != b["TOKEN_NIK"] for a, b in zip(first, other))
    assert first[0]["ID_KUNCI"] == again[0]["ID_KUNCI"] != other[0]["ID_KUNCI"]
    # Not a bare hash: neither SHA-256 of the NIK nor HMAC under the key file's bytes themselves.
    nik = ROWS[0]["NIK"].encode()
    assert first[0]["TOKEN_NIK"] != hashlib.sha256(nik).hexdigest()
    assert first[0]["TOKEN_NIK"] != hmac.new(_key_bytes(k1), nik, hashlib.sha256).hexdigest()
    # One person's NIK written as an NKK gives another token (a sub-key per purpose).
    assert first[0]["TOKEN_NIK"] not in {r["TOKEN_NO_KK"] for r in first}


def test_clk_dice_high_for_one_letter_apart_low_for_unrelated(tmp_path):
    names = ["YOHANIS PATIKU", "YOHANES PATIKU", "MARTHA SAMPE LINGGI", "DANIEL TANDIARRANG"]
    rows = [resident(n + 1, NAMA_LGKP=name) for n, name in enumerate(names)]
    registry = write_csv(tmp_path / "d.csv", REGISTRY_HEADER, rows)
    key = tmp_path / "k.txt"
    step.make_key(key)
    clks = [r["CLK_NAMA_LGKP"] for r in _read(_encode(tmp_path, registry, key).out)]
    assert _dice(clks[0], clks[1]) > 0.8
    assert _dice(clks[0], clks[2]) < 0.5 and _dice(clks[0], clks[3]) < 0.5 and _dice(clks[2], clks[3]) < 0.5
    # The name's matching form, the clear-text linkage's (domain.names.link_key): titles and
    # `MUH.` do not change the filter.
    rows = [resident(1, NAMA_LGKP="MUH. YUSUF"), resident(2, NAMA_LGKP="H. MUHAMMAD YUSUF")]
    same = _read(_encode(tmp_path, write_csv(tmp_path / "e.csv", REGISTRY_HEADER, rows), key, "e_out.csv").out)
    assert same[0]["CLK_NAMA_LGKP"] == same[1]["CLK_NAMA_LGKP"]
    # A sub-key per field: the same text as name and as birthplace gives different filters.
    rows = [resident(1, NAMA_LGKP="RANTEPAO", TMPT_LHR="RANTEPAO")]
    one = _read(_encode(tmp_path, write_csv(tmp_path / "f.csv", REGISTRY_HEADER, rows), key, "f_out.csv").out)[0]
    assert one["CLK_NAMA_LGKP"] != one["CLK_TMPT_LHR"] and _dice(one["CLK_NAMA_LGKP"], one["CLK_TMPT_LHR"]) < 0.5


def test_cli_round_trip(tmp_path, extract, capsys):
    key, out = tmp_path / "kunci.txt", tmp_path / "enkode.csv"
    assert main(["registry", "key", "--out", str(key)]) == 0
    assert main(["registry", "key", "--out", str(key)]) == 1
    assert main(["registry", "encode", "--registry", str(extract), "--key-file", str(key), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "3 baris" in printed.out
    secret = base64.b64encode(_key_bytes(key)).decode()
    assert secret not in printed.out + printed.err and secret not in out.read_text()
    rows = _read(out)
    assert list(rows[0]) == ["TOKEN_NIK", "TOKEN_NO_KK", "CLK_NAMA_LGKP", "CLK_TGL_LHR", "CLK_TMPT_LHR",
                             "CLK_ALAMAT", "JENIS_KLMIN", "KODE_WILAYAH", "KELAS_PKRJN", "STATUS", "TGL_MATI",
                             "TGL_PINDAH", "KODE_WILAYAH_TUJUAN", "TGL_DATANG", "ID_KUNCI",
                             # appended for verification on the encoded form (formats.md section 10)
                             "THN_LHR", "STAT_KWN", "TOKEN_TGL_LHR", "TOKEN_NAMA", "TOKEN_KATA_NAMA",
                             "TOKEN_NIK_WIL", "TOKEN_NIK_WIL_URUT"]
    assert len(rows) == 3


def test_bad_registry_refused_naming_file_and_row(tmp_path, capsys):
    rows = [resident(1), resident(2, NIK="73261512058000"), resident(3)]
    registry = write_csv(tmp_path / "buruk.csv", REGISTRY_HEADER, rows)
    key, out = tmp_path / "kunci.txt", tmp_path / "enkode.csv"
    step.make_key(key)
    assert main(["registry", "encode", "--registry", str(registry), "--key-file", str(key), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "buruk.csv::3" in err and "NIK" in err and "NIK-LENGTH" in err
    assert not out.exists()
    missing = write_csv(tmp_path / "tanpa_nik.csv", [h for h in REGISTRY_HEADER if h != "NIK"],
                        [{h: v for h, v in resident(1).items() if h != "NIK"}])
    with pytest.raises(StepError, match="tanpa_nik.csv.*NIK"):
        _encode(tmp_path, missing, key)
    assert not out.exists()


def test_key_file_that_is_not_one_is_refused(tmp_path, extract):
    bad = tmp_path / "bukan_kunci.txt"
    bad.write_text("pemilih kunci-enkode-dukcapil v1\nQUJD\n")
    with pytest.raises(StepError, match="bukan_kunci.txt"):
        _encode(tmp_path, extract, bad)
    with pytest.raises(StepError, match="tidak boleh sama"):
        step.EncodeRequest((str(extract),), str(bad), str(extract))


def test_encoded_file_reads_back_as_encoded_with_marks_taken_off(tmp_path, extract):
    """A CLK beginning with `+` (base64 may) is written with the spreadsheet mark (formats.md
    section 1) and read back without it."""
    import polars as pl

    from pemilih.contract import ENCODED_REGISTRY_HEADERS
    from pemilih.engine.registry_encode import encode
    from pemilih.io.read import read_files
    from pemilih.io.registry_encoded import is_encoded, read, write
    key = tmp_path / "k.txt"
    step.make_key(key)
    done = _encode(tmp_path, extract, key)
    written = _read(done.out)
    assert is_encoded(list(written[0])) and not is_encoded(REGISTRY_HEADER)
    expected = encode(read_files([str(extract)], kind="registry").records, _key_bytes(key))
    assert read(done.out).rows() == expected.rows()
    row = dict.fromkeys(ENCODED_REGISTRY_HEADERS, "")
    row.update(clk_nama="+AAAB/w==", token_nik="ab" * 32)
    path = write(pl.DataFrame([row]), tmp_path / "plus.csv")
    assert _read(path)[0]["CLK_NAMA_LGKP"] == "'+AAAB/w=="
    assert read(path).row(0, named=True) == row
