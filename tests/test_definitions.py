"""The Dagster code location loads and validates."""

import re
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey, Definitions

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_definitions_validate_with_the_dagster_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_definitions_provide_the_database_resource(database_url: str) -> None:
    from pipeline_defs.definitions import defs
    from resources.database import DatabaseResource

    assert isinstance(defs, Definitions)
    resource = defs.resources["database"]
    assert isinstance(resource, DatabaseResource)
    # configured explicitly, the resource connects as the pipeline role
    engine = DatabaseResource(url=database_url).get_engine()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select current_user").scalar() == "socialpipe_pipeline"


def test_every_asset_has_a_stage_an_owner_and_a_description() -> None:
    from pipeline_defs.definitions import STAGE_OWNERS, defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        name = key.to_user_string()
        assert node.group_name in STAGE_OWNERS, f"{name} is in no stage group"
        assert node.owners == [STAGE_OWNERS[node.group_name]], name
        assert (node.description or "").strip(), f"{name} has no description"


def test_organizations_are_the_source_of_every_brand_kit() -> None:
    from pipeline_defs.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = {key.to_user_string() for key in graph.get(AssetKey("brand_profiles")).parent_keys}
    assert "organizations" in parents


def test_the_readme_launchpad_config_is_what_the_generation_job_accepts() -> None:
    """README's "Re-running a request from the launchpad" YAML is valid run config, and the
    same config the sensor and the CLI build."""
    import re

    import yaml
    from dagster import validate_run_config

    from assets.generation.jobs import GENERATION_JOB_NAME, generation_run_config
    from pipeline_defs.definitions import defs

    readme = (REPO_ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(ops:\n  generated_assets:.*?)```", readme, re.DOTALL)
    assert block, "the launchpad example is missing from README.md"
    request_id = "00000000-0000-0000-0000-000000000001"
    config = yaml.safe_load(block.group(1).replace("<request uuid>", request_id))

    assert config == generation_run_config([request_id], force=True)
    # raises DagsterInvalidConfigError when the YAML does not fit the job
    validate_run_config(defs.resolve_job_def(GENERATION_JOB_NAME), config)



def test_the_command_lines_content_jobs_are_the_code_locations() -> None:
    """The CLI runs content jobs from pipeline_defs.content (no analytics loaded): the
    same steps, dependencies, resources and op config as the code location's jobs."""
    from assets.generation.jobs import GENERATION_JOB_NAME, PROCESSING_JOB_NAME
    from pipeline_defs.content import content_defs
    from pipeline_defs.definitions import defs

    def upstream(dep) -> tuple[str, list[str]]:
        # A blocking dependency lists its checks in set order, which varies between
        # processes: compare the kind of dependency and the sorted nodes it waits on.
        return type(dep).__name__, sorted(re.findall(r"node='([^']+)'", str(dep)))

    def shape(job, resources):
        ops = job.run_config_schema.config_type.fields["ops"].config_type
        return {
            "steps": sorted(
                (str(node), sorted((name, upstream(dep)) for name, dep in inputs.items()))
                for node, inputs in job.dependencies.items()
            ),
            "resources": {key: type(job.resource_defs[key]).__name__ for key in resources},
            "ops": {name: str(field.config_type.key) for name, field in ops.fields.items()},
        }

    for name in (GENERATION_JOB_NAME, PROCESSING_JOB_NAME):
        content = content_defs.resolve_job_def(name)
        used = sorted(content.resource_defs)
        assert shape(content, used) == shape(defs.resolve_job_def(name), used)
        assert {"database", "image_store", "image_provider"} <= set(used)
