"""Small database helpers shared by the demo-data modules.

Statements are written out per table in the module that owns the table (plain
lowercase SQL with bound parameters); this module only runs them, and bulk
loads the one large table (api_usage) with COPY.
"""

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from psycopg import sql
from sqlalchemy import Connection, text


def as_json(value: object) -> str:
    """JSON text for a jsonb parameter.

    Sorted keys and fixed separators, so the same value always produces the
    same text (handy when comparing two loads).
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def insert_rows(conn: Connection, statement: str, rows: Sequence[Mapping[str, object]]) -> None:
    """Run one parameterised insert for every row (a single executemany)."""
    if rows:
        conn.execute(text(statement), [dict(row) for row in rows])


def copy_frame(conn: Connection, table: str, frame: pd.DataFrame, chunk_rows: int = 50_000) -> None:
    """COPY a DataFrame into ``table`` (its columns named like the frame's).

    COPY is an order of magnitude faster than executemany for hundreds of
    thousands of rows. Rows are sent in COPY's text format, formatted column by
    column with numpy; pandas' to_csv spent seconds formatting timestamps alone.
    """
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    )
    columns = [_text_column(frame[name]) for name in frame.columns]
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
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
