"""Monthly partitions of the event tables (api_usage, user_activity_logs; migration 0013).

Plain SQLAlchemy, no Dagster: the maintenance schedule's op calls
`maintain_event_partitions`, tests call it directly. The partitions themselves are
created and dropped by security-definer functions of the migration (the pipeline role
does not own the tables); those functions also hold the rule that matters most: a
month is dropped only when it is over and its days are summarized.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from resources.settings.categories import ANALYTICS, RETENTION_KEY
from resources.settings.store import whole_number
from resources.sql_files import sql

EVENT_TABLES = ("api_usage", "user_activity_logs")
# a month's partition exists this many months before the month starts
MONTHS_AHEAD = 3
# system_settings analytics/event_retention_months: how many calendar months of raw
# events to keep, this one included; absent or null: keep every month
RETENTION_CATEGORY = ANALYTICS
# the maintenance waits this long for a lock on a table (a long analytics read of a
# year holds one) before giving up until its next run
LOCK_TIMEOUT = "10s"


class RetiredMonthError(RuntimeError):
    """A window reaches into a month whose raw events were dropped by retention."""


@dataclass(frozen=True)
class KeptMonth:
    table: str
    month: date
    reason: str


@dataclass(frozen=True)
class RetiredMonth:
    table: str
    month: date
    rows_dropped: int


@dataclass
class Maintenance:
    retention_months: int | None
    created: list[tuple[str, date]] = field(default_factory=list)
    retired: list[RetiredMonth] = field(default_factory=list)
    kept: list[KeptMonth] = field(default_factory=list)  # past retention, not dropped


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def retention_months(conn: Connection) -> int | None:
    """The retention setting: months of raw events kept (this one included), or None."""
    return whole_number(conn, RETENTION_CATEGORY, RETENTION_KEY, absent=None)


def partition_months(conn: Connection, table: str) -> list[date]:
    return list(conn.execute(sql("analytics/event_partition_months"), {"t": table}).scalars())


def maintain_event_partitions(
    conn: Connection,
    today: date,
    *,
    months_ahead: int = MONTHS_AHEAD,
    retention: int | None = None,
) -> Maintenance:
    """Create this month's partition and the next ``months_ahead`` ones; then, when
    ``retention`` months are set, drop the older months that are over and summarized
    (a month that is not stays, listed in `kept` with the database's reason)."""
    conn.execute(text("select set_config('lock_timeout', :t, true)"), {"t": LOCK_TIMEOUT})
    done = Maintenance(retention_months=retention)
    this_month = month_start(today)
    for table in EVENT_TABLES:
        for ahead in range(months_ahead + 1):
            month = add_months(this_month, ahead)
            created = conn.execute(
                sql("analytics/ensure_event_partition"), {"t": table, "month": month}
            ).scalar_one()
            if created:
                done.created.append((table, month))
        if retention is None:
            continue
        keep_from = add_months(this_month, 1 - retention)
        for month in partition_months(conn, table):
            if month >= keep_from:
                break
            _retire(conn, table, month, done)
    return done


def _retire(conn: Connection, table: str, month: date, done: Maintenance) -> None:
    try:
        with conn.begin_nested():
            dropped = conn.execute(
                sql("analytics/retire_event_partition"), {"t": table, "month": month}
            ).scalar_one()
    except DBAPIError as error:
        diag = getattr(error.orig, "diag", None)
        reason = getattr(diag, "message_primary", None) or str(error.orig).splitlines()[0]
        done.kept.append(KeptMonth(table, month, reason))
    else:
        done.retired.append(RetiredMonth(table, month, int(dropped)))


def check_not_retired(
    conn: Connection, tables: frozenset[str], first_day: date, end_day: date
) -> None:
    """Refuse a window [first_day, end_day) that reaches into a retired month of one of
    ``tables``: recomputing it from the rows left would replace its summaries with
    nothing."""
    read = sorted(set(tables) & set(EVENT_TABLES))
    if not read:
        return
    retired = conn.execute(
        sql("analytics/retired_months_in_window"),
        {"tables": read, "first_day": first_day, "end_day": end_day},
    ).first()
    if retired is not None:
        raise RetiredMonthError(
            f"{retired.table_name} of {retired.month:%Y-%m} was dropped by retention "
            f"({RETENTION_CATEGORY}/{RETENTION_KEY}): its days are final and cannot be "
            "recomputed; choose a window after it"
        )
