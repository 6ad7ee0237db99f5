"""Column lineage of an analytics model: which columns of which tables each column of
its final select is computed from, read from the SQL by sqlglot (no Dagster)."""

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import build_scope

from assets.analytics.models import Model


def column_sources(
    model: Model, schema: dict[str, dict[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """{output column: [(table, column), ...]}, sorted; ``schema`` ({table: {column: type}},
    from the database's catalog) resolves the columns a query leaves unqualified. A
    column computed from no table column (a constant, a count) has an empty list; one
    sqlglot cannot trace is left out."""
    # qualified and scoped once for all the columns (lineage() would redo both for each)
    try:
        qualified = qualify(
            sqlglot.parse_one(model.sql, read="postgres"),
            schema=schema,
            dialect="postgres",
            identify=False,
        )
        scope = build_scope(qualified)
    except SqlglotError:
        return {}
    sources: dict[str, list[tuple[str, str]]] = {}
    for column in model.columns:
        try:
            node = lineage(column, qualified, schema=None, scope=scope, dialect="postgres")
        except SqlglotError:
            continue
        found = {
            (leaf.source.name, leaf.name.split(".")[-1].strip('"'))
            for leaf in node.walk()
            if not leaf.downstream and isinstance(leaf.source, exp.Table)
        }
        sources[column] = sorted(found)
    return sources
