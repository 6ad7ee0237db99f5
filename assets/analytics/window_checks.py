"""The checks' work done where the rows are: in PostgreSQL. No Dagster.

A check used to read the window's rows into pandas (twice: the GX suite and the
reconciliation) and compare them value by value in Python; over a year's backfill
(~220 000 summary rows) that cost several times the run it checked. Here:

- `stored_rows`: the SELECT of the rows a model owns in a window, for the checks to
  build their own statements on.
- `reconcile_in_database`: the recomputation (sql/analytics/recompute_<model>.sql,
  unchanged) goes into a temporary table; PostgreSQL counts the rows and the nulls,
  and one hash full join with the stored rows sets aside the rows of either side that
  have no identical row (every column's text) on the other; only those reach
  `reconcile.compare`, which decides as before. Equal text means equal values for the
  types the models store, so no difference is lost; a pair whose text differs but
  whose values are equal (0.05 and 0.0500) is sent to `compare`, which calls it equal.
  Same Reconciliation, same differences, same order.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, text

from assets.analytics.models import Model
from assets.analytics.reconcile import Reconciliation, compare
from assets.analytics.runner import STAGED_WINDOW_DAYS, WORK_MEM, bounds
from core.windows import Window
from resources.sql_files import sql

PREPARE_CHECK = text(
    "select set_config('TimeZone', 'UTC', true), "
    "set_config('jit', case when :short then 'off' else current_setting('jit') end, true), "
    "set_config('work_mem', :work_mem, true)"
)
RECOMPUTED_TABLE = "analytics_check_recomputed"


@dataclass(frozen=True)
class Rows:
    """A SELECT (text with :named parameters) and its parameters."""

    statement: str
    parameters: dict


def stored_rows(model: Model, window: Window | None) -> Rows:
    """The target rows the model owns in ``window`` (widened to its periods), as
    `runner.owned_rows` selects them."""
    if window is not None:
        window = window.widened_to(model.period)
    conditions, parameters = ["true"], dict(bounds(window))
    for index, (name, value) in enumerate(model.scope.items()):
        conditions.append(f"{name} = :scope_{index}")
        parameters[f"scope_{index}"] = value
    if model.partitioned:
        day = model.partition_column
        conditions += [f"{day} >= :first_day", f"{day} < :end_day"]
    statement = (
        f"select {', '.join(model.columns)} from {model.target_table} "  # noqa: S608
        f"where {' and '.join(conditions)}"
    )
    return Rows(statement, parameters)


def _row_text(alias: str, columns: Sequence[str], present: set[str]) -> str:
    # an array of texts: hashable, so the anti-joins below are hash joins, and two
    # nulls in the same place are equal (array comparison), as `compare` has them
    cells = [f"{alias}.{name}::text" if name in present else "null::text" for name in columns]
    return f"array[{', '.join(cells)}]"


def reconcile_in_database(
    conn: Connection, model: Model, window: Window | None, not_null: Sequence[str]
) -> Reconciliation:
    """`reconcile.reconcile`'s result, with the comparison of equal rows left in PostgreSQL."""
    stored = stored_rows(model, window)
    recompute_parameters = window.widened_to(model.period).parameters() if window else {}
    # as the model's own run: a long window's hashes in memory, no JIT for a short one.
    # Local to this transaction; so are the temporary tables (a failure rolls them back)
    conn.execute(
        PREPARE_CHECK,
        {"short": window is None or window.day_count < STAGED_WINDOW_DAYS, "work_mem": WORK_MEM},
    )
    conn.execute(
        text(
            f"create temporary table {RECOMPUTED_TABLE} as\n"
            + sql(f"analytics/recompute_{model.name}").text
        ),
        recompute_parameters,
    )
    columns = list(conn.execute(text(f"select * from {RECOMPUTED_TABLE} limit 0")).keys())  # noqa: S608
    present = set(model.columns)
    counted = [name for name in not_null if name in present]
    counts = conn.execute(
        text(
            "select count(*)"  # noqa: S608
            + "".join(f", count(*) filter (where {name} is null)" for name in counted)
            + f" from ({stored.statement}) as s"
        ),
        stored.parameters,
    ).one()
    recomputed_count = conn.execute(text(f"select count(*) from {RECOMPUTED_TABLE}")).scalar_one()  # noqa: S608
    # one hash full join on the rows' texts: what has no identical row on the other side
    sides = [
        *(f"s.{name} as s_{name}" for name in model.columns),
        *(f"r.{name} as r_{name}" for name in columns),
        "s.on_side as stored_side",
    ]
    apart = pd.read_sql(
        text(
            f"select {', '.join(sides)} "  # noqa: S608
            f"from (select *, true as on_side from ({stored.statement}) as t) as s "
            f"full join (select *, true as on_side from {RECOMPUTED_TABLE}) as r "
            f"on {_row_text('s', columns, present)} = {_row_text('r', columns, set(columns))} "
            "where s.on_side is null or r.on_side is null"
        ),
        conn,
        params=stored.parameters,
        coerce_float=False,
    )
    conn.execute(text(f"drop table {RECOMPUTED_TABLE}"))
    on_stored = apart["stored_side"].notna()
    stored_apart = apart.loc[on_stored, [f"s_{name}" for name in model.columns]]
    stored_apart.columns = list(model.columns)
    recomputed_apart = apart.loc[~on_stored, [f"r_{name}" for name in columns]]
    recomputed_apart.columns = columns
    result = compare(stored_apart, recomputed_apart, model.unique_key)
    result.rows_stored = int(counts[0])
    result.rows_recomputed = int(recomputed_count)
    result.nulls = {
        name: int(count) for name, count in zip(counted, counts[1:], strict=True) if count
    }
    return result
