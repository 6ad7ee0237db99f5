"""`analytics_late_data_sensor`: every minute, the changes made since its last look to
days whose analytics were already computed (assets/background_jobs/late_data.py)
become queued recompute_analytics jobs, one per run of consecutive days. It launches
nothing itself: the queue sensor runs the jobs. It only writes queue rows, so it is on
by default; its first tick starts watching from that moment.
"""

from datetime import UTC, datetime, timedelta

from dagster import DefaultSensorStatus, SensorEvaluationContext, SensorResult, SkipReason, sensor

from assets.background_jobs.late_data import (
    METRICS_ASSETS,
    late_database_changes,
    late_export_days,
    merge,
    queue_recomputes,
    recompute_ranges,
)
from assets.background_jobs.launch import analytics_days
from resources.database import DatabaseResource
from resources.metrics_source import MetricsSourceResource

LATE_DATA_INTERVAL_SECONDS = 60
# a change is looked at once it is this old: rows written by a transaction still open
# at the previous look carry timestamps from before it, and would be missed otherwise
SETTLE = timedelta(seconds=30)


def look_for_late_data(
    database: DatabaseResource,
    metrics_source: MetricsSourceResource,
    since: datetime,
    until: datetime,
) -> list[str]:
    """Queue the recomputes the changes in (since, until] call for; the new job ids."""
    export_days = late_export_days(metrics_source.resolved_folder(), since, until)
    with database.get_engine().begin() as conn:
        changes = merge(
            late_database_changes(conn, since, until),
            {day: METRICS_ASSETS for day in export_days},
        )
        return queue_recomputes(conn, recompute_ranges(changes, analytics_days()))


@sensor(
    name="analytics_late_data_sensor",
    minimum_interval_seconds=LATE_DATA_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Queues a recompute_analytics job for exactly the days and analytics "
    "assets that a late change affects: a late api_usage row, a regeneration or new score "
    "of an older image, a late metrics export. One job per run of consecutive days.",
)
def analytics_late_data_sensor(
    context: SensorEvaluationContext,
    database: DatabaseResource,
    metrics_source: MetricsSourceResource,
) -> SensorResult | SkipReason:
    until = datetime.now(UTC) - SETTLE
    if not context.cursor:
        return SensorResult(cursor=until.isoformat())
    since = datetime.fromisoformat(context.cursor)
    if until <= since:
        return SkipReason("nothing new since the last look")
    queued = look_for_late_data(database, metrics_source, since, until)
    for job_id in queued:
        context.log.info(f"queued recompute_analytics job {job_id}")
    return SensorResult(cursor=until.isoformat())
