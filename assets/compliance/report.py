"""A compliance run in numbers and markdown, for the asset's materialization metadata."""

from collections import Counter
from collections.abc import Sequence

from assets.compliance.results import STATUSES
from assets.compliance.verdicts import AssetVerdict
from core.tables import markdown_table

PREVIEW_ROWS = 20


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
        summary["not_scored_details"] = markdown_table(
            ("asset", "brand", "platform", "reason"),
            [(v.asset_id, v.brand, v.platform, v.error) for v in errors],
            limit=PREVIEW_ROWS,
        )
    return summary


def _status_table(by_status: Counter, total: int) -> str:
    rows = [
        (
            status,
            by_status.get(status, 0),
            f"{by_status.get(status, 0) / total:.0%}" if total else "–",
        )
        for status in STATUSES
    ]
    return markdown_table(
        ("status", "assets", "share"), rows, limit=None, right=("assets", "share")
    )


def _violation_table(violations: Counter, total: int) -> str:
    if not violations:
        return "No violations." if total else "Nothing scored."
    return markdown_table(
        ("violation", "assets", "share of scored"),
        [(name, n, f"{n / total:.0%}") for name, n in violations.most_common(10)],
        limit=None,
        right=("assets", "share of scored"),
    )


def _preview(verdicts: Sequence[AssetVerdict]) -> str:
    return markdown_table(
        ("asset", "brand", "platform", "score", "status", "violations"),
        [
            (
                v.asset_id,
                v.brand,
                v.platform,
                f"{v.score:.1f}",
                v.status,
                ", ".join(v.violations) or "–",
            )
            for v in verdicts
        ],
        limit=PREVIEW_ROWS,
        right=("score",),
    )
