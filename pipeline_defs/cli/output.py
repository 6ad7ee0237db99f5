"""What every command group prints the same way."""

import typer
from rich.console import Console
from rich.markup import escape

errors = Console(stderr=True)


def refuse(reason: object) -> typer.Exit:
    """Print `Refused: <reason>` on stderr (one line, never read as rich markup) and
    return the exit (code 1) to raise."""
    errors.print(f"[bold red]Refused:[/] {escape(str(reason))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)
