"""Run-metadata tables: one builder (core/tables.py), one escaping rule, used by the stages.

Tables are read back by splitting rows on their cell separators, so a value that could
end a cell or a row early shows up as a wrong column count."""

import math
import uuid

from assets.approvals.definitions import _escalation_table, _routing_table
from assets.approvals.escalation import Escalated
from assets.approvals.routing import Routed
from assets.compliance.report import PREVIEW_ROWS, summarise
from assets.compliance.verdicts import AssetVerdict
from core.tables import EMPTY, cell, markdown_table


def _rows(table: str) -> list[list[str]]:
    """The cells of every table line (header and rule included), trimmed."""
    return [
        [part.strip() for part in line.strip()[1:-1].split(" | ")]
        for line in table.splitlines()
        if line.startswith("|")
    ]


def test_cell_escapes_separators_and_leaves_empty_values_empty() -> None:
    assert cell("a|b\nc") == "a/b c"
    assert cell(None) == ""
    assert cell(math.nan) == ""
    assert cell(1 / 3) == "0.333333"
    assert cell(12) == "12"


def test_table_has_header_rule_rows_and_tells_how_many_more() -> None:
    rows = [(f"name {i}", i) for i in range(7)]
    table = markdown_table(("name", "count"), rows, limit=5, right=("count",))
    parsed = _rows(table)
    assert parsed[0] == ["name", "count"]
    assert parsed[1] == ["---", "---:"]
    assert parsed[2:] == [[f"name {i}", str(i)] for i in range(5)]
    assert table.endswith("… and 2 more")
    assert markdown_table(("a",), []) == EMPTY
    assert markdown_table(("a",), [], empty="nothing") == "nothing"
    assert len(_rows(markdown_table(("a",), [(i,) for i in range(30)], limit=None))) == 32


def test_compliance_summary_keeps_its_columns_whatever_the_brand_is_called() -> None:
    brand = "Pipe | and\nnewline"
    verdicts = [
        AssetVerdict(
            str(i), "r", brand, "instagram", "needs_review", 50.0 + i, ["logo|present"], saved=True
        )
        for i in range(PREVIEW_ROWS + 3)
    ] + [AssetVerdict("x", "r", brand, "x", None, error="kit | broken", saved=False)]
    summary = summarise(verdicts)
    for key, columns in (
        ("lowest_scores", 6),
        ("not_scored_details", 4),
        ("by_status", 3),
        ("most_common_violations", 3),
    ):
        parsed = _rows(summary[key])
        assert {len(row) for row in parsed} == {columns}, (key, summary[key])
    lowest = _rows(summary["lowest_scores"])
    assert lowest[2] == [
        "0",
        "Pipe / and newline",
        "instagram",
        "50.0",
        "needs_review",
        "logo/present",
    ]
    assert len(lowest) == 2 + PREVIEW_ROWS
    assert summary["lowest_scores"].endswith("… and 3 more")
    assert _rows(summary["not_scored_details"])[2] == [
        "x",
        "Pipe / and newline",
        "x",
        "kit / broken",
    ]
    # the share recomputed: 23 needs_review out of 23 scored
    assert ["needs_review", str(PREVIEW_ROWS + 3), "100%"] in _rows(summary["by_status"])


def test_approval_tables_cut_long_values_and_escape_them() -> None:
    routed = [
        Routed("r1", "Launch | spring", "awaiting_approval", "Default", approvers=("a@x", "b@x")),
        Routed("r2", "t" * 80, "not_routed", None, detail="no | workflow\n" + "d" * 300),
    ]
    parsed = _rows(_routing_table(routed))
    assert parsed[2] == ["Launch / spring", "awaiting_approval", "Default", "a@x, b@x"]
    assert parsed[3][0] == "t" * 60 and parsed[3][2] == ""
    assert len(parsed[3][3]) == 200 and parsed[3][3].startswith("no / workflow ")
    done = [Escalated(uuid.uuid4(), "A|B", 2, "Legal", ("owner@x",), uuid.uuid4())]
    assert _rows(_escalation_table(done))[2] == ["A/B", "2 Legal", "owner@x"]
    assert "|" not in _escalation_table([])
