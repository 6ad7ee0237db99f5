"""`socialpipe jobs list | show | queue | cancel` against a real database.

Invoked in-process through a root app built the way socialpipe/cli registers its
groups. The database is the module's own: the queue sensor claims every due row it
can see, and the last test lets it claim what the command line queued.
"""

import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import typer
from dagster import DagsterInstance
from sqlalchemy import text
from typer.testing import CliRunner

from assets.background_jobs.runs import JOB_ID_TAG
from assets.generation.jobs import generation_run_config
from resources.tenancy import tenant_connection
from socialpipe.cli import jobs
from tests.background_jobs_helpers import job_row, tick, two_tenants
from tests.cli_runner import run_cli

root = typer.Typer()
root.add_typer(jobs.app, name="jobs")
runner = CliRunner()

# analytics days are UTC days up to yesterday: a week that is over wherever the test runs
LAST_DAY = date.today() - timedelta(days=2)
FIRST_DAY = LAST_DAY - timedelta(days=6)


@pytest.fixture(scope="module")
def world(make_database):
    """Two tenants with a request each; the first one's generated asset."""
    world = two_tenants(make_database())
    yield world
    world.engine.dispose()


@pytest.fixture(autouse=True)
def empty_queue(world):
    with world.engine.begin() as conn:
        conn.execute(text("delete from background_jobs"))


@pytest.fixture
def cli(world, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", world.url)
    monkeypatch.setenv("COLUMNS", "240")  # rich sizes its tables to it

    def invoke(*args: str):
        return runner.invoke(root, ["jobs", *args])

    return invoke


def _queued(cli, *args: str) -> str:
    result = cli("queue", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _refused(result, reason: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Refused: "), result.stderr
    assert reason in lines[0], lines[0]
    assert "Traceback" not in result.output


def _bad_id(result, reason: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], result.stderr
    assert "Traceback" not in result.output


def _count(world) -> int:
    with world.engine.connect() as conn:
        return conn.execute(text("select count(*) from background_jobs")).scalar_one()


def _insert(world, organization_id, **columns) -> str:
    """A row as the pipeline writes it (schema owner, no row-level security)."""
    names = ", ".join(["organization_id", *columns])
    values = ", ".join(f":{name}" for name in ["organization_id", *columns])
    with world.engine.begin() as conn:
        return str(
            conn.execute(
                text(f"insert into background_jobs ({names}) values ({values}) returning id"),  # noqa: S608
                {"organization_id": organization_id, **columns},
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("args", "job_type", "expected"),
    [
        (
            ["regenerate_request", "--request", "{request}", "--request", "{request}"],
            "regenerate_request",
            {"request_ids": ["{request}"]},
        ),
        (
            ["rerender_variants", "--request", "{request}", "--asset", "{asset}", "--no-force"],
            "rerender_variants",
            {"request_ids": ["{request}"], "asset_ids": ["{asset}"], "force": False},
        ),
        (
            ["rerender_variants", "--asset", "{asset}"],
            "rerender_variants",
            {"request_ids": [], "asset_ids": ["{asset}"], "force": True},
        ),
        (  # the short ids the tables show, stored in full
            ["rerender_variants", "--request", "{request8}", "--asset", "{asset8}"],
            "rerender_variants",
            {"request_ids": ["{request}"], "asset_ids": ["{asset}"], "force": True},
        ),
        (
            ["recompute_analytics", "--start", str(FIRST_DAY), "--end", str(LAST_DAY)],
            "recompute_analytics",
            {"start": FIRST_DAY.isoformat(), "end": LAST_DAY.isoformat()},
        ),
    ],
)
def test_each_job_type_is_queued_for_the_tenant_with_its_parameters(
    cli, world, args, job_type, expected
) -> None:
    ids = {"request": world.request, "asset": world.asset}
    args = [arg.format(**ids, request8=world.request[:8], asset8=world.asset[:8]) for arg in args]
    expected = json.loads(json.dumps(expected).replace("{request}", ids["request"]))
    expected = json.loads(json.dumps(expected).replace("{asset}", ids["asset"]))

    result = cli("queue", *args, "--org", world.slug)

    assert result.exit_code == 0, result.output
    job_id = result.stdout.strip()
    assert str(uuid.UUID(job_id)) == job_id  # the id alone on stdout
    assert "background_job_queue_sensor must be on" in result.stderr
    row = job_row(world.engine, job_id)
    assert (row.job_type, row.status, row.organization_id) == (job_type, "queued", world.org)
    assert row.parameters == expected
    assert (row.priority, row.max_retries, row.retry_count) == (3, 3, 0)
    assert row.job_name.startswith(f"{job_type}: ")
    # one request: findable by the column too, as the mirrored runs are
    one_request = expected.get("request_ids") == [world.request]
    assert row.content_request_id == (uuid.UUID(world.request) if one_request else None)


def test_priority_retries_and_a_later_time_are_kept(cli, world) -> None:
    at = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
    job_id = _queued(
        cli,
        "regenerate_request",
        "--org",
        world.slug,
        "--request",
        world.request,
        "--priority",
        "5",
        "--max-retries",
        "0",
        "--at",
        at.isoformat(),
    )

    row = job_row(world.engine, job_id)
    assert (row.priority, row.max_retries, row.scheduled_for) == (5, 0, at)
    assert cli("queue", "regenerate_request", "--org", world.slug, "--priority", "6").exit_code == 2


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["make_coffee"], "unknown job_type 'make_coffee'; one of: regenerate_request"),
        (
            ["regenerate_request", "--request", "{other_request}"],
            "request(s) of another organization: {other_request}",
        ),
        (["rerender_variants", "--request", "{unknown}"], "unknown request id(s): {unknown}"),
        (["rerender_variants", "--asset", "{unknown}"], "unknown asset id(s): {unknown}"),
        (["regenerate_request", "--request", "nope"], "parameters.request_ids.0: Input should be"),
        (
            ["regenerate_request"],
            "parameters.request_ids is empty and the row has no content_request_id",
        ),
        (
            ["regenerate_request", "--request", "{request}", "--asset", "{asset}"],
            "parameters.asset_ids: Extra inputs are not permitted",
        ),
        (["rerender_variants"], "give request_ids or asset_ids"),
        (
            ["recompute_analytics", "--start", str(LAST_DAY), "--end", str(FIRST_DAY)],
            f"end {FIRST_DAY} is before start {LAST_DAY}",
        ),
        (
            ["recompute_analytics", "--start", str(FIRST_DAY), "--end", str(date.today())],
            "is after the last complete day",
        ),
        (
            ["regenerate_request", "--request", "{request}", "--at", "tomorrow"],
            "--at 'tomorrow' is not an ISO date-time",
        ),
    ],
)
def test_what_the_sensor_would_fail_is_refused_and_nothing_is_written(
    cli, world, args, reason
) -> None:
    ids = {
        "request": world.request,
        "asset": world.asset,
        "other_request": world.other_request,
        "unknown": str(uuid.uuid4()),
    }
    args = [arg.format(**ids) for arg in args]

    _refused(cli("queue", *args, "--org", world.slug), reason.format(**ids))
    assert _count(world) == 0


def test_an_unknown_organization_is_refused(cli, world) -> None:
    result = cli("queue", "regenerate_request", "--org", "nobody", "--request", world.request)
    # bad input: one line that lists the slugs there are
    _bad_id(result, "no organization has the slug 'nobody'; known: ")
    assert world.slug in result.stderr
    assert _count(world) == 0


def test_the_refusal_is_the_sensor_s_own_verdict(cli, world) -> None:
    # the same job inserted by an application: the sensor fails it with this message
    parameters = {"request_ids": [world.other_request]}
    with tenant_connection(world.engine, world.org) as conn:
        job_id = conn.execute(
            text(
                "insert into background_jobs (job_type, parameters, organization_id) "
                "values ('regenerate_request', cast(:parameters as jsonb), :org) returning id"
            ),
            {"parameters": json.dumps(parameters), "org": world.org},
        ).scalar_one()
    assert tick(DagsterInstance.ephemeral(), world.url) == []
    verdict = job_row(world.engine, job_id).error_message

    refused = cli(
        "queue", "regenerate_request", "--org", world.slug, "--request", world.other_request
    )
    _refused(refused, f"Refused: regenerate_request: {verdict}")


def _queue_recompute(cli, world) -> str:
    return _queued(
        cli,
        "recompute_analytics",
        "--org",
        world.slug,
        "--start",
        str(FIRST_DAY),
        "--end",
        str(LAST_DAY),
    )


def test_list_filters_newest_first_and_json(cli, world) -> None:
    long_error = "generated_assets: OperationalError: " + "x" * 100
    failed = _insert(
        world,
        world.org,
        job_type="content_generation",
        status="failed",
        error_message=long_error,
        started_at=datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC),
        completed_at=datetime(2026, 1, 1, 10, 0, 42, tzinfo=UTC),
    )
    running = _insert(world, world.other_org, job_type="analytics_daily", status="running")
    regenerate = _queued(cli, "regenerate_request", "--org", world.slug, "--request", world.request)
    recompute = _queue_recompute(cli, world)

    def listed(*args: str) -> list[dict]:
        result = cli("list", "--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    everything = listed()
    assert [row["id"] for row in everything] == [recompute, regenerate, running, failed]
    newest = everything[0]
    assert newest["organization_id"] == str(world.org) and newest["organization"] == world.slug
    assert newest["parameters"] == {"start": FIRST_DAY.isoformat(), "end": LAST_DAY.isoformat()}
    assert datetime.fromisoformat(newest["created_at"]).tzinfo is not None
    assert "T" in newest["scheduled_for"]
    assert everything[-1]["seconds"] == 42.0 and everything[-1]["error_message"] == long_error

    assert [row["id"] for row in listed("--status", "queued")] == [recompute, regenerate]
    assert [row["id"] for row in listed("--type", "recompute_analytics")] == [recompute]
    assert [row["id"] for row in listed("--org", world.other_slug)] == [running]
    assert [row["id"] for row in listed("--org", world.slug, "--status", "failed")] == [failed]
    assert [row["id"] for row in listed("--limit", "1")] == [recompute]
    assert listed("--type", "make_coffee") == []
    assert cli("list", "--status", "lost").exit_code == 2
    _bad_id(cli("list", "--org", "nobody"), "no organization has the slug 'nobody'; known: ")

    table = cli("list")
    assert table.exit_code == 0, table.output
    assert "4 background job(s), newest first" in table.stdout
    for job_id in (recompute, regenerate, running, failed):
        assert job_id[:8] in table.stdout and job_id not in table.stdout
    # the first 60 characters of the error (rich may wrap it at its space)
    assert "OperationalError:" in table.stdout and "x" * 23 + "…" in table.stdout
    assert "x" * 24 not in table.stdout
    assert "42.0" in table.stdout and "0/3" in table.stdout


def test_show_prints_one_row_in_full(cli, world) -> None:
    job_id = _queued(
        cli, "rerender_variants", "--org", world.slug, "--asset", world.asset, "--priority", "4"
    )

    as_json = cli("show", job_id, "--json")
    assert as_json.exit_code == 0, as_json.output
    row = json.loads(as_json.stdout)
    assert row["id"] == job_id and row["status"] == "queued" and row["priority"] == 4
    assert row["parameters"] == {"request_ids": [], "asset_ids": [world.asset], "force": True}
    assert row["result"] is None and row["organization"] == world.slug

    shown = cli("show", job_id[:8])  # the short id `jobs list` shows
    assert shown.exit_code == 0, shown.output
    assert job_id in shown.stdout and "rerender_variants" in shown.stdout
    assert f'"{world.asset}"' in shown.stdout and '"force": true' in shown.stdout

    _bad_id(cli("show", str(uuid.uuid4())), "no job matches")
    _bad_id(cli("show", "not-an-id"), "'not-an-id' is not a job id")


def test_cancel_a_queued_job(cli, world) -> None:
    job_id = _queued(cli, "regenerate_request", "--org", world.slug, "--request", world.request)

    result = cli("cancel", job_id)

    assert result.exit_code == 0, result.output
    assert f"job {job_id} cancelled" in result.stdout
    row = job_row(world.engine, job_id)
    assert row.status == "cancelled" and row.completed_at is not None
    _refused(cli("cancel", job_id), "is already cancelled; only a queued job can be cancelled")
    assert tick(DagsterInstance.ephemeral(), world.url) == []  # never claimed


def test_cancelling_a_running_job_is_refused(cli, world) -> None:
    job_id = _insert(world, world.org, job_type="regenerate_request", status="running")

    _refused(cli("cancel", job_id), "terminate the run tagged socialpipe/background_job_id=")
    assert job_row(world.engine, job_id).status == "running"


def test_what_the_command_line_queues_the_sensor_turns_into_one_run_each(cli, world) -> None:
    regenerate = _queued(cli, "regenerate_request", "--org", world.slug, "--request", world.request)
    rerender = _queued(cli, "rerender_variants", "--org", world.slug, "--asset", world.asset)
    recompute = _queue_recompute(cli, world)
    later = _queued(
        cli,
        "regenerate_request",
        "--org",
        world.slug,
        "--request",
        world.request,
        "--at",
        (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    )
    instance = DagsterInstance.ephemeral()

    requests = {request.tags[JOB_ID_TAG]: request for request in tick(instance, world.url)}

    assert set(requests) == {regenerate, rerender, recompute}
    assert requests[regenerate].run_key == f"background-job-{regenerate}-attempt-0"
    assert requests[regenerate].job_name == "content_generation"
    assert requests[regenerate].run_config == generation_run_config([world.request], force=True)
    assert requests[rerender].job_name == "content_processing"
    assert requests[recompute].job_name == "analytics_daily"
    for job_id in requests:
        assert job_row(world.engine, job_id).status == "running"
    assert job_row(world.engine, later).status == "queued"
    assert tick(instance, world.url) == []  # claimed once


def test_the_socialpipe_command_queues_lists_and_cancels(world) -> None:
    """The registered command, as a user runs it: a separate process."""
    env = {**os.environ, "DATABASE_URL": world.url, "COLUMNS": "240"}
    queued = run_cli(
        "jobs",
        "queue",
        "regenerate_request",
        "--org",
        world.slug,
        "--request",
        world.request,
        env=env,
    )
    job_id = queued.stdout.strip()
    listed = json.loads(run_cli("jobs", "list", "--json", env=env).stdout)
    assert [row["id"] for row in listed] == [job_id]
    assert run_cli("jobs", "cancel", job_id[:8], env=env).returncode == 0
    assert job_row(world.engine, job_id).status == "cancelled"
