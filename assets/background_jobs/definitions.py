"""The background jobs in Dagster: the queue sensor that launches what applications
asked for, the late-data sensor, and the sensors that mirror every run
(docs/BACKGROUND_JOBS.md). The sensors themselves are in sensors.py."""

from assets.background_jobs.sensors import defs

__all__ = ["defs"]
