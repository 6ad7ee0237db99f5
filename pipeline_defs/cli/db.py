"""`socialpipe db …`: the database in use, its migrations, the embedded server."""

import typer
from rich.console import Console

from resources.database_url import database_url, redact
from resources.embedded_postgres import stop_embedded_server
from resources.migrations import upgrade as upgrade_schema

app = typer.Typer(help="The application database.", no_args_is_help=True)
console = Console()


@app.command()
def url(
    show_password: bool = typer.Option(False, help="Print the password instead of ***."),
) -> None:
    """Print the database URL in use (DATABASE_URL, or the embedded server's)."""
    resolved = database_url()
    typer.echo(resolved if show_password else redact(resolved))


@app.command()
def upgrade() -> None:
    """Apply pending schema migrations (a no-op when the schema is current)."""
    before, after = upgrade_schema(database_url())
    if before == after:
        console.print(f"schema already at revision [bold]{after}[/]; nothing to apply")
    else:
        console.print(f"schema migrated from revision {before or 'empty'} to [bold]{after}[/]")


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL server (data stays under .data/)."""
    if stop_embedded_server():
        console.print("embedded PostgreSQL stopped")
    else:
        console.print("embedded PostgreSQL was not running")
