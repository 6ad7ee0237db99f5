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
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    Text,
    cast,
    column,
    func,
    literal,
    null,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import array

from assets.analytics.models import Model
from assets.analytics.reconcile import Reconciliation, compare
from assets.analytics.runner import (
    STAGED_WINDOW_DAYS,
    WORK_MEM,
    bounds,
    owned_rows,
    target_table,
)
from core.windows import Window
from resources.sql_files import sql

PREPARE_CHECK = text(
    "select set_config('TimeZone', 'UTC', true), "
    "set_config('jit', case when :short then 'off' else current_setting('jit') end, true), "
    "set_config('work_mem', :work_mem, true)"
)
# the recomputation's rows, for this transaction only (a constant name: the statements
# that use it are constants too)
RECOMPUTED_TABLE = "analytics_check_recomputed"
CREATE_RECOMPUTED = "create temporary table analytics_check_recomputed as\n"
RECOMPUTED_COLUMNS = "select * from analytics_check_recomputed limit 0"
DROP_RECOMPUTED = "drop table analytics_check_recomputed"


@dataclass(frozen=True)
class Rows:
    """A SELECT built with SQLAlchemy and the values of its window's bounds."""

    statement: Select
    parameters: dict


def stored_rows(model: Model, window: Window | None) -> Rows:
    """The target rows the model owns in ``window`` (widened to its periods), as
    `runner.owned_rows` selects them."""
    if window is not None:
        window = window.widened_to(model.period)
    target = target_table(model)
    statement = select(*(target.c[name] for name in model.columns)).where(
        owned_rows(model, target)
    )
    return Rows(statement, dict(bounds(window)))


def _row_text(side: Subquery, columns: Sequence[str]) -> ColumnElement:
    # an array of texts: hashable, so the anti-joins below are hash joins, and two
    # nulls in the same place are equal (array comparison), as `compare` has them
    return array(
        [cast(side.c[name] if name in side.c else null(), Text) for name in columns]
    )


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
        text(CREATE_RECOMPUTED + sql(f"analytics/recompute_{model.name}").text),
        recompute_parameters,
    )
    columns = list(conn.execute(text(RECOMPUTED_COLUMNS)).keys())
    recomputed = table(RECOMPUTED_TABLE, *(column(name) for name in columns))
    present = set(model.columns)
    counted = [name for name in not_null if name in present]
    rows = stored.statement.subquery("stored_rows")
    counts = conn.execute(
        select(
            func.count(), *(func.count().filter(rows.c[name].is_(None)) for name in counted)
        ).select_from(rows),
        stored.parameters,
    ).one()
    recomputed_count = conn.execute(select(func.count()).select_from(recomputed)).scalar_one()
    # one hash full join on the rows' texts: what has no identical row on the other side
    on_side = literal(True).label("on_side")
    s = select(*rows.c, on_side).subquery("s")
    r = select(*recomputed.c, on_side).subquery("r")
    apart = pd.read_sql(
        select(
            *(s.c[name].label(f"s_{name}") for name in model.columns),
            *(r.c[name].label(f"r_{name}") for name in columns),
            s.c.on_side.label("stored_side"),
        )
        .select_from(s.join(r, _row_text(s, columns) == _row_text(r, columns), full=True))
        .where(or_(s.c.on_side.is_(None), r.c.on_side.is_(None))),
        conn,
        params=stored.parameters,
        coerce_float=False,
    )
    conn.execute(text(DROP_RECOMPUTED))
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
