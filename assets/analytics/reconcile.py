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
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import Connection

from assets.analytics.models import Model
from assets.analytics.runner import partition_frame
from core.tables import markdown_table
from core.windows import Window
from resources.metrics_exports import COUNT_FIELDS, MetricsBatch
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
    rows_stored: int  # of the periods compared
    rows_recomputed: int
    differences: list[Difference] = field(default_factory=list)
    nulls: dict[str, int] = field(default_factory=dict)  # null-forbidden column -> count
    # a sample: the first day of each period compared, and how many the window has
    compared: list[date] | None = None
    periods_in_window: int | None = None

    @property
    def success(self) -> bool:
        return not self.differences and not self.nulls

    @property
    def sampled(self) -> bool:
        return self.compared is not None

    def describe(self) -> str:
        if self.success:
            sample = (
                f" in {len(self.compared)} of the window's {self.periods_in_window} periods"
                " (a sample: the first, the last and others at random)"
                if self.sampled
                else ""
            )
            return f"{self.rows_stored} rows equal their recomputation from the source{sample}"
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
        rows = [
            [_shown(cell) for cell in (*d.key, d.column, d.stored, d.recomputed)]
            for d in self.differences
        ]
        return markdown_table((*key, "column", "stored", "recomputed"), rows, limit=MAX_SHOWN)


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


METRICS_KEY = ("platform", "external_post_id", "performance_date")
METRICS_NOT_NULL = (
    "generated_asset_id",
    "organization_id",
    "platform",
    "performance_date",
    "impressions",
    "views",
    "likes",
    "shares",
    "comments",
    "saves",
    "clicks",
)


def _share(part: int, whole: int) -> Decimal | None:
    """part / whole to six decimals, halves away from zero (PostgreSQL's round)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def expected_metrics(batch: MetricsBatch) -> pd.DataFrame:
    """The daily rows the window's export files call for, computed in Python."""
    rows = [
        {
            "platform": row.platform,
            "external_post_id": row.external_post_id,
            "performance_date": row.date,
            **{name: getattr(row, name) for name in COUNT_FIELDS},
            "engagement_rate": _share(row.interactions, row.impressions),
            "click_through_rate": _share(row.clicks, row.impressions),
        }
        for row in batch.rows
    ]
    columns = [*METRICS_KEY, *COUNT_FIELDS, "engagement_rate", "click_through_rate"]
    return pd.DataFrame(rows, columns=columns)


def reconcile_metrics(conn: Connection, batch: MetricsBatch, window: Window) -> Reconciliation:
    """The window's stored daily rows against the export files: a post the files hold
    must be stored with the file's counts and rates recomputed from them. A stored row
    the files no longer hold was loaded earlier and is kept (exports may be partial); a
    file row that is not stored is a difference only when it names an image of that
    platform that has no row that day."""
    stored = pd.read_sql(
        sql("analytics/stored_daily_metrics"),
        conn,
        params={"first_day": window.first_day, "end_day": window.end_day},
        coerce_float=False,
    )
    expected = expected_metrics(batch)
    result = Reconciliation(len(stored), len(expected))
    for name in METRICS_NOT_NULL:
        count = int(stored[name].isna().sum())
        if count:
            result.nulls[name] = count
    mine = _rows(stored, METRICS_KEY)
    theirs = _rows(expected, METRICS_KEY)
    named = {
        (row.platform, row.external_post_id, row.date.isoformat()): row.generated_asset_id
        for row in batch.rows
        if row.generated_asset_id
    }
    owed = _owed_images(conn, batch, window)
    for key in sorted(theirs, key=lambda k: tuple(str(v) for v in k)):
        if key not in mine:
            image = named.get(key)
            if image is not None and (str(image), key[0], key[2]) in owed:
                result.differences.append(Difference(key, "(row)", "absent", "present"))
            continue
        for name in expected.columns:
            if name not in METRICS_KEY and mine[key][name] != theirs[key][name]:
                result.differences.append(Difference(key, name, mine[key][name], theirs[key][name]))
    return result


def _owed_images(conn: Connection, batch: MetricsBatch, window: Window) -> set[tuple]:
    """(image, platform, day) that the files name by generated_asset_id, that exist on
    that platform, and that have no daily row that day: the ingestion owed them one."""
    wanted = [
        {"id": str(row.generated_asset_id), "platform": row.platform, "day": row.date}
        for row in batch.rows
        if row.generated_asset_id is not None
    ]
    if not wanted:
        return set()
    rows = conn.execute(
        sql("analytics/images_without_daily_row"),
        {
            "ids": [w["id"] for w in wanted],
            "platforms": [w["platform"] for w in wanted],
            "days": [w["day"] for w in wanted],
        },
    )
    return {(str(image), platform, day.isoformat()) for image, platform, day in rows}
