"""The civil-registry extract encoded for linkage without handing it over in clear (issue 15).

NIK and NKK become keyed tokens (HMAC-SHA256); name, birth date, birthplace and address each
become a cryptographic long-term key (CLK): a Bloom filter of the value's character bigrams,
each bigram setting CLK_HASHES bits chosen by keyed double hashing (Schnell, Bachteler and
Reiher 2009). One filter per field, so the linkage still compares field by field; beside them
keyed tokens of the linkage features blocking needs (LINKAGE_TOKENS). In clear only what a
finding states: sex, region codes, alive or dead with the date, moved out with the date and
where to, moved in, the occupation reduced to TNI, POLRI or LAIN, marital status and the birth
year (the age rules). The scheme, its parameters and the threat model: docs/registry-encoding.md.

Every purpose has its own sub-key (HKDF-SHA256 from the secret key, one label each), so a NIK
token cannot be set against an NKK token or a name filter against a place filter. Values are
normalised by the same rules the clear-text linkage uses (engine/names.py), so an encoded
extract and a clear one agree on what counts as the same name.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

import polars as pl
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pemilih.contract import (
    CLK_BITS,
    CLK_HASHES,
    ENCODED_FROM,
    ENCODED_REGISTRY_HEADERS,
    KEY_BYTES,
    OCCUPATION_CLASSES,
    OCCUPATION_OTHER,
    WORD_TOKEN_DIGITS,
)
from pemilih.engine import names

_INFO = b"pemilih/registry-encode/v1/"  # HKDF's info: the scheme's version, then the purpose
# What stays in clear, as the reader normalised it (formats.md section 3).
CLEAR = ["jenis_kelamin", "kode_wilayah", "status", "tgl_mati", "tgl_pindah", "kode_wilayah_tujuan", "tgl_datang",
         "status_kawin"]
# Encoded columns: the tokens and the filters (contract.ENCODED_FROM names what each encodes).
TOKENS = tuple(c for c in ENCODED_FROM if c.startswith("token_"))
FILTERS = tuple(c for c in ENCODED_FROM if c.startswith("clk_"))
# Keyed tokens of the linkage features (engine/link_prepare.py) that blocking and the model's
# equality levels need on the encoded form (engine/link_encoded.py). Each reveals equality of
# its value between records, and nothing else without the key.
LINKAGE_TOKENS = ("token_tanggal_lahir", "token_nama", "token_nik_wilayah", "token_nik_wilayah_urut")
WORDS = "token_kata_nama"


def sub_key(key: bytes, purpose: str) -> bytes:
    """The 32-byte key of one purpose (`token_nik`, `clk_nama/1`, `id`), derived from the secret."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"kunci harus {KEY_BYTES} bita")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + purpose.encode()).derive(key)


def key_id(key: bytes) -> str:
    """16 hex digits naming the key without revealing it: two encoded files link only when equal."""
    return sub_key(key, "id").hex()[:16]


def token(purpose_key: bytes, value: str | None) -> str:
    """HMAC-SHA256 of the value, hex; a blank value stays blank (nothing to link on)."""
    return hmac.new(purpose_key, value.encode(), hashlib.sha256).hexdigest() if value else ""


def tokens(key: bytes, purpose: str, values: pl.Series) -> pl.Series:
    """`token` of every value under the purpose's sub-key (once per distinct value)."""
    purpose_key = sub_key(key, purpose)
    return _each_distinct(values.fill_null(""), lambda v: token(purpose_key, v))


def word_tokens(key: bytes, words: pl.Series) -> pl.Series:
    """Per value (a list of name words), the list of its words' tokens, each cut to
    WORD_TOKEN_DIGITS hex digits: they only select candidate pairs and test which words two
    names share, where 64 bits leave no collision among a regency's few thousand words."""
    purpose_key = sub_key(key, WORDS)
    distinct = words.explode().drop_nulls().unique()
    made = [token(purpose_key, w)[:WORD_TOKEN_DIGITS] for w in distinct]
    table = dict(zip(distinct.to_list(), made))
    return words.list.eval(pl.element().replace_strict(table, default=None, return_dtype=pl.String))


def bigrams(text: str) -> set[str]:
    """The character bigrams of `text` padded with one space each side (` ANDI ` gives
    ` A`, `AN`, `ND`, `DI`, `I `): first and last letters count as much as the inner ones."""
    if not text:
        return set()
    padded = f" {text} "
    return {padded[i:i + 2] for i in range(len(padded) - 1)}


class BloomField:
    """The CLK of one field. Each bigram's bits are computed once: a regency has a few thousand
    distinct bigrams per field against hundreds of thousands of values."""

    def __init__(self, key: bytes, field: str):
        self._k1, self._k2 = sub_key(key, f"{field}/1"), sub_key(key, f"{field}/2")
        self._bits: dict[str, int] = {}

    def _of(self, gram: str) -> int:
        bits = self._bits.get(gram)
        if bits is None:
            g = gram.encode()
            h1 = int.from_bytes(hmac.new(self._k1, g, hashlib.sha256).digest(), "big")
            # An odd step: in a filter of 2^10 bits the k positions h1 + i*h2 are then all distinct.
            h2 = int.from_bytes(hmac.new(self._k2, g, hashlib.sha256).digest(), "big") | 1
            bits = 0
            for i in range(CLK_HASHES):
                bits |= 1 << ((h1 + i * h2) % CLK_BITS)
            self._bits[gram] = bits
        return bits

    def bits(self, text: str | None) -> bytes:
        """The filter's CLK_BITS/8 bytes (bit 0 is the last byte's lowest); all zero for blank."""
        bits = 0
        for gram in bigrams(text or ""):
            bits |= self._of(gram)
        return bits.to_bytes(CLK_BITS // 8, "big")

    def encode(self, text: str | None) -> str:
        """The filter as base64 of its bytes; blank for blank."""
        return base64.b64encode(self.bits(text)).decode("ascii") if text else ""


def filter_bits(encoded: str) -> int:
    """A CLK as written, back into its bits."""
    return int.from_bytes(base64.b64decode(encoded), "big")


def dice(a: str, b: str) -> float:
    """Dice coefficient of two CLKs: 2|A and B| / (|A| + |B|)."""
    x, y = filter_bits(a), filter_bits(b)
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0


def _each_distinct(values: pl.Series, encode) -> pl.Series:
    """`encode` applied once per distinct value (names, places and dates repeat a great deal)."""
    distinct = values.unique().to_list()
    return values.replace_strict(distinct, [encode(v) for v in distinct], return_dtype=pl.String)


def normalised(records: pl.DataFrame) -> pl.DataFrame:
    """The six encoded values in the form the clear-text linkage compares them: NIK and NKK as
    read, the name's matching key (domain.names.link_key), the birth date's digits (YYYYMMDD
    from the reader's ISO date), birthplace and address as place keys (letters and digits)."""
    text = lambda c: pl.col(c).fill_null("").str.strip_chars()  # noqa: E731
    out = records.select(
        text("nik").alias("token_nik"), text("nkk").alias("token_nkk"),
        text("tanggal_lahir").str.replace_all(r"\D", "").alias("clk_tanggal_lahir"),
        names.place_key("tempat_lahir").alias("clk_tempat_lahir"), names.place_key("alamat").alias("clk_alamat"))
    return out.with_columns(names.link_keys(records["nama"].fill_null("")).alias("clk_nama"))


def linkage_values(records: pl.DataFrame) -> pl.DataFrame:
    """The registry's linkage features as link_prepare makes them, for LINKAGE_TOKENS and
    THN_LHR: the birth date's digits (`YYYYMMDD`), the name without spaces (`name_flat`) and
    its words, the NIK's region (digits 1-6) and region with serial (1-6 and 13-16)."""
    nik = pl.col("nik").fill_null("").str.strip_chars()
    nik16 = nik.str.contains(r"^\d{16}$")
    born = pl.col("tanggal_lahir").fill_null("")
    iso = born.str.contains(r"^\d{4}-\d{2}-\d{2}$")
    key = names.link_keys(records["nama"].fill_null(""))
    out = records.select(
        pl.when(iso).then(born.str.replace_all("-", "")).otherwise(pl.lit("")).alias("token_tanggal_lahir"),
        pl.when(iso).then(born.str.slice(0, 4)).otherwise(pl.lit("")).alias("thn_lahir"),
        pl.when(nik16).then(nik.str.slice(0, 6)).otherwise(pl.lit("")).alias("token_nik_wilayah"),
        pl.when(nik16).then(nik.str.slice(0, 6) + nik.str.slice(12, 4)).otherwise(pl.lit(""))
        .alias("token_nik_wilayah_urut"))
    return out.with_columns(key.str.replace_all(" ", "").alias("token_nama"),
                            pl.when(key != "").then(key.str.split(" ")).alias(WORDS))


def occupation_class() -> pl.Expr:
    """KELAS_PKRJN: TNI, POLRI, LAIN for any other occupation, blank when none is recorded."""
    job = pl.col("pekerjaan").fill_null("").str.strip_chars().str.to_uppercase()
    named = job.replace_strict(OCCUPATION_CLASSES, default=OCCUPATION_OTHER, return_dtype=pl.String)
    return pl.when(job == "").then(pl.lit("")).otherwise(named).alias("kelas_pekerjaan")


def encode(records: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The registry's records (REGISTRY_COLUMNS, as the reader gives them) encoded: the
    columns of ENCODED_REGISTRY_HEADERS under their canonical names, every value text, rows
    in the extract's order."""
    plain = normalised(records)
    columns = []
    for name in TOKENS:
        purpose = sub_key(key, name)
        columns.append(_each_distinct(plain[name], lambda v, k=purpose: token(k, v)).alias(name))
    for name in FILTERS:
        columns.append(_each_distinct(plain[name], BloomField(key, name).encode).alias(name))
    linkage = linkage_values(records)
    columns += [tokens(key, name, linkage[name]).alias(name) for name in LINKAGE_TOKENS]
    columns.append(word_tokens(key, linkage[WORDS]).list.join(" ").fill_null("").alias(WORDS))
    clear = records.select(*(pl.col(c).fill_null("").cast(pl.String) for c in CLEAR), occupation_class())
    encoded = pl.DataFrame(columns, schema=dict.fromkeys(TOKENS + FILTERS + LINKAGE_TOKENS + (WORDS,), pl.String))
    out = pl.concat([encoded, clear, linkage.select("thn_lahir")], how="horizontal").with_columns(
        pl.lit(key_id(key)).alias("id_kunci"))
    return out.select(list(ENCODED_REGISTRY_HEADERS))
