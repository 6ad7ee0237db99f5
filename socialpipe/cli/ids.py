"""Ids as the tables show them: every command taking an id takes a full UUID or the
first characters of one (the tables show 8), when they name exactly one row."""

from string import hexdigits
from typing import TYPE_CHECKING
from uuid import UUID

import typer
from rich.markup import escape

from socialpipe.cli.output import errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

SHORT_ID_CHARS = 8


def short_id(value: object) -> str:
    """The id as a table shows it (commands accept it back, see `resolve_id`)."""
    return str(value)[:SHORT_ID_CHARS]


def bad_id(message: str) -> typer.Exit:
    """Print the one line saying why an id names no single row; return the exit (2)."""
    errors.print(escape(message), highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def resolve_id(conn: "Connection", given: str, query: str, noun: str) -> UUID:
    """The one id that ``given`` (a UUID or its start) names.

    ``query`` is an .sql file selecting ``id`` and ``matches`` (how many ids in all)
    between the UUIDs :low and :high; ``noun`` is what an id names ("approval").
    Exits 2 with one line when ``given`` is not hex, names nothing or names several.
    """
    from resources.sql_files import sql

    rows = conn.execute(sql(query), _bounds(given, noun)).all()
    if not rows:
        raise bad_id(f"no {noun} matches {given!r}")
    if len(rows) > 1:
        raise bad_id(f"ambiguous: {given!r} matches {rows[0].matches} {noun}s; give more of the id")
    return rows[0].id


def resolve_ids(engine: "Engine", given: list[str], query: str, noun: str) -> list[str]:
    """`resolve_id` of each, as strings, in the order given; all are checked to be ids
    before the database is asked about any."""
    for one in given:
        _bounds(one, noun)
    with engine.connect() as conn:
        return [str(resolve_id(conn, one, query, noun)) for one in given]


def expand_short_ids(engine: "Engine", given: list[str], query: str, noun: str) -> list[str]:
    """Each short id (the start of a UUID) replaced by the full id it names; full ids and
    what is no id at all are kept as given, for the caller's own checks to name."""
    short = [one for one in given if _is_short_id(one)]
    if not short:
        return list(given)
    full = dict(zip(short, resolve_ids(engine, short, query, noun), strict=True))
    return [full.get(one, one) for one in given]


def _digits(given: str) -> str:
    return given.strip().lower().replace("-", "")


def _is_short_id(given: str) -> bool:
    digits = _digits(given)
    return 0 < len(digits) < 32 and all(c in hexdigits for c in digits)


def _bounds(given: str, noun: str) -> dict[str, UUID]:
    digits = _digits(given)
    if not digits or len(digits) > 32 or any(c not in hexdigits for c in digits):
        raise bad_id(f"{given!r} is not {_a(noun)} id (a UUID, or the start of one)")
    # a range on the primary key rather than a text match: an index lookup at any size
    return {"low": UUID(digits.ljust(32, "0")), "high": UUID(digits.ljust(32, "f"))}


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def check_slugs(conn: "Connection", given: list[str]) -> None:
    """Exit 2 with one line listing the organizations there are when any slug in
    ``given`` names none (a filter on an unknown slug would list nothing, silently)."""
    from resources.sql_files import sql

    known = conn.execute(sql("tenancy/organization_slugs")).scalars().all()
    unknown = [slug for slug in given if slug not in known]
    if unknown:
        names = ", ".join(repr(slug) for slug in unknown)
        raise bad_id(f"no organization has the slug {names}; known: {', '.join(known)}")
