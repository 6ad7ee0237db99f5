"""Markdown for the analytics assets' metadata (previews, problem lists). No Dagster."""

import math
from collections.abc import Sequence

import pandas as pd


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value).replace("|", "/").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, limit: int = 20) -> str:
    """A DataFrame as a markdown table (the first ``limit`` rows)."""
    if frame.empty:
        return "_no rows_"
    shown = frame.head(limit)
    lines = [
        "| " + " | ".join(shown.columns) + " |",
        "| " + " | ".join("---" for _ in shown.columns) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in shown.itertuples(False)]
    if len(frame) > limit:
        lines.append(f"\n… and {len(frame) - limit} more")
    return "\n".join(lines)


def records_table(columns: Sequence[str], rows: Sequence[Sequence[object]], limit: int = 20) -> str:
    return markdown_table(pd.DataFrame(list(rows), columns=list(columns)), limit)
