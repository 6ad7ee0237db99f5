"""`socialpipe dev`: the Dagster UI and daemon on the command line's own instance."""

import os
import sys
from pathlib import Path

import typer

from resources.paths import PROJECT_ROOT
from socialpipe.cli.instance import prepare_dagster_home


def dev(
    host: str = typer.Option("127.0.0.1", help="Address the webserver listens on."),
    port: int = typer.Option(3000, help="Port of the webserver."),
) -> None:
    """Start `dagster dev` (webserver + daemon) on the instance the CLI and `make demo`
    write to, so their runs, materializations and partitions are in the UI."""
    home, note = prepare_dagster_home()
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"DAGSTER_HOME={home}", err=True)
    # the venv's own dagster, whatever PATH says
    dagster = Path(sys.executable).with_name("dagster")
    args = [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml")]
    os.chdir(PROJECT_ROOT)
    os.execve(
        args[0], [*args, "-h", host, "-p", str(port)], {**os.environ, "DAGSTER_HOME": str(home)}
    )
