"""The shipped Dagster instance config (deploy/): Dagster's own schema accepts it, and the
main job runs under it with the multiprocess executor on dagster-postgres storage.

The run test uses the production file as it is, its DAGSTER_PG_* variables pointed at a
fresh database on the test server, and the code location's job exactly as the daemon
would load it (its resources read DATABASE_URL / IMAGE_STORE_URL / IMAGE_PROVIDER).
"""

import logging
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance, execute_job, reconstructable
from dagster._config import process_config
from dagster._core.events import DagsterEvent
from dagster._core.instance.config import (
    PoolGranularity,
    dagster_instance_config,
    dagster_instance_config_schema,
)
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.storage.dagster_run import DagsterRunStatus
from dagster._core.test_utils import create_run_for_test
from dagster._daemon.monitoring.concurrency import execute_concurrency_slots_iteration
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
from dagster_postgres.utils import pg_url_from_config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assets.generation.jobs import GENERATION_JOB_NAME, generation_run_config
from tests.deployment_job import content_generation_job
from tests.generation_helpers import copy_request

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
PRODUCTION_YAML = DEPLOY / "dagster.yaml"
LOCAL_YAML = DEPLOY / "dagster.local.yaml"
PG_VARIABLES = (
    "DAGSTER_PG_USERNAME",
    "DAGSTER_PG_PASSWORD",
    "DAGSTER_PG_HOST",
    "DAGSTER_PG_DB",
    "DAGSTER_PG_PORT",
)
POOL = "freepik"


def _production_home(tmp_path: Path, storage_url: str, monkeypatch) -> Path:
    """A DAGSTER_HOME holding deploy/dagster.yaml, its DAGSTER_PG_* aimed at `storage_url`."""
    url = make_url(storage_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    if url.host is None:
        # the embedded server (no TEST_DATABASE_URL) listens on a Unix socket only, which
        # the host/port variables cannot name: pass its folder as libpq's `host` parameter
        config = yaml.safe_load(PRODUCTION_YAML.read_text())
        config["storage"]["postgres"]["postgres_db"]["params"] = {"host": url.query["host"]}
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_USERNAME", url.username or "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", url.password or "")
    monkeypatch.setenv("DAGSTER_PG_HOST", url.host or "")
    monkeypatch.setenv("DAGSTER_PG_DB", url.database)
    monkeypatch.setenv("DAGSTER_PG_PORT", str(url.port or 5432))
    return home


# ---------------------------------------------------------------- the files themselves


def test_production_config_passes_dagsters_own_validation(tmp_path, monkeypatch):
    home = _production_home(
        tmp_path, "postgresql://dagster:s3cret@db.internal:6543/dagster", monkeypatch
    )
    # what Dagster runs on loading $DAGSTER_HOME/dagster.yaml: the schema and the
    # cross-key rules (e.g. no run limits both in run_coordinator and in concurrency) ...
    raw, custom_class = dagster_instance_config(str(home))
    assert custom_class is None
    # ... then, as the instance builds its parts, the {env: ...} values resolved
    resolved = process_config(dagster_instance_config_schema(), raw)
    assert resolved.success, resolved.errors
    config = resolved.value
    storage = config["storage"]["postgres"]
    # the driver named, as docs/STACK.md ("Pins") requires, and every part from the environment
    assert pg_url_from_config(storage) == (
        "postgresql+psycopg2://dagster:s3cret@db.internal:6543/dagster"
    )
    assert config["concurrency"]["pools"] == {"granularity": "op", "default_limit": 2}
    limits = config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert {"key": "socialpipe/trigger", "value": "sensor", "limit": 4} in limits
    assert {"key": "dagster/backfill", "limit": 1} in limits
    monitoring = config["run_monitoring"]
    assert monitoring["enabled"] and monitoring["free_slots_after_run_end_seconds"] > 0
    # DefaultRunLauncher cannot resume runs: Dagster refuses to start with attempts > 0
    assert monitoring["max_resume_run_attempts"] == 0
    assert config["telemetry"] == {"enabled": False}
    # nothing Dagster 1.13 calls deprecated or legacy
    assert "run_queue" not in config and "default_op_concurrency_limit" not in config["concurrency"]
    assert not {"run_storage", "event_log_storage", "schedule_storage"} & set(config)


@pytest.mark.parametrize("variable", PG_VARIABLES)
def test_production_config_names_each_variable_it_misses(variable, tmp_path, monkeypatch):
    home = _production_home(tmp_path, "postgresql://u:p@h:5432/d", monkeypatch)
    raw, _ = dagster_instance_config(str(home))
    monkeypatch.delenv(variable)
    resolved = process_config(dagster_instance_config_schema(), raw)
    assert not resolved.success
    assert f'environment variable "{variable}"' in resolved.errors[0].message


def test_local_config_is_the_production_one_on_sqlite(tmp_path):
    production = yaml.safe_load(PRODUCTION_YAML.read_text())
    local = yaml.safe_load(LOCAL_YAML.read_text())
    # same queue, pools, monitoring and retention; only the storage differs
    assert "storage" not in local
    del production["storage"]
    assert local == production

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(LOCAL_YAML, home / "dagster.yaml")
    with DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert instance.event_log_storage.supports_global_concurrency_limits
        assert instance.global_op_concurrency_default_limit == 2
        assert instance.run_monitoring_enabled


# ---------------------------------------------------------------- a run under it


def _fixed_requests(engine, count: int) -> list[str]:
    """Fresh submitted copies of demo requests: X only, one image, fixed ids (same images)."""
    with engine.connect() as conn:
        sources = (
            conn.execute(
                text(
                    "select id from content_requests where status = 'submitted' "
                    "order by id limit :count"
                ),
                {"count": count},
            )
            .scalars()
            .all()
        )
    assert len(sources) == count
    ids = []
    for n, source in enumerate(sources):
        new_id = uuid.uuid5(uuid.NAMESPACE_URL, f"socialpipe-tests/deployment/{n}")
        copy_request(
            engine,
            source,
            new_id=new_id,
            target_platforms=["x"],
            style_preferences={"num_images": 1},
        )
        ids.append(str(new_id))
    return ids


def _dead_run_holding_every_slot(instance: DagsterInstance, pool: str) -> str:
    """A run whose worker died an hour ago with the pool's every slot still claimed."""
    assert instance.event_log_storage.initialize_concurrency_limit_to_default(pool)
    limit = instance.event_log_storage.get_concurrency_info(pool).slot_count
    run = create_run_for_test(
        instance, job_name=GENERATION_JOB_NAME, status=DagsterRunStatus.STARTED
    )
    for n in range(limit):
        claim = instance.event_log_storage.claim_concurrency_slot(pool, run.run_id, f"step_{n}")
        assert claim.is_claimed
    # what run monitoring records when it gives up on a run (start or runtime timeout)
    instance.report_dagster_event(
        DagsterEvent(
            event_type_value=DagsterEventType.RUN_FAILURE.value,
            job_name=run.job_name,
            message="run worker lost",
        ),
        run_id=run.run_id,
        timestamp=time.time() - 3600,
    )
    return run.run_id


class MonitoringDaemonStandIn(threading.Thread):
    """Waits until a step is queued for a pool slot, then runs the monitoring daemon's
    slot-freeing pass (dagster-daemon runs it every poll_interval_seconds)."""

    def __init__(self, instance: DagsterInstance, pool: str, dead_run_id: str, timeout=60.0):
        super().__init__(daemon=True)
        self.ref, self.pool, self.timeout = instance.get_ref(), pool, timeout
        self.dead_run_id = dead_run_id
        self.blocked_run_ids: set[str] = set()
        self.holders_before: set[str] = set()
        self.holders_after: set[str] = set()

    def run(self) -> None:
        with DagsterInstance.from_ref(self.ref) as instance:
            storage = instance.event_log_storage
            try:
                deadline = time.monotonic() + self.timeout
                while time.monotonic() < deadline and not self.blocked_run_ids:
                    self.blocked_run_ids = storage.get_concurrency_info(self.pool).pending_run_ids
                    time.sleep(0.1)
                self.holders_before = storage.get_concurrency_info(self.pool).active_run_ids
                # the daemon's own code; it reads only `.instance` from its workspace context
                workspace = SimpleNamespace(instance=instance)
                list(execute_concurrency_slots_iteration(workspace, logging.getLogger(__name__)))
                self.holders_after = storage.get_concurrency_info(self.pool).active_run_ids
            finally:
                # whatever happened above, never leave the run under test blocked for good
                storage.free_concurrency_slots_for_run(self.dead_run_id)


@pytest.fixture
def production_instance(demo_world, make_database, tmp_path, monkeypatch):
    storage_url = make_database()
    _production_home(tmp_path, storage_url, monkeypatch)
    # what the code location's resources read in each step's process
    for name in list(os.environ):
        if name.startswith(("FREEPIK_", "IMAGE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", demo_world.url)
    monkeypatch.setenv("IMAGE_STORE_URL", str(demo_world.media))
    monkeypatch.setenv("IMAGE_PROVIDER", "local")
    with DagsterInstance.get() as instance:
        yield SimpleNamespace(instance=instance, storage_url=storage_url)


def test_generation_runs_multiprocess_on_postgres_storage_within_the_pool(
    demo_world, production_instance
):
    instance = production_instance.instance
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    concurrency = instance.get_concurrency_config()
    assert concurrency.pool_config.pool_granularity == PoolGranularity.OP
    assert concurrency.run_queue_config.max_concurrent_runs == 6

    request_ids = _fixed_requests(demo_world.engine, 2)
    dead_run_id = _dead_run_holding_every_slot(instance, POOL)
    daemon = MonitoringDaemonStandIn(instance, POOL, dead_run_id)
    daemon.start()
    result = execute_job(
        reconstructable(content_generation_job),
        instance=instance,
        run_config={
            **generation_run_config(request_ids),
            "execution": {"config": {"multiprocess": {"max_concurrent": 2}}},
        },
        tags={"socialpipe/trigger": "test"},
    )
    daemon.join(timeout=5)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    run_id = result.run_id

    # the pool held the image step back until the dead run's slots were given back
    assert daemon.blocked_run_ids == {run_id}
    assert daemon.holders_before == {dead_run_id}
    assert daemon.holders_after <= {run_id}  # the freed slot may already be the run's
    logs = instance.all_logs(run_id)
    assert any(
        (entry.step_key or "").startswith("generated_assets.generate_request[")
        and f"blocked by limit for pool {POOL}" in (entry.dagster_event.message or "")
        for entry in logs
        if entry.dagster_event
    )
    pool = instance.event_log_storage.get_concurrency_info(POOL)
    assert pool.slot_count == 2 and pool.claimed_slots == [] and pool.pending_steps == []

    # one process per step, none of them this one
    pids = {
        entry.step_key: entry.dagster_event.engine_event_data.metadata["pid"].value
        for entry in logs
        if entry.dagster_event
        and entry.dagster_event.event_type == DagsterEventType.STEP_WORKER_STARTED
    }
    step_keys = {
        entry.step_key
        for entry in logs
        if entry.dagster_event and entry.dagster_event.event_type == DagsterEventType.STEP_SUCCESS
    }
    # generation runs one step per request (and one to list them, one to sum them up)
    assert {
        "generated_assets.requests_to_generate",
        "generated_assets.generation_summary",
        "asset_compliance",
        "asset_variants",
    } <= step_keys
    assert sum(key.startswith("generated_assets.generate_request[") for key in step_keys) == 2
    assert set(pids) == step_keys
    assert len(set(pids.values())) == len(pids) and str(os.getpid()) not in pids.values()
    assert any(
        "multiprocess executor: parent process" in (entry.dagster_event.message or "")
        for entry in logs
        if entry.dagster_event
    )

    # the run and its event log are in the Dagster database on the server
    engine = create_engine(production_instance.storage_url)
    try:
        with engine.connect() as conn:
            status = conn.execute(
                text("select status from runs where run_id = :id"), {"id": run_id}
            ).scalar_one()
            stored_events = conn.execute(
                text("select count(*) from event_logs where run_id = :id"), {"id": run_id}
            ).scalar_one()
    finally:
        engine.dispose()
    assert status == "SUCCESS" and stored_events == len(logs)

    # and the application database got the images and their variants
    with demo_world.engine.connect() as conn:
        rows = conn.execute(
            text(
                "select r.id, r.status, count(distinct g.id) images, count(v.id) variants "
                "from content_requests r "
                "join generated_assets g on g.content_request_id = r.id "
                "left join asset_variants v on v.parent_asset_id = g.id "
                "where r.id = any(cast(:ids as uuid[])) group by r.id, r.status"
            ),
            {"ids": request_ids},
        ).all()
    assert len(rows) == 2, rows
    for row in rows:
        assert row.status in ("awaiting_approval", "approved"), row
        assert row.images == 1 and row.variants >= 1, row
