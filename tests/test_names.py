"""Indonesian names: cosmetic differences vs real ones, and the matcher's spelling."""
from __future__ import annotations

import random

import polars as pl
import pytest

from pemilih.domain import names as N
from pemilih.engine import names as E


@pytest.mark.parametrize("a,b", [
    ("NE' RANTE", "Ne Rante"),                  # apostrophe, case
    ("MUH. AKBAR", "MUHAMMAD AKBAR"),           # abbreviation
    ("ABD. RAHMAN", "ABDUL RAHMAN"),
    ("H. MUHAMMAD AKBAR", "MUHAMMAD AKBAR"),     # title
    ("HJ. SITI AISYAH", "SITI AISYAH"),
    ("DRS. YOHANIS SAMPE", "YOHANIS SAMPE"),
    ("YOHANIS SAMPE, S.PD., M.SI", "YOHANIS SAMPE"),  # degrees after a comma
    ("  YOHANIS   SAMPE ", "YOHANIS SAMPE"),    # spacing
    ("SA’PANG", "SA'PANG"),                     # typographic apostrophe
])
def test_cosmetic_differences_are_not_differences(a, b):
    assert N.cosmetic_key(a) == N.cosmetic_key(b)


@pytest.mark.parametrize("a,b", [
    ("AGUSTINA PALIMBONG", "AGUSTINA PALIMBNG"),  # a letter dropped
    ("DJUMIATI", "JUMIATI"),                       # old spelling is a spelling the registry corrects
    ("MUHAMAD AKBAR", "MUHAMMAD AKBAR"),           # a different spelling, not an abbreviation
    ("M. AKBAR", "MUHAMMAD AKBAR"),                # M. may stand for any name
    ("YOHANIS", "YOHANIS SAMPE"),                  # a word more
])
def test_real_differences_stay(a, b):
    assert N.cosmetic_key(a) != N.cosmetic_key(b)


@pytest.mark.parametrize("a,b", [
    ("SOETJIPTO", "SUCIPTO"), ("DJOKO", "JOKO"), ("NJOTO", "NYOTO"),
    ("MOHAMMAD ALI", "MUHAMMAD ALI"), ("MUHAMAD ALI", "MUH. ALI"), ("ACHMAD", "AHMAD"),
    ("NE' RANTE", "NE RANTE"),
])
def test_matcher_folds_spelling_variants(a, b):
    assert N.link_key(a) == N.link_key(b)


@pytest.mark.parametrize("a,b", [
    ("SYAMSUDDIN", "SAMSUDIN"), ("KHADIJAH", "HADIJAH"), ("ZAENAL ARIFIN", "ZAINAL ARIFIN"),
    ("SURYADI", "SURIADI"), ("FATIMAH", "FATIMA"), ("VIVI", "FIFI"), ("ABDULLAH", "ABDULAH"),
    ("SHOLEH", "SOLEH"), ("QOMARIAH", "KOMARIA"), ("DHANI", "DANI"),
])
def test_sound_key_hears_the_same_name(a, b):
    assert N.link_key(a) != N.link_key(b)
    assert N.sound_key(a) == N.sound_key(b)


@pytest.mark.parametrize("a,b", [("RANTE", "RANTA"), ("YOHANIS", "YOHANA"), ("HASAN", "HASNA"), ("ANDI", "ANDIKA")])
def test_sound_key_keeps_different_names_apart(a, b):
    assert N.sound_key(a) != N.sound_key(b)


def test_a_title_alone_is_a_name():
    assert N.link_key("H.") == "H"
    assert N.cosmetic_key("HAJI") == "HAJI"


def _random_names(n: int) -> list[str | None]:
    rng = random.Random(5)
    words = ["MUH.", "MUHAMMAD", "MOHAMMAD", "ABD.", "H.", "HJ.", "DRS.", "NE'", "SA'PANG", "DJOKO", "SOETJIPTO",
             "YOHANIS", "SAMPE", "TANDI", "MARIA", "RANTE", "O'NEIL", "BUNGA'", "MUH", "ACHMAD", "S.PD.", "TJAHJO",
             "ALLO", "LO'KO'", "CHOIRIYAH", "NJOMAN", "SYAMSUDDIN", "AISYAH", "ZAENAL", "KHADIJAH", "QOMAR", "VIVI", "HHH"]
    out: list[str | None] = [None, "", " ", "H.", "HJ. ", "X - Y", "a, S.PD., M.SI", "MUH. MUH. ALI", "lowercase name"]
    for _ in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.2:
            text = "  " + text.replace(" ", "  ") + " "
        out.append(text)
    return out


def test_column_keys_agree_with_the_pure_functions():
    names = _random_names(3000)
    df = pl.DataFrame({"n": names}, schema={"n": pl.String})
    got = df.select(E.cosmetic_key("n").alias("c"), E.link_key("n").alias("l"), E.place_key("n").alias("p"))
    fast = E.link_keys(df["n"])
    sound = pl.DataFrame({"k": fast}).select(E.sound_key(pl.col("k")))["k"]
    for name, c, lk, pk, fk, sk in zip(names, got["c"], got["l"], got["p"], fast, sound):
        assert sk == N.sound_key(name), name
        assert c == N.cosmetic_key(name), name
        assert lk == N.link_key(name), name
        assert fk == N.link_key(name), name
        assert pk == N.place_key(name), name
