"""Reconcile an analytics table with its source: the stored rows of a window beside the
same rows recomputed from the raw tables by a second, plainly written SQL statement
(sql/analytics/recompute_<model>.sql), compared value for value. No Dagster.

The recomputations are written apart from the models on purpose (other functions,
other grouping, no shared SQL), so that a mistake in one does not hide in the other.
Values are compared exactly, as the table stores them: the recomputation rounds as
the column's definition says (docs/ANALYTICS.md), never within a tolerance.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection

from assets.analytics.models import Model
from assets.analytics.runner import Window, partition_frame
from resources.sql_files import sql

MAX_SHOWN = 10


@dataclass(frozen=True)
class Difference:
    key: tuple
    column: str  # "(row)" when the whole row is missing on one side
    stored: object
    recomputed: object


@dataclass
class Reconciliation:
    rows_stored: int
    rows_recomputed: int
    differences: list[Difference] = field(default_factory=list)
    nulls: dict[str, int] = field(default_factory=dict)  # null-forbidden column -> count

    @property
    def success(self) -> bool:
        return not self.differences and not self.nulls

    def describe(self) -> str:
        if self.success:
            return f"{self.rows_stored} rows equal their recomputation from the source"
        parts = []
        if self.nulls:
            parts.append(
                "nulls in " + ", ".join(f"{name} ({count})" for name, count in self.nulls.items())
            )
        if self.differences:
            first = self.differences[0]
            parts.append(
                f"{len(self.differences)} difference(s), first: {first.column} of "
                f"{_shown(first.key)}: stored {_shown(first.stored)}, "
                f"recomputed {_shown(first.recomputed)}"
            )
        return "; ".join(parts)

    def markdown(self, key: Sequence[str]) -> str:
        lines = [
            f"| {' | '.join(key)} | column | stored | recomputed |",
            f"| {' | '.join('---' for _ in key)} | --- | --- | --- |",
        ]
        for difference in self.differences[:MAX_SHOWN]:
            cells = [*difference.key, difference.column, difference.stored, difference.recomputed]
            lines.append("| " + " | ".join(_shown(cell).replace("|", "/") for cell in cells) + " |")
        return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    return "null" if value is None else str(value)


def canonical(value: object) -> object:
    """One spelling per value: 0.0500 and 0.05, 3 and Decimal(3), a UUID and its text,
    NaN and None are the same; a JSON document compares by its content and order."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)).normalize()
        return format(number, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _rows(frame: pd.DataFrame, key: Sequence[str]) -> dict[tuple, dict[str, object]]:
    rows = {}
    for record in frame.to_dict("records"):
        values = {name: canonical(value) for name, value in record.items()}
        rows[tuple(values[name] for name in key)] = values
    return rows


def compare(
    stored: pd.DataFrame,
    recomputed: pd.DataFrame,
    key: Sequence[str],
    not_null: Sequence[str] = (),
) -> Reconciliation:
    """Every stored row against its recomputation: missing rows, extra rows and each
    differing value, in key order; plus the nulls of columns that must never be null."""
    result = Reconciliation(len(stored), len(recomputed))
    for name in not_null:
        count = int(stored[name].isna().sum()) if name in stored else 0
        if count:
            result.nulls[name] = count
    mine, theirs = _rows(stored, key), _rows(recomputed, key)
    columns = [name for name in recomputed.columns if name not in key]
    for row_key in sorted(set(mine) | set(theirs), key=lambda k: tuple(str(v) for v in k)):
        if row_key not in theirs:
            result.differences.append(Difference(row_key, "(row)", "present", "absent"))
        elif row_key not in mine:
            result.differences.append(Difference(row_key, "(row)", "absent", "present"))
        else:
            for name in columns:
                if mine[row_key].get(name) != theirs[row_key][name]:
                    result.differences.append(
                        Difference(row_key, name, mine[row_key].get(name), theirs[row_key][name])
                    )
    return result


def recompute(conn: Connection, model: Model, window: Window | None) -> pd.DataFrame:
    """The recomputation of the model's rows in ``window`` (widened to its periods)."""
    parameters: Mapping[str, object] = {}
    if window is not None:
        parameters = window.widened_to(model.period).parameters()
    return pd.read_sql(
        sql(f"analytics/recompute_{model.name}"), conn, params=dict(parameters), coerce_float=False
    )


def reconcile(
    conn: Connection, model: Model, window: Window | None, not_null: Sequence[str]
) -> Reconciliation:
    stored = partition_frame(conn, model, window, coerce_float=False)
    return compare(stored, recompute(conn, model, window), model.unique_key, not_null)
