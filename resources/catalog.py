"""What the database's catalog says about a table, and what docs/ says its columns mean.

Plain SQLAlchemy (no Dagster): assets/catalog.py turns it into the catalog metadata the
Dagster UI shows (column schema, row count, table name).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, column, func, select, table

from resources.paths import PROJECT_ROOT
from resources.sql_files import sql

# the column meanings: docs/SCHEMA.md first, then the analytics columns of ANALYTICS.md
MEANING_DOCS = (PROJECT_ROOT / "docs" / "SCHEMA.md", PROJECT_ROOT / "docs" / "ANALYTICS.md")
_HEADING = re.compile(r"^#{2,3} `?([a-z][a-z0-9_]*)`?(?:[\s:,(]|$)")
_ROW = re.compile(r"^\| `([a-z][a-z0-9_]*)` \| (.+?) \|\s*$")


@dataclass(frozen=True)
class CatalogColumn:
    name: str
    data_type: str
    nullable: bool


def table_columns(conn: Connection, table_name: str) -> list[CatalogColumn]:
    rows = conn.execute(sql("catalog/table_columns"), {"table_name": table_name})
    return [CatalogColumn(row.name, row.data_type, row.nullable) for row in rows]


def row_count(conn: Connection, table_name: str, scope: Mapping[str, object] | None = None) -> int:
    """Rows of the table, or of the part of it an asset owns (``scope``: {column: value},
    e.g. the weekly rows of content_analytics). Names are identifiers, quoted by
    SQLAlchemy (they cannot be bound parameters); values are bound."""
    query = select(func.count()).select_from(table(table_name))
    for name, value in (scope or {}).items():
        query = query.where(column(name) == value)
    return conn.execute(query).scalar_one()


@cache
def column_meanings(docs: tuple[Path, ...] = MEANING_DOCS) -> dict[str, dict[str, str]]:
    """{table: {column: meaning}} from the `| column | meaning |` tables under each
    `## table` / `### \\`table\\`` heading; the first meaning given for a column wins."""
    meanings: dict[str, dict[str, str]] = {}
    for path in docs:
        current = None
        for line in path.read_text().splitlines() if path.exists() else []:
            heading = _HEADING.match(line)
            if line.startswith("#"):
                current = heading.group(1) if heading else None
                continue
            row = _ROW.match(line)
            if current and row:
                meanings.setdefault(current, {}).setdefault(row.group(1), row.group(2).strip())
    return meanings
