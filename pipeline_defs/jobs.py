"""Jobs: what a run materializes."""

from dagster import AssetSelection, define_asset_job

from assets.generation.definitions import generated_assets

GENERATION_JOB_NAME = "content_generation"

# Run config names the requests: {"ops": {"generated_assets": {"config": {"request_ids": [...]}}}}
# — the sensor fills it, and a person can launch it from the launchpad for any request.
content_generation = define_asset_job(
    GENERATION_JOB_NAME,
    selection=AssetSelection.assets(generated_assets),
    description="Generate the master images of the content requests named in the run config.",
)


def generation_run_config(request_ids: list[str], *, force: bool = False) -> dict:
    return {"ops": {"generated_assets": {"config": {"request_ids": request_ids, "force": force}}}}
