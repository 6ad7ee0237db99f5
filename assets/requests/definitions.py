"""The requests stage in Dagster: the content_requests queue, the sensor that launches
generation for it, and the input_audit job over everything a request reads.

The claim itself (which requests a run takes) is plain code in queue.py; a run that
died is recovered by recovery.py before each tick claims anything new.
"""

import json

from dagster import (
    AssetSelection,
    DagsterRunStatus,
    DefaultSensorStatus,
    Definitions,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    asset,
    define_asset_job,
    sensor,
)

from assets.catalog import table_metadata
from assets.generation.jobs import content_generation, generation_run_config
from assets.owners import owned
from assets.requests.queue import RequestQueueResource, batch_run_key, claim_batch
from assets.requests.recovery import recover
from core.tables import markdown_table
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.shared import DATABASE, IMAGE_STORE
from resources.sql_files import sql

REQUESTS_GROUP = "requests"
INPUT_AUDIT_JOB_NAME = "input_audit"


@asset(group_name=REQUESTS_GROUP, kinds={"postgres"})
def content_requests(database: DatabaseResource) -> MaterializeResult:
    """Content requests by status. `content_request_sensor` launches generation for new ones."""
    with database.get_engine().connect() as conn:
        counts = {
            row.status: row.requests
            for row in conn.execute(sql("requests/request_status_counts"))
        }
    table = markdown_table(("status", "requests"), counts.items(), limit=None, right=("requests",))
    return MaterializeResult(
        metadata={
            "requests": sum(counts.values()),
            "submitted": counts.get("submitted", 0),
            "by_status": MetadataValue.md(table),
            **table_metadata(database.get_engine(), "content_requests"),
        }
    )


input_audit = define_asset_job(
    INPUT_AUDIT_JOB_NAME,
    selection=AssetSelection.assets(
        "brand_profiles", "brand_assets", "content_templates", "content_requests"
    ),
    description="Audit what every later stage reads: the brand kits (profiles, asset files, "
    "templates) and the content request queue by status.",
)


def _waiting_sensor_runs(instance) -> int:
    """The sensor's runs not yet started: queued, or handed to the launcher."""
    return instance.get_runs_count(
        RunsFilter(
            statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED],
            tags={"socialpipe/trigger": "sensor"},
        )
    )


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
    waiting = _waiting_sensor_runs(context.instance)
    room = max(0, min(request_queue.max_batches_per_tick, request_queue.max_queued_runs - waiting))
    if room == 0:
        context.log.info(f"{waiting} of this sensor's runs still wait in the queue: none launched")
    for _ in range(room):
        claimed = claim_batch(database, request_queue)
        if not claimed:
            break
        ids = [request_id for request_id, _ in claimed]
        run_requests.append(
            RunRequest(
                run_key=batch_run_key(claimed),
                run_config={
                    **generation_run_config(ids),
                    "execution": {"config": {request_queue.executor: {}}},
                },
                tags={"socialpipe/requests": str(len(ids)), "socialpipe/trigger": "sensor"},
            )
        )
        cursor["batches"] += 1
        cursor["high_water_mark"] = max([cursor["high_water_mark"] or ""] + [u for _, u in claimed])
    return SensorResult(run_requests=run_requests, cursor=json.dumps(cursor))


defs = Definitions(
    assets=owned([content_requests]),
    jobs=[input_audit],
    sensors=[content_request_sensor],
    resources={
        "database": DATABASE,
        "image_store": IMAGE_STORE,
        "request_queue": RequestQueueResource(),
    },
)
