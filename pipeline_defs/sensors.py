"""Sensors: what starts runs on its own."""

import hashlib
import json

from dagster import (
    ConfigurableResource,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)
from pydantic import Field

from pipeline_defs.jobs import content_generation, generation_run_config
from pipeline_defs.recovery import recover
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.sql_files import sql


class RequestQueueResource(ConfigurableResource):
    """How the request sensor batches work."""

    batch_size: int = Field(default=10, ge=1, le=500, description="Requests per run.")
    max_batches_per_tick: int = Field(
        default=5, ge=1, description="Runs launched per tick at most."
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
    with database.get_engine().begin() as conn:
        rows = conn.execute(
            sql("generation/claim_submitted_requests"),
            {
                "batch_size": queue.batch_size,
                "requeue_after_minutes": queue.requeue_after_minutes,
                "run_id": run_id,
            },
        )
        claimed = [(str(row.id), row.updated_at.isoformat()) for row in rows]
        if claimed and run_id is None:
            conn.execute(
                sql("generation/name_claims"),
                {"request_ids": [i for i, _ in claimed], "run_key": batch_run_key(claimed)},
            )
        return claimed


def batch_run_key(claimed: list[tuple[str, str]]) -> str:
    """One key per claim of a batch: (request id, claimed at) pairs. A claim released
    because its run died is claimed again under a new key, which Dagster launches (it
    launches one run per key, and the dead run already had the old one)."""
    digest = hashlib.sha256(",".join(sorted(f"{i}@{at}" for i, at in claimed)).encode())
    return "requests-" + digest.hexdigest()[:20]


@sensor(
    job=content_generation,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.STOPPED,
    description="Launches content_generation for submitted requests, most urgent first.",
)
def content_request_sensor(
    context: SensorEvaluationContext,
    database: DatabaseResource,
    request_queue: RequestQueueResource,
    image_store: ImageStoreResource,
) -> SensorResult:
    cursor = (
        json.loads(context.cursor) if context.cursor else {"batches": 0, "high_water_mark": None}
    )
    # the dead runs' leftovers first: their requests go back in this tick's batches
    recovered = recover(database.get_engine(), context.instance, image_store.get_store())
    for line in recovered.lines():
        context.log.info(f"recovered: {line}")
    run_requests = []
    for _ in range(request_queue.max_batches_per_tick):
        claimed = claim_batch(database, request_queue)
        if not claimed:
            break
        ids = [request_id for request_id, _ in claimed]
        run_requests.append(
            RunRequest(
                run_key=batch_run_key(claimed),
                run_config=generation_run_config(ids),
                tags={"socialpipe/requests": str(len(ids)), "socialpipe/trigger": "sensor"},
            )
        )
        cursor["batches"] += 1
        cursor["high_water_mark"] = max([cursor["high_water_mark"] or ""] + [u for _, u in claimed])
    return SensorResult(run_requests=run_requests, cursor=json.dumps(cursor))
