"""The Dagster code location loads and validates."""

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
