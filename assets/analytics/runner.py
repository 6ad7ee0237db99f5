"""Run an analytics model over a partition window: the SQL its Dagster asset executes.

Plain SQLAlchemy, no Dagster, so tests and the benchmark call it directly. Statements
are built with SQLAlchemy Core around the model's SELECT (identifiers quoted, bounds
bound as parameters), never assembled from data.

- replace_partition: one transaction, after which the target rows the model owns in
  the window are exactly the rows of its SELECT over the window. A window holding no
  rows yet is written with a plain INSERT (nothing to compare, no conflict to check).
  Otherwise one set-based statement compares the SELECT's rows with the stored ones
  (a hash join) and writes only the difference: new rows inserted, changed rows
  updated, rows the SELECT no longer returns deleted, unchanged rows left alone. A
  single-run backfill of a year is that over 365 days. (Deleting the window and
  inserting it again gives the same rows, but costs a re-run of a year ~3x more: each
  insert's unique check visits the row the same transaction just deleted;
  docs/PERFORMANCE.md has the figures.)
- update: one `update ... from (select ...)` by the unique key, touching only the rows
  whose values change.
"""

import time
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql import ColumnElement, TableClause

from assets.analytics.event_partitions import check_not_retired
from assets.analytics.models import Model, python_step_function
from core.windows import Window

# One round trip before the writes: timestamps are converted in UTC (the models say `at
# time zone 'UTC'`; this guards any that do not); a short window turns JIT compilation
# off (compiling took longer than one day's aggregation: ~50 ms); and two runs writing
# the same model (a backfill and the schedule) take turns instead of colliding.
# The aggregation of a long window is one hash of a few hundred thousand groups: with
# the server's default work_mem (4 MB) it spills to disk, and so does the comparison
# with the stored rows. Raised for this transaction only.
PREPARE_TRANSACTION = text(
    "select set_config('TimeZone', 'UTC', true), "
    "set_config('jit', case when :short then 'off' else current_setting('jit') end, true), "
    "set_config('work_mem', :work_mem, true), "
    "pg_advisory_xact_lock(hashtextextended(:key, 0))"
)
WORK_MEM = "64MB"
# PostgreSQL never runs the SELECT of an INSERT in parallel; CREATE TABLE AS it does. A
# window this long (a backfill) computes its rows into a temporary table first.
STAGED_WINDOW_DAYS = 8
STAGE_TABLE = "analytics_model_rows"
STAGE_PREFIX = f"create temporary table {STAGE_TABLE} on commit drop as\n"


@dataclass(frozen=True)
class ModelRun:
    model: str
    target_table: str
    window: Window | None
    rows_inserted: int
    rows_updated: int
    rows_deleted: int
    rows_now: int  # the rows the model owns in the window after the run
    preview: pd.DataFrame
    seconds: float
    step_metadata: dict | None = None  # what the model's python_step reported

    @property
    def rows_written(self) -> int:
        return self.rows_inserted + self.rows_updated

    @property
    def rows_unchanged(self) -> int:
        return self.rows_now - self.rows_written


def target_table(model: Model) -> TableClause:
    return table(model.target_table, *(column(name) for name in model.columns))


def owned_rows(model: Model, target: TableClause) -> ColumnElement[bool]:
    """The target rows this model writes: its window of partition days (bound as
    :first_day and :end_day, see `bounds`), within its scope."""
    conditions = [target.c[name] == literal(value) for name, value in model.scope.items()]
    if model.partitioned:
        day = target.c[model.partition_column]
        conditions += [
            day >= bindparam("first_day", type_=Date()),
            day < bindparam("end_day", type_=Date()),
        ]
    return and_(true(), *conditions)


def bounds(window: Window | None) -> dict[str, date]:
    return {"first_day": window.first_day, "end_day": window.end_day} if window else {}


def model_select(model: Model):
    """The model's SELECT as a SQLAlchemy selectable with its named columns."""
    return text(model.sql).columns(*(column(name) for name in model.columns))


def run_model(
    engine: Engine, model: Model, window: Window | None = None, *, preview_rows: int = 5
) -> ModelRun:
    """Write the model's rows for ``window`` (None for an update model), in one transaction."""
    if model.partitioned and window is None:
        raise ValueError(f"model {model.name} is partitioned: give it a window")
    if window is not None:
        window = window.widened_to(model.period)
    started = time.perf_counter()
    target = target_table(model)
    with engine.begin() as conn:
        short = window is not None and window.day_count < STAGED_WINDOW_DAYS
        conn.execute(
            PREPARE_TRANSACTION,
            {"key": f"analytics/{model.name}", "short": short, "work_mem": WORK_MEM},
        )
        if model.partitioned:
            check_not_retired(conn, model.reads, window.first_day, window.end_day)
            inserted, updated, deleted, now = _replace_partition(conn, model, target, window)
        else:
            inserted, updated, deleted = 0, _update(conn, model, target), 0
            now = conn.execute(select(func.count()).select_from(target)).scalar_one()
        step_metadata = (
            python_step_function(model.python_step)(conn, model, window)
            if model.python_step
            else None
        )
        preview = preview_frame(conn, model, window, preview_rows)
    return ModelRun(
        model=model.name,
        target_table=model.target_table,
        window=window,
        rows_inserted=inserted,
        rows_updated=updated,
        rows_deleted=deleted,
        rows_now=int(now),
        preview=preview,
        seconds=time.perf_counter() - started,
        step_metadata=step_metadata,
    )


def _replace_partition(
    conn: Connection, model: Model, target: TableClause, window: Window
) -> tuple[int, int, int, int]:
    """Make the window's owned rows equal the SELECT's: (inserted, updated, deleted, now)."""
    staged = window.day_count >= STAGED_WINDOW_DAYS
    parameters = {**bounds(window), **window.parameters()}

    def run(kind: str):
        statement, defaults = _statement(model, target, staged, kind, conn)
        return conn.exec_driver_sql(statement, {**defaults, **parameters})

    empty = not run("stored").scalar()
    if staged:
        conn.execute(text(STAGE_PREFIX + model.sql), window.parameters())
    if empty:
        inserted = run("insert").rowcount
        return inserted, 0, 0, inserted
    inserted, written, deleted, now = run("merge").one()
    return inserted, written - inserted, deleted, now


_COMPILED: dict[tuple, tuple[str, dict]] = {}


def _statement(
    model: Model, target: TableClause, staged: bool, kind: str, conn: Connection
) -> tuple[str, dict]:
    """The model's statement of ``kind`` and its constant parameters, compiled once per
    model and process: SQLAlchemy does not cache INSERT ... ON CONFLICT, and compiling it
    cost as much as a tenth of one day's run."""
    key = (model.name, model.code_version, staged, kind, conn.dialect.name)
    if key not in _COMPILED:
        build = {"stored": _stored_statement, "insert": _insert_statement}.get(
            kind, _merge_statement
        )
        compiled = build(model, target, staged).compile(dialect=conn.dialect)
        _COMPILED[key] = (str(compiled), dict(compiled.params))
    return _COMPILED[key]


def _model_rows(model: Model, staged: bool):
    if staged:
        return table(STAGE_TABLE, *(column(name) for name in model.columns))
    return model_select(model).cte("model_rows")


def _stored_statement(model: Model, target: TableClause, staged: bool):
    """Does the window hold rows already? (Only then is there anything to compare.)"""
    return select(exists(select(literal(1)).select_from(target).where(owned_rows(model, target))))


def _insert_statement(model: Model, target: TableClause, staged: bool):
    """An empty window: the SELECT's rows as they come, in key order (the unique index is
    filled left to right, not at random)."""
    rows = _model_rows(model, staged)
    return pg_insert(target).from_select(
        list(model.columns),
        select(*(rows.c[name] for name in model.columns)).order_by(
            *(rows.c[key] for key in model.unique_key)
        ),
    )


def _merge_statement(model: Model, target: TableClause, staged: bool):
    """Write the SELECT's rows that differ from the stored ones (new or changed), delete
    the owned rows it lacks, and count: one statement, data-modifying CTEs over the same
    snapshot. The comparison is one full join of the window's rows with the stored ones;
    only the rows that differ reach the unique index (ON CONFLICT), and only the stored
    rows without a partner are deleted (by key)."""
    rows = _model_rows(model, staged)
    values = [name for name in model.columns if name not in model.unique_key]
    # what the python step fills is not compared: the select returns it null
    compared = [name for name in values if name not in model.python_step_columns]
    stored = (
        select(*(target.c[name] for name in model.columns))
        .where(owned_rows(model, target))
        .cte("stored")
    )
    # One full join pairs the SELECT's rows with the stored ones: the new and changed
    # rows on one side, the stored rows it no longer returns on the other. A full join
    # is a hash or merge join, never a nested loop: an anti-join planned on a stale
    # estimate of the stored rows (a window emptied, analyzed, then written again)
    # compared the window's rows each with each, 130 ms for a day's re-run instead of 15.
    matched = and_(*(rows.c[key] == stored.c[key] for key in model.unique_key))
    paired = (
        select(
            *(rows.c[name].label(f"new_{name}") for name in model.columns),
            *(stored.c[name].label(f"old_{name}") for name in model.columns),
        )
        .select_from(rows.join(stored, matched, full=True))
        .cte("paired")
    )
    first_key = model.unique_key[0]
    changed = (
        select(*(paired.c[f"new_{name}"].label(name) for name in model.columns))
        .where(paired.c[f"new_{first_key}"].is_not(None))
        .where(
            or_(
                paired.c[f"old_{first_key}"].is_(None),
                # an unchanged row keeps its version: no write, no dead tuple, same id
                tuple_(*(paired.c[f"new_{name}"] for name in compared)).is_distinct_from(
                    tuple_(*(paired.c[f"old_{name}"] for name in compared))
                ),
            )
        )
        .cte("changed")
    )
    upsert = pg_insert(target).from_select(
        list(model.columns),
        select(*(changed.c[name] for name in model.columns)).order_by(
            *(changed.c[key] for key in model.unique_key)
        ),
    )
    written = (
        upsert.on_conflict_do_update(
            index_elements=list(model.unique_key),
            set_={name: upsert.excluded[name] for name in values},
        )
        .returning(literal_column("xmax = 0").label("inserted"))
        .cte("written")
    )
    gone = (
        select(*(paired.c[f"old_{key}"].label(key) for key in model.unique_key))
        .where(paired.c[f"new_{first_key}"].is_(None))
        .cte("gone")
    )
    removed = (
        sql_delete(target)
        .where(owned_rows(model, target))
        .where(
            tuple_(*(target.c[key] for key in model.unique_key)).in_(
                select(*(gone.c[key] for key in model.unique_key))
            )
        )
        .returning(literal(1).label("deleted"))
        .cte("removed")
    )
    return select(
        select(func.count()).select_from(written).where(written.c.inserted).scalar_subquery(),
        select(func.count()).select_from(written).scalar_subquery(),
        select(func.count()).select_from(removed).scalar_subquery(),
        select(func.count()).select_from(rows).scalar_subquery(),
    )


def _update(conn: Connection, model: Model, target: TableClause) -> int:
    rows = model_select(model).subquery("model_rows")
    values = [name for name in model.columns if name not in model.unique_key]
    statement = (
        update(target)
        .values({name: rows.c[name] for name in values})
        .where(*(target.c[key] == rows.c[key] for key in model.unique_key))
        # unchanged rows are left alone: no new row versions, no updated_at churn
        .where(
            tuple_(*(target.c[name] for name in values)).is_distinct_from(
                tuple_(*(rows.c[name] for name in values))
            )
        )
    )
    return conn.execute(statement).rowcount


def partition_frame(
    conn: Connection, model: Model, window: Window | None, *, coerce_float: bool = True
) -> pd.DataFrame:
    """The target rows the model owns in ``window`` (all of them for an update model)."""
    if window is not None:
        window = window.widened_to(model.period)
    target = target_table(model)
    query = (
        select(*(target.c[name] for name in model.columns))
        .where(owned_rows(model, target))
        .order_by(*(target.c[key] for key in model.unique_key))
    )
    return pd.read_sql(query, conn, params=bounds(window), coerce_float=coerce_float)


def preview_frame(conn: Connection, model: Model, window: Window | None, rows: int) -> pd.DataFrame:
    target = target_table(model)
    query = (
        select(*(target.c[name] for name in model.columns))
        .where(owned_rows(model, target))
        .order_by(*(target.c[key] for key in model.unique_key))
        .limit(rows)
    )
    result = conn.execute(query, bounds(window))
    return pd.DataFrame(result.all(), columns=list(result.keys()))
