"""The alert sensors against a real local HTTP receiver and a real Dagster instance.

A run fails on purpose (an asset raises; another run fails a blocking check), the
sensors are ticked as the daemon ticks them (`evaluate_tick`, cursor carried from one
tick to the next), and the receiver counts what arrives: exactly one alert per failure,
with run, job, asset, the first error line and a link, and no secret or run config.
A receiver that answers 503 is tried again, then given up on, and the next alert goes.
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.fernet import Fernet
from dagster import (
    AssetCheckResult,
    Config,
    DagsterInstance,
    Definitions,
    asset,
    asset_check,
    build_sensor_context,
    define_asset_job,
)
from sqlalchemy import Engine, text

from assets.alerts.definitions import blocking_check_alert, run_failure_alert
from resources.alerts import AlertsResource
from resources.database import DatabaseResource
from resources.settings.store import set_setting

SECRET_IN_CONFIG = "config-token-8c1f5e"
DB_PASSWORD = "hunter2-db-password"


class Receiver:
    """A webhook receiver on a free local port: records each POST's JSON body."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/t0ken-abc123"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ExplodeConfig(Config):
    api_token: str = SECRET_IN_CONFIG


@asset
def exploding_asset(config: ExplodeConfig) -> None:
    raise RuntimeError(
        f"could not reach postgresql://pipeline:{DB_PASSWORD}@db.internal/socialpipe\n"
        f"second line with {config.api_token}"
    )


@asset
def checked_asset() -> int:
    return 1


@asset_check(asset=checked_asset, blocking=True, description="always fails, on purpose")
def never_passes() -> AssetCheckResult:
    return AssetCheckResult(passed=False, description="3 rows have no organization")


@asset(deps=[checked_asset])
def after_check() -> None:
    pass


TEST_DEFS = Definitions(
    assets=[exploding_asset, checked_asset, after_check],
    asset_checks=[never_passes],
    jobs=[
        define_asset_job("exploding_job", selection=[exploding_asset]),
        define_asset_job("checked_job", selection=[checked_asset, after_check]),
    ],
)


@pytest.fixture
def receiver(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("TEST_DB_PASSWORD", DB_PASSWORD)
    receiver = Receiver()
    with engine.begin() as conn:
        set_setting(conn, "alerts", "webhook_url", receiver.url)
    yield receiver
    receiver.close()
    with engine.begin() as conn:
        conn.execute(text("delete from system_settings where category = 'alerts'"))


class Daemon:
    """Ticks the two alert sensors as the daemon does, each with its own cursor."""

    def __init__(self, database_url: str, **alert_settings) -> None:
        self.instance = DagsterInstance.ephemeral()
        self.resources = {
            "database": DatabaseResource(url=database_url),
            "alerts": AlertsResource(ui_url="http://ui.example", **alert_settings),
        }
        self.cursors: dict[str, str | None] = {}

    def tick(self) -> None:
        for sensor in (run_failure_alert, blocking_check_alert):
            context = build_sensor_context(
                instance=self.instance,
                cursor=self.cursors.get(sensor.name),
                resources=self.resources,
                definitions=TEST_DEFS,
            )
            data = sensor.evaluate_tick(context)
            self.cursors[sensor.name] = data.cursor

    def fail(self, job_name: str) -> str:
        result = TEST_DEFS.resolve_job_def(job_name).execute_in_process(
            instance=self.instance, raise_on_error=False
        )
        assert not result.success
        return result.run_id


def _delivery(engine: Engine, subject_prefix: str) -> tuple[str, int, str | None]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select status, attempts, error from alert_deliveries where subject like :p"
            ),
            {"p": subject_prefix + "%"},
        ).one()


def test_a_failed_run_sends_exactly_one_alert(receiver: Receiver, database_url, engine) -> None:
    daemon = Daemon(database_url)
    daemon.tick()  # the sensors start from now
    run_id = daemon.fail("exploding_job")
    daemon.tick()
    daemon.tick()  # a later tick finds nothing new
    daemon.cursors.clear()
    daemon.tick()  # nor does one that lost its cursor: the delivery is recorded

    (body,) = receiver.bodies
    assert body["run_id"] == run_id and body["job"] == "exploding_job"
    assert body["assets"] == ["exploding_asset"]
    assert body["error"].startswith("RuntimeError: could not reach postgresql://pipeline:***@")
    assert body["link"] == f"http://ui.example/runs/{run_id}"
    assert run_id in body["text"] and body["error"] in body["text"]
    sent = json.dumps(body)
    for secret in (DB_PASSWORD, SECRET_IN_CONFIG, "t0ken-abc123", "second line"):
        assert secret not in sent
    assert _delivery(engine, run_id) == ("sent", 1, None)


def test_a_failed_blocking_check_is_announced_once(receiver: Receiver, database_url) -> None:
    daemon = Daemon(database_url)
    daemon.tick()
    run_id = daemon.fail("checked_job")
    daemon.tick()
    daemon.tick()

    # the run failed because of the check: one alert, the check's
    (body,) = receiver.bodies
    assert body["title"] == "Blocking check never_passes failed"
    assert (body["run_id"], body["job"]) == (run_id, "checked_job")
    assert body["assets"] == ["checked_asset"]
    assert body["error"] == "3 rows have no organization"


def test_a_failing_receiver_is_retried_then_given_up(receiver: Receiver, database_url, engine):
    receiver.status = 503
    daemon = Daemon(database_url, retries=2, retry_wait_seconds=0.01)
    daemon.tick()
    first = daemon.fail("exploding_job")
    daemon.tick()  # raises nothing: the sensor records the failure and goes on

    assert len(receiver.bodies) == 3  # the first try and two retries
    assert _delivery(engine, first) == ("failed", 3, "HTTP 503")
    receiver.status = 200
    second = daemon.fail("exploding_job")
    daemon.tick()
    assert len(receiver.bodies) == 4 and receiver.bodies[-1]["run_id"] == second
    assert _delivery(engine, first)[0] == "failed"  # given up on: never sent again


def test_the_hourly_cap(receiver: Receiver, database_url, engine) -> None:
    with engine.connect() as conn:
        tried = conn.execute(
            text(
                "select count(*) from alert_deliveries where status in ('sent', 'failed') "
                "and created_at > now() - interval '1 hour'"
            )
        ).scalar()
    daemon = Daemon(database_url, max_per_hour=tried + 1)
    daemon.tick()
    first = daemon.fail("exploding_job")
    second = daemon.fail("exploding_job")
    daemon.tick()
    assert [b["run_id"] for b in receiver.bodies] == [first]
    assert _delivery(engine, second)[0] == "capped"
