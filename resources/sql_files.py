"""The DML the assets run, kept as .sql files under sql/ and bound with parameters."""

from functools import cache

from sqlalchemy import TextClause, text

from resources.paths import SQL_DIR


@cache
def sql(name: str) -> TextClause:
    """`sql("requests/claim_submitted_requests")` → the statement in that file."""
    return text((SQL_DIR / f"{name}.sql").read_text())
