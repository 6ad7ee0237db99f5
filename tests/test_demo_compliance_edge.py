"""The demo answers "does brand compliance pay?" both ways (issue 20): over the archive
of published posts (socialpipe/demo/archive.py), with the demo's engagement
model, Instagram's on-brand band is clearly above the platform baseline and LinkedIn's
is not told apart from it, estimated as the gallery page does.

The archive's images are rendered and scored as the loader does it
(history.render_assets with archive.archive_drift: the real scorer on the real
pixels), once for the module; what the engagement model and the estimate make of
them is then computed for two anchors (the images do not depend on the day)."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from assets.analytics.compliance_intervals import ImageWeek, Minimum, estimate_groups
from core.placements import primary_placement
from socialpipe.demo import engagement, history
from socialpipe.demo.archive import (
    ARCHIVE_POSTS,
    archive_drift,
    archive_published_at,
    archive_requests,
)
from tests.test_demo_data_history import expected_verdict

# the model's default minimums
MINIMUM = Minimum(images=20, impressions=5000)
ANCHORS = (date(2026, 12, 6), date(2028, 2, 28))


def band(score: float) -> str:
    return "<70" if score < 70 else "70-90" if score < 90 else ">=90"


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict:
    """The real scorer's verdict of every archived post, by request id."""
    media = tmp_path_factory.mktemp("archive-media")
    assets = history.render_assets(media, archive_requests(ANCHORS[0]), ANCHORS[0], archive_drift)
    return {asset.request.id: asset.compliance for asset in assets}


def estimates_by_platform(anchor: date, verdicts: dict) -> dict[str, dict[str, object]]:
    images = defaultdict(list)
    for request in archive_requests(anchor):
        (platform,) = request.platforms
        asset = history.DemoAsset(
            history.history_asset_id(request, platform),
            request,
            platform,
            primary_placement(platform),
            None,
            "local",
            verdicts[request.id],
        )
        rows = engagement.analytics_rows(asset, archive_published_at(request), anchor)
        images[platform].append(
            ImageWeek(
                band(asset.compliance_score),
                frozenset(),
                sum(r["impressions"] for r in rows),
                sum(r["likes"] + r["shares"] + r["comments"] + r["saves"] for r in rows),
            )
        )
    return {
        platform: {g.group_name: g for g in estimate_groups(cell, MINIMUM, platform)}
        for platform, cell in images.items()
    }


def test_the_archive_shows_a_clear_and_an_inconclusive_case(verdicts) -> None:
    assert "instagram" in engagement.COMPLIANCE_EDGE
    assert "linkedin" not in engagement.COMPLIANCE_EDGE
    for anchor in ANCHORS:
        estimates = estimates_by_platform(anchor, verdicts)
        assert set(estimates) == set(ARCHIVE_POSTS["northwind-coffee"])
        on_brand = estimates["instagram"][">=90"]
        assert on_brand.interval is not None and on_brand.interval.low > 0, anchor
        none = estimates["linkedin"][">=90"]
        assert none.interval is not None and none.interval.contains(0.0), anchor


def test_archived_posts_are_scored_in_every_band(verdicts) -> None:
    requests = archive_requests(ANCHORS[0])
    for platform in ARCHIVE_POSTS["northwind-coffee"]:
        bands = Counter(
            band(verdicts[r.id]["score"]) for r in requests if r.platforms == [platform]
        )
        assert set(bands) == {"<70", "70-90", ">=90"}, (platform, bands)
    # what was drawn decides the verdict: on-brand posts pass every rule, drifted ones fail one
    for request in requests:
        failed = {r["rule"] for r in verdicts[request.id]["rules"] if r["passed"] is False}
        drift = archive_drift(request)
        expected = {"palette_adherence"} if drift.background else set()
        expected |= {"logo"} if drift.logo_scale < 1 else set()
        assert failed == expected, (request.id, drift, verdicts[request.id]["rules"])


def test_archived_rule_tables_agree_with_their_scores(verdicts) -> None:
    for request in archive_requests(ANCHORS[0]):
        details, brand = verdicts[request.id], request.brand
        row = {
            "compliance_details": details,
            "compliance_score": details["score"],
            "minimum_compliance_score": brand.minimum_compliance_score,
            "enforcement_level": brand.enforcement_level,
        }
        low, high, status = expected_verdict(row)
        assert low - 0.01 <= details["score"] <= high + 0.01, request.id
        assert details["status"] == status, (request.id, details["rules"])
