"""How fresh the analytics must be, as Dagster freshness checks, and the sensor that
evaluates them (shown on each asset's Checks tab; a late day is a failed check).

The 01:00 UTC schedule materializes yesterday; by the 03:00 UTC deadline yesterday's
partition of every daily asset must be there, and template_performance (one table,
not partitioned) must have been rewritten within the day before the deadline. A check
that fails is a warning (the data is late, not wrong): nothing downstream is blocked.
"""

import warnings
from datetime import timedelta

from dagster import (
    AssetChecksDefinition,
    AssetKey,
    DefaultSensorStatus,
    SensorDefinition,
    SupersessionWarning,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
)

# The freshness checks and their sensor are "superseded" by FreshnessPolicy in this
# Dagster, whose policies are not checks: a late day would not show on the Checks tab
# nor fail anything a sensor can alert on. The notice is for Dagster's developers.
warnings.filterwarnings("ignore", message=".*freshness_checks.*", category=SupersessionWarning)

DEADLINE_CRON = "0 3 * * *"  # 03:00 UTC, two hours after the daily schedule
FRESHNESS_CHECK_NAME = "freshness_check"  # the name Dagster gives every freshness check
SENSOR_NAME = "analytics_freshness_sensor"


def freshness_checks(
    partitioned: list[AssetKey], unpartitioned: list[AssetKey]
) -> list[AssetChecksDefinition]:
    """A freshness check on each asset: yesterday's partition by 03:00 UTC for the daily
    ones, an update in the 24 hours before 03:00 UTC for the others."""
    return [
        *build_time_partition_freshness_checks(
            assets=partitioned, deadline_cron=DEADLINE_CRON, timezone="UTC"
        ),
        *build_last_update_freshness_checks(
            assets=unpartitioned,
            lower_bound_delta=timedelta(days=1),
            deadline_cron=DEADLINE_CRON,
            timezone="UTC",
        ),
    ]


def freshness_sensor(checks: list[AssetChecksDefinition]) -> SensorDefinition:
    # RUNNING by default: it only reads the instance's event log (no database, no
    # provider), and a late day must show without anyone switching it on
    return build_sensor_for_freshness_checks(
        freshness_checks=checks,
        name=SENSOR_NAME,
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.RUNNING,
    )
