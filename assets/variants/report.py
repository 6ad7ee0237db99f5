"""What a variants run tells the Dagster UI: counts, bytes, SSIM, a preview table."""

from statistics import fmean

from assets.variants.batch import RunSummary
from core.tables import markdown_table

PREVIEW_ROWS = 30
PROBLEM_ROWS = 50
PREVIEW_COLUMNS = (
    "asset", "placement", "format", "pixels", "KB", "quality", "SSIM", "crop", "file",
)


def summary_metadata(summary: RunSummary) -> dict:
    variants = summary.variants
    scores = [v.rendition.quality_score for v in variants]
    passes = [v.rendition.optimization["encode_passes"] for v in variants]
    return {
        "assets_considered": len(summary.outcomes),
        "assets_rendered": summary.count("rendered"),
        "assets_failed": summary.count("failed"),
        "assets_skipped": summary.count("skipped"),
        "renditions": len(variants),
        "bytes": sum(len(v.rendition.data) for v in variants),
        "mean_ssim": round(fmean(scores), 4) if scores else 0.0,
        "min_ssim": round(min(scores), 4) if scores else 0.0,
        "mean_encode_passes": round(fmean(passes), 2) if passes else 0.0,
    }


def preview_markdown(summary: RunSummary, limit: int = PREVIEW_ROWS) -> str:
    rows = []
    for outcome in summary.outcomes:
        for saved in outcome.variants:
            r = saved.rendition
            crop = r.optimization["crop"]
            strategy = crop["strategy"]
            if crop["fill_fraction"]:
                strategy += f" (fill {crop['fill_fraction']:.0%})"
            if crop["zones_cut"]:
                strategy += f" (cut {', '.join(crop['zones_cut'])})"
            rows.append(
                (
                    outcome.asset_id[:8],
                    f"{r.platform}.{r.placement}",
                    r.format,
                    f"{r.width}×{r.height}",
                    f"{len(r.data) / 1024:.0f}",
                    r.quality or "—",
                    f"{r.quality_score:.4f}",
                    strategy,
                    saved.key.rsplit("/", 1)[-1],
                )
            )
    return markdown_table(PREVIEW_COLUMNS, rows, limit=limit, right=("KB", "quality", "SSIM"))


def problems_markdown(summary: RunSummary) -> str | None:
    """Failed and skipped assets with their reasons; None when there are none."""
    rows = [o for o in summary.outcomes if o.status != "rendered"]
    if not rows:
        return None
    # failures first: they need someone; skips are routine
    rows.sort(key=lambda o: o.status != "failed")
    return markdown_table(
        ("asset", "platform", "status", "reason"),
        [(o.asset_id, o.platform, o.status, o.reason or "") for o in rows],
        limit=PROBLEM_ROWS,
    )
