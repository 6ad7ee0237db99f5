"""What every command group prints the same way."""

import typer
from rich.console import Console
from rich.markup import escape

# wide enough for any table the commands print: in a pipe nothing is cut or folded
PIPE_WIDTH = 100_000

errors = Console(stderr=True)


def stdout_console() -> Console:
    """The console for a command's output: a terminal's width when stdout is one;
    otherwise (a pipe, a file) tables print whole, as wide as their widest row, so that
    `grep`, `cut` and `less -S` see every value uncut and every id on one line."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPE_WIDTH)


def refuse(reason: object) -> typer.Exit:
    """Print `Refused: <reason>` on stderr (one line, never read as rich markup) and
    return the exit (code 1) to raise."""
    errors.print(f"[bold red]Refused:[/] {escape(str(reason))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)
