"""A compliance run in numbers and markdown, for the asset's materialization metadata."""

from collections import Counter
from collections.abc import Sequence

from assets.compliance.process import AssetVerdict
from assets.compliance.results import STATUSES

PREVIEW_ROWS = 20


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def summarise(verdicts: Sequence[AssetVerdict]) -> dict:
    """Counts, rates and markdown tables of one run's verdicts."""
    saved = [v for v in verdicts if v.saved]
    by_status = Counter(v.status for v in saved)
    violations = Counter(name for v in saved for name in dict.fromkeys(v.violations))
    errors = [v for v in verdicts if not v.saved]
    scores = [v.score for v in saved if v.score is not None]
    summary = {
        "assets_scored": len(saved),
        "not_scored": len(errors),
        "pass_rate": round(by_status["passed"] / len(saved), 4) if saved else None,
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        **{status: by_status.get(status, 0) for status in STATUSES},
        "by_status": _status_table(by_status, len(saved)),
        "most_common_violations": _violation_table(violations, len(saved)),
    }
    if saved:
        summary["lowest_scores"] = _preview(sorted(saved, key=lambda v: v.score or 0))
    if errors:
        summary["not_scored_details"] = "\n".join(
            ["| asset | brand | platform | reason |", "| --- | --- | --- | --- |"]
            + [
                f"| {v.asset_id} | {_cell(v.brand)} | {v.platform} | {_cell(v.error)} |"
                for v in errors[:PREVIEW_ROWS]
            ]
        )
    return summary


def _status_table(by_status: Counter, total: int) -> str:
    lines = ["| status | assets | share |", "| --- | ---: | ---: |"]
    for status in STATUSES:
        count = by_status.get(status, 0)
        lines.append(
            f"| {status} | {count} | {count / total:.0%} |" if total else f"| {status} | 0 | – |"
        )
    return "\n".join(lines)


def _violation_table(violations: Counter, total: int) -> str:
    if not violations:
        return "No violations." if total else "Nothing scored."
    lines = ["| violation | assets | share of scored |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {n} | {n / total:.0%} |" for name, n in violations.most_common(10)]
    return "\n".join(lines)


def _preview(verdicts: Sequence[AssetVerdict]) -> str:
    lines = [
        "| asset | brand | platform | score | status | violations |",
        "| --- | --- | --- | ---: | --- | --- |",
    ]
    for v in verdicts[:PREVIEW_ROWS]:
        lines.append(
            f"| {v.asset_id} | {_cell(v.brand)} | {v.platform} | {v.score:.1f} | {v.status} "
            f"| {_cell(', '.join(v.violations) or '–')} |"
        )
    return "\n".join(lines)
