"""Which Dagster run each queued job_type becomes.

- regenerate_request  → content_generation over the requests, force=true (the whole
  chain: generate, score, render, route).
- rerender_variants   → content_processing limited to asset_variants, for the named
  requests and/or generated assets, force=true by default.
- recompute_analytics → analytics_daily over start..end as one run (the single-run
  backfill the UI launches for a range; the same tags as `socialpipe analytics run`),
  limited to the named `assets` (and their checks) when the job names some.
"""

from datetime import date

from dagster import AssetKey, RunRequest

from assets.analytics import definitions as analytics
from assets.background_jobs.queue import ClaimedJob
from assets.background_jobs.rules import (
    RECOMPUTE_ANALYTICS,
    REGENERATE_REQUEST,
    RERENDER_VARIANTS,
)
from assets.background_jobs.runs import (
    ATTEMPT_TAG,
    JOB_ID_TAG,
    RANGE_END_TAG,
    RANGE_START_TAG,
)
from assets.generation.jobs import GENERATION_JOB_NAME, PROCESSING_JOB_NAME, generation_run_config
from assets.variants.definitions import asset_variants

JOB_TYPE_TAG = "socialpipe/background_job_type"
TRIGGER_TAG = "socialpipe/trigger"
# The queue retries a failed attempt itself, with backoff and max_retries; Dagster
# retrying the same run as well (run_retries in dagster.yaml) would do the work twice.
NO_DAGSTER_RETRIES = {"dagster/max_retries": "0"}


def analytics_days() -> tuple[date, date] | None:
    """The first and last day recompute_analytics may name (None before any day is over)."""
    partitions = analytics.ANALYTICS.partitions_def
    last = partitions.get_last_partition_key()
    if last is None:
        return None
    return partitions.start.date(), date.fromisoformat(last)


def run_request_for(job: ClaimedJob) -> RunRequest:
    spec = job.spec
    tags = {
        JOB_ID_TAG: job.id,
        ATTEMPT_TAG: str(job.retry_count),
        JOB_TYPE_TAG: spec.job_type,
        TRIGGER_TAG: "background_job",
        **NO_DAGSTER_RETRIES,
    }
    if spec.job_type == REGENERATE_REQUEST:
        return RunRequest(
            run_key=job.run_key,
            job_name=GENERATION_JOB_NAME,
            run_config=generation_run_config(list(spec.request_ids), force=True),
            tags=tags,
        )
    if spec.job_type == RERENDER_VARIANTS:
        config = {
            "request_ids": list(spec.request_ids),
            "asset_ids": list(spec.asset_ids),
            "force": spec.force,
        }
        return RunRequest(
            run_key=job.run_key,
            job_name=PROCESSING_JOB_NAME,
            asset_selection=[asset_variants.key],
            run_config={"ops": {asset_variants.key.to_user_string(): {"config": config}}},
            tags=tags,
        )
    if spec.job_type == RECOMPUTE_ANALYTICS:
        assert spec.first_day is not None and spec.last_day is not None
        return RunRequest(
            run_key=job.run_key,
            job_name=analytics.JOB_NAME,
            asset_selection=[AssetKey(name) for name in spec.analytics_assets] or None,
            tags={
                **tags,
                RANGE_START_TAG: spec.first_day.isoformat(),
                RANGE_END_TAG: spec.last_day.isoformat(),
            },
        )
    raise ValueError(f"no run for job_type {spec.job_type!r}")  # validate_job prevents it
