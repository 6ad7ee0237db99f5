"""Jobs: what a run materializes.

content_generation is the main job: for the requests in its run config it makes the
master images, scores them, renders every placement and routes the request into its
approval workflow. content_processing does the last three for whatever is waiting.
"""

from dagster import AssetSelection, define_asset_job

from assets.approvals.definitions import content_approvals
from assets.compliance.definitions import asset_compliance
from assets.generation.definitions import (
    brand_assets,
    brand_profiles,
    content_requests,
    content_templates,
    generated_assets,
)
from assets.variants.definitions import asset_variants
from pipeline_defs.executors import content_executor

GENERATION_JOB_NAME = "content_generation"
PROCESSING_JOB_NAME = "content_processing"
INPUT_AUDIT_JOB_NAME = "input_audit"
DOWNSTREAM_OF_GENERATION = (asset_compliance, asset_variants, content_approvals)

content_generation = define_asset_job(
    GENERATION_JOB_NAME,
    selection=AssetSelection.assets(generated_assets, *DOWNSTREAM_OF_GENERATION),
    description="Generate, score, render and route the content requests in the run config.",
    # multiprocess by default; `execution: {config: {celery: {}}}` spreads it over workers
    executor_def=content_executor,
)

input_audit = define_asset_job(
    INPUT_AUDIT_JOB_NAME,
    selection=AssetSelection.assets(
        brand_profiles, brand_assets, content_templates, content_requests
    ),
    description="Audit what every later stage reads: the brand kits (profiles, asset files, "
    "templates) and the content request queue by status.",
)

content_processing = define_asset_job(
    PROCESSING_JOB_NAME,
    selection=AssetSelection.assets(*DOWNSTREAM_OF_GENERATION),
    description="Score pending images, render missing variants and route scored requests.",
    executor_def=content_executor,
)


def generated_assets_config(request_ids: list[str], *, force: bool = False) -> dict:
    return {"generated_assets": {"config": {"request_ids": request_ids, "force": force}}}


def generation_run_config(request_ids: list[str], *, force: bool = False) -> dict:
    # every stage of the run works on the same requests
    downstream = {
        step.key.to_user_string(): {"config": {"request_ids": request_ids}}
        for step in DOWNSTREAM_OF_GENERATION
    }
    return {"ops": {**generated_assets_config(request_ids, force=force), **downstream}}
