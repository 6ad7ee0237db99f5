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
from resources.database import DatabaseResource
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


def claim_batch(database: DatabaseResource, queue: RequestQueueResource) -> list[tuple[str, str]]:
    """Mark the next batch of waiting requests queued; return (id, updated_at) pairs."""
    with database.get_engine().begin() as conn:
        rows = conn.execute(
            sql("generation/claim_submitted_requests"),
            {"batch_size": queue.batch_size, "requeue_after_minutes": queue.requeue_after_minutes},
        )
        return [(str(row.id), row.updated_at.isoformat()) for row in rows]


def batch_run_key(request_ids: list[str]) -> str:
    # the same batch always gets the same key, so a repeated tick launches nothing new
    return "requests-" + hashlib.sha256(",".join(sorted(request_ids)).encode()).hexdigest()[:20]


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
) -> SensorResult:
    cursor = (
        json.loads(context.cursor) if context.cursor else {"batches": 0, "high_water_mark": None}
    )
    run_requests = []
    for _ in range(request_queue.max_batches_per_tick):
        claimed = claim_batch(database, request_queue)
        if not claimed:
            break
        ids = [request_id for request_id, _ in claimed]
        run_requests.append(
            RunRequest(
                run_key=batch_run_key(ids),
                run_config=generation_run_config(ids),
                tags={"socialpipe/requests": str(len(ids)), "socialpipe/trigger": "sensor"},
            )
        )
        cursor["batches"] += 1
        cursor["high_water_mark"] = max([cursor["high_water_mark"] or ""] + [u for _, u in claimed])
    return SensorResult(run_requests=run_requests, cursor=json.dumps(cursor))
