"""The linkage model in Spark SQL: the same levels, weights and labels, another dialect.

The shipped model (link_model) writes its levels in DuckDB SQL: list functions with lambdas,
`hamming`, `jaro_winkler_similarity`. Splink's Spark backend runs Spark SQL, and sqlglot
(which Splink itself uses) translates most of it; the few functions Spark lacks or names
otherwise are rewritten here, one rule per function, with DuckDB's meaning:

* `list_count(list_filter(a, f))` -> `size(filter(a, f))`; `list_bool_or(list_transform(a, f))`
  -> `exists(a, f)`; `len(list)` -> `size(list)` (DuckDB's `length` of text stays `length`);
* `list_has_all(a, b)` (every element of b is in a) -> `size(array_except(b, a)) = 0`;
  `list_has_any` -> `arrays_overlap`; `list_intersect` -> `array_intersect` (both without
  duplicates, as in DuckDB);
* `jaro_winkler_similarity` -> `jaro_winkler`, the function of the jar shipped with Splink
  (engine/spark_session.py); it is another implementation, so a borderline pair can fall on
  the other side of a level's threshold (docs/spark.md has the measured effect);
* `hamming(a, b)` (strings of one length: NIK and NKK parts) -> the count of positions
  whose characters differ.

The m and u probabilities are the model's own: the two engines score with one model.
"""
from __future__ import annotations

import copy
import re

# A word `len(` (not `length(`): DuckDB's size of a list.
_LEN = re.compile(r"\blen\(")
_HAMMING = ("CASE WHEN length({a}) = length({b}) THEN "
            "size(filter(sequence(1, length({a})), i -> substr({a}, i, 1) != substr({b}, i, 1))) END")


def _rewrite(node):
    from sqlglot import exp, parse_one
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if not isinstance(node, exp.Anonymous):
        return node
    name, args = node.name.lower(), node.expressions
    if name in ("list_count", "array_size_"):
        return exp.Anonymous(this="size", expressions=args)
    if name == "list_bool_or" and isinstance(args[0], exp.Transform):
        return exp.Anonymous(this="exists", expressions=[args[0].this, args[0].expression])
    if name == "list_intersect":
        return exp.Anonymous(this="array_intersect", expressions=args)
    if name == "list_has_all":
        missing = exp.Anonymous(this="array_except", expressions=[args[1], args[0]])
        size = exp.Anonymous(this="size", expressions=[missing])
        return exp.paren(exp.EQ(this=size, expression=exp.Literal.number(0)))
    if name == "hamming":
        a, b = (arg.sql("spark") for arg in args)
        return exp.paren(parse_one(_HAMMING.format(a=a, b=b), read="spark"))
    return node


def spark_sql(condition: str) -> str:
    """One DuckDB condition of the model as Spark SQL."""
    import sqlglot
    if condition.strip().upper() == "ELSE":
        return condition
    tree = sqlglot.parse_one(_LEN.sub("array_size_(", condition), read="duckdb")
    # sqlglot does not descend into a node it replaced: repeat until nothing is left to rewrite.
    before = None
    while (after := tree.sql("spark")) != before:
        tree, before = tree.transform(_rewrite), after
    return after


def blocking_rule(rule: dict) -> dict:
    """A blocking rule of the model (link_model.Block.rule) in Spark SQL."""
    import sqlglot
    sql = sqlglot.transpile(rule["blocking_rule"], read=rule.get("sql_dialect", "duckdb"), write="spark")[0]
    return dict(rule, blocking_rule=sql, sql_dialect="spark")


def spark_model(model: dict) -> dict:
    """`model` (a Splink settings dict in DuckDB SQL) with every level's condition and
    blocking rule in Spark SQL; weights and labels unchanged."""
    out = copy.deepcopy(model)
    out["sql_dialect"] = "spark"
    for comp in out["comparisons"]:
        for level in comp["comparison_levels"]:
            level["sql_condition"] = spark_sql(level["sql_condition"])
    out["blocking_rules_to_generate_predictions"] = [
        blocking_rule(r) for r in out.get("blocking_rules_to_generate_predictions", [])]
    return out
