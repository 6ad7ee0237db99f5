"""The Dagster code location loads and validates."""

import subprocess
import sys
from pathlib import Path

from dagster import Definitions

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
