"""background_jobs (DESIGN §5): every run mirrored, and work queued by applications.

Register in pipeline_defs/definitions.py:
    sensors=[..., *background_job_sensors]
    resources={..., **background_job_resources}

`mirror_dagster_run(engine, instance, run_id)` records a run that ran in-process (the
command line), which no sensor sees.
"""

from pipeline_defs.background_jobs.facts import mirror_dagster_run, run_facts
from pipeline_defs.background_jobs.mirror import mirror_run
from pipeline_defs.background_jobs.sensors import (
    BackgroundJobsResource,
    background_job_queue_sensor,
    background_job_resources,
    background_job_sensors,
)

__all__ = [
    "BackgroundJobsResource",
    "background_job_queue_sensor",
    "background_job_resources",
    "background_job_sensors",
    "mirror_dagster_run",
    "mirror_run",
    "run_facts",
]
