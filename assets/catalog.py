"""The catalog metadata every table-backed asset reports on each materialization:
`dagster/table_name`, `dagster/column_schema` (the database's own columns, described
with their meanings from docs/) and `dagster/row_count`; the analytics models add
`dagster/column_lineage`. One helper, so that every stage reports them alike."""

import math
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from dagster import (
    AssetKey,
    MetadataValue,
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableColumnLineage,
    TableRecord,
    TableSchema,
)
from sqlalchemy import Engine

from resources.catalog import column_meanings, row_count, table_columns

if TYPE_CHECKING:  # the content stages load this module, and pandas costs them 0.4 s
    import pandas as pd


def table_metadata(
    engine: Engine,
    table_name: str,
    lineage: Mapping[str, list[tuple[str, str]]] | None = None,
    owners: Mapping[str, str] | None = None,
    scope: Mapping[str, object] | None = None,
    meanings: Mapping[str, str] | None = None,
) -> dict:
    """The catalog metadata of ``table_name``. ``lineage``: {column: [(table, column)]}
    of the columns the asset writes; ``owners``: the asset each of those tables is
    (default: the asset named after the table); ``scope``: {column: value} of the rows
    the asset owns in a shared table (its row count counts those); ``meanings``: what
    the asset's own columns mean where that differs from the table's (the weekly rows'
    `likes` are a week's), over docs/."""
    meanings = {**column_meanings().get(table_name, {}), **(meanings or {})}
    with engine.connect() as conn:
        columns = table_columns(conn, table_name)
        rows = row_count(conn, table_name, scope)
    metadata = {
        "dagster/table_name": f"public.{table_name}",
        "dagster/column_schema": TableSchema(
            columns=[
                TableColumn(
                    name=column.name,
                    type=column.data_type,
                    description=meanings.get(column.name),
                    constraints=TableColumnConstraints(nullable=column.nullable),
                )
                for column in columns
            ]
        ),
        "dagster/row_count": rows,
    }
    if lineage:
        owners = owners or {}
        metadata["dagster/column_lineage"] = TableColumnLineage(
            deps_by_column={
                column: [
                    TableColumnDep(asset_key=AssetKey(owners.get(table, table)), column_name=name)
                    for table, name in sources
                ]
                for column, sources in lineage.items()
                if sources
            }
        )
    return metadata


def _plain(value: object) -> str | int | float | bool | None:
    """A cell as a table record holds it: numbers stay numbers, the rest is text."""
    pandas = sys.modules.get("pandas")  # a frame's cell can only be NA where pandas is loaded
    missing = pandas is not None and value is pandas.NA
    if value is None or missing or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return str(value)


def _type(dtype: object) -> str:
    kind = getattr(dtype, "kind", "O")
    return {"i": "int", "u": "int", "f": "float", "b": "bool"}.get(kind, "string")


def frame_table(frame: "pd.DataFrame", limit: int = 20) -> MetadataValue:
    """The first ``limit`` rows of a preview as a typed table (the UI sorts and shows it
    with its column types) instead of markdown."""
    shown = frame.head(limit)
    return MetadataValue.table(
        records=[
            TableRecord({str(k): _plain(v) for k, v in zip(shown.columns, row, strict=True)})
            for row in shown.itertuples(index=False)
        ],
        schema=TableSchema(
            columns=[TableColumn(str(c), _type(shown[c].dtype)) for c in shown.columns]
        ),
    )


def catalog_schema(engine: Engine, tables: list[str]) -> dict[str, dict[str, str]]:
    """{table: {column: type}} from the database's catalog (what sqlglot's lineage reads)."""
    with engine.connect() as conn:
        return {
            name: {c.name: c.data_type for c in table_columns(conn, name)} for name in tables
        }
