"""The civil-registry extract encoded for linkage without handing it over in clear (issue 15).

NIK and NKK become keyed tokens (HMAC-SHA256); name, birth date, birthplace and address each
become a cryptographic long-term key (CLK): a Bloom filter of the value's character bigrams,
each bigram setting CLK_HASHES bits chosen by keyed double hashing (Schnell, Bachteler and
Reiher 2009). One filter per field, so the linkage still compares field by field. In clear
only what a finding states: sex, region codes, alive or dead with the date, moved out with the
date and where to, moved in, and the occupation reduced to TNI, POLRI or LAIN. The scheme, its
parameters and the threat model: docs/registry-encoding.md.

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
)
from pemilih.engine import names

_INFO = b"pemilih/registry-encode/v1/"  # HKDF's info: the scheme's version, then the purpose
# What stays in clear, as the reader normalised it (formats.md section 3).
CLEAR = ["jenis_kelamin", "kode_wilayah", "status", "tgl_mati", "tgl_pindah", "kode_wilayah_tujuan", "tgl_datang"]
# Encoded columns: the tokens and the filters (contract.ENCODED_FROM names what each encodes).
TOKENS = tuple(c for c in ENCODED_FROM if c.startswith("token_"))
FILTERS = tuple(c for c in ENCODED_FROM if c.startswith("clk_"))


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

    def encode(self, text: str | None) -> str:
        """The filter as base64 of CLK_BITS/8 bytes (bit 0 is the last byte's lowest); blank for blank."""
        if not text:
            return ""
        bits = 0
        for gram in bigrams(text):
            bits |= self._of(gram)
        return base64.b64encode(bits.to_bytes(CLK_BITS // 8, "big")).decode("ascii")


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
    clear = records.select(*(pl.col(c).fill_null("").cast(pl.String) for c in CLEAR), occupation_class())
    encoded = pl.DataFrame(columns, schema=dict.fromkeys(TOKENS + FILTERS, pl.String))
    out = pl.concat([encoded, clear], how="horizontal").with_columns(pl.lit(key_id(key)).alias("id_kunci"))
    return out.select(list(ENCODED_REGISTRY_HEADERS))
