"""Markdown tables for run metadata: the one builder every stage uses. No Dagster.

One escaping rule for every cell: a `|` is shown as `/` and a line break as a space,
so that no value can end a cell or a row early; an empty value (None, NaN, pandas' NA)
is an empty cell; a float keeps six significant digits.
"""

import math
from collections.abc import Iterable, Sequence

EMPTY = "_no rows_"


def cell(value: object) -> str:
    """One value as the text of a table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ == "NAType":  # pandas' NA, without importing pandas here
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value).replace("|", "/").replace("\n", " ")


def markdown_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    limit: int | None = 20,
    right: Sequence[str] = (),
    empty: str = EMPTY,
) -> str:
    """The rows under a header of ``columns``: the first ``limit`` rows (all when None),
    then a line saying how many more there were. Columns named in ``right`` are aligned
    right (counts, amounts)."""
    rows = list(rows)
    if not rows:
        return empty
    shown = rows if limit is None else rows[:limit]
    rule = ["---:" if name in right else "---" for name in columns]
    lines = [
        "| " + " | ".join(cell(name) for name in columns) + " |",
        "| " + " | ".join(rule) + " |",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in shown]
    if len(rows) > len(shown):
        lines.append(f"\n… and {len(rows) - len(shown)} more")
    return "\n".join(lines)
