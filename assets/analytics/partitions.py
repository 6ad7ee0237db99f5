"""The analytics' daily partitions: UTC days from ANALYTICS_START_DATE (default 2024-01-01).

The last partition is yesterday: a day is materialized once it is over. The 01:00 UTC
schedule recomputes the trailing ANALYTICS_RECOMPUTE_DAYS days (default 3) up to
yesterday, so that data arriving a day or two late is picked up on its own.
"""

import os
from datetime import date, timedelta

from dagster import DailyPartitionsDefinition, TimeWindow

from core.windows import Window

START_DATE_VARIABLE = "ANALYTICS_START_DATE"
DEFAULT_START_DATE = "2024-01-01"
RECOMPUTE_DAYS_VARIABLE = "ANALYTICS_RECOMPUTE_DAYS"
DEFAULT_RECOMPUTE_DAYS = 3


def analytics_start_date() -> str:
    value = os.environ.get(START_DATE_VARIABLE, "").strip() or DEFAULT_START_DATE
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{START_DATE_VARIABLE}={value!r} is not a date (YYYY-MM-DD)") from error
    return value


def daily_partitions(start_date: str | None = None) -> DailyPartitionsDefinition:
    return DailyPartitionsDefinition(
        start_date=start_date or analytics_start_date(), timezone="UTC"
    )


def as_window(time_window: TimeWindow) -> Window:
    """Dagster's partition time window (one day, or a single-run range) as a Window."""
    return Window(time_window.start, time_window.end)


def recompute_days() -> int:
    value = os.environ.get(RECOMPUTE_DAYS_VARIABLE, "").strip() or str(DEFAULT_RECOMPUTE_DAYS)
    if not value.isdigit() or not 1 <= int(value) <= 366:
        raise ValueError(f"{RECOMPUTE_DAYS_VARIABLE}={value!r} is not a number of days (1-366)")
    return int(value)


def trailing_days(today: date, partitions_def: DailyPartitionsDefinition) -> tuple[date, date]:
    """The schedule's window on ``today``: the trailing days up to yesterday, never
    before the first partition."""
    last = today - timedelta(days=1)
    first = last - timedelta(days=recompute_days() - 1)
    return max(first, partitions_def.start.date()), last
