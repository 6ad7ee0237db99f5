"""Every table and column of the entity-relationship design exists with its type.

The expected columns are parsed from the design itself (docs/ER_DESIGN.md, the
entity-relationship design the project was seeded with), so a change to the design
shows up here as a failing test, not as silent drift.
"""

import re
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

REPO_ROOT = Path(__file__).resolve().parents[1]
DESIGN_FILE = REPO_ROOT / "docs" / "ER_DESIGN.md"

# ER diagram type -> (information_schema data_type, udt_name)
TYPE_MAP = {
    "uuid": ("uuid", "uuid"),
    "varchar": ("character varying", "varchar"),
    "text": ("text", "text"),
    "jsonb": ("jsonb", "jsonb"),
    "text_array": ("ARRAY", "_text"),
    "inet": ("inet", "inet"),
    "timestamp": ("timestamp with time zone", "timestamptz"),
    "decimal": ("numeric", "numeric"),
    "date": ("date", "date"),
    "boolean": ("boolean", "bool"),
    "integer": ("integer", "int4"),
    "bigint": ("bigint", "int8"),
}

ENTITY = re.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*\{\s*$")
KEYS = r"(?:PK|FK|UK)(?:\s*,\s*(?:PK|FK|UK))*"
ATTRIBUTE = re.compile(rf"^\s*([a-z_]+)\s+([a-z_][a-z0-9_]*)(?:\s+{KEYS})?\s*$")


def find_design() -> Path:
    assert "erDiagram" in DESIGN_FILE.read_text(), f"{DESIGN_FILE} holds no erDiagram"
    return DESIGN_FILE


def parse_er_design(source: str) -> dict[str, dict[str, str]]:
    """{table: {column: ER type}} from the mermaid erDiagram entity blocks."""
    tables: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in source.splitlines():
        if current is None:
            match = ENTITY.match(line)
            if match:
                current = tables.setdefault(match.group(1).lower(), {})
            continue
        if line.strip() == "}":
            current = None
            continue
        if not line.strip() or line.strip().startswith("%%"):
            continue
        match = ATTRIBUTE.match(line)
        if not match:
            raise ValueError(f"unparsed attribute line in the ER design: {line!r}")
        er_type, column = match.groups()
        current[column] = er_type
    return tables


DESIGN = parse_er_design(find_design().read_text())


def test_design_parses_to_the_eighteen_tables():
    assert len(DESIGN) == 18, sorted(DESIGN)
    assert DESIGN["users"]["email"] == "varchar"
    assert DESIGN["background_jobs"]["content_request_id"] == "uuid"
    unknown = {t for cols in DESIGN.values() for t in cols.values()} - TYPE_MAP.keys()
    assert not unknown, f"ER types without a mapping: {unknown}"


def test_parser_reads_keys_and_rejects_garbage():
    parsed = parse_er_design("erDiagram\n  THINGS {\n    uuid id PK\n    varchar name UK\n  }\n")
    assert parsed == {"things": {"id": "uuid", "name": "varchar"}}
    with pytest.raises(ValueError):
        parse_er_design("  THINGS {\n    what is this\n  }\n")


def test_no_table_is_missing(conn: Connection):
    existing = set(
        conn.execute(
            text(
                "select table_name from information_schema.tables "
                "where table_schema = 'public' and table_type = 'BASE TABLE'"
            )
        ).scalars()
    )
    assert set(DESIGN) - existing == set()


@pytest.mark.parametrize("table", sorted(DESIGN))
def test_table_has_every_design_column_with_its_type(conn: Connection, table: str):
    actual = {
        row.column_name: (row.data_type, row.udt_name)
        for row in conn.execute(
            text(
                "select column_name, data_type, udt_name from information_schema.columns "
                "where table_schema = 'public' and table_name = :table"
            ),
            {"table": table},
        )
    }
    assert actual, f"table {table} does not exist"
    missing = sorted(set(DESIGN[table]) - set(actual))
    assert not missing, f"{table} lacks design columns {missing}"
    wrong = {
        column: {"design": er_type, "expected": TYPE_MAP[er_type], "actual": actual[column]}
        for column, er_type in DESIGN[table].items()
        if actual[column] != TYPE_MAP[er_type]
    }
    assert not wrong, f"{table} columns with the wrong type: {wrong}"


@pytest.mark.parametrize("table", sorted(DESIGN))
def test_uuid_key_defaults_to_gen_random_uuid(conn: Connection, table: str):
    row = conn.execute(
        text(
            "select c.column_default, "
            "  (select array_agg(a.attname::text) from pg_index i "
            "   join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) "
            "   where i.indrelid = format('public.%I', cast(:table as text))::regclass"
            "     and i.indisprimary"
            "  ) as primary_key "
            "from information_schema.columns c "
            "where c.table_schema = 'public' and c.table_name = :table and c.column_name = 'id'"
        ),
        {"table": table},
    ).one()
    # a partitioned table's key includes its partition key (0013, docs/SCHEMA.md)
    partition_key = {"api_usage": ["request_timestamp"], "user_activity_logs": ["created_at"]}
    assert sorted(row.primary_key) == sorted(["id", *partition_key.get(table, [])])
    assert row.column_default == "gen_random_uuid()"
