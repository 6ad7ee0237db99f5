"""Jobs: what a run materializes."""

from dagster import AssetSelection, define_asset_job

from assets.compliance.definitions import asset_compliance
from assets.generation.definitions import generated_assets

GENERATION_JOB_NAME = "content_generation"

# Run config names the requests (the sensor fills it; a person can launch it from the
# launchpad for any request): generation makes their images, compliance scores them.
content_generation = define_asset_job(
    GENERATION_JOB_NAME,
    selection=AssetSelection.assets(generated_assets, asset_compliance),
    description="Generate and score the master images of the content requests in the run config.",
)


def generated_assets_config(request_ids: list[str], *, force: bool = False) -> dict:
    return {"generated_assets": {"config": {"request_ids": request_ids, "force": force}}}


def generation_run_config(request_ids: list[str], *, force: bool = False) -> dict:
    return {
        "ops": {
            **generated_assets_config(request_ids, force=force),
            "asset_compliance": {"config": {"request_ids": request_ids}},
        }
    }


COMPLIANCE_JOB_NAME = "compliance_scoring"

# Scores every image still pending (or, with request ids in its config, those requests').
compliance_scoring = define_asset_job(
    COMPLIANCE_JOB_NAME,
    selection=AssetSelection.assets(asset_compliance),
    description="Score generated images still pending against their brand kits.",
)
