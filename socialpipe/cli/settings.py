"""`socialpipe settings …`: list, read and change system_settings.

Prices (`pricing`, `<provider>.<model>`), budgets (`budgets`), placement overrides
(`placements`, `<platform>.<placement>`) and encrypted secrets (`secrets`). A value
is checked as the pipeline will read it before anything is written; a refusal
prints one line, exits 1 and changes nothing. Secrets are shown masked unless
`get --reveal` is asked for; encrypting and revealing need SOCIALPIPE_SECRET_KEY.
"""

import json
import sys
from datetime import UTC
from enum import StrEnum
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from socialpipe.cli.output import refuse, stdout_console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from resources.settings import Setting

app = typer.Typer(
    help="System settings: prices, budgets, placement overrides, encrypted secrets.",
    no_args_is_help=True,
    # a traceback with local variables could print a secret being set
    pretty_exceptions_enable=False,
)
console = stdout_console()
MAX_SHOWN_CHARS = 60


# resources.settings.DATA_TYPES, spelt out: loading that package (SQLAlchemy,
# cryptography) for --help would cost more than all the rest (a test keeps them equal)
DataType = StrEnum(
    "DataType", {name: name for name in ("string", "integer", "decimal", "boolean", "json")}
)


def _engine() -> "Engine":
    from resources.database import DatabaseResource

    return DatabaseResource().get_engine()


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _short(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _flags(setting: "Setting") -> str:
    return ", ".join(
        flag
        for flag, on in (("encrypted", setting.is_encrypted), ("readonly", setting.is_readonly))
        if on
    )


@app.command("list")
def list_command(
    category: str | None = typer.Option(None, "--category", help="Only this category."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List settings (secrets masked), by category and key."""
    from resources.settings import list_settings

    with _engine().connect() as conn:
        settings = list_settings(conn, category)
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in settings], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(settings)} setting(s), times in UTC")
    for column in ("category", "key", "value", "type", "flags", "updated", "description"):
        table.add_column(column, overflow="fold")
    for setting in settings:
        table.add_row(
            setting.category,
            setting.key,
            _short(_text(setting.shown)),
            setting.data_type,
            _flags(setting),
            # UTC whatever the session's time zone (the title says so)
            setting.updated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            if setting.updated_at
            else "",
            setting.description or "",
        )
    console.print(table)


@app.command("get")
def get_command(
    category: str = typer.Argument(..., help="e.g. pricing, budgets, placements, secrets."),
    key: str = typer.Argument(..., help="e.g. freepik.classic-fast, default.daily."),
    show_secret: bool = typer.Option(
        False, "--reveal", help="Print an encrypted value in clear (needs SOCIALPIPE_SECRET_KEY)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the whole row as JSON."),
) -> None:
    """Print one setting's value (a secret masked unless --reveal)."""
    from resources.settings import SettingsError, get_setting, reveal

    try:
        with _engine().connect() as conn:
            setting = get_setting(conn, category, key)
        value = reveal(setting) if show_secret else setting.shown
    except SettingsError as error:
        raise refuse(error) from None
    if as_json:
        typer.echo(json.dumps(setting.as_dict(value), indent=2, ensure_ascii=False))
    else:
        typer.echo(_text(value))


@app.command("set")
def set_command(
    category: str = typer.Argument(..., help="e.g. pricing, budgets, placements, secrets."),
    key: str = typer.Argument(..., help="e.g. freepik.mystic, default.daily, tiktok.photo."),
    value: str = typer.Argument(
        ..., help="The value as text (JSON for json settings); '-' reads it from stdin."
    ),
    data_type: DataType | None = typer.Option(
        None,
        "--type",
        case_sensitive=False,
        help="How to read VALUE; default: the category's, else the stored row's, else string.",
    ),
    secret: bool = typer.Option(
        False, "--secret", help="Store encrypted (always so in category 'secrets')."
    ),
    description: str | None = typer.Option(None, "--description", help="What it is for."),
) -> None:
    """Create or replace one setting; readonly settings are refused."""
    from resources.settings import InvalidSettingError, SettingsError, set_text

    # '-' keeps a secret out of the shell history and the process list
    try:
        # bytes, decoded strictly: the locale's error handler may let invalid text through
        text = sys.stdin.buffer.read().decode("utf-8").rstrip("\r\n") if value == "-" else value
    except UnicodeDecodeError:
        refuse("the value on stdin is not UTF-8 text")
        raise typer.Exit(code=2) from None
    try:
        with _engine().begin() as conn:
            setting = set_text(
                conn,
                category,
                key,
                text,
                data_type=data_type.value if data_type else None,
                secret=secret,
                description=description,
            )
    except InvalidSettingError as error:
        refuse(error)  # printed the same way; a bad value is bad input (exit 2)
        raise typer.Exit(code=2) from None
    except SettingsError as error:
        raise refuse(error) from None
    console.print(
        f"{setting.name} = {_short(_text(setting.shown))} ({setting.data_type}"
        + (", encrypted)" if setting.is_encrypted else ")"),
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


@app.command("delete")
def delete_command(
    category: str = typer.Argument(...),
    key: str = typer.Argument(...),
) -> None:
    """Remove one setting (the pipeline falls back to its default); readonly ones are refused."""
    from resources.settings import SettingsError, delete_setting

    try:
        with _engine().begin() as conn:
            delete_setting(conn, category, key)
    except SettingsError as error:
        raise refuse(error) from None
    console.print(f"{category}/{key} deleted", highlight=False, markup=False)


@app.command("rotate-secrets")
def rotate_command() -> None:
    """Re-encrypt every secret under the first key of SOCIALPIPE_SECRET_KEY."""
    from resources.settings import SettingsError, rotate_secrets

    try:
        with _engine().begin() as conn:
            count = rotate_secrets(conn)
    except SettingsError as error:
        raise refuse(error) from None
    console.print(f"{count} encrypted setting(s) re-encrypted under the first key")
