"""Small database helpers shared by the demo-data modules.

Statements are .sql files under sql/demo/ (one per statement, lowercase, bound
parameters), loaded with ``sql("demo/<name>")``; this module only runs them, and
bulk loads the one large table (api_usage) with COPY.
"""

import json
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, TextClause

# the column list of a `copy <table> (<columns>) from stdin` statement
_COPY_COLUMNS = re.compile(r"\bcopy\s+[\w.]+\s*\(([^)]*)\)\s*from\s+stdin\b", re.IGNORECASE)


def as_json(value: object) -> str:
    """JSON text for a jsonb parameter.

    Sorted keys and fixed separators, so the same value always produces the
    same text (handy when comparing two loads).
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def insert_rows(
    conn: Connection, statement: TextClause, rows: Sequence[Mapping[str, object]]
) -> None:
    """Run one parameterised insert for every row (a single executemany)."""
    if rows:
        conn.execute(statement, [dict(row) for row in rows])


def copy_columns(statement: TextClause) -> list[str]:
    """The column list of a ``copy <table> (<columns>) from stdin`` statement."""
    found = _COPY_COLUMNS.search(statement.text)
    if found is None:
        raise ValueError("not a `copy <table> (<columns>) from stdin` statement")
    return [name.strip() for name in found.group(1).split(",")]


def copy_frame(
    conn: Connection, statement: TextClause, frame: pd.DataFrame, chunk_rows: int = 50_000
) -> None:
    """COPY a DataFrame with ``statement``, whose column list must be the frame's, in order.

    COPY is an order of magnitude faster than executemany for hundreds of
    thousands of rows. Rows are sent in COPY's text format, formatted column by
    column with numpy; pandas' to_csv spent seconds formatting timestamps alone.
    """
    # COPY matches fields to columns by position: a frame in another order would put
    # values in the wrong columns, silently where their types agree (the uuids)
    if copy_columns(statement) != list(frame.columns):
        raise ValueError(
            f"the COPY statement's columns {copy_columns(statement)} are not the frame's "
            f"{list(frame.columns)}"
        )
    columns = [_text_column(frame[name]) for name in frame.columns]
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(statement.text) as copy:
        for start in range(0, len(frame), chunk_rows):
            rows = zip(*(column[start : start + chunk_rows] for column in columns), strict=True)
            copy.write("".join("\t".join(row) + "\n" for row in rows))


NULL = "\\N"  # COPY text format's null marker


def _text_column(series: pd.Series) -> list[str]:
    """One column as COPY text-format fields."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        utc = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
        return list(np.char.add(np.datetime_as_string(utc, unit="us"), "+00"))
    if pd.api.types.is_numeric_dtype(series.dtype) and not series.hasnans:
        return list(series.to_numpy().astype(str))
    if (
        pd.api.types.is_string_dtype(series.dtype)
        and not series.hasnans
        and not series.str.contains(r"[\\\t\n\r]").any()
    ):
        return series.tolist()  # the common case: nothing to escape, nothing null
    return [
        NULL if value is None or value is pd.NA or value != value else _escape(str(value))
        for value in series.tolist()
    ]


def _escape(value: str) -> str:
    # the text format's only special characters: backslash, tab, newline, carriage return
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value
