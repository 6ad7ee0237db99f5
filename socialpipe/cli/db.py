"""`socialpipe db …`: the database in use, its migrations, the embedded server."""

import typer

from socialpipe.cli.output import stdout_console

app = typer.Typer(help="The application database.", no_args_is_help=True)
console = stdout_console()


@app.command()
def url(
    show_password: bool = typer.Option(False, help="Print the password instead of ***."),
) -> None:
    """Print the database URL in use (DATABASE_URL, or the embedded server's)."""
    from resources.database_url import database_url, redact

    resolved = database_url()
    typer.echo(resolved if show_password else redact(resolved))


@app.command()
def upgrade() -> None:
    """Apply pending schema migrations (a no-op when the schema is current)."""
    from resources.database_url import database_url
    from resources.migrations import upgrade as upgrade_schema

    before, after = upgrade_schema(database_url())
    if before == after:
        console.print(f"schema already at revision [bold]{after}[/]; nothing to apply")
    else:
        console.print(f"schema migrated from revision {before or 'empty'} to [bold]{after}[/]")


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL server (data stays under .data/)."""
    from resources.embedded_postgres import stop_embedded_server

    if stop_embedded_server():
        console.print("embedded PostgreSQL stopped")
    else:
        console.print("embedded PostgreSQL was not running")
