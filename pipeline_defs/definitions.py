"""The Dagster code location: everything the UI and daemon load (workspace.yaml)."""

from dagster import Definitions

from assets.analytics import definitions as analytics
from assets.approvals.definitions import approval_schedules
from pipeline_defs.alerts import alert_resources, alert_sensors
from pipeline_defs.background_jobs import background_job_resources, background_job_sensors
from pipeline_defs.content import (
    CONTENT_ASSETS,
    CONTENT_CHECKS,
    CONTENT_JOBS,
    CONTENT_RESOURCES,
    STAGE_OWNERS,
    owned,
)
from pipeline_defs.sensors import RequestQueueResource, content_request_sensor

__all__ = ["ASSETS", "ASSET_CHECKS", "JOBS", "STAGE_OWNERS", "defs"]

# Every asset, check and job of the code location (tests build their own Definitions
# from these with resources pointed at a test database).
ASSETS = [*CONTENT_ASSETS, *owned(analytics.analytics_assets)]
ASSET_CHECKS = [
    *CONTENT_CHECKS,
    *analytics.analytics_checks,
    *analytics.analytics_freshness_checks,
]
JOBS = [*CONTENT_JOBS, *analytics.analytics_jobs]

defs = Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=JOBS,
    schedules=[*approval_schedules, *analytics.analytics_schedules],
    sensors=[
        content_request_sensor,
        *background_job_sensors,
        *analytics.analytics_sensors,
        *alert_sensors,
    ],
    resources={
        **CONTENT_RESOURCES,
        "request_queue": RequestQueueResource(),
        **analytics.analytics_resources,
        **background_job_resources,
        **alert_resources,
    },
)
