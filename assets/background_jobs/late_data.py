"""Late data: changes to a day whose analytics were already computed become
recompute_analytics jobs for exactly the affected days and assets. Plain functions,
no Dagster; `analytics_late_data_sensor` (sensors.py) calls them on every tick.

What counts as late, and what it recomputes:
- an api_usage row recorded after its day was over → daily_usage_summaries;
- a regeneration or a new score of an image created on an earlier day → that day's
  brand_compliance_analytics, and template_performance;
- a metrics export file written after a day it holds figures for → content_analytics
  of those days, their weekly and monthly rows, template_performance, and the
  compliance_engagement weeks of those days.

All the changes found in one look (one burst) become one job per run of consecutive
days, naming the union of their assets; the queue sensor then runs each job as one
analytics run over its range.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from assets.background_jobs.rules import RECOMPUTE_ANALYTICS
from resources.metrics_exports import SUFFIXES, read_exports
from resources.sql_files import sql

METRICS_ASSETS = (
    "content_analytics",
    "content_analytics_weekly",
    "content_analytics_monthly",
    "template_performance",
    "compliance_engagement",
)


@dataclass(frozen=True)
class RecomputeRange:
    first_day: date
    last_day: date
    assets: tuple[str, ...]

    def parameters(self) -> dict[str, object]:
        return {
            "start": self.first_day.isoformat(),
            "end": self.last_day.isoformat(),
            "assets": list(self.assets),
        }


def late_database_changes(
    conn: Connection, since: datetime, until: datetime
) -> dict[date, set[str]]:
    """{day: assets} of the api_usage and generated_assets changes in (since, until]."""
    changes: dict[date, set[str]] = {}
    rows = conn.execute(
        sql("background_jobs/late_analytics_changes"), {"since": since, "until": until}
    )
    for day, asset in rows:
        changes.setdefault(day, set()).add(asset)
    return changes


def late_export_days(folder: Path, since: datetime, until: datetime) -> set[date]:
    """Days held by the export files written in (since, until], when the file came after
    the day was over (a day's own export arriving before the schedule is not late)."""
    days: set[date] = set()
    for path in sorted(Path(folder).glob("*")):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if not since < written <= until:
            continue
        # the whole file's days: read_exports skips nothing it can date
        batch = read_exports(path.parent, date.min, written.date(), only=path.name)
        days |= {row.date for row in batch.rows}
    return days


def merge(*changes: Mapping[date, Iterable[str]]) -> dict[date, set[str]]:
    merged: dict[date, set[str]] = {}
    for change in changes:
        for day, assets in change.items():
            merged.setdefault(day, set()).update(assets)
    return merged


def recompute_ranges(
    changes: Mapping[date, Iterable[str]], allowed: tuple[date, date] | None
) -> list[RecomputeRange]:
    """Consecutive changed days as one range each, with the union of their assets;
    days outside the analytics partitions (``allowed``, inclusive) are dropped."""
    days = sorted(day for day in changes if allowed is None or allowed[0] <= day <= allowed[1])
    ranges: list[RecomputeRange] = []
    for day in days:
        if ranges and ranges[-1].last_day + timedelta(days=1) == day:
            last = ranges[-1]
            assets = tuple(sorted({*last.assets, *changes[day]}))
            ranges[-1] = RecomputeRange(last.first_day, day, assets)
        else:
            ranges.append(RecomputeRange(day, day, tuple(sorted(changes[day]))))
    return ranges


def queue_recomputes(conn: Connection, ranges: Iterable[RecomputeRange]) -> list[str]:
    """Insert one queued recompute_analytics job per range; their ids."""
    ids = []
    for job in ranges:
        row = conn.execute(
            sql("background_jobs/queue_job"),
            {
                "job_type": RECOMPUTE_ANALYTICS,
                "job_name": f"late data: {job.first_day} .. {job.last_day}",
                "parameters": json.dumps(job.parameters()),
                "priority": 3,
                "max_retries": 3,
                "scheduled_for": None,
                "organization_id": None,
                "content_request_id": None,
            },
        ).one()
        ids.append(str(row.id))
    return ids
