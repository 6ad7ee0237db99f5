"""The demo answers "does brand compliance pay?" both ways (issue 20): over the archive
of published posts (pipeline_defs/demo_data/archive.py), with the demo's engagement
model, Instagram's on-brand band is clearly above the platform baseline and LinkedIn's
is not told apart from it, estimated as the gallery page does. No rendering: the
archive's images are planned, scored and measured exactly as the loader does."""

from collections import defaultdict
from datetime import date

from assets.analytics.compliance_intervals import ImageWeek, Minimum, estimate_groups
from assets.placements import primary_placement
from pipeline_defs.demo_data import engagement, history
from pipeline_defs.demo_data.archive import (
    ARCHIVE_POSTS,
    archive_published_at,
    archive_requests,
)

# the model's default minimums
MINIMUM = Minimum(images=20, impressions=5000)


def band(score: float) -> str:
    return "<70" if score < 70 else "70-90" if score < 90 else ">=90"


def estimates_by_platform(anchor: date) -> dict[str, dict[str, object]]:
    images = defaultdict(list)
    for request in archive_requests(anchor):
        (platform,) = request.platforms
        asset_id = history.history_asset_id(request, platform)
        score = history.demo_score(asset_id)
        asset = history.DemoAsset(
            asset_id, request, platform, primary_placement(platform), None, "local", score
        )
        rows = engagement.analytics_rows(asset, archive_published_at(request), anchor)
        images[platform].append(
            ImageWeek(
                band(score),
                frozenset(),
                sum(r["impressions"] for r in rows),
                sum(r["likes"] + r["shares"] + r["comments"] + r["saves"] for r in rows),
            )
        )
    return {
        platform: {g.group_name: g for g in estimate_groups(cell, MINIMUM, platform)}
        for platform, cell in images.items()
    }


def test_the_archive_shows_a_clear_and_an_inconclusive_case() -> None:
    for anchor in (date(2026, 12, 6), date(2028, 2, 28)):
        estimates = estimates_by_platform(anchor)
        assert set(estimates) == set(ARCHIVE_POSTS["northwind-coffee"])
        assert "instagram" in engagement.COMPLIANCE_EDGE
        assert "linkedin" not in engagement.COMPLIANCE_EDGE
        on_brand = estimates["instagram"][">=90"]
        assert on_brand.interval is not None and on_brand.interval.low > 0, anchor
        none = estimates["linkedin"][">=90"]
        assert none.interval is not None and none.interval.contains(0.0), anchor
