"""Markdown for the analytics assets' metadata (previews, problem lists). No Dagster.

The tables themselves are core/tables.py's, with its one escaping rule; here a
DataFrame becomes its columns and rows."""

from collections.abc import Sequence

import pandas as pd

from core.tables import markdown_table as table


def markdown_table(frame: pd.DataFrame, limit: int = 20) -> str:
    """A DataFrame as a markdown table (the first ``limit`` rows)."""
    return table(list(frame.columns), frame.itertuples(index=False), limit=limit)


def records_table(columns: Sequence[str], rows: Sequence[Sequence[object]], limit: int = 20) -> str:
    return table(columns, rows, limit=limit)
