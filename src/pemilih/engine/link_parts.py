"""The registry side of the probabilistic stage, a part at a time (issue 17).

The residual (the list rows the exact NIK join left, a percent or two) is compared with the
whole registry, but the registry's blocking keys need not be held whole: a province's ten
million records have keys several times the size of the records. So the registry is taken
PART_ROWS records at a time: each part's name counts (link_prob.NameCounts, additive: summed,
they are the whole registry's), its candidate pairs, and the words of the whole names the
scoring asks about. When the wide blocks are wanted (a list not of the registry's making),
the parts are counted first, in a pass of their own: which wide blocks are affordable depends
on the pairs each would make with the whole registry.

Every residual row meets every part, and the frequencies, the blocks chosen and the prior are
the whole registry's, so the candidates and their scores are those of the registry taken whole
(tests/test_link_parts.py); only the working memory follows the part. A registry of at most
PART_ROWS records (a regency) is taken whole, in one pass, as before.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from pemilih.engine import link_model, link_prob
from pemilih.engine.ahead import Ahead

# Registry records per part: a regency's extract (0.3 million at scale 1.0) is one part.
PART_ROWS = 1_000_000


@dataclass
class Candidates:
    chosen: tuple[link_model.Block, ...]  # the blocking rules used
    pairs: pl.DataFrame  # lid, rid (positions in the list and the whole registry), sorted
    frequencies: Callable[[list[pl.DataFrame]], dict]  # name frequencies of the wanted tables


def keys_ahead(registry_records: pl.DataFrame) -> Ahead | None:
    """The registry's narrow keys (link_prob.registry_keys) begun ahead, for a registry taken
    whole: they need nothing of the list, and the exact join, which comes first, leaves the
    second core idle. None for a registry in parts."""
    if registry_records.height > PART_ROWS:
        return None
    return Ahead("kunci-registri", link_prob.registry_keys, registry_records, False)


def candidates(residual: pl.DataFrame, registry_records: pl.DataFrame, wide: bool,
               ahead: Ahead | None = None) -> Candidates:
    """The candidate pairs of the residual (link_prepare features, `rid` its list positions)
    in the registry, and how common the names are there; `ahead`: keys_ahead's, when begun."""
    parts = [(start, min(PART_ROWS, registry_records.height - start))
             for start in range(0, registry_records.height, PART_ROWS)] or [(0, 0)]
    if len(parts) == 1:
        if ahead is None:
            keys = link_prob.registry_keys(registry_records, wide=wide)
        else:
            keys = ahead.take()
            keys = link_prob.with_address_keys(keys, registry_records) if wide else keys
        chosen = link_prob.blocks(residual, keys, wide=wide)
        return Candidates(chosen, link_prob.candidate_pairs(residual, keys, chosen),
                          lambda wanted: link_prob.name_frequencies(keys, wanted=wanted))
    chosen = link_prob.affordable(residual.height, {})  # the narrow blocks: known before any part
    counts, pairs_of = None, Counter()
    if wide:  # which wide blocks are affordable is known only once every part is counted
        for keys in _part_keys(registry_records, parts, wide):
            counts = link_prob.name_counts(keys) + counts
            pairs_of.update(link_prob.wide_pairs(residual, keys))
        chosen = link_prob.affordable(residual.height, pairs_of)
    found, named = [], []
    residual_names = residual.select("name_flat").drop_nulls().unique()
    for (start, _), keys in zip(parts, _part_keys(registry_records, parts, wide)):
        if not wide:  # counted here, in the one pass
            counts = link_prob.name_counts(keys) + counts
        pairs = link_prob.block_pairs(residual, keys, chosen)  # bounded below, over every part
        found.append(pairs.with_columns(pl.col("rid") + start))
        pool = keys.select("name_flat").filter(pl.col("name_flat").is_not_null()
                                               & pl.int_range(pl.len(), dtype=pl.UInt32).is_in(pairs["rid"].implode()))
        wanted = pl.concat([residual_names, pool]).unique()
        named.append(keys.select("name_flat", "name_tokens").join(wanted, on="name_flat", how="semi"))
    pairs = link_prob.bounded(pl.concat(found), chosen)
    # The words of a whole name the registry holds once are that one record's, in its part.
    named_all = pl.concat(named).unique("name_flat", keep="first", maintain_order=True)
    return Candidates(chosen, pairs, lambda wanted: link_prob.frequencies(counts, wanted, named_all))


def _part_keys(registry_records: pl.DataFrame, parts: list[tuple[int, int]], wide: bool) -> Iterator[pl.DataFrame]:
    """The keys of each part in turn, the next part's begun (Ahead) while the caller works on
    this one's: two parts' keys are held at a time, not the registry's."""
    def keys_of(part: tuple[int, int]) -> pl.DataFrame:
        return link_prob.registry_keys(registry_records.slice(*part), wide=wide)
    upcoming = Ahead("kunci-registri", keys_of, parts[0])
    for i in range(len(parts)):
        keys = upcoming.take()
        if i + 1 < len(parts):
            upcoming = Ahead("kunci-registri", keys_of, parts[i + 1])
        yield keys
        del keys
