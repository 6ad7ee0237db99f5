"""`socialpipe demo`: the main job over the demo tenants, as `make demo` runs it."""

import time

from rich.console import Console

from pipeline_defs.cli.seed import load_demo, print_counts
from resources.database_url import database_url, redact

console = Console()


def demo() -> None:
    """Start the database, migrate, load the demo data and run the pipeline over it."""
    started = time.perf_counter()
    url = database_url()
    console.print(f"database: {redact(url)}")
    counts = load_demo(url)
    print_counts(counts, "demo tenants loaded")
    # The pipeline stages (generation, compliance, variants, approvals, analytics)
    # join here as they land; until then the demo ends with the loaded data.
    console.print(f"done in {time.perf_counter() - started:.1f} s")
