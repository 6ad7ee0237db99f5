"""Markdown for the analytics assets' metadata where the rows are a DataFrame. No Dagster.

The table itself is core/tables.py's, with its one escaping rule; rows that are
already tuples go to `core.tables.markdown_table` directly."""

import pandas as pd

from core.tables import markdown_table


def frame_markdown(frame: pd.DataFrame, limit: int = 20) -> str:
    """A DataFrame as a markdown table (the first ``limit`` rows)."""
    return markdown_table(list(frame.columns), frame.itertuples(index=False), limit=limit)
