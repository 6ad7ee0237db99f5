"""The content jobs: what a run of requests materializes.

content_generation is the main job: for the requests in its run config it makes the
master images, scores them, renders every placement and routes the request into its
approval workflow. content_processing does the last three for whatever is waiting.
"""

from dagster import AssetSelection, define_asset_job

from resources.executors import content_executor

GENERATION_JOB_NAME = "content_generation"
PROCESSING_JOB_NAME = "content_processing"
# named, not imported: the jobs select the stages' assets by key, so that no stage
# imports another's definitions
GENERATED = "generated_assets"
DOWNSTREAM_OF_GENERATION = ("asset_compliance", "asset_variants", "content_approvals")

content_generation = define_asset_job(
    GENERATION_JOB_NAME,
    selection=AssetSelection.assets(GENERATED, *DOWNSTREAM_OF_GENERATION),
    description="Generate, score, render and route the content requests in the run config.",
    # multiprocess by default; `execution: {config: {celery: {}}}` spreads it over workers
    executor_def=content_executor,
)

content_processing = define_asset_job(
    PROCESSING_JOB_NAME,
    selection=AssetSelection.assets(*DOWNSTREAM_OF_GENERATION),
    description="Score pending images, render missing variants and route scored requests.",
    executor_def=content_executor,
)


def generated_assets_config(request_ids: list[str], *, force: bool = False) -> dict:
    return {GENERATED: {"config": {"request_ids": request_ids, "force": force}}}


def generation_run_config(request_ids: list[str], *, force: bool = False) -> dict:
    # every stage of the run works on the same requests
    downstream = {
        name: {"config": {"request_ids": request_ids}} for name in DOWNSTREAM_OF_GENERATION
    }
    return {"ops": {**generated_assets_config(request_ids, force=force), **downstream}}


generation_jobs = [content_generation, content_processing]
