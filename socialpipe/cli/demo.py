"""`socialpipe demo`: the main job over the demo tenants, as `make demo` runs it.

Load the demo data, generate what is submitted, process what is waiting, backfill the
analytics, build the HTML gallery, then print a closing summary. A second run finds
nothing to generate and only refreshes what changed.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from resources.wording import plural
from socialpipe.cli import collector
from socialpipe.cli.analytics import RunReport, backfill_demo
from socialpipe.cli.gallery import build_default
from socialpipe.cli.instance import dagster_home
from socialpipe.cli.output import stdout_console
from socialpipe.cli.requests import pending_batches, run_generation, run_job
from socialpipe.cli.seed import load_demo, print_counts

if TYPE_CHECKING:
    from socialpipe.gallery import GalleryBuild

console = stdout_console()
BATCH_SIZE = 10
PASS_RATE_LABEL = "compliance pass rate\n(passed + passed_with_warnings) / scored"


class _Count(ProgressColumn):
    """done/total for a stage that can be counted; nothing for one opaque run."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.fields.get("opaque"):
            return Text("")
        return Text(f"{task.completed:.0f}/{task.total:.0f}", style="progress.download")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        _Count(),
        TimeElapsedColumn(),
        console=console,
    )


@contextmanager
def _one_run(progress: Progress, description: str) -> Iterator[None]:
    """A stage that is one Dagster run: nothing to count, so a pulsing bar, then done."""
    task = progress.add_task(description, total=None, opaque=True)
    yield
    progress.update(task, total=1, completed=1)


def _state() -> dict:
    from resources.database import DatabaseResource
    from resources.sql_files import sql

    with DatabaseResource().get_engine().connect() as conn:
        return dict(conn.execute(sql("generation/demo_progress")).mappings().one())


def _made_since(since: datetime) -> dict:
    from resources.database import DatabaseResource
    from resources.sql_files import sql

    with DatabaseResource().get_engine().connect() as conn:
        row = conn.execute(sql("generation/demo_made_since"), {"since": since}).mappings().one()
        return dict(row)


def _generate_pending(progress: Progress, total: int) -> tuple[float, list[str]]:
    cost, sheets = 0.0, []
    task = progress.add_task(f"generating {total} requests", total=total)
    for run_id, batch in pending_batches(BATCH_SIZE):
        _, metadata = run_generation(batch, run_id=run_id)
        cost += metadata.get("cost_usd", 0.0)
        if "contact_sheet" in metadata:
            sheets.append(str(metadata["contact_sheet"]))
        progress.advance(task, len(batch))
    return cost, sheets


def _listed(counts: dict | None) -> str:
    return ", ".join(f"{key} {n}" for key, n in (counts or {}).items()) or "none"


def pass_rate(images_by_verdict: dict | None) -> str:
    """Passed or passed with warnings, as a share of the images that have been scored."""
    from socialpipe.gallery.model import passing_and_scored

    passing, scored = passing_and_scored(images_by_verdict or {})
    if not scored:
        return "no scored images yet"
    return f"{100 * passing / scored:.1f}% ({passing} of {scored})"


def _try(step: "Callable[[], GalleryBuild]") -> "tuple[GalleryBuild | None, str | None]":
    # the gallery is a view of the run: its failure is reported, not allowed to hide the summary
    try:
        return step(), None
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"


def _summary(
    state: dict,
    made: dict,
    analytics: RunReport | None,
    cost: float,
    sheets: list[str],
    gallery: "GalleryBuild | None",
) -> Table:
    summary = Table(title="demo summary", show_header=False)
    summary.add_column("what")
    # paths must stay whole: fold them over lines rather than cut them with an ellipsis
    summary.add_column("value", overflow="fold")
    summary.add_row("requests by status", _listed(state["requests_by_status"]))
    summary.add_row("master images", f"{state['images']:,} ({state['image_bytes'] / 1e6:.1f} MB)")
    summary.add_row("compliance verdicts", _listed(state["images_by_verdict"]))
    summary.add_row(PASS_RATE_LABEL, pass_rate(state["images_by_verdict"]))
    summary.add_row("variants", f"{state['variants']:,} ({state['variant_bytes'] / 1e6:.1f} MB)")
    summary.add_row(
        "made by this run", f"{made['images']:,} master images, {made['variants']:,} variants"
    )
    summary.add_row("approvals", _listed(state["approvals_by_status"]))
    if analytics is not None:
        failed = len(analytics.failed_checks) + len(analytics.failed_steps)
        summary.add_row(
            "daily analytics",
            f"{analytics.first_day} … {analytics.last_day}: {len(analytics.assets)} assets, "
            f"{len(analytics.checks)} checks, {failed} failed",
        )
    summary.add_row("provider cost of this run", f"{cost:.4f} USD")
    if sheets:
        summary.add_row("contact sheets", f"{plural(len(sheets), 'sheet')} (folder below)")
    if gallery is not None:
        summary.add_row(
            "gallery",
            f"{plural(gallery.pages, 'request page')}, {plural(gallery.written, 'file')} "
            f"updated in {gallery.seconds:.1f} s",
        )
    return summary


def _print_whole(label: str, value: object) -> None:
    # outside the table and never wrapped, so that terminals can open the path
    console.print(Text(f"{label}{value}"), soft_wrap=True)


def demo() -> None:
    """Start the database, migrate, load the demo data, run the pipeline over it and build
    the HTML gallery."""
    from assets.generation.jobs import PROCESSING_JOB_NAME
    from assets.requests.definitions import INPUT_AUDIT_JOB_NAME
    from resources.database_url import database_url, redact

    collector.loaded()  # a long command: its garbage is collected as it goes
    started = time.perf_counter()
    url = database_url()
    console.print(f"database: {redact(url)}")
    with console.status("loading the demo tenants"):
        counts = load_demo(url)
    print_counts(counts, "demo tenants loaded")

    before = _state()
    cost, sheets = 0.0, []
    with _progress() as progress:
        with _one_run(progress, "brand kits and the request queue audited"):
            run_job(INPUT_AUDIT_JOB_NAME, {})
        if before["submitted"]:
            cost, sheets = _generate_pending(progress, before["submitted"])
        # whatever an earlier, interrupted demo left unscored, unrendered or unrouted
        with _one_run(progress, "scoring, variants and approvals still waiting"):
            run_job(PROCESSING_JOB_NAME, {})
        with _one_run(progress, "analytics: the demo's 90 days in one run"):
            analytics = backfill_demo()
        with _one_run(progress, "gallery"):
            gallery, gallery_error = _try(build_default)

    state = _state()
    made = _made_since(before["observed_at"])
    console.print(_summary(state, made, analytics, cost, sheets, gallery))
    if sheets:
        # a folder or a bucket URL: the sheets all sit beside each other
        _print_whole("contact sheets: ", sheets[0].rsplit("/", 1)[0])
    if gallery is not None:
        _print_whole("gallery: ", gallery.index.as_uri())
        _print_whole("         ", gallery.index)
    else:
        console.print(Text(f"gallery not built: {gallery_error}", style="red"), soft_wrap=True)
    _print_whole("Dagster UI: `make dev` shows these runs; DAGSTER_HOME=", dagster_home())
    console.print(f"done in {time.perf_counter() - started:.1f} s")
    if gallery is None:
        raise typer.Exit(code=1)
