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
- `sample_periods`: a long window (a backfill) is reconciled on a sample of its
  periods (days, or the model's weeks or months): the first, the last and others at
  random, as many as the setting `analytics/reconcile_sample_periods` says (default
  14; null: every period). The recomputation is one aggregation of the raw rows, as
  costly as the model's own; over a year it doubled the checked run. The nulls are
  still counted over the whole window, and the suite (`gx_expectations`) still sees
  every row.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    Text,
    and_,
    cast,
    column,
    false,
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
from resources.settings.categories import ANALYTICS, SAMPLE_KEY
from resources.settings.store import whole_number
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
INSERT_RECOMPUTED = "insert into analytics_check_recomputed\n"
RECOMPUTED_COLUMNS = "select * from analytics_check_recomputed limit 0"
DROP_RECOMPUTED = "drop table analytics_check_recomputed"


# system_settings analytics/reconcile_sample_periods: how many periods of a longer
# window the reconciliation compares (absent: DEFAULT_SAMPLE; null: all of them)
SAMPLE_CATEGORY = ANALYTICS
DEFAULT_SAMPLE = 14


def sample_size(conn: Connection) -> int | None:
    """The periods a reconciliation compares at most (None: every period)."""
    return whole_number(conn, SAMPLE_CATEGORY, SAMPLE_KEY, absent=DEFAULT_SAMPLE)


def periods(window: Window, period: str | None) -> list[Window]:
    """The window's calendar periods, in order: its days, or ("week", "month") the
    whole periods it touches."""
    widened = window.widened_to(period)
    found, first = [], widened.first_day
    while first < widened.end_day:
        if period == "week":
            after = first + timedelta(days=7)
        elif period == "month":
            after = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        else:
            after = first + timedelta(days=1)
        found.append(Window.days(first, after - timedelta(days=1)))
        first = after
    return found


def sample_periods(
    window: Window, period: str | None, size: int | None, rng: random.Random | None = None
) -> list[Window] | None:
    """The periods to reconcile, or None for all of them (the window has no more than
    ``size``): the first and the last (a backfill's edges) and the rest drawn at random."""
    every = periods(window, period)
    if size is None or len(every) <= size:
        return None
    rng = rng or random.SystemRandom()
    if size == 1:
        return [rng.choice(every)]
    middle = rng.sample(every[1:-1], size - 2)
    return sorted([every[0], every[-1], *middle], key=lambda p: p.first_day)


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
    statement = select(*(target.c[name] for name in model.columns)).where(owned_rows(model, target))
    return Rows(statement, dict(bounds(window)))


def _row_text(side: Subquery, columns: Sequence[str]) -> ColumnElement:
    # an array of texts: hashable, so the anti-joins below are hash joins, and two
    # nulls in the same place are equal (array comparison), as `compare` has them
    return array([cast(side.c[name] if name in side.c else null(), Text) for name in columns])


def _in_periods(model: Model, rows: Subquery, sample: list[Window] | None) -> ColumnElement[bool]:
    if sample is None:
        return literal(True)
    day = rows.c[model.partition_column]
    return or_(false(), *(and_(day >= p.first_day, day < p.end_day) for p in sample))


def reconcile_in_database(
    conn: Connection,
    model: Model,
    window: Window | None,
    not_null: Sequence[str],
    sample: list[Window] | None = None,
) -> Reconciliation:
    """`reconcile.reconcile`'s result, with the comparison of equal rows left in PostgreSQL;
    over the ``sample`` of the window's periods only (`sample_periods`), when given."""
    stored = stored_rows(model, window)
    recomputed_windows: list[Window | None] = [window]
    if window is not None:
        recomputed_windows = sample or [window.widened_to(model.period)]
    # as the model's own run: a long window's hashes in memory, no JIT for a short one.
    # Local to this transaction; so are the temporary tables (a failure rolls them back)
    conn.execute(
        PREPARE_CHECK,
        {"short": window is None or window.day_count < STAGED_WINDOW_DAYS, "work_mem": WORK_MEM},
    )
    recomputation = sql(f"analytics/recompute_{model.name}").text
    for index, part in enumerate(recomputed_windows):
        prefix = CREATE_RECOMPUTED if index == 0 else INSERT_RECOMPUTED
        conn.execute(text(prefix + recomputation), part.parameters() if part else {})
    columns = list(conn.execute(text(RECOMPUTED_COLUMNS)).keys())
    recomputed = table(RECOMPUTED_TABLE, *(column(name) for name in columns))
    present = set(model.columns)
    counted = [name for name in not_null if name in present]
    every_row = stored.statement.subquery("stored_rows")
    compared = _in_periods(model, every_row, sample)
    counts = conn.execute(
        select(
            func.count().filter(compared),
            *(func.count().filter(every_row.c[name].is_(None)) for name in counted),
        ).select_from(every_row),
        stored.parameters,
    ).one()
    rows = select(every_row).where(compared).subquery("compared_rows")
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
    if sample is not None and window is not None:
        result.compared = [p.first_day for p in sample]
        result.periods_in_window = len(periods(window, model.period))
    return result
