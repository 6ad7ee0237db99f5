"""The background_jobs sensors: four that mirror runs, one that turns queued rows into runs.

Mirroring (RUNNING by default): one run-status sensor per status — started, success,
failure, canceled — each recording the run as the instance knows it then. They only
write bookkeeping rows and launch nothing, and the queue's retries depend on them, so
they are on from the start wherever the daemon runs.

The queue (STOPPED by default, like the request sensor): it launches runs, some of
which call a paid image API, so an operator turns it on (UI → Automation).
"""

import json
import logging

from dagster import (
    ConfigurableResource,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    DefaultSensorStatus,
    Definitions,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    RunStatusSensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    run_status_sensor,
    sensor,
)
from pydantic import Field
from sqlalchemy import Engine

from assets.analytics.definitions import analytics_daily
from assets.background_jobs.facts import mirror_dagster_run
from assets.background_jobs.late_data_sensor import analytics_late_data_sensor
from assets.background_jobs.launch import analytics_days, run_request_for
from assets.background_jobs.mirror import RetryPolicy
from assets.background_jobs.queue import ClaimedJob, claim_jobs, stale_attempts
from assets.background_jobs.runs import ATTEMPT_TAG, JOB_ID_TAG, PARENT_RUN_TAG
from assets.generation.jobs import content_generation, content_processing
from resources.database import DatabaseResource
from resources.shared import DATABASE

log = logging.getLogger(__name__)

MIRROR_INTERVAL_SECONDS = 30
QUEUE_INTERVAL_SECONDS = 30


class BackgroundJobsResource(ConfigurableResource):
    """How the queue claims rows and how long a failed attempt waits."""

    retry_base_seconds: float = Field(
        default=60, gt=0, description="Wait after the first failure; doubled after each."
    )
    retry_max_seconds: float = Field(default=3600, gt=0, description="The longest wait.")
    jobs_per_tick: int = Field(default=10, ge=1, le=100, description="Rows claimed per tick.")
    reclaim_after_minutes: int = Field(
        default=60,
        ge=1,
        description="A claimed row with no finished run after this long is looked into: "
        "its run is launched again under the same run key (Dagster launches it once) or, "
        "if it finished unseen, its outcome is applied.",
    )

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.retry_base_seconds, self.retry_max_seconds)


def _mirror_sensor(status: DagsterRunStatus, name: str) -> RunStatusSensorDefinition:
    @run_status_sensor(
        run_status=status,
        name=name,
        monitor_all_code_locations=False,
        minimum_interval_seconds=MIRROR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Mirrors runs of this code location ({status.value.lower()}) into "
        "background_jobs: one row per run, or the queued job the run is an attempt of.",
    )
    def _mirror(
        context: RunStatusSensorContext,
        database: DatabaseResource,
        background_jobs: BackgroundJobsResource,
    ) -> None:
        done = mirror_dagster_run(
            database.get_engine(),
            context.instance,
            context.dagster_run.run_id,
            background_jobs.retry_policy(),
        )
        context.log.info(done)
        # returning nothing lets the sensor go on to the next run in the same tick

    return _mirror


background_job_run_started = _mirror_sensor(DagsterRunStatus.STARTED, "background_job_run_started")
background_job_run_succeeded = _mirror_sensor(
    DagsterRunStatus.SUCCESS, "background_job_run_succeeded"
)
background_job_run_failed = _mirror_sensor(DagsterRunStatus.FAILURE, "background_job_run_failed")
background_job_run_cancelled = _mirror_sensor(
    DagsterRunStatus.CANCELED, "background_job_run_cancelled"
)


def _attempt_run(instance: DagsterInstance, job: ClaimedJob) -> DagsterRun | None:
    runs = instance.get_runs(
        filters=RunsFilter(tags={JOB_ID_TAG: job.id, ATTEMPT_TAG: str(job.retry_count)})
    )
    return next((run for run in runs if PARENT_RUN_TAG not in run.tags), None)


def reconcile(
    instance: DagsterInstance, engine: Engine, stale: list[ClaimedJob], policy: RetryPolicy
) -> list[RunRequest]:
    """Look into attempts claimed long ago: launch the ones Dagster never recorded
    (same run key, so never twice) and settle the ones whose run finished unseen."""
    requests = []
    for job in stale:
        run = _attempt_run(instance, job)
        if run is None:
            requests.append(run_request_for(job))
        elif run.is_finished:
            log.info(mirror_dagster_run(engine, instance, run.run_id, policy))
    return requests


@sensor(
    name="background_job_queue_sensor",
    jobs=[content_generation, content_processing, analytics_daily],
    minimum_interval_seconds=QUEUE_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.STOPPED,
    description="Turns queued background_jobs rows (regenerate_request, rerender_variants, "
    "recompute_analytics) into one run each, most urgent first; invalid rows fail with "
    "the reason.",
)
def background_job_queue_sensor(
    context: SensorEvaluationContext,
    database: DatabaseResource,
    background_jobs: BackgroundJobsResource,
) -> SensorResult:
    engine = database.get_engine()
    limit = background_jobs.jobs_per_tick
    # old attempts first: looking into them calls the instance, which may fail, and
    # nothing has been claimed yet that such a failure would strand
    with engine.begin() as conn:
        stale = stale_attempts(conn, minutes=background_jobs.reclaim_after_minutes, limit=limit)
    run_requests = reconcile(context.instance, engine, stale, background_jobs.retry_policy())
    with engine.begin() as conn:
        claimed, rejected = claim_jobs(conn, limit=limit, analytics_days=analytics_days())
        # built before the claim commits: if this fails, the rows stay queued
        run_requests += [run_request_for(job) for job in claimed]
    for job in rejected:
        context.log.warning(f"background job {job.id} failed without a run: {job.reason}")
    # the rows' status is what keeps a job from launching twice; the cursor keeps
    # running totals that the UI shows on the sensor's ticks
    totals = json.loads(context.cursor) if context.cursor else {"launched": 0, "rejected": 0}
    totals["launched"] += len(run_requests)
    totals["rejected"] += len(rejected)
    return SensorResult(run_requests=run_requests, cursor=json.dumps(totals))


background_job_sensors = [
    background_job_queue_sensor,
    analytics_late_data_sensor,
    background_job_run_started,
    background_job_run_succeeded,
    background_job_run_failed,
    background_job_run_cancelled,
]
background_job_resources = {"background_jobs": BackgroundJobsResource()}


defs = Definitions(
    sensors=background_job_sensors,
    resources={**background_job_resources, "database": DATABASE},
)
