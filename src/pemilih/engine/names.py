"""Column-wise name keys (Polars), the same rules as pemilih.domain.names for whole lists.

A regency list is ~200k rows and its registry ~300k: calling a Python function per name
would cost seconds, these string expressions cost a fraction of that. The rules (regular
expressions and word maps) are taken from pemilih.domain.names, so the keys agree with the
pure functions (tests/test_names.py checks that on many names). Words are replaced on the
whole string padded with spaces (` MUH. ` -> ` MUHAMMAD `) in one multi-pattern pass, which
avoids splitting every name into a list; the pass runs twice because two words in a row share
the space between them.
"""
from __future__ import annotations

import polars as pl

from pemilih.domain import names as N


def _base(col: str) -> pl.Expr:
    """Upper case, titles and degrees removed, single spaces, padded with one space each side."""
    text = (pl.col(col).fill_null("").str.to_uppercase()
            .str.replace_all("\u2019", "'", literal=True).str.replace_all("`", "'", literal=True)
            .str.strip_chars().str.replace(N.DEGREE_RE, "").str.replace(N.TITLE_RE, ""))
    return pl.lit(" ") + text.str.replace_all(r"\s+", " ") + pl.lit(" ")


def _words(e: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    old, new = [f" {k} " for k in mapping], [f" {v} " for v in mapping.values()]
    for _ in range(2):
        e = e.str.replace_many(old, new)
    return e


def cosmetic_key(col: str) -> pl.Expr:
    """domain.names.cosmetic_key for a whole column."""
    return _words(_base(col), N.ABBREVIATIONS).str.replace_all(N.NON_LETTER_RE, "")


def link_key(col: str) -> pl.Expr:
    """domain.names.link_key for a whole column (tokens joined by one space)."""
    e = _words(_base(col), N.ABBREVIATIONS).str.replace_all(r"[^A-Z ]", "")
    e = _words(e.str.replace_all(r" +", " "), N.LINK_VARIANTS)
    e = e.str.replace_many(list(N.OLD_SPELLING), list(N.OLD_SPELLING.values()))
    return e.str.strip_chars()


def sound_key(key: pl.Expr) -> pl.Expr:
    """domain.names.sound_key of a column of link keys (the rules applied in the same order)."""
    key = key.str.replace_many([old for old, _ in N.SOUND_RULES], [new for _, new in N.SOUND_RULES])
    for _ in range(2):  # doubled letters never overlap one another: one pass does them all
        key = key.str.replace_many([d for d, _ in N.DOUBLED], [s for _, s in N.DOUBLED])
    return key.str.replace_all(N.FINAL_H_RE, "")


def address_key(col: str) -> pl.Expr:
    """An address for matching: upper-case words of letters and digits, single spaces."""
    text = pl.col(col).fill_null("").str.to_uppercase().str.replace_all(r"[^A-Z0-9]+", " ")
    return text.str.strip_chars()


def address_words(col: str) -> pl.Expr:
    """The words of address_key, null for an empty address."""
    return words_of_address(address_key(col))


def words_of_address(address: pl.Expr) -> pl.Expr:
    """The words of an address_key already worked out, null for an empty one."""
    return pl.when(address != "").then(address.str.split(" "))


def name_ends(words: pl.Expr) -> pl.Expr:
    """The first and last of a link key's words (a list) when it has two or more: a middle
    name written out, as an initial or left out (`BRIAN L HONEYCUTT` / `BRIAN LEE HONEYCUTT`,
    `MUHAMMAD RAHMAN` / `MUHAMMAD ARIF RAHMAN`) leaves them alike. Null for a single word."""
    return pl.when(words.list.len() >= 2).then(words.list.first() + " " + words.list.last())


def place_key(col: str) -> pl.Expr:
    """domain.names.place_key for a whole column."""
    return pl.col(col).fill_null("").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")


def _plain_pattern() -> str:
    """Names that no rule changes: upper-case words of letters, none of them special."""
    special = set(N.ABBREVIATIONS) | set(N.LINK_VARIANTS)
    words = "|".join(sorted(w.replace(".", r"\.") for w in special if "." not in w))
    return rf"(?:^| )(?:{words})(?: |$)"


_SPECIAL_WORD = _plain_pattern()
_DIGRAPHS = "|".join(N.OLD_SPELLING)


def link_keys(names: pl.Series) -> pl.Series:
    """link_key for a whole Series, fast: most names need no rule at all and are kept as they
    are; only the others go through link_key (same result, a fraction of the time)."""
    df = pl.DataFrame({"n": names})
    plain = (pl.col("n").str.contains(r"^[A-Z]+(?: [A-Z]+)*$") & ~pl.col("n").str.contains(_DIGRAPHS)
             & ~pl.col("n").str.contains(_SPECIAL_WORD) & ~pl.col("n").str.contains(N.TITLE_RE))
    df = df.with_columns(plain.fill_null(False).alias("plain"), pl.int_range(pl.len()).alias("i"))
    keep = df.filter("plain").select("i", pl.col("n").alias("k"))
    work = df.filter(~pl.col("plain")).select("i", link_key("n").alias("k"))
    out = pl.concat([keep, work]).sort("i")["k"]
    return out.alias(names.name)
