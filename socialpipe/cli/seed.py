"""`socialpipe seed …`: load data sets into the database."""

import time

import typer
from rich.table import Table

from socialpipe.cli import collector
from socialpipe.cli.output import stdout_console

app = typer.Typer(help="Load data sets.", no_args_is_help=True)
console = stdout_console()


def load_demo(url: str) -> dict[str, int]:
    """Migrate, then load the demo tenants (idempotent); return rows per table."""
    from resources.database import pipeline_engine
    from resources.migrations import upgrade as upgrade_schema
    from resources.paths import data_dir
    from socialpipe.demo import load_demo_data
    from socialpipe.demo.archive import archive_wanted

    collector.loaded()  # loading makes a lot of garbage: collect it as it goes
    upgrade_schema(url)
    return load_demo_data(pipeline_engine(url), data_dir() / "media", with_archive=archive_wanted())


def print_counts(counts: dict[str, int], title: str) -> None:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command()
def demo() -> None:
    """Load the demo tenants: organizations, brands, templates, requests, 90 days of usage."""
    from resources.database_url import database_url

    started = time.perf_counter()
    counts = load_demo(database_url())
    print_counts(counts, f"demo data loaded in {time.perf_counter() - started:.1f} s")
