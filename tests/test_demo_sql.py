"""The demo data's SQL lives in sql/demo/, one statement a file, as the product's does.

No module of socialpipe/demo/ writes a statement of its own: each names a file with
``sql("demo/<name>")``. The scanner is tested on a module written the old way first,
so that a pass below means "no inline SQL", not "a scanner that finds nothing".
"""

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from resources.paths import PROJECT_ROOT, SQL_DIR
from resources.sql_files import sql
from socialpipe.demo import api_usage
from socialpipe.demo.db import copy_columns, copy_frame

DEMO_PACKAGE = PROJECT_ROOT / "socialpipe" / "demo"
DEMO_SQL = SQL_DIR / "demo"

# the start of a statement of each kind the demo runs or could run
STATEMENT = re.compile(
    r"\b(insert\s+into|update\s+\w+\s+set|delete\s+from|select\b[\s\S]*\bfrom|"
    r"create\s+(temp|temporary\s+)?\s*table|drop\s+table|copy\s+\w+[\s\S]*\bfrom\s+stdin|"
    r"on\s+conflict|pg_advisory\w*\()",
    re.IGNORECASE,
)
# ways to turn a Python string into a statement
SQL_BUILDERS = {("sqlalchemy", "text"), ("psycopg", "sql"), ("psycopg.sql", "SQL")}


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring nodes (prose may name a statement, e.g. ``on conflict``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def inline_sql(source: str) -> list[str]:
    """What in ``source`` is SQL written in Python: statement strings, and imports or
    attribute uses of SQLAlchemy's ``text`` or psycopg's ``sql`` composition."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and STATEMENT.search(node.value):
                found.append(f"line {node.lineno}: statement {node.value.strip()[:40]!r}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in SQL_BUILDERS:
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "psycopg.sql":
                    found.append(f"line {node.lineno}: import psycopg.sql")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in SQL_BUILDERS
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


OLD_STYLE = '''
"""Module docstring that mentions ``on conflict (id) do nothing``: prose, allowed."""
import sqlalchemy
from sqlalchemy import Connection, text
from psycopg import sql as psql

COUNT = "select count(*) from users where id = any(:ids)"


def insert(conn: Connection, rows) -> None:
    """Inserts with ``insert into users``: prose, allowed."""
    conn.execute(text("""
        INSERT INTO users (id) VALUES (:id)
        ON CONFLICT (id) DO NOTHING
    """), rows)
    conn.execute(sqlalchemy.text("drop table stage"))
    conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": 1})
    draw.text((0, 0), "Update the app")  # Pillow's text and a title: not SQL
'''


def test_the_scanner_finds_statements_and_builders_but_not_prose() -> None:
    found = inline_sql(OLD_STYLE)
    assert "line 4: from sqlalchemy import text" in found
    assert "line 5: from psycopg import sql" in found
    assert any(f.startswith("line 7: statement 'select count(*)") for f in found)
    assert any(f.startswith("line 12: statement 'INSERT INTO users") for f in found)
    assert "line 16: sqlalchemy.text" in found
    assert any(f.startswith("line 16: statement 'drop table stage'") for f in found)
    assert any(f.startswith("line 17: statement 'select pg_advisory") for f in found)
    # neither docstring, nor the Pillow call and its title, is reported
    assert not any(f.startswith(("line 2:", "line 11:", "line 18:")) for f in found)


def test_no_demo_module_holds_inline_sql() -> None:
    modules = sorted(DEMO_PACKAGE.glob("*.py"))
    assert len(modules) > 20  # the package, not an empty folder
    offenders = {
        module.name: found for module in modules if (found := inline_sql(module.read_text()))
    }
    assert offenders == {}


def _statement_names() -> dict[str, set[str]]:
    """Every ``sql("demo/<name>")`` in the demo package, by name: the modules naming it."""
    names: dict[str, set[str]] = {}
    for module in DEMO_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "sql"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.setdefault(node.args[0].value, set()).add(module.name)
    return names


def test_every_named_statement_is_a_file_and_every_file_is_run() -> None:
    names = _statement_names()
    assert all(name.startswith("demo/") for name in names), sorted(names)
    files = {f"demo/{path.stem}" for path in DEMO_SQL.glob("*.sql")}
    assert set(names) - files == set()  # named but missing
    assert files - set(names) == set()  # left behind, run by nothing


def _without_comments_and_literals(statement: str) -> str:
    statement = re.sub(r"--[^\n]*", "", statement)
    return re.sub(r"'(?:[^']|'')*'", "''", statement)


@pytest.mark.parametrize("path", sorted(DEMO_SQL.glob("*.sql")), ids=lambda path: path.name)
def test_demo_sql_files_are_lowercase_commented_and_bound(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("-- "), "a file opens with a comment that says why"
    code = _without_comments_and_literals(text)
    assert code == code.lower()
    # values come in as bound parameters, never as Python formatting
    assert not re.search(r"%\(|%s\b|\{\w*\}", code)
    # one statement a file
    assert code.strip().rstrip(";").count(";") == 0


def test_copy_refuses_a_frame_in_another_column_order() -> None:
    statement = sql("demo/copy_api_usage_stage")
    assert copy_columns(statement) == list(api_usage.COLUMNS)
    assert copy_columns(statement)[:3] == ["id", "organization_id", "user_id"]
    swapped = list(api_usage.COLUMNS)
    swapped[1], swapped[2] = swapped[2], swapped[1]  # both uuid columns
    frame = pd.DataFrame({name: ["x"] for name in swapped})
    # refused before any row is sent, so no connection is needed to see it
    with pytest.raises(ValueError, match="not the frame's"):
        copy_frame(None, statement, frame)  # type: ignore[arg-type]
