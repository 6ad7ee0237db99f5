"""`socialpipe jobs …`: list, show, queue and cancel background_jobs rows.

`queue` writes the row an application would: status queued, inserted in the tenant's
session (row-level security as socialpipe_app). It is checked first with the queue
sensor's own rules (`check_job`), so what the sensor would fail at once is refused
here instead, and nothing is written. The row waits for `background_job_queue_sensor`,
which is off by default. A refusal prints one line, exits 1 and changes nothing.
"""

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import typer
from rich.markup import escape
from rich.table import Table

from socialpipe.cli.ids import check_slugs, expand_short_ids, resolve_id, short_id
from socialpipe.cli.output import errors, refuse, stdout_console

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

app = typer.Typer(help="Background jobs: list, show, queue and cancel them.", no_args_is_help=True)
console = stdout_console()
MAX_ERROR_SHOWN = 60
QUEUE_SENSOR = "background_job_queue_sensor"
# the table's defaults (sql/schema/0002_tables.sql), shown in --help
DEFAULT_PRIORITY = 3
DEFAULT_MAX_RETRIES = 3


class Status(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


def _engine() -> "Engine":
    from resources.database import DatabaseResource

    return DatabaseResource().get_engine()


def _organization_id(conn: "Connection", slug: str) -> UUID:
    from resources.sql_files import sql

    row = conn.execute(sql("background_jobs/organization_by_slug"), {"slug": slug}).first()
    if row is None:
        check_slugs(conn, [slug])
    return row.id


def _job_id(conn: "Connection", given: str) -> UUID:
    """The job a full id or the start of one names (`jobs list` shows the first 8)."""
    return resolve_id(conn, given, "background_jobs/job_ids_in_range", "job")


def _rows(conn: "Connection", **filters: Any) -> list[dict[str, Any]]:
    from resources.sql_files import sql

    params = {"id": None, "status": None, "job_type": None, "organization_id": None, "limit": 1}
    result = conn.execute(sql("background_jobs/list_jobs"), {**params, **filters})
    return [dict(row) for row in result.mappings()]


def _json_value(value: object) -> object:
    # ids as strings, times as ISO 8601: what a script reading --json expects
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json(value: object) -> str:
    return json.dumps(value, default=_json_value, indent=2, ensure_ascii=False)


def _time(value: datetime | None) -> str:
    # UTC whatever the session's time zone, so that every table reads the same
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _seconds(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else ""


def _short(text: str | None, limit: int = MAX_ERROR_SHOWN) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command("list")
def list_command(
    status: Status | None = typer.Option(None, "--status", help="Only rows in this status."),
    job_type: str | None = typer.Option(
        None, "--type", metavar="TYPE", help="Only this job_type (e.g. regenerate_request)."
    ),
    org: str | None = typer.Option(None, "--org", metavar="SLUG", help="Only this organization's."),
    limit: int = typer.Option(20, min=1, help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print the full rows as JSON."),
) -> None:
    """List background jobs, newest first."""
    with _engine().connect() as conn:
        organization_id = _organization_id(conn, org) if org else None
        rows = _rows(
            conn,
            status=status.value if status else None,
            job_type=job_type,
            organization_id=organization_id,
            limit=limit,
        )
    if as_json:
        typer.echo(_json(rows))
        return
    table = Table(title=f"{len(rows)} background job(s), newest first (times UTC)")
    headings = ("id", "job_type", "job_name", "status", "retries", "scheduled_for")
    for column in (*headings, "started", "completed", "seconds", "error"):
        # an id or a status cut in two could not be copied
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "status"))
    for row in rows:
        table.add_row(
            short_id(row["id"]),
            row["job_type"],
            row["job_name"] or "",
            row["status"],
            f"{row['retry_count']}/{row['max_retries']}",
            # only a queued row is waiting for its time; for the others it is history
            _time(row["scheduled_for"]) if row["status"] == Status.queued else "",
            _time(row["started_at"]),
            _time(row["completed_at"]),
            _seconds(row["seconds"]),
            _short(row["error_message"]),
        )
    console.print(table)


@app.command("show")
def show_command(
    job_id: str = typer.Argument(..., metavar="ID", help="A job id, or its first characters."),
    as_json: bool = typer.Option(False, "--json", help="Print the row as JSON."),
) -> None:
    """Print one background job in full, parameters and result included."""
    with _engine().connect() as conn:
        (row,) = _rows(conn, id=_job_id(conn, job_id))
    if as_json:
        typer.echo(_json(row))
        return
    table = Table(show_header=False, box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in row.items():
        if isinstance(value, dict | list):
            shown = _json(value)
        elif isinstance(value, datetime):
            shown = value.isoformat()
        else:
            shown = "" if value is None else str(value)
        table.add_row(name, escape(shown))
    console.print(table)


@app.command("queue")
def queue_command(
    job_type: str = typer.Argument(
        ..., metavar="TYPE", help="regenerate_request, rerender_variants or recompute_analytics."
    ),
    org: str = typer.Option(..., "--org", metavar="SLUG", help="The organization it is for."),
    requests: list[str] | None = typer.Option(
        None,
        "--request",
        metavar="ID",
        help="A content request (its id or first characters); repeat for several.",
    ),
    assets: list[str] | None = typer.Option(
        None,
        "--asset",
        metavar="ID",
        help="A generated asset (id or first characters; rerender_variants); repeat.",
    ),
    start: str | None = typer.Option(
        None, "--start", metavar="DATE", help="First day, YYYY-MM-DD (recompute_analytics)."
    ),
    end: str | None = typer.Option(
        None, "--end", metavar="DATE", help="Last day, inclusive (recompute_analytics)."
    ),
    force: bool | None = typer.Option(
        None,
        "--force/--no-force",
        help="rerender_variants: render even up-to-date variants (the default).",
    ),
    priority: int = typer.Option(DEFAULT_PRIORITY, min=1, max=5, help="1 lowest .. 5 most urgent."),
    max_retries: int = typer.Option(
        DEFAULT_MAX_RETRIES, "--max-retries", min=0, help="Failed runs retried with backoff."
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="DATETIME",
        help="Not before this ISO date-time (default now; no offset: local time).",
    ),
) -> None:
    """Queue a job for an organization, checked as the queue sensor checks it.

    TYPE is regenerate_request (--request …), rerender_variants (--request and/or
    --asset, --force/--no-force) or recompute_analytics (--start, --end). Prints the
    new job's id.
    """
    # imported here: it loads the asset graph, which the other commands do not need
    from socialpipe.cli import jobs_queue

    engine = _engine()
    # the short ids the tables show; full ids go to the queue's own checks as given
    requests = expand_short_ids(
        engine, requests or [], "generation/request_ids_in_range", "request"
    )
    assets = expand_short_ids(engine, assets or [], "generation/asset_ids_in_range", "asset")
    try:
        parameters = jobs_queue.parameters_from(requests, assets, start, end, force)
        scheduled_for = jobs_queue.scheduled_time(at)
        with engine.connect() as conn:
            organization_id = _organization_id(conn, org)
            spec = jobs_queue.check(conn, job_type, parameters, organization_id)
        job = jobs_queue.insert_job(
            engine,
            organization_id,
            spec,
            priority=priority,
            max_retries=max_retries,
            scheduled_for=scheduled_for,
        )
    except jobs_queue.Refused as error:
        raise refuse(str(error)) from None
    # the id alone on stdout, so that `id=$(socialpipe jobs queue …)` works
    typer.echo(str(job.id))
    errors.print(
        f"queued for {_time(job.scheduled_for)} UTC; {QUEUE_SENSOR} must be on to pick it up "
        f"(UI → Automation, or `DAGSTER_HOME=.data/dagster_home dagster sensor start "
        f"{QUEUE_SENSOR} -w workspace.yaml`)",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


@app.command("cancel")
def cancel_command(
    job_id: str = typer.Argument(..., metavar="ID", help="A job id, or its first characters."),
) -> None:
    """Cancel a queued job before the queue sensor claims it."""
    from resources.sql_files import sql

    with _engine().begin() as conn:
        job = _job_id(conn, job_id)
        # locked: the sensor cannot claim it between the look and the update
        row = conn.execute(sql("background_jobs/lock_job"), {"id": job}).one()
        if row.status == Status.running:
            from assets.background_jobs.runs import JOB_ID_TAG

            # named by its tag: dagster_run_id may still be the previous attempt's run
            raise refuse(
                f"job {job} is running: cancelling the row would not stop its run; terminate "
                f"the run tagged {JOB_ID_TAG}={job} in the Dagster UI (Runs), and the job "
                "is recorded as cancelled"
            )
        if row.status != Status.queued:
            raise refuse(f"job {job} is already {row.status}; only a queued job can be cancelled")
        conn.execute(sql("background_jobs/cancel_job"), {"id": job}).one()
    console.print(f"job {job} cancelled", highlight=False, markup=False)
