"""`socialpipe analytics …`: run the daily analytics in-process, for scripts and backfills.

`socialpipe analytics run --start 2026-01-01 --end 2026-03-31` materializes those days
as ONE run (the single-run backfill the Dagster UI launches for a range): each model
deletes the range and inserts it again with one statement, then the checks validate
the range. The run is recorded in the local Dagster instance (socialpipe/cli/instance.py),
so `make dev` shows it and the partitions it filled.
"""

import json
from dataclasses import dataclass, field
from datetime import date

import typer
from rich.table import Table

from socialpipe.cli import collector
from socialpipe.cli.output import stdout_console

app = typer.Typer(
    help="Daily analytics: usage, brand compliance, engagement.", no_args_is_help=True
)
console = stdout_console()

# Dagster's run tags for a partition range: one run over all the range's partitions
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass
class RunReport:
    success: bool
    run_id: str
    first_day: date
    last_day: date
    assets: dict[str, dict] = field(default_factory=dict)  # asset -> materialization metadata
    checks: list[dict] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[dict]:
        return [check for check in self.checks if not check["passed"]]

    def as_dict(self) -> dict:
        return {
            "success": self.success,
            "run_id": self.run_id,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            # the catalog's schema and lineage are Dagster records, the UI's to show
            "assets": {
                name: {k: v for k, v in metadata.items() if k not in CATALOG_ONLY}
                for name, metadata in self.assets.items()
            },
            "checks": self.checks,
            "failed_steps": self.failed_steps,
        }


def _instance():
    from socialpipe.cli.instance import local_instance

    return local_instance()


def analytics_job(resources: dict | None = None):
    """The analytics_daily job, with the database and metrics source resources bound."""
    from dagster import Definitions

    from assets.analytics import definitions as analytics
    from resources.database import DatabaseResource

    defs = Definitions(
        assets=analytics.analytics_assets,
        asset_checks=analytics.analytics_checks,
        jobs=analytics.analytics_jobs,
        resources={
            "database": DatabaseResource(),
            **analytics.analytics_resources,
            **(resources or {}),
        },
    )
    return defs.resolve_job_def(analytics.JOB_NAME)


CATALOG_ONLY = ("dagster/column_schema", "dagster/column_lineage")


def _plain(value: object) -> object:
    return getattr(value, "value", value)


def run_days(
    first: date,
    last: date,
    *,
    assets: list[str] | None = None,
    resources: dict | None = None,
    instance=None,
) -> RunReport:
    """Materialize the analytics for ``first`` .. ``last`` (UTC days) in one run.

    ``assets``: only these assets (and their checks); default: all of them.
    """
    from dagster import AssetKey

    selection = [AssetKey(name) for name in assets] if assets else None
    return _execute(analytics_job(resources), first, last, resources, instance, selection)


def check_days(
    first: date, last: date, *, resources: dict | None = None, instance=None
) -> RunReport:
    """Run only the analytics checks over ``first`` .. ``last`` (nothing is written):
    what the UI's "execute checks" does, for a range of days."""
    from assets.analytics import definitions as analytics

    check_keys = {key for checks in analytics.analytics_checks for key in checks.check_keys}
    job = analytics_job(resources).get_subset(
        asset_selection=set(), asset_check_selection=check_keys
    )
    return _execute(job, first, last, resources, instance)


def _execute(
    job, first: date, last: date, resources: dict | None, instance, asset_selection=None
) -> RunReport:
    from resources.database import DatabaseResource
    from socialpipe.cli.requests import mirror_cli_run

    instance = instance or _instance()
    collector.loaded()
    result = job.execute_in_process(
        asset_selection=asset_selection,
        tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        instance=instance,
        raise_on_error=False,
    )
    database = (resources or {}).get("database") or DatabaseResource()
    mirror_cli_run(database.get_engine(), instance, result.run_id)
    report = RunReport(result.success, result.run_id, first, last)
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        name = materialization.asset_key.to_user_string()
        report.assets.setdefault(
            name,
            {
                key: _plain(value)
                for key, value in materialization.metadata.items()
                if key not in ("preview", "malformed", "unmatched")
            },
        )
    for evaluation in result.get_asset_check_evaluations():
        report.checks.append(
            {
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "passed": evaluation.passed,
                "description": evaluation.description,
            }
        )
    report.failed_steps = sorted(result.get_failed_step_keys())
    return report


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from error


def _check_range(first: date, last: date) -> None:
    from assets.analytics.definitions import ANALYTICS

    partitions = ANALYTICS.partitions_def
    if last < first:
        raise typer.BadParameter(f"--end {last} is before --start {first}")
    earliest = partitions.start.date()
    latest = date.fromisoformat(partitions.get_last_partition_key())
    if first < earliest:
        raise typer.BadParameter(
            f"--start {first} is before the first partition {earliest} (ANALYTICS_START_DATE)"
        )
    if last > latest:
        raise typer.BadParameter(
            f"--end {last} is after the last complete day {latest}: a day is materialized "
            "once it is over"
        )


def _check_assets(names: list[str]) -> None:
    from assets.analytics.definitions import ANALYTICS

    known = {key.to_user_string() for key in ANALYTICS.materializable_keys}
    unknown = sorted(set(names) - known)
    if unknown:
        raise typer.BadParameter(
            f"unknown asset(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}",
            param_hint="--asset",
        )


def _print(report: RunReport) -> None:
    days = (report.last_day - report.first_day).days + 1
    span = f"{report.first_day} .. {report.last_day} ({days} day{'s' if days > 1 else ''})"
    table = Table(title=f"analytics {span}")
    for heading in ("asset", "rows now", "inserted", "updated", "deleted", "seconds", "notes"):
        table.add_column(heading)
    for name, metadata in report.assets.items():
        notes = ", ".join(
            f"{metadata[key]} {key.removeprefix('rows_')}"
            for key in ("rows_malformed", "rows_unmatched")
            if metadata.get(key)
        )
        table.add_row(
            name,
            *(
                str(metadata.get(key, ""))
                for key in ("rows_now", "rows_inserted", "rows_updated", "rows_deleted", "seconds")
            ),
            notes,
        )
    console.print(table)
    checks = Table(title="checks")
    for heading in ("asset", "check", "result", "description"):
        checks.add_column(heading)
    for check in report.checks:
        result = "passed" if check["passed"] else "[red]FAILED[/red]"
        checks.add_row(check["asset"], check["check"], result, check["description"] or "")
    console.print(checks)
    for step in report.failed_steps:
        console.print(f"[red]failed:[/red] {step}")


@app.command()
def run(
    start: str = typer.Option(..., "--start", help="First day to materialize (YYYY-MM-DD, UTC)."),
    end: str = typer.Option(..., "--end", help="Last day to materialize, included."),
    assets: list[str] = typer.Option(
        [], "--asset", help="Only this asset (and its checks); repeat for several."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Materialize the daily analytics for a range of days in one run (a backfill)."""
    first, last = _day(start, "--start"), _day(end, "--end")
    _check_range(first, last)
    _check_assets(assets)
    report = run_days(first, last, assets=assets or None)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), default=str, indent=2))
    else:
        _print(report)
    if not report.success or report.failed_checks:
        raise typer.Exit(code=1)


@app.command()
def check(
    start: str = typer.Option(..., "--start", help="First day to check (YYYY-MM-DD, UTC)."),
    end: str = typer.Option(..., "--end", help="Last day to check, included."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Run only the analytics checks (expectations, reconciliations) over a range of days."""
    first, last = _day(start, "--start"), _day(end, "--end")
    _check_range(first, last)
    report = check_days(first, last)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), default=str, indent=2))
    else:
        _print(report)
    if not report.success or report.failed_checks:
        raise typer.Exit(code=1)


@app.command("export-demo-metrics")
def export_demo_metrics() -> None:
    """Write the demo tenants' platform metrics as export files into the metrics folder."""
    from resources.database import DatabaseResource
    from resources.metrics_source import MetricsSourceResource
    from socialpipe.demo.metrics_export import write_demo_metrics_export

    folder = MetricsSourceResource().resolved_folder()
    for path in write_demo_metrics_export(DatabaseResource().get_engine(), folder):
        console.print(f"wrote {path}")


def backfill_demo() -> RunReport | None:
    """Export the demo's platform metrics, then its 90 days of analytics in one run
    (None when no demo is loaded). For `socialpipe demo`."""
    from resources.database import DatabaseResource
    from resources.metrics_source import MetricsSourceResource
    from socialpipe.demo.metrics_export import (
        demo_history_days,
        write_demo_metrics_export,
    )

    engine = DatabaseResource().get_engine()
    days = demo_history_days(engine)
    if days is None:
        return None
    write_demo_metrics_export(engine, MetricsSourceResource().resolved_folder())
    return run_days(*days)


@app.command("demo")
def demo() -> None:
    """Backfill the loaded demo's 90 days (platform metrics export included), in one run."""
    report = backfill_demo()
    if report is None:
        raise typer.BadParameter("no demo data loaded: run `socialpipe seed demo` first")
    _print(report)
    if not report.success or report.failed_checks:
        raise typer.Exit(code=1)
