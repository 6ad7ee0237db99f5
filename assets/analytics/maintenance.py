"""The event tables' partition maintenance in Dagster: one op, its job and a daily schedule.

Thin: the op reads the retention setting and calls
assets.analytics.event_partitions.maintain_event_partitions in one transaction, and
reports what it created, dropped and kept in an asset observation of api_usage.
"""

from datetime import UTC, datetime

from dagster import (
    AssetKey,
    AssetObservation,
    DefaultScheduleStatus,
    MetadataValue,
    OpExecutionContext,
    ScheduleDefinition,
    job,
    op,
)

from assets.analytics.event_partitions import (
    MONTHS_AHEAD,
    RETENTION_CATEGORY,
    RETENTION_KEY,
    Maintenance,
    maintain_event_partitions,
    retention_months,
)
from core.tables import markdown_table
from resources.database import DatabaseResource

MAINTENANCE_JOB_NAME = "event_partitions_maintenance"


def maintenance_metadata(done: Maintenance) -> dict:
    changes = [
        *((t, f"{m:%Y-%m}", "created") for t, m in done.created),
        *((r.table, f"{r.month:%Y-%m}", f"dropped {r.rows_dropped} rows") for r in done.retired),
        *((k.table, f"{k.month:%Y-%m}", f"kept: {k.reason}") for k in done.kept),
    ]
    return {
        "retention_months": done.retention_months if done.retention_months else "keep all",
        "partitions_created": len(done.created),
        "partitions_dropped": len(done.retired),
        "rows_dropped": sum(r.rows_dropped for r in done.retired),
        "months_kept_past_retention": len(done.kept),
        "changes": MetadataValue.md(markdown_table(["table", "month", "what"], changes)),
    }


@op
def maintain_event_table_partitions(
    context: OpExecutionContext, database: DatabaseResource
) -> None:
    """Create the event tables' monthly partitions ahead; drop the months past the
    retention setting whose days are summarized."""
    today = datetime.now(UTC).date()
    with database.get_engine().begin() as conn:
        done = maintain_event_partitions(conn, today, retention=retention_months(conn))
    for kept in done.kept:
        context.log.warning(f"{kept.table} {kept.month:%Y-%m} kept: {kept.reason}")
    context.log_event(
        AssetObservation(asset_key=AssetKey("api_usage"), metadata=maintenance_metadata(done))
    )


@job(
    name=MAINTENANCE_JOB_NAME,
    description="Monthly partitions of api_usage and user_activity_logs: this month and "
    f"the next {MONTHS_AHEAD} created; months past {RETENTION_CATEGORY}/{RETENTION_KEY} "
    "(default: keep all) dropped once summarized.",
)
def event_partitions_maintenance():
    maintain_event_table_partitions()


event_partitions_schedule = ScheduleDefinition(
    name="event_partitions_daily",
    job=event_partitions_maintenance,
    # after the 01:00 analytics run: a month's last day is summarized before it can go
    cron_schedule="30 2 * * *",
    execution_timezone="UTC",
    # like every schedule, switched on under Automation; until then new months' rows
    # wait in the default partition and move into their month when it is created
    default_status=DefaultScheduleStatus.STOPPED,
    description="Every day at 02:30 UTC: event partitions ahead, retention applied.",
)
