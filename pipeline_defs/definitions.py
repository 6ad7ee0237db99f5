"""The Dagster code location: everything the UI and daemon load (workspace.yaml)."""

from dagster import AssetSpec, Definitions, map_asset_specs

from assets.analytics import definitions as analytics
from assets.approvals.definitions import approval_assets, approval_jobs, approval_schedules
from assets.compliance import definitions as compliance
from assets.generation import definitions as generation
from assets.variants import definitions as variants
from pipeline_defs.background_jobs import background_job_resources, background_job_sensors
from pipeline_defs.jobs import content_generation, content_processing, input_audit
from pipeline_defs.sensors import RequestQueueResource, content_request_sensor
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource

# Who answers for a stage's assets (shown in the UI and in `dg list defs`): one team
# per stage, by group name, so a new asset in a group gets its owner for free.
STAGE_OWNERS = {
    "brand_kits": "team:brand-governance",
    "generation": "team:content-platform",
    "compliance": "team:brand-governance",
    "variants": "team:content-platform",
    "approvals": "team:marketing-ops",
    "analytics": "team:data-analytics",
}


def _owned(spec: AssetSpec) -> AssetSpec:
    owner = STAGE_OWNERS.get(spec.group_name or "")
    return spec.replace_attributes(owners=[owner]) if owner and not spec.owners else spec


# Every asset, check and job of the code location (tests build their own Definitions
# from these with resources pointed at a test database).
ASSETS = map_asset_specs(
    _owned,
    [
        generation.organizations,
        generation.brand_profiles,
        generation.brand_assets,
        generation.content_templates,
        generation.content_requests,
        generation.generated_assets,
        compliance.asset_compliance,
        variants.asset_variants,
        *approval_assets,
        *analytics.analytics_assets,
    ],
)
ASSET_CHECKS = [
    generation.generated_assets_record_their_files,
    compliance.no_rejected_assets_pass_through,
    *variants.VARIANT_CHECKS,
    *analytics.analytics_checks,
]
JOBS = [
    input_audit,
    content_generation,
    content_processing,
    *approval_jobs,
    *analytics.analytics_jobs,
]

defs = Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=JOBS,
    schedules=[*approval_schedules, *analytics.analytics_schedules],
    sensors=[content_request_sensor, *background_job_sensors],
    resources={
        # every resource reads its environment at run time (README "Configuration"):
        # DATABASE_URL, IMAGE_STORE_URL, IMAGE_PROVIDER, FREEPIK_*
        "database": DatabaseResource(),
        "image_store": ImageStoreResource(),
        "image_provider": ImageProviderResource(),
        "request_queue": RequestQueueResource(),
        **analytics.analytics_resources,
        **background_job_resources,
    },
)
