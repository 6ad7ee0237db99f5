"""`socialpipe requests …`: run the content_generation job in-process, for scripts and tests."""

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from resources.wording import plural
from socialpipe.cli import collector
from socialpipe.cli.ids import resolve_ids, short_id
from socialpipe.cli.output import stdout_console

if TYPE_CHECKING:
    from dagster import DagsterInstance
    from sqlalchemy import Engine

app = typer.Typer(help="Content requests.", no_args_is_help=True)


class Executor(StrEnum):
    in_process = "in_process"
    celery = "celery"


console = stdout_console()


def _instance():
    from socialpipe.cli.instance import local_instance

    return local_instance()


def mirror_cli_run(engine: "Engine", instance: "DagsterInstance", run_id: str) -> None:
    """Record an in-process run in background_jobs: the run-status sensors never see
    runs that did not go through the daemon, so the command line records its own."""
    from sqlalchemy.exc import SQLAlchemyError

    from assets.background_jobs import mirror_dagster_run

    try:
        mirror_dagster_run(engine, instance, run_id)
    except SQLAlchemyError as error:
        # the run itself is done; losing its bookkeeping row is not worth failing the command
        Console(stderr=True).print(
            f"[yellow]warning:[/yellow] run {run_id} not recorded in background_jobs: "
            f"{str(error).splitlines()[0]}"
        )


def run_job(
    job_name: str,
    run_config: dict,
    *,
    run_id: str | None = None,
    instance=None,
    executor: str = "in_process",
) -> tuple[bool, dict[str, dict]]:
    """Run a content job (input_audit, content_generation, content_processing)
    in-process, or with its steps on Celery workers (`executor="celery"`); (success,
    metadata per asset).

    `run_id`: the id the run gets (claims name it before it exists). The run is tagged
    with this process, so that the next run can tell when it was killed."""
    # imported here so that `socialpipe db …` does not pay for loading the pipeline, and
    # only the content stages: the analytics' pandas and GX are no part of these runs
    from assets.requests.recovery import process_tags
    from pipeline_defs.content import content_defs
    from resources.database import DatabaseResource

    instance = instance or _instance()
    job = content_defs.resolve_job_def(job_name)
    collector.loaded()
    # the CLI prints its own summary; the run's event log stays for the UI
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    if executor == "celery":
        result = _execute_on_celery(job_name, {**run_config, **quiet}, instance)
    else:
        result = job.execute_in_process(
            run_config={**run_config, **quiet},
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            tags=process_tags(),
        )
    mirror_cli_run(DatabaseResource().get_engine(), instance, result.run_id)
    metadata = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        metadata[materialization.asset_key.to_user_string()] = {
            key: value.value for key, value in materialization.metadata.items()
        }
    return result.success, metadata


def _require_broker() -> None:
    """Exit 2 with one line naming the broker when it does not answer: before anything
    is claimed or any run is made."""
    from resources.executors import BrokerUnreachableError, broker_url, check_broker

    try:
        check_broker(broker_url())
    except BrokerUnreachableError as error:
        Console(stderr=True).print(f"error: {error}", highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit(code=2) from None


def _execute_on_celery(job_name: str, run_config: dict, instance):
    """The run in this process, its steps on the Celery workers (`make workers`)."""
    from dagster import execute_job, reconstructable

    from assets.requests.recovery import process_tags
    from pipeline_defs import content
    from resources.executors import celery_run_config

    target = {
        "content_generation": content.content_generation_job,
        "content_processing": content.content_processing_job,
    }[job_name]
    return execute_job(
        reconstructable(target),
        instance=instance,
        run_config={**run_config, **celery_run_config()},
        tags=process_tags(),
        raise_on_error=False,
    )


def run_generation(
    request_ids: list[str],
    *,
    force: bool = False,
    run_id: str | None = None,
    instance=None,
    executor: str = "in_process",
) -> tuple[bool, dict]:
    """Generate and score requests; (success, the generated_assets metadata)."""
    from assets.generation.jobs import GENERATION_JOB_NAME, generation_run_config

    ok, metadata = run_job(
        GENERATION_JOB_NAME,
        generation_run_config(request_ids, force=force),
        run_id=run_id,
        instance=instance,
        executor=executor,
    )
    return ok, metadata.get("generated_assets", {})


def pending_batches(batch_size: int):
    """Claim waiting requests batch by batch (marking them queued), most urgent first;
    yields (the id of the run to process them, their ids): the claim names that run."""
    import uuid

    from assets.requests.queue import RequestQueueResource, claim_batch
    from resources.database import DatabaseResource

    database, queue = DatabaseResource(), RequestQueueResource(batch_size=batch_size)
    while True:
        # Dagster's run ids are UUIDs; this one exists in the claim before the run does
        run_id = str(uuid.uuid4())
        claimed = claim_batch(database, queue, run_id=run_id)
        if not claimed:
            return
        yield run_id, [request_id for request_id, _ in claimed]


def recover_first(instance) -> None:
    """Finish what dead runs left before starting (assets/requests/recovery.py)."""
    from assets.requests.recovery import recover
    from resources.database import DatabaseResource
    from resources.image_store import ImageStoreResource

    recovery = recover(DatabaseResource().get_engine(), instance, ImageStoreResource().get_store())
    notes = Console(stderr=True)
    for line in recovery.lines():
        notes.print(f"recovered: {line}", highlight=False, soft_wrap=True, markup=False)


def _summary(request_ids: list[str], since: datetime) -> list[dict]:
    from resources.database import DatabaseResource
    from resources.sql_files import sql

    with DatabaseResource().get_engine().connect() as conn:
        rows = conn.execute(
            sql("generation/request_summary"), {"request_ids": request_ids, "since": since}
        ).mappings()
        return [{**row, "id": str(row["id"]), "cost": float(row["cost"])} for row in rows]


def _print(rows: list[dict]) -> None:
    table = Table(title=plural(len(rows), "request"))
    for column in ("id", "request", "status", "images", "calls", "cost USD", "reason"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            short_id(row["id"]),
            row["title"],
            row["status"],
            str(row["images"]),
            str(row["calls"]),
            f"{row['cost']:.4f}",
            row["status_reason"] or "",
        )
    console.print(table)


@app.command()
def process(
    pending: bool = typer.Option(
        False,
        "--pending",
        help="Claim and process every submitted request, then finish every stage any "
        "request still lacks (scoring, variants, approval routing).",
    ),
    ids: list[str] = typer.Option(
        [], "--id", help="A request id, or its first characters; repeat for several."
    ),
    force: bool = typer.Option(False, help="With --id: regenerate requests already generated."),
    batch_size: int = typer.Option(10, min=1, help="With --pending: requests per run."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    executor: Executor = typer.Option(
        "in_process",
        help="in_process: steps in this process; celery: steps on the Celery workers "
        "(`make workers`, broker CELERY_BROKER_URL), the run waiting here.",
    ),
) -> None:
    """Run content_generation in-process over pending requests or the ones named."""
    if pending == bool(ids):
        raise typer.BadParameter("give either --pending or one or more --id")
    if ids:
        from resources.database import DatabaseResource

        engine = DatabaseResource().get_engine()
        ids = resolve_ids(engine, ids, "generation/request_ids_in_range", "request")
    if executor == Executor.celery:
        _require_broker()
    since = datetime.now(UTC)
    instance = _instance()
    recover_first(instance)
    processed, all_ok = [], True
    for run_id, batch in pending_batches(batch_size) if pending else [(None, ids)]:
        ok, _ = run_generation(
            batch, force=force, run_id=run_id, instance=instance, executor=executor.value
        )
        all_ok &= ok
        processed += batch
    if pending:
        # every stage a request still lacks: unscored images, missing variants, routing
        from assets.generation.jobs import PROCESSING_JOB_NAME

        ok, _ = run_job(PROCESSING_JOB_NAME, {}, instance=instance, executor=executor.value)
        all_ok &= ok
    rows = _summary(processed, since)
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=2))
    else:
        _print(rows)
    if not all_ok:
        raise typer.Exit(code=1)
