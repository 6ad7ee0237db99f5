"""`socialpipe demo`: the main job over the demo tenants, as `make demo` runs it."""

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline_defs.cli.analytics import backfill_demo
from pipeline_defs.cli.requests import pending_batches, run_generation, run_job
from pipeline_defs.cli.seed import load_demo, print_counts
from pipeline_defs.jobs import PROCESSING_JOB_NAME
from resources.database import DatabaseResource
from resources.database_url import database_url, redact
from resources.sql_files import sql

console = Console()
BATCH_SIZE = 10


def _state() -> dict:
    with DatabaseResource().get_engine().connect() as conn:
        return dict(conn.execute(sql("generation/demo_progress")).mappings().one())


def _generate_pending(total: int) -> tuple[float, list[str]]:
    cost, sheets = 0.0, []
    columns = (TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("generation", total=total)
        for batch in pending_batches(BATCH_SIZE):
            _, metadata = run_generation(batch)
            cost += metadata.get("cost_usd", 0.0)
            if "contact_sheet" in metadata:
                sheets.append(str(metadata["contact_sheet"]))
            progress.advance(task, len(batch))
    return cost, sheets


def demo() -> None:
    """Start the database, migrate, load the demo data and run the pipeline over it."""
    started = time.perf_counter()
    url = database_url()
    console.print(f"database: {redact(url)}")
    print_counts(load_demo(url), "demo tenants loaded")

    pending = _state()["submitted"]
    cost, sheets = _generate_pending(pending) if pending else (0.0, [])
    # whatever an earlier, interrupted demo left unscored, unrendered or unrouted
    run_job(PROCESSING_JOB_NAME, {})
    with console.status("analytics: backfilling the demo's 90 days in one run"):
        analytics = backfill_demo()
    # generation runs score their images too; variants, approvals and analytics join here

    state = _state()
    summary = Table(title="demo summary", show_header=False)
    summary.add_row(
        "requests by status",
        ", ".join(f"{status} {n}" for status, n in (state["requests_by_status"] or {}).items()),
    )
    summary.add_row("master images", f"{state['images']:,} ({state['image_bytes'] / 1e6:.1f} MB)")
    summary.add_row(
        "compliance verdicts",
        ", ".join(f"{verdict} {n}" for verdict, n in (state["images_by_verdict"] or {}).items()),
    )
    summary.add_row("variants", f"{state['variants']:,} ({state['variant_bytes'] / 1e6:.1f} MB)")
    summary.add_row(
        "approvals",
        ", ".join(f"{status} {n}" for status, n in (state["approvals_by_status"] or {}).items()),
    )
    if analytics is not None:
        failed = len(analytics.failed_checks) + len(analytics.failed_steps)
        summary.add_row(
            "daily analytics",
            f"{analytics.first_day} … {analytics.last_day}: {len(analytics.assets)} assets, "
            f"{len(analytics.checks)} checks, {failed} failed",
        )
    summary.add_row("provider cost of this run", f"{cost:.4f} USD")
    for sheet in sheets:
        summary.add_row("contact sheet", sheet)
    console.print(summary)
    console.print(f"done in {time.perf_counter() - started:.1f} s")
