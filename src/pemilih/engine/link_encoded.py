"""Linking a voter list to an encoded civil-registry extract (docs/registry-encoding.md).

The two stages of engine/link.py, on keyed tokens and Bloom filters (CLK) instead of values.
The list is in clear on this side; its values are encoded here, in memory only, with the same
key and the same normalisation (engine/registry_encode.py), so that equal values give equal
tokens and similar names similar filters.

1. Exact: the list's well-formed NIK, tokenised, joined with the registry's NIK token; a pair
   is doubted as in link.py (birth dates differ and names unlike), names compared by the
   Dice coefficient of their CLKs instead of Jaro-Winkler.
2. Probabilistic, for the rest: candidates by the model's blocking keys as tokens (same birth
   date, as written or as in the NIK; same family card; same name and birth year or district;
   a shared name word with the same birth year, sex and district), then the model's
   comparisons (link_model.comparisons: same fields, same levels and labels) evaluated on
   tokens and CLKs, scored with the m and u of the model file (Fellegi-Sunter, as Splink
   scores them, with the term-frequency adjustment of the exact name), best candidate taken
   above the threshold. Splink itself is not run: its SQL would see only base64 text.

What the encoding cannot tell is said where it applies: a NIK or NKK one digit off is
invisible in a token (those levels never apply; such a pair falls to the next level).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from pemilih.contract import CLK_BITS
from pemilih.engine import link_model, link_prob
from pemilih.engine import registry_encode as enc
from pemilih.engine.held import text
from pemilih.engine.link import LINK_SCHEMA, Linkage, settle, split_exact
from pemilih.engine.link_prepare import ISO_DATE, add_name_features, prepare, with_nik_dates

# Dice thresholds standing for the Jaro-Winkler thresholds of the clear model. Dice is taken
# over the padded bigrams of the name with its spaces (the CLK's input), Jaro-Winkler over the
# name without spaces, and they weigh differently (Jaro-Winkler rewards a shared beginning), so
# no threshold reproduces a JW level exactly. Each one below is the Dice threshold whose level
# agrees best (F1, JW level taken as truth) with the JW level on the model's candidate pairs
# of unequal names in the scale-1.0 generated regency (140,000 pairs of a 1-in-20 sample of the
# list): JW >= 0.92 ~ Dice >= 0.80 (F1 0.43; 99.2% of pairs on the same side), JW >= 0.8 ~
# Dice >= 0.60 (F1 0.59; 89.6%), birthplace JW >= 0.9 ~ Dice >= 0.62 (F1 0.71; 99.2%).
# The levels' m and u stay the model's: the encoded run links the same rows (bench/run_registry_encoded.py).
NAME_CLOSE = 0.80  # "hampir sama (salah ketik)", JW >= 0.92
NAME_LIKE = 0.60  # "mirip", JW >= 0.8; also the exact stage's doubt (link.NAME_DOUBT, JW 0.8)
PLACE_LIKE = 0.62  # birthplace "mirip", JW >= 0.9
_WORDS = CLK_BITS // 64
# A shared name word is a blocking key together with these.
TOKEN_WITH = ["birth_year", "sex", "district"]


@dataclass
class EncodedLinkage(Linkage):
    list_tokens: pl.DataFrame | None = None  # per list row its NIK and birth-date tokens (in memory only)


def _blank_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr != "").then(expr)


def _digits(dob: str) -> pl.Expr:
    """An ISO date's digits (`YYYYMMDD`, the form the registry's date token is of), else null."""
    return pl.when(pl.col(dob).str.contains(ISO_DATE)).then(pl.col(dob).str.replace_all("-", ""))


def clk_words(filters: pl.Series) -> pl.DataFrame:
    """CLKs (base64, as written) as _WORDS 64-bit columns w0..; a blank filter is all zero."""
    raw = filters.fill_null("").str.decode("base64").to_frame("b")
    return raw.select(pl.col("b").bin.slice(8 * i, 8).bin.reinterpret(dtype=pl.UInt64).fill_null(0).alias(f"w{i}")
                      for i in range(_WORDS))


def _bits_words(values: pl.Series, field: enc.BloomField) -> pl.DataFrame:
    """The CLKs of clear values (this side's), straight to words, never written anywhere."""
    distinct = values.fill_null("").unique()
    made = pl.Series("b", [field.bits(v) for v in distinct.to_list()], dtype=pl.Binary)
    table = pl.DataFrame({"v": distinct, "b": made})
    raw = values.fill_null("").to_frame("v").join(table, on="v", how="left", maintain_order="left")
    return raw.select(pl.col("b").bin.slice(8 * i, 8).bin.reinterpret(dtype=pl.UInt64).alias(f"w{i}")
                      for i in range(_WORDS))


def dice(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Row by row, the Dice coefficient 2|A and B| / (|A| + |B|) of two tables of CLK words
    (null when both filters are empty): popcounts, column-wise."""
    both = pl.concat([left, right.rename(lambda c: f"r{c}")], how="horizontal")
    count = lambda c: pl.col(c).bitwise_count_ones().cast(pl.UInt32)  # noqa: E731
    common = pl.sum_horizontal((pl.col(f"w{i}") & pl.col(f"rw{i}")).bitwise_count_ones().cast(pl.UInt32)
                               for i in range(_WORDS))
    ones = pl.sum_horizontal(*(count(f"w{i}") for i in range(_WORDS)), *(count(f"rw{i}") for i in range(_WORDS)))
    return both.select(pl.when(ones > 0).then(2 * common / ones).alias("dice"))["dice"]


def same_filter(left: pl.DataFrame, right: pl.DataFrame) -> pl.Series:
    """Row by row, whether two tables of CLK words hold the same filter."""
    both = pl.concat([left, right.rename(lambda c: f"r{c}")], how="horizontal")
    return both.select(pl.all_horizontal(pl.col(f"w{i}") == pl.col(f"rw{i}") for i in range(_WORDS)))[:, 0]


def list_nik_tokens(list_records: pl.DataFrame, key: bytes) -> pl.Series:
    """The token of each list row's NIK when it is 16 digits (else blank), as the registry's."""
    nik = list_records["nik"].fill_null("").str.strip_chars()
    well = pl.select(pl.when(nik.str.contains(r"^\d{16}$")).then(nik).otherwise(pl.lit("")))[:, 0]
    return enc.tokens(key, "token_nik", well).alias("token_nik")


def list_dob_tokens(list_records: pl.DataFrame, key: bytes) -> pl.Series:
    """The token of each list row's birth date (ISO as read), blank when unreadable."""
    digits = list_records.select(_digits("tanggal_lahir").fill_null(""))[:, 0]
    return enc.tokens(key, "token_tanggal_lahir", digits).alias("token_tanggal_lahir")


def _exact(list_records: pl.DataFrame, registry: pl.DataFrame, nik_tokens: pl.Series,
           dob_tokens: pl.Series, key: bytes) -> pl.DataFrame:
    """(lid, rid) of the list rows whose NIK token the registry has, less the doubtful."""
    left = pl.DataFrame({"lid": pl.int_range(len(nik_tokens), dtype=pl.UInt32, eager=True),
                         "t": nik_tokens}).filter(pl.col("t") != "")
    right = registry.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"), pl.col("token_nik").alias("t")) \
        .filter(pl.col("t") != "").unique("t", keep="first", maintain_order=True)
    pairs = left.join(right, on="t").select("lid", "rid")
    listed, registered = dob_tokens.gather(pairs["lid"]), registry["token_tanggal_lahir"].gather(pairs["rid"])
    differ = pairs.filter((listed == "") | (listed != registered))
    if differ.height == 0:
        return pairs
    keys = add_name_features(list_records[differ["lid"]].select("nama", "tempat_lahir"))["name_key"]
    sims = dice(_bits_words(keys, enc.BloomField(key, "clk_nama")),
                clk_words(registry["clk_nama"].gather(differ["rid"])))
    doubtful = differ.filter((sims.is_null() | (sims < NAME_LIKE)) | keys.is_null())
    return pairs.join(doubtful.select("lid"), on="lid", how="anti")


def link(list_records: pl.DataFrame, registry: pl.DataFrame, key: bytes, model: dict | None = None,
         threshold: float = link_prob.THRESHOLD, estimate: bool | None = None) -> Linkage:
    """Link every list row to at most one record of the encoded registry (engine/encoded_registry.frame).
    The shipped (or given) model is used as it is: `estimate` is not done on the encoded form
    (Splink's estimation reads clear values)."""
    seconds = {}
    t = time.perf_counter()
    nik_tokens, dob_tokens = list_nik_tokens(list_records, key), list_dob_tokens(list_records, key)
    exact, rest = split_exact(_exact(list_records, registry, nik_tokens, dob_tokens, key), list_records.height)
    seconds["nik"] = time.perf_counter() - t
    t = time.perf_counter()
    found = _probabilistic(list_records, rest, registry, key, model, threshold)
    seconds["probabilistik"] = time.perf_counter() - t
    links, uncertain = settle(exact, found, threshold)
    return EncodedLinkage(links, rest.len(), seconds, uncertain=uncertain,
                          list_tokens=pl.DataFrame([nik_tokens, dob_tokens]))


# --- the probabilistic stage -------------------------------------------------------------------

def _list_side(residual: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The residual's linkage features as tokens (and the clear ones the registry has in clear)."""
    iso = residual.select(_digits("dob").fill_null("").alias("d"), _digits("nik_dob").fill_null("").alias("n"))
    tok = lambda purpose, values: _blank_null(pl.lit(enc.tokens(key, purpose, values)))  # noqa: E731
    return residual.select(
        pl.col("rid").alias("lid"), "dob", "birth_year", "sex", "village", "district",
        tok("token_tanggal_lahir", iso["d"]).alias("t_dob"), tok("token_tanggal_lahir", iso["n"]).alias("t_nik_dob"),
        tok("token_nkk", residual["nkk_ok"]).alias("t_nkk"), tok("token_nama", residual["name_flat"]).alias("t_name"),
        pl.lit(enc.word_tokens(key, residual["name_tokens"])).alias("words"),
        tok("token_nik_wilayah", residual["nik_region"]).alias("t_region"),
        tok("token_nik_wilayah_urut", residual["nik_rs"]).alias("t_rs"),
        "name_key", "place")


def registry_side(registry: pl.DataFrame) -> pl.DataFrame:
    """The registry's linkage columns under the names _list_side uses (rid = position)."""
    return registry.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"),
        _blank_null(pl.col("token_tanggal_lahir")).alias("t_dob"), _blank_null(pl.col("token_nkk")).alias("t_nkk"),
        _blank_null(pl.col("token_nama")).alias("t_name"),
        pl.when(pl.col("token_kata_nama") != "").then(pl.col("token_kata_nama").str.split(" ")).alias("words"),
        _blank_null(pl.col("thn_lahir")).alias("birth_year"), text("jenis_kelamin").alias("sex"),
        text("kode_wilayah").alias("village"), text("kode_wilayah").str.slice(0, 8).alias("district"),
        _blank_null(pl.col("token_nik_wilayah")).alias("t_region"),
        _blank_null(pl.col("token_nik_wilayah_urut")).alias("t_rs"))


def _candidates(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """(lid, rid) pairs sharing a blocking key of link_model.blocking_rules, as tokens."""
    found = []
    for col in ("t_dob", "t_nik_dob"):
        found.append(left.select("lid", pl.col(col).alias("t_dob")).drop_nulls()
                     .join(right.select("rid", "t_dob").drop_nulls(), on="t_dob"))
    found.append(left.select("lid", "t_nkk").drop_nulls().join(right.select("rid", "t_nkk").drop_nulls(), on="t_nkk"))
    for other in ("birth_year", "district"):
        found.append(left.select("lid", "t_name", other).drop_nulls()
                     .join(right.select("rid", "t_name", other).drop_nulls(), on=["t_name", other]))
    with_ = TOKEN_WITH
    words = left.select("lid", pl.col("words").alias("w"), *with_).explode("w").drop_nulls()
    near = right.join(words.select(with_).unique(), on=with_, how="semi")
    found.append(words.join(near.select("rid", pl.col("words").alias("w"), *with_).explode("w").drop_nulls(),
                            on=["w", *with_]))
    return pl.concat([f.select("lid", "rid") for f in found]).unique().sort("lid", "rid")


def _date_variants(dob: str) -> list[str]:
    """Digits of the dates one keystroke from `dob` (ISO): one digit changed, or the year one off."""
    digits = dob.replace("-", "")
    out = {digits[:i] + d + digits[i + 1:] for i in range(8) for d in "0123456789" if d != digits[i]}
    year = int(digits[:4])
    out |= {f"{year - 1:04d}{digits[4:]}", f"{year + 1:04d}{digits[4:]}"}
    return sorted(out)


def _dob_levels(pairs: pl.DataFrame, left: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Per pair (lid, rid, r_dob token): day-month swapped and one-keystroke flags, by tokens of
    the list date's swapped form and its one-keystroke variants (the few dates of the residual)."""
    dobs = left.select("lid", "dob").drop_nulls().filter(pl.col("dob").str.contains(ISO_DATE))
    swapped = dobs.select("lid", (pl.col("dob").str.slice(0, 4) + pl.col("dob").str.slice(8, 2)
                                  + pl.col("dob").str.slice(5, 2)).alias("v"))
    variants = dobs.select("lid", pl.col("dob").map_elements(_date_variants, return_dtype=pl.List(pl.String))
                           .alias("v")).explode("v")
    flags = []
    for name, table in (("swap", swapped), ("typo", variants)):
        table = table.with_columns(pl.lit(enc.tokens(key, "token_tanggal_lahir", table["v"])).alias("r_dob"))
        flags.append(pairs.join(table.select("lid", "r_dob").unique(), on=["lid", "r_dob"], how="semi")
                     .select("lid", "rid", pl.lit(True).alias(name)))
    out = pairs.select("lid", "rid")
    for flag in flags:
        out = out.join(flag, on=["lid", "rid"], how="left")
    return out.with_columns(pl.col("swap", "typo").fill_null(False))


def _gammas(pairs: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame, registry: pl.DataFrame,
            key: bytes, model: dict) -> pl.DataFrame:
    """The level (gamma, Splink's numbering: -1 null, then the highest for the first level) of
    each comparison of link_model.comparisons, per pair, from tokens, CLKs and clear fields."""
    lpos = pl.DataFrame({"lid": left["lid"], "_l": pl.int_range(left.height, dtype=pl.UInt32, eager=True)})
    pairs = pairs.join(lpos, on="lid")
    lg, rg = left[pairs["_l"]], right[pairs["rid"]]
    p = pl.DataFrame({"lid": pairs["lid"], "rid": pairs["rid"]}).with_columns(
        *(lg[c].alias(f"{c}_l") for c in left.columns if c != "lid"),
        *(rg[c].alias(f"{c}_r") for c in right.columns if c != "rid"))
    names_l = _bits_words(left["name_key"], enc.BloomField(key, "clk_nama"))[pairs["_l"]]
    places_l = _bits_words(left["place"], enc.BloomField(key, "clk_tempat_lahir"))[pairs["_l"]]
    p = p.with_columns(dice(names_l, clk_words(registry["clk_nama"].gather(pairs["rid"]))).alias("name_dice"),
                       dice(places_l, clk_words(registry["clk_tempat_lahir"].gather(pairs["rid"]))).alias("place_dice"),
                       same_filter(places_l, clk_words(registry["clk_tempat_lahir"].gather(pairs["rid"])))
                       .alias("place_same"))
    p = p.join(_dob_levels(p.select("lid", "rid", pl.col("t_dob_r").alias("r_dob")), left, key), on=["lid", "rid"])
    eq = lambda a, b: (pl.col(a) == pl.col(b)).fill_null(False)  # noqa: E731
    nul = pl.col
    words_l, words_r = pl.col("words_l"), pl.col("words_r")
    shared = words_l.list.set_intersection(words_r).list.len()
    contained = ((shared == words_r.list.unique().list.len())
                 | (shared == words_l.list.unique().list.len())).fill_null(False)
    null = lambda cond: pl.when(cond).then(pl.lit(-1))  # noqa: E731
    # The levels by their labels in the model file (link_model.comparisons), so that the
    # numbering follows the model's; a label missing there stops the run (KeyError).
    g = {comp: {label: gamma for gamma, label in levels.items()} for comp, levels in link_prob.labels(model).items()}
    nik, dob, name, home = g["nik"], g["tanggal_lahir"], g["nama"], g["domisili"]
    sex, place = g["jenis_kelamin"], g["tempat_lahir"]
    return p.select(
        "lid", "rid", "t_name_r",
        # NIK: one or two digits off cannot be seen in tokens (those levels never apply).
        null((nul("t_rs_l").is_null() & nul("t_region_l").is_null()) | nul("t_rs_r").is_null())
        .when(eq("t_rs_l", "t_rs_r")).then(nik["kode wilayah dan nomor urut sama"])
        .when(eq("t_region_l", "t_region_r")).then(nik["kode wilayah sama"]).otherwise(nik["berbeda"])
        .alias("gamma_nik"),
        null(nul("t_dob_l").is_null() | nul("t_dob_r").is_null())
        .when(eq("t_dob_l", "t_dob_r")).then(dob["sama"]).when("swap").then(dob["hari dan bulan tertukar"])
        .when("typo").then(dob["beda satu ketikan"]).when(eq("birth_year_l", "birth_year_r")).then(dob["tahun sama"])
        .otherwise(dob["berbeda"]).alias("gamma_tanggal_lahir"),
        null(nul("t_name_l").is_null() | nul("t_name_r").is_null())
        .when(eq("t_name_l", "t_name_r")).then(name["sama"])
        .when(nul("name_dice") >= NAME_CLOSE).then(name["hampir sama (salah ketik)"])
        .when(contained).then(name["satu nama termuat dalam yang lain"])
        .when(nul("name_dice") >= NAME_LIKE).then(name["mirip"]).otherwise(name["berbeda"]).alias("gamma_nama"),
        # NKK one digit off cannot be seen in tokens (that level never applies).
        null((nul("t_nkk_l").is_null() & nul("village_l").is_null())
             | (nul("t_nkk_r").is_null() & nul("village_r").is_null()))
        .when(eq("t_nkk_l", "t_nkk_r")).then(home["NKK sama"]).when(eq("village_l", "village_r"))
        .then(home["NKK lain, desa sama"]).when(eq("district_l", "district_r")).then(home["NKK lain, kecamatan sama"])
        .otherwise(home["berbeda"]).alias("gamma_domisili"),
        null(nul("sex_l").is_null() | nul("sex_r").is_null()).when(eq("sex_l", "sex_r")).then(sex["sama"])
        .otherwise(sex["berbeda"]).alias("gamma_jenis_kelamin"),
        null(nul("place_l").is_null() | nul("place_dice").is_null()).when("place_same").then(place["sama"])
        .when(nul("place_dice") >= PLACE_LIKE).then(place["mirip"]).otherwise(place["berbeda"])
        .alias("gamma_tempat_lahir"),
    ).with_columns(pl.col("^gamma_.*$").cast(pl.Int32))


def _score(gammas: pl.DataFrame, model: dict, tf: pl.DataFrame, prior: float) -> pl.DataFrame:
    """Match weight and probability per pair from the model's m and u (Splink's Fellegi-Sunter:
    log2 of the prior odds plus log2(m/u) of each comparison's level; the exact name's weight
    adjusted by its frequency in the registry, log2(u / frequency)). A comparison the model has
    and this side does not evaluate counts as empty (weight 0)."""
    out = gammas.join(tf, left_on="t_name_r", right_on="t_name", how="left")
    weights = []
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        gamma = f"gamma_{name}"
        if gamma not in out.columns:
            out = out.with_columns(pl.lit(-1, pl.Int32).alias(gamma))
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        table = {len(levels) - 1 - i: math.log2(lv["m_probability"] / lv["u_probability"])
                 for i, lv in enumerate(levels)}
        table[-1] = 0.0
        weight = pl.col(gamma).replace_strict(table, return_dtype=pl.Float64).alias(f"mw_{name}")
        weights.append(f"mw_{name}")
        out = out.with_columns(weight)
        for i, lv in enumerate(levels):
            # Only the whole name's frequency is known here (of its token): a level weighed by
            # another column's (the name's first and last words) keeps its plain weight.
            if lv.get("tf_adjustment_column") == "name_flat":
                u = lv["u_probability"]
                adj = (pl.when(pl.col(gamma) == len(levels) - 1 - i).then(
                    (pl.lit(u) / pl.col("tf")).log(2) * lv.get("tf_adjustment_weight", 1.0)).fill_null(0.0))
                out = out.with_columns(adj.alias(f"mw_tf_adj_{name}"))
                weights.append(f"mw_tf_adj_{name}")
    total = pl.lit(math.log2(prior / (1 - prior))) + pl.sum_horizontal(weights)
    out = out.with_columns(total.alias("match_weight"))
    odds = 2 ** pl.col("match_weight")
    return out.with_columns((odds / (1 + odds)).alias("match_probability"))


def _probabilistic(list_records: pl.DataFrame, rest: pl.Series, registry: pl.DataFrame, key: bytes,
                   model: dict | None, threshold: float) -> pl.DataFrame:
    empty = pl.DataFrame(schema=LINK_SCHEMA | {"held": pl.Boolean})
    if rest.len() == 0:
        return empty
    model = dict(model or link_model.load_model())
    residual = add_name_features(with_nik_dates(prepare(list_records[rest], "kpu", ids=rest)))
    left, right = _list_side(residual, key), registry_side(registry)
    pairs = _candidates(left, right)
    if pairs.height == 0:
        return empty
    names = right.select("t_name").drop_nulls()
    tf = names.group_by("t_name").len().select("t_name", (pl.col("len") / max(names.height, 1)).alias("tf"))
    scored = _score(_gammas(pairs, left, right, registry, key, model), model, tf, 1.0 / max(registry.height, 1))
    floor = min(threshold, link_prob.REVIEW_FLOOR)
    best = link_prob.best_links(scored.filter(pl.col("match_probability") >= floor), model, floor)
    return best.with_columns(pl.lit("probabilistik").alias("method"))


def cohort_dates(tokens: pl.Series, year: int, key: bytes) -> pl.Series:
    """The ISO birth dates of records born in `year` whose date token is one of that year's dates
    (null for the others): what the key holder can always compute (registry-encoding.md, threat
    model), done for one year only, the one in which the 17th birthday falls on voting day."""
    day, days = date(year, 1, 1), []
    while day.year == year:
        days.append(day)
        day += timedelta(days=1)
    iso = pl.Series("iso", [d.isoformat() for d in days])
    table = pl.DataFrame({"t": enc.tokens(key, "token_tanggal_lahir", iso.str.replace_all("-", "")), "iso": iso})
    return tokens.to_frame("t").join(table, on="t", how="left", maintain_order="left")["iso"]
