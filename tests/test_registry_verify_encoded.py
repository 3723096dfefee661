"""`pemilih verify --registry ENCODED --key-file KEY` (issue 15 item 4): the verification run on
the encoded extract finds what the run on the clear extract finds, names registry records by
token only, proposes no value the encoded extract withholds, and refuses a wrong key.

The data are a small generated regency; the clear run is the reference. Tokens are recomputed
here from the published scheme (docs/registry-encoding.md: HKDF-SHA256, info
`pemilih/registry-encode/v1/token_nik`, HMAC-SHA256), not by the code under test.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import re
from collections import defaultdict

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pemilih.cli import main
from pemilih.cycle import registry_encode as step

ON, DPS = "2027-03-17", "2027-01-15"
RELEASED = {"JENIS KELAMIN", "KODE DESA", "STATUS PERKAWINAN"}  # formats.md section 10, in clear
WITHHELD = {"NIK", "NKK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "ALAMAT", "RT", "RW"}


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _key(path) -> bytes:
    return base64.b64decode(path.read_text().split("\n")[1])


def _ref(key: bytes, nik: str) -> str:
    """The reference a finding gives a registry record: `T` and 16 hex digits of its NIK token."""
    sub = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"pemilih/registry-encode/v1/token_nik").derive(key)
    return "T" + hmac.new(sub, nik.encode(), hashlib.sha256).hexdigest()[:16]


def _verify(lst, registry, out, *extra) -> int:
    return main(["verify", "--list", str(lst), "--registry", str(registry), "--on", ON, "--dps", DPS,
                 "--rezim", "PILKALEM", "--out", str(out), *extra])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from pemilih.generate import generate
    base = tmp_path_factory.mktemp("enkode")
    data = base / "data"
    generate(str(data), scale=0.02, seed=7326, progress=False)
    lst, registry = data / "kpu" / "dpt_7326.csv", data / "registry" / "disdukcapil_7326.csv"
    key = base / "kunci.txt"
    step.make_key(key)
    encoded = step.encode(step.EncodeRequest((str(registry),), str(key), str(base / "enkode.csv"))).out
    assert _verify(lst, registry, base / "jelas") == 0
    assert _verify(lst, encoded, base / "terenkode", "--key-file", str(key)) == 0
    return {"base": base, "list": lst, "registry": registry, "key": key, "encoded": encoded,
            "clear": _rows(base / "jelas" / "findings.csv"), "enc": _rows(base / "terenkode" / "findings.csv")}


def _per_row(rows, refs=None) -> dict:
    """source_ref (or, for B, the registry record) -> set of (code, field, proposed, duplicate_of)."""
    out = defaultdict(set)
    for r in rows:
        if r["code"] == "U" and r["field"] not in RELEASED:
            continue
        who = r["source_ref"] or (refs or {}).get(r["registry_nik"], r["registry_nik"])
        out[who].add((r["code"], r["field"], r["proposed"], r["duplicate_of"]))
    return out


@pytest.mark.slow
def test_encoded_run_finds_what_the_clear_run_finds(runs):
    key = _key(runs["key"])
    refs = {r["registry_nik"]: _ref(key, r["registry_nik"]) for r in runs["clear"] if r["registry_nik"]}
    clear, enc = _per_row(runs["clear"], refs), _per_row(runs["enc"])
    assert sum(1 for r in runs["clear"] if r["code"] == "B") > 50  # the comparison has substance
    assert {c for v in clear.values() for c, *_ in v} >= {"TMS-1", "TMS-2", "TMS-3", "TMS-4", "TMS-5", "U", "B"}
    differ = sorted(k for k in clear.keys() | enc.keys() if clear.get(k) != enc.get(k))
    # The same list rows and registry records with the same codes; a link the encoding cannot
    # tell the same way (a NIK one digit off is invisible in a token) may move one or two rows.
    assert len(differ) <= 2, [(k, clear.get(k), enc.get(k)) for k in differ[:5]]
    # Every finding naming a registry record names the same one, by its token.
    shown = lambda r: r["source_ref"] and (r["code"] != "U" or r["field"] in RELEASED)  # noqa: E731
    named = {(r["source_ref"], r["code"], refs.get(r["registry_nik"], "")) for r in runs["clear"] if shown(r)}
    named_enc = {(r["source_ref"], r["code"], r["registry_nik"]) for r in runs["enc"] if shown(r)}
    assert len(named ^ named_enc) <= 8, sorted(named ^ named_enc)[:8]


@pytest.mark.slow
def test_encoded_findings_hold_no_registry_identifier_in_clear(runs):
    listed = _rows(runs["list"])
    on_list = {r["NIK"] for r in listed}
    names_on_list = {r["NAMA"].strip().upper() for r in listed}
    registry = _rows(runs["registry"])
    strangers = [r for r in registry if r["NIK"] not in on_list]
    assert len(strangers) > 1000
    out = runs["base"] / "terenkode"
    text = (out / "findings.csv").read_text(encoding="utf-8-sig")
    for r in strangers:
        assert r["NIK"] not in text
        assert r["NO_KK"] and (r["NO_KK"] not in text or any(x["NKK"] == r["NO_KK"] for x in listed))
        name = r["NAMA_LGKP"].strip().upper()
        if " " in name and name not in names_on_list:  # a single word may be part of a village's name
            assert not re.search(rf"\b{re.escape(name)}\b", text.upper())
    for r in runs["enc"]:
        assert r["registry_nik"] == "" or re.fullmatch(r"T[0-9a-f]{16}", r["registry_nik"])
        if r["code"] == "B":
            # No date but voting day's: a birth date is never told.
            assert r["nik"] == r["registry_nik"] and not re.search(r"\d{2}-\d{2}-\d{4}",
                                                                   r["reason"].replace("17-03-2027", ""))
    secret = base64.b64encode(_key(runs["key"])).decode()
    assert sorted(p.name for p in out.iterdir()) == ["ba_verifikasi.pdf", "findings.csv", "findings.xlsx"]
    assert secret not in text and secret not in (out / "findings.xlsx").read_bytes().decode("latin-1")


@pytest.mark.slow
def test_no_value_of_a_withheld_field_is_proposed(runs):
    clear_u = {(r["source_ref"], r["field"]) for r in runs["clear"] if r["code"] == "U"}
    assert {f for _, f in clear_u} & WITHHELD  # the clear run does propose them: the test has substance
    enc_u = [r for r in runs["enc"] if r["code"] == "U"]
    assert enc_u and all(r["field"] in RELEASED for r in enc_u)
    assert {(r["source_ref"], r["field"]) for r in enc_u} == {x for x in clear_u if x[1] in RELEASED}


@pytest.mark.slow
def test_wrong_or_missing_key_is_refused_and_nothing_written(runs, tmp_path, capsys):
    other = tmp_path / "lain.txt"
    step.make_key(other)
    out = tmp_path / "hasil"
    assert _verify(runs["list"], runs["encoded"], out, "--key-file", str(other)) == 2
    assert "Kunci tidak cocok" in capsys.readouterr().err and not out.exists()
    assert _verify(runs["list"], runs["encoded"], out) == 2
    assert "--key-file" in capsys.readouterr().err and not out.exists()
    assert _verify(runs["list"], runs["registry"], out, "--key-file", str(runs["key"])) == 2
    assert "tidak terenkode" in capsys.readouterr().err and not out.exists()


@pytest.mark.slow
def test_an_extract_of_the_first_form_is_refused_with_a_request_to_encode_again(runs, tmp_path, capsys):
    first = ["TOKEN_NIK", "TOKEN_NO_KK", "CLK_NAMA_LGKP", "CLK_TGL_LHR", "CLK_TMPT_LHR", "CLK_ALAMAT",
             "JENIS_KLMIN", "KODE_WILAYAH", "KELAS_PKRJN", "STATUS", "TGL_MATI", "TGL_PINDAH",
             "KODE_WILAYAH_TUJUAN", "TGL_DATANG", "ID_KUNCI"]
    rows = _rows(runs["encoded"])
    old = tmp_path / "bentuk_pertama.csv"
    with open(old, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(first)
        w.writerows([r[c] for c in first] for r in rows[:50])
    out = tmp_path / "hasil"
    assert _verify(runs["list"], old, out, "--key-file", str(runs["key"])) == 2
    assert "enkode ulang" in capsys.readouterr().err.lower() and not out.exists()


def test_dice_of_filters_is_counted_from_their_bits():
    """link_encoded.dice against popcounts done here byte by byte."""
    import os

    import polars as pl

    from pemilih.engine.link_encoded import clk_words, dice
    a = [os.urandom(128) for _ in range(5)] + [bytes(128)]
    b = [bytes(x & y for x, y in zip(p, os.urandom(128))) for p in a[:5]] + [bytes(128)]
    enc = lambda xs: pl.Series([base64.b64encode(x).decode() for x in xs])  # noqa: E731
    got = dice(clk_words(enc(a)), clk_words(enc(b))).to_list()
    ones = lambda bs: sum(bin(v).count("1") for v in bs)  # noqa: E731
    for x, y, d in zip(a[:5], b[:5], got[:5]):
        assert d == pytest.approx(2 * ones(bytes(p & q for p, q in zip(x, y))) / (ones(x) + ones(y)))
    assert got[5] is None  # two empty filters: nothing to compare
