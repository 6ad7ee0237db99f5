"""content_generation spread over Celery workers on the machine's RabbitMQ: two workers
started as subprocesses (as `make workers` starts them), the run on Postgres storage,
its steps executed in both worker processes, every request generated once."""

import os
import threading
import time
import uuid
from types import SimpleNamespace

import pytest
from dagster import DagsterEventType, DagsterInstance, execute_job, reconstructable
from sqlalchemy import text

from assets.generation.jobs import generation_run_config
from resources.executors import DEFAULT_BROKER_URL, code_version
from tests.celery_workers import celery_workers, new_queue_name, postgres_instance_yaml
from tests.cli_runner import run_cli
from tests.deployment_job import content_generation_job
from tests.generation_helpers import copy_request

REQUESTS = 12


def _requests(engine, count: int) -> list[str]:
    """Fresh submitted copies of demo requests: X only, one image each."""
    with engine.connect() as conn:
        sources = (
            conn.execute(
                text("select id from content_requests where status = 'submitted' order by id")
            )
            .scalars()
            .all()
        )
    assert sources
    return [
        str(
            copy_request(
                engine,
                sources[n % len(sources)],
                new_id=uuid.uuid4(),
                target_platforms=["x"],
                style_preferences={"num_images": 1},
            )
        )
        for n in range(count)
    ]


@pytest.fixture
def celery_world(demo_world, make_database, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(postgres_instance_yaml(make_database()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.update(
        DATABASE_URL=demo_world.url,
        IMAGE_STORE_URL=str(demo_world.media),
        IMAGE_PROVIDER="local",
        DAGSTER_HOME=str(home),
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL,
        SOCIALPIPE_CELERY_QUEUE=new_queue_name(),
    )
    for name, value in env.items():
        if name.startswith(("DATABASE_", "IMAGE_", "DAGSTER_HOME", "CELERY_", "SOCIALPIPE_")):
            monkeypatch.setenv(name, value)
    for name in list(os.environ):
        if name.startswith(("FREEPIK_", "IMAGE_")) and name not in env:
            monkeypatch.delenv(name)
    logs = tmp_path / "logs"
    logs.mkdir()
    with DagsterInstance.from_config(str(home)) as instance:
        yield SimpleNamespace(instance=instance, env=env, logs=logs, home=str(home))


def _step_pids(instance, run_id: str, event_type: DagsterEventType) -> dict[str, set[int]]:
    """Step key → the pids of the processes that reported `event_type` for it."""
    pids: dict[str, set[int]] = {}
    for entry in instance.all_logs(run_id, of_type=event_type):
        pids.setdefault(entry.step_key, set()).add(entry.dagster_event.pid)
    return pids


class KillMidStep(threading.Thread):
    """Holds the row of the run's last request locked, so that the step generating it
    waits inside process_request (its request lock taken, its start not yet recorded);
    once that step has started in a worker and is waiting, SIGKILLs that worker, then
    lets the row go. The broker hands the step to the other worker."""

    def __init__(self, home: str, engine, request_id: str, workers: list, timeout=120.0):
        super().__init__(daemon=True)
        self.home, self.engine, self.request_id = home, engine, request_id
        self.workers, self.timeout = {w.pid: w for w in workers}, timeout
        self.locked = threading.Event()
        self.killed_pid: int | None = None
        self.step_key: str | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.engine.connect() as conn:
                transaction = conn.begin()
                conn.execute(
                    text("select id from content_requests where id = :id for update"),
                    {"id": self.request_id},
                )
                self.locked.set()
                try:
                    self._kill_when_waiting(conn)
                finally:
                    time.sleep(0.5)  # the dead worker's sessions end first
                    transaction.rollback()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.locked.set()

    def _kill_when_waiting(self, conn) -> None:
        marker = _mapping_key_part(self.request_id)
        deadline = time.monotonic() + self.timeout
        with DagsterInstance.from_config(self.home) as instance:
            while time.monotonic() < deadline:
                runs = instance.get_runs(limit=1)
                starts = (
                    [
                        e
                        for e in instance.all_logs(
                            runs[0].run_id, of_type=DagsterEventType.STEP_START
                        )
                        if marker in (e.step_key or "")
                    ]
                    if runs
                    else []
                )
                # a session blocked by this one: the step, inside process_request (the
                # activity view is a snapshot per transaction: take a fresh one)
                conn.execute(text("select pg_stat_clear_snapshot()"))
                waiting = conn.execute(
                    text(
                        "select count(*) from pg_stat_activity "
                        "where pg_backend_pid() = any(pg_blocking_pids(pid))"
                    )
                ).scalar_one()
                if starts and waiting and starts[0].dagster_event.pid in self.workers:
                    self.step_key = starts[0].step_key
                    self.killed_pid = starts[0].dagster_event.pid
                    self.workers[self.killed_pid].kill()
                    return
                time.sleep(0.1)
        raise AssertionError("the last request's step never started and waited")


def _mapping_key_part(request_id: str) -> str:
    return request_id.replace("-", "_")


def test_generation_spreads_over_two_celery_workers_and_survives_one_killed(
    demo_world, celery_world
):
    request_ids = _requests(demo_world.engine, REQUESTS)
    instance = celery_world.instance
    with celery_workers(2, celery_world.env, celery_world.logs) as workers:
        killer = KillMidStep(celery_world.home, demo_world.engine, request_ids[-1], workers)
        killer.start()
        assert killer.locked.wait(30)
        result = execute_job(
            reconstructable(content_generation_job),
            instance=instance,
            run_config={
                **generation_run_config(request_ids),
                "execution": {"config": {"celery": {}}},
            },
            tags={"socialpipe/trigger": "test"},
        )
        killer.join(timeout=30)
    assert killer.error is None, killer.error
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    worker_pids = {w.pid for w in workers}

    # every step ran in a worker, and both workers ran steps: none ran in this process
    started = _step_pids(instance, result.run_id, DagsterEventType.STEP_START)
    assert set().union(*started.values()) == worker_pids, (started, worker_pids)
    assert sum("generate_request" in key for key in started) == REQUESTS

    # the killed worker's step started there and was finished by the other worker
    succeeded = _step_pids(instance, result.run_id, DagsterEventType.STEP_SUCCESS)
    (survivor,) = worker_pids - {killer.killed_pid}
    assert killer.killed_pid in started[killer.step_key]
    assert succeeded[killer.step_key] == {survivor}
    assert set(succeeded) == set(started)

    checks = {
        entry.dagster_event.event_specific_data.check_name: (
            entry.dagster_event.event_specific_data.passed
        )
        for entry in instance.all_logs(
            result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        )
    }
    assert "generated_assets_record_their_files" in checks and all(checks.values()), checks
    _assert_each_request_generated_once(demo_world.engine, request_ids)
    _assert_one_file_per_image(demo_world, request_ids)


def _assert_one_file_per_image(world, request_ids: list[str]) -> None:
    """No file beside the recorded ones: the killed attempt left none behind."""
    with world.engine.connect() as conn:
        recorded = {
            row.file_path
            for row in conn.execute(
                text(
                    "select file_path from generated_assets "
                    "where content_request_id = any(cast(:ids as uuid[]))"
                ),
                {"ids": request_ids},
            )
        }
    on_disk = {
        str(path.relative_to(world.media))
        for request_id in request_ids
        for path in world.media.glob(f"*/{request_id}/*")
    }
    assert on_disk == recorded


def _assert_each_request_generated_once(engine, request_ids: list[str]) -> None:
    """Past generation, one image each (X, one candidate), no second row or usage
    record for any of them: counted from the raw rows."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select r.id, r.status, "
                "(select count(*) from generated_assets g where g.content_request_id = r.id) "
                "  as images, "
                "(select count(*) from api_usage u where u.content_request_id = r.id) as calls "
                "from content_requests r where r.id = any(cast(:ids as uuid[]))"
            ),
            {"ids": request_ids},
        ).all()
    assert len(rows) == len(request_ids)
    for row in rows:
        assert row.status in ("awaiting_approval", "approved"), row
        assert row.images == 1 and row.calls == 1, row


def test_an_unreachable_broker_fails_the_run_naming_it(demo_world, celery_world):
    """Nothing listens on port 1: the run fails at once, names the broker (its password
    hidden), and is left FAILURE, not STARTED; no request is touched."""
    (request_id,) = _requests(demo_world.engine, 1)
    broker = "amqp://guest:secret@127.0.0.1:1//"
    instance = celery_world.instance
    result = execute_job(
        reconstructable(content_generation_job),
        instance=instance,
        run_config={
            **generation_run_config([request_id]),
            "execution": {"config": {"celery": {"broker": broker}}},
        },
    )
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    assert run.status.value == "FAILURE"
    failure = next(
        e
        for e in instance.all_logs(result.run_id)
        if e.dagster_event and e.dagster_event.is_failure
    )
    message = failure.dagster_event.message + str(failure.dagster_event.event_specific_data)
    assert "Celery broker amqp://guest:**@127.0.0.1:1// is unreachable" in message, message
    assert "secret" not in message
    with demo_world.engine.connect() as conn:
        status = conn.execute(
            text("select status from content_requests where id = :id"), {"id": request_id}
        ).scalar_one()
    assert status == "submitted"


def test_a_worker_of_another_commit_refuses_the_steps(demo_world, celery_world):
    """The run is tagged with its commit; a worker deployed from another one fails the
    step it is sent, saying both commits, and generates nothing."""
    (request_id,) = _requests(demo_world.engine, 1)
    env = {**celery_world.env, "SOCIALPIPE_CODE_VERSION": "0ther0ne"}
    instance = celery_world.instance
    with celery_workers(1, env, celery_world.logs):
        result = execute_job(
            reconstructable(content_generation_job),
            instance=instance,
            run_config={
                **generation_run_config([request_id]),
                "execution": {"config": {"celery": {}}},
            },
        )
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    assert run.status.value == "FAILURE"
    assert run.tags["socialpipe/code_version"] == code_version() != "0ther0ne"
    messages = " ".join(
        (e.dagster_event.message or "") + str(e.dagster_event.event_specific_data)
        for e in instance.all_logs(result.run_id)
        if e.dagster_event and e.dagster_event.is_failure
    )
    assert f"runs code 0ther0ne, run {result.run_id} was started from code" in messages
    assert "step refused" in messages
    with demo_world.engine.connect() as conn:
        status = conn.execute(
            text("select status from content_requests where id = :id"), {"id": request_id}
        ).scalar_one()
    assert status == "submitted"


def test_the_command_line_names_an_unreachable_broker_in_one_line(tmp_path):
    """Before it claims anything: one line naming the broker, exit 2, no traceback."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": "amqp://guest:secret@127.0.0.1:1//",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/never_reached",
        "DAGSTER_HOME": str(tmp_path),
    }
    done = run_cli("requests", "process", "--pending", "--executor", "celery", env=env, check=False)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: Celery broker amqp://guest:**@127.0.0.1:1// is unreachable")
    assert "secret" not in line and done.stdout == ""
