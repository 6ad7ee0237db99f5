"""The `socialpipe` command line: one sub-command group per concern.

Every module here imports only typer and rich at the top: each command imports what it
needs when it runs, so that `--help` answers at once (benchmarks/cli_startup.py).
"""

import sys

import typer

from socialpipe.cli import (
    analytics,
    approvals,
    collector,
    compliance,
    db,
    demo,
    dev,
    gallery,
    jobs,
    requests,
    seed,
    settings,
    variants,
)
from socialpipe.cli.output import refuse

app = typer.Typer(
    help="Social media content visual pipeline: database, demo data and pipeline runs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(seed.app, name="seed")
app.add_typer(requests.app, name="requests")
app.add_typer(approvals.app, name="approvals")
app.add_typer(compliance.app, name="compliance")
app.add_typer(variants.app, name="variants")
app.add_typer(analytics.app, name="analytics")
app.command("demo")(demo.demo)
app.command("dev")(dev.dev)
app.add_typer(settings.app, name="settings")
app.add_typer(gallery.app, name="gallery")
app.add_typer(jobs.app, name="jobs")


def main() -> None:
    """The `socialpipe` command (pyproject.toml [project.scripts], `python -m`), with the
    embedded server's refusal of an old data directory as one line."""
    from resources.embedded_postgres import IncompatibleDataDirectory

    collector.while_loading()
    try:
        app(prog_name="socialpipe")
    except IncompatibleDataDirectory as err:
        refuse(err)
        sys.exit(2)
