"""The request queue: how many waiting requests a run takes, and the claim that hands
them to one run (docs/PERFORMANCE.md "The request sensor")."""

import hashlib
from typing import Literal

from dagster import ConfigurableResource
from pydantic import Field

from resources.database import DatabaseResource
from resources.sql_files import sql


class RequestQueueResource(ConfigurableResource):
    """How the request sensor batches work (docs/PERFORMANCE.md "The request sensor").

    A run's requests fan out one step each over the workers, so a batch can be large:
    the defaults launch 1 000 requests a tick (a 10 000-request backlog in 10 ticks),
    and a tick launches nothing while `max_queued_runs` of the sensor's runs still wait
    in the run queue, so that a backlog never floods the queue ahead of the workers."""

    batch_size: int = Field(default=100, ge=1, le=1000, description="Requests per run.")
    max_batches_per_tick: int = Field(
        default=10, ge=1, description="Runs launched per tick at most."
    )
    max_queued_runs: int = Field(
        default=20,
        ge=1,
        description="A tick launches runs only while fewer of the sensor's runs than this "
        "wait in the run queue (queued or not yet started).",
    )
    executor: Literal["multiprocess", "celery"] = Field(
        default="multiprocess",
        description="How the launched runs execute their steps: a process per step on the "
        "run's host, or Celery workers (docs/DEPLOYMENT.md).",
    )
    requeue_after_minutes: int = Field(
        default=60, ge=1, description="A request queued this long without a run is claimed again."
    )


def claim_batch(
    database: DatabaseResource, queue: RequestQueueResource, *, run_id: str | None = None
) -> list[tuple[str, str]]:
    """Mark the next batch of waiting requests queued, claimed for the run that will
    process them: `run_id` when the caller knows it, else (a sensor) the run key of the
    RunRequest, written in the same transaction. Returns (id, claimed at) pairs."""
    params = {
        "batch_size": queue.batch_size,
        "requeue_after_minutes": queue.requeue_after_minutes,
        "run_id": run_id,
    }
    with database.get_engine().begin() as conn:
        # stale claims first (they have waited longest), then the submitted queue: two
        # statements, so that each is served by its own partial index
        rows = conn.execute(sql("requests/reclaim_stale_requests"), params).all()
        if len(rows) < queue.batch_size:
            rows += conn.execute(
                sql("requests/claim_submitted_requests"),
                {**params, "batch_size": queue.batch_size - len(rows)},
            ).all()
        claimed = [(str(row.id), row.updated_at.isoformat()) for row in rows]
        if claimed and run_id is None:
            conn.execute(
                sql("requests/name_claims"),
                {"request_ids": [i for i, _ in claimed], "run_key": batch_run_key(claimed)},
            )
        return claimed


def batch_run_key(claimed: list[tuple[str, str]]) -> str:
    """One key per claim of a batch: (request id, claimed at) pairs. A claim released
    because its run died is claimed again under a new key, which Dagster launches (it
    launches one run per key, and the dead run already had the old one)."""
    digest = hashlib.sha256(",".join(sorted(f"{i}@{at}" for i, at in claimed)).encode())
    return "requests-" + digest.hexdigest()[:20]


