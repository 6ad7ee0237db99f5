"""The analytics' daily partitions: UTC days from ANALYTICS_START_DATE (default 2024-01-01).

The last partition is yesterday: a day is materialized once it is over.
"""

import os
from datetime import date

from dagster import DailyPartitionsDefinition, TimeWindow

from assets.analytics.runner import Window

START_DATE_VARIABLE = "ANALYTICS_START_DATE"
DEFAULT_START_DATE = "2024-01-01"


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
