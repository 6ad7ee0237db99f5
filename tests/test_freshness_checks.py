"""Freshness of the analytics, as the UI shows it: every analytics asset has a freshness
check, the freshness sensor evaluates them, and a day that does not arrive by its
deadline turns the check red.

The instance is a throw-away DAGSTER_HOME. The materializations are recorded the way an
outside system reports them (`report_runless_asset_event`), the sensor is evaluated and
its run executed in a child process, and the clock is moved by running that child under
libfaketime two days later: no partition arrives in between, so every check fails.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assets.analytics.definitions import ANALYTICS
from tests.debian_tools import ensure_command
from tests.webserver import DAGSTER_YAML, REPO_ROOT, running_webserver

# every materialized analytics asset (test_dagster_ui lists them by name)
ANALYTICS_ASSETS = {key.to_user_string() for key in ANALYTICS.materializable_keys}

# What the daemon does on a tick of the freshness sensor: evaluate it, then run the
# checks it asks for. Prints the check results as JSON.
EVALUATE_SENSOR = """
import json
import os
from dagster import DagsterInstance, RunRequest, build_sensor_context
from pipeline_defs.definitions import defs
from assets.analytics.freshness import SENSOR_NAME

instance = DagsterInstance.get()
sensor = defs.resolve_sensor_def(SENSOR_NAME)
request = sensor(build_sensor_context(instance=instance, definitions=defs))
assert isinstance(request, RunRequest), request
job = defs.resolve_implicit_global_asset_job_def().get_subset(
    asset_selection=set(), asset_check_selection=set(request.asset_check_keys)
)
result = job.execute_in_process(instance=instance, raise_on_error=False)
print(json.dumps({e.asset_key.to_user_string(): e.passed
                  for e in result.get_asset_check_evaluations()}))
"""

RECORD_MATERIALIZATIONS = """
import sys
from datetime import date, timedelta
from dagster import AssetMaterialization, DagsterInstance
from pipeline_defs.definitions import defs

instance = DagsterInstance.get()
today = date.fromisoformat(sys.argv[1])
graph = defs.resolve_asset_graph()
for name in sys.argv[2:]:
    if graph.get(__import__("dagster").AssetKey(name)).partitions_def is None:
        instance.report_runless_asset_event(AssetMaterialization(name))
        continue
    # the last two days: fresh at any hour of today, before or after the deadline
    for back in (1, 2):
        day = (today - timedelta(days=back)).isoformat()
        instance.report_runless_asset_event(AssetMaterialization(name, partition=day))
"""

CHECK_EXECUTIONS = """
query Executions($assetKey: AssetKeyInput!) {
  assetNodes(assetKeys: [$assetKey]) {
    assetChecksOrError { ... on AssetChecks { checks { name description blocking } } }
  }
  assetCheckExecutions(assetKey: $assetKey, checkName: "freshness_check", limit: 5) {
    status
    evaluation { severity success description }
  }
}
"""

SENSORS = """
{
  workspaceOrError { ... on Workspace { locationEntries { locationOrLoadError {
    ... on RepositoryLocation { repositories { sensors {
      name defaultStatus sensorState { status } assetSelection { assetChecks { name } }
    } } }
  } } } }
}
"""


def _python(code: str, env: dict, *args: str, at: datetime | None = None) -> str:
    command = [sys.executable, "-c", code, *args]
    if at is not None:
        # libfaketime: this process's clock starts at `at` and runs on from there
        faketime = ensure_command("faketime")
        command = [faketime, "-f", "@" + at.strftime("%Y-%m-%d %H:%M:%S"), *command]
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_a_late_day_fails_the_freshness_checks_in_the_ui(tmp_path: Path, database_url) -> None:

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    env = {**os.environ, "DAGSTER_HOME": str(home), "DATABASE_URL": database_url, "TZ": "UTC"}
    now = datetime.now(UTC)
    _python(RECORD_MATERIALIZATIONS, env, now.date().isoformat(), *sorted(ANALYTICS_ASSETS))

    fresh = json.loads(_python(EVALUATE_SENSOR, env))
    assert fresh == dict.fromkeys(ANALYTICS_ASSETS, True)
    # two days on and nothing new: whatever the hour, a deadline has passed since
    late = json.loads(_python(EVALUATE_SENSOR, env, at=now + timedelta(days=2)))
    assert late == dict.fromkeys(ANALYTICS_ASSETS, False)

    with running_webserver({"DATABASE_URL": database_url}, home=home) as server:
        for name in sorted(ANALYTICS_ASSETS):
            shown = server.graphql(CHECK_EXECUTIONS, {"assetKey": {"path": [name]}})
            (node,) = shown["assetNodes"]
            checks = {c["name"]: c for c in node["assetChecksOrError"]["checks"]}
            assert checks["freshness_check"]["description"], name
            assert checks["freshness_check"]["blocking"] is False, name
            latest, earlier = shown["assetCheckExecutions"][:2]
            assert (latest["status"], latest["evaluation"]["success"]) == ("FAILED", False)
            assert latest["evaluation"]["severity"] == "WARN", name
            assert (earlier["status"], earlier["evaluation"]["success"]) == ("SUCCEEDED", True)
        sensors = {
            s["name"]: s
            for entry in server.graphql(SENSORS)["workspaceOrError"]["locationEntries"]
            for repo in entry["locationOrLoadError"]["repositories"]
            for s in repo["sensors"]
        }
    freshness = sensors["analytics_freshness_sensor"]
    assert freshness["defaultStatus"] == freshness["sensorState"]["status"] == "RUNNING"
    targeted = {c["name"] for c in freshness["assetSelection"]["assetChecks"]}
    assert targeted == {"freshness_check"}
