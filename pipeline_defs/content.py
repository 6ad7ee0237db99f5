"""The content stages of the code location: brand kits, generation, compliance, variants
and approvals, with the resources their runs need.

pipeline_defs/definitions.py adds the analytics, the schedules and the sensors to make
the code location. The command line runs content_generation and content_processing
from these alone, so that starting a run does not load what only the analytics use
(pandas, Great Expectations, the SQL parser).
"""

from dagster import AssetSpec, Definitions, map_asset_specs

from assets.approvals.definitions import approval_assets, approval_jobs
from assets.compliance import definitions as compliance
from assets.generation import definitions as generation
from assets.variants import definitions as variants
from pipeline_defs.jobs import content_generation, content_processing, input_audit
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


def owned(assets: list) -> list:
    """The assets with their stage's owner (STAGE_OWNERS) where they name none."""
    return map_asset_specs(_owned, assets)


CONTENT_ASSETS = owned(
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
    ]
)
CONTENT_CHECKS = [
    generation.generated_assets_record_their_files,
    compliance.no_rejected_assets_pass_through,
    *variants.VARIANT_CHECKS,
]
CONTENT_JOBS = [input_audit, content_generation, content_processing, *approval_jobs]
# every resource reads its environment at run time (README "Configuration"):
# DATABASE_URL, IMAGE_STORE_URL, IMAGE_PROVIDER, FREEPIK_*
CONTENT_RESOURCES = {
    "database": DatabaseResource(),
    "image_store": ImageStoreResource(),
    "image_provider": ImageProviderResource(),
}

content_defs = Definitions(
    assets=CONTENT_ASSETS,
    asset_checks=CONTENT_CHECKS,
    jobs=CONTENT_JOBS,
    resources=CONTENT_RESOURCES,
)


def content_generation_job():
    """content_generation as a target other processes can load (`dagster.reconstructable`:
    a module-level function), for the executors that run steps elsewhere."""
    return content_defs.resolve_job_def(content_generation.name)


def content_processing_job():
    return content_defs.resolve_job_def(content_processing.name)
