"""What a variants run tells the Dagster UI: counts, bytes, SSIM, a preview table."""

from statistics import fmean

from assets.variants.batch import RunSummary

PREVIEW_ROWS = 30
PROBLEM_ROWS = 50


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


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
    lines = [
        "| asset | placement | format | pixels | KB | quality | SSIM | crop | file |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    rows = [(o, v) for o in summary.outcomes for v in o.variants]
    for outcome, saved in rows[:limit]:
        r = saved.rendition
        crop = r.optimization["crop"]
        strategy = crop["strategy"]
        if crop["fill_fraction"]:
            strategy += f" (fill {crop['fill_fraction']:.0%})"
        if crop["zones_cut"]:
            strategy += f" (cut {', '.join(crop['zones_cut'])})"
        lines.append(
            f"| {outcome.asset_id[:8]} | {r.platform}.{r.placement} | {r.format} "
            f"| {r.width}×{r.height} | {len(r.data) / 1024:.0f} | {r.quality or '—'} "
            f"| {r.quality_score:.4f} | {strategy} | {_cell(saved.key.rsplit('/', 1)[-1])} |"
        )
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more renditions.")
    return "\n".join(lines)


def problems_markdown(summary: RunSummary) -> str | None:
    """Failed and skipped assets with their reasons; None when there are none."""
    rows = [o for o in summary.outcomes if o.status != "rendered"]
    if not rows:
        return None
    # failures first: they need someone; skips are routine
    rows.sort(key=lambda o: o.status != "failed")
    lines = ["| asset | platform | status | reason |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {o.asset_id} | {o.platform} | {o.status} | {_cell(o.reason or '')} |"
        for o in rows[:PROBLEM_ROWS]
    ]
    if len(rows) > PROBLEM_ROWS:
        lines.append(f"\n… and {len(rows) - PROBLEM_ROWS} more.")
    return "\n".join(lines)
