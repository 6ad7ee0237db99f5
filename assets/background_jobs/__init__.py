"""background_jobs (docs/BACKGROUND_JOBS.md): every run mirrored, and work queued by
applications. definitions.py gives the sensors and their resource to the code location.

`mirror_dagster_run(engine, instance, run_id)` records a run that ran in-process (the
command line), which no sensor sees.
"""

from importlib import import_module

from assets.background_jobs.facts import mirror_dagster_run, run_facts
from assets.background_jobs.mirror import mirror_run

# The sensors load the whole asset graph, analytics included: imported on first use, so
# that the command line can mirror a content run without loading pandas and GX.
_SENSOR_NAMES = (
    "BackgroundJobsResource",
    "background_job_queue_sensor",
    "background_job_resources",
    "background_job_sensors",
)

__all__ = [*_SENSOR_NAMES, "mirror_dagster_run", "mirror_run", "run_facts"]


def __getattr__(name: str) -> object:
    if name in _SENSOR_NAMES:
        return getattr(import_module("assets.background_jobs.sensors"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
